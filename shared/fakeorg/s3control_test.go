package fakeorg

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"
)

func TestS3ControlAnswersTheAccountPublicAccessBlock(t *testing.T) {
	o := New(testSpec())
	var on, missing *Account
	for _, a := range o.Reachable() {
		switch {
		case a.S3PublicAccessBlock == nil && missing == nil:
			missing = a
		case a.S3PublicAccessBlock != nil && a.S3PublicAccessBlock.BlockPublicPolicy && on == nil:
			on = a
		}
	}
	if on == nil || missing == nil {
		t.Fatal("need an account with the settings and one without")
	}
	ctx := context.Background()
	client := func(a *Account) *s3control.Client {
		return s3control.NewFromConfig(o.MemberConfig(a.ID, a.Regions[0].Name))
	}
	out, err := client(on).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(on.ID)})
	if err != nil {
		t.Fatal(err)
	}
	p := on.S3PublicAccessBlock
	if c := out.PublicAccessBlockConfiguration; aws.ToBool(c.BlockPublicAcls) != p.BlockPublicAcls || aws.ToBool(c.IgnorePublicAcls) != p.IgnorePublicAcls ||
		aws.ToBool(c.BlockPublicPolicy) != p.BlockPublicPolicy || aws.ToBool(c.RestrictPublicBuckets) != p.RestrictPublicBuckets {
		t.Errorf("configuration = %+v, want %+v", c, p)
	}
	for _, tc := range []struct {
		name, code string
		a          *Account
		accountID  string
	}{
		{"never configured", "NoSuchPublicAccessBlockConfiguration", missing, missing.ID},
		{"another account's", "AccessDenied", on, missing.ID},
	} {
		_, err := client(tc.a).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(tc.accountID)})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
		}
	}
}
