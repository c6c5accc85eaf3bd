package fakeorg

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func testSpec() Spec {
	sp := DefaultSpec()
	sp.Now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	sp.Accounts = 12
	return sp
}

func memberConfig(o *Org, base aws.Config, accountID, externalID string) aws.Config {
	cfg := base.Copy()
	prov := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), "arn:aws:iam::"+accountID+":role/"+o.Spec.MemberRole, func(op *stscreds.AssumeRoleOptions) {
		op.ExternalID = aws.String(externalID)
	})
	cfg.Credentials = aws.NewCredentialsCache(prov)
	return cfg
}

func TestSameSeedGeneratesSameOrganization(t *testing.T) {
	a, b := New(testSpec()), New(testSpec())
	if !reflect.DeepEqual(a.Expected(), b.Expected()) || a.ID != b.ID || a.Accounts[3].ID != b.Accounts[3].ID {
		t.Fatal("two orgs from the same spec differ")
	}
}

func TestAssumeRoleAnswersAsTheMemberAccount(t *testing.T) {
	o := New(testSpec())
	base := o.Config()
	acct := o.Accounts[0]
	cfg := memberConfig(o, base, acct.ID, o.Spec.ExternalID)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != acct.ID {
		t.Fatalf("caller account = %s, want %s", aws.ToString(id.Account), acct.ID)
	}
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(out.Regions), o.Spec.Regions+o.Spec.OptOut; got != want {
		t.Fatalf("regions = %d, want %d", got, want)
	}
}

func TestAssumeRoleRefusesWrongExternalIDAndDeniedAccounts(t *testing.T) {
	o := New(testSpec())
	base := o.Config()
	denied := o.DeniedAccounts()
	if len(denied) != 1 {
		t.Fatalf("denied = %v", denied)
	}
	for name, tc := range map[string]struct{ acct, ext string }{
		"wrong external id": {o.Accounts[0].ID, "nope"},
		"denied account":    {denied[0], o.Spec.ExternalID},
	} {
		cfg := memberConfig(o, base, tc.acct, tc.ext)
		_, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
			t.Errorf("%s: err = %v, want AccessDenied", name, err)
		}
	}
	o.Allow()
	cfg := memberConfig(o, base, denied[0], o.Spec.ExternalID)
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("after Allow: %v", err)
	}
}

func TestOrganizationsListsEveryAccountThroughThePaginator(t *testing.T) {
	o := New(testSpec())
	p := organizations.NewListAccountsPaginator(organizations.NewFromConfig(o.Config()), &organizations.ListAccountsInput{MaxResults: aws.Int32(5)})
	n, suspended := 0, 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Accounts {
			n++
			if a.Status != "ACTIVE" {
				suspended++
			}
		}
	}
	if n != o.Spec.Accounts+1 || suspended != o.Spec.Suspended {
		t.Fatalf("listed %d accounts (%d not active), want %d (%d)", n, suspended, o.Spec.Accounts+1, o.Spec.Suspended)
	}
}

func TestThrottlingAnswersWithAWSCodeOnceTheBucketIsEmpty(t *testing.T) {
	sp := testSpec()
	sp.Throttle = true
	o := New(sp)
	cfg := memberConfig(o, o.Config(), o.Accounts[0].ID, sp.ExternalID)
	client := ec2.NewFromConfig(cfg, func(op *ec2.Options) { op.RetryMaxAttempts = 1 })
	var throttled int
	for i := 0; i < 150; i++ {
		_, err := client.DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{})
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "RequestLimitExceeded" {
			throttled++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if throttled < 40 || o.Stats().Throttled != int64(throttled) {
		t.Fatalf("throttled %d of 150 calls (stats %d), want ~50", throttled, o.Stats().Throttled)
	}
}
