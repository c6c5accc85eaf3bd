package ec2

import (
	"context"
	"maps"
	"strings"
	"testing"

	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func TestDefaultEncryptionEmitsTheGroundTruth(t *testing.T) {
	o := fakeorg.New(securitySpec())
	cases := map[string]int{}
	everyRegion(o, func(tgt collect.Target) {
		got := collecttest.Collect(t, DefaultEncryption(), tgt)
		collecttest.AssertRecords(t, got, securityTruth(o, tgt, typeEBSDefaultEncryption))
		for _, r := range got {
			cases["enabled"] += b2i(r.Attributes["enabled"] == true)
			cases["disabled"] += b2i(r.Attributes["enabled"] == false)
			cases["AWS managed key"] += b2i(r.Attributes["kms_key_id"] == "alias/aws/ebs")
			key, _ := r.Attributes["kms_key_id"].(string)
			cases["customer managed key"] += b2i(strings.HasPrefix(key, "arn:aws:kms:"))
		}
	})
	for _, c := range []string{"enabled", "disabled", "AWS managed key", "customer managed key"} {
		if cases[c] == 0 {
			t.Errorf("no region with %s: %v", c, cases)
		}
	}
}

// defaultStub answers a call with an error code instead of the fake.
type defaultStub struct {
	*awsec2.Client
	fail map[string]string // operation → error code
}

func (s defaultStub) GetEbsEncryptionByDefault(ctx context.Context, in *awsec2.GetEbsEncryptionByDefaultInput, opt ...func(*awsec2.Options)) (*awsec2.GetEbsEncryptionByDefaultOutput, error) {
	if code := s.fail["GetEbsEncryptionByDefault"]; code != "" {
		return nil, apiErr(code)
	}
	return s.Client.GetEbsEncryptionByDefault(ctx, in, opt...)
}

func (s defaultStub) GetEbsDefaultKmsKeyId(ctx context.Context, in *awsec2.GetEbsDefaultKmsKeyIdInput, opt ...func(*awsec2.Options)) (*awsec2.GetEbsDefaultKmsKeyIdOutput, error) {
	if code := s.fail["GetEbsDefaultKmsKeyId"]; code != "" {
		return nil, apiErr(code)
	}
	return s.Client.GetEbsDefaultKmsKeyId(ctx, in, opt...)
}

func TestDefaultEncryptionDeniedCallsAreUnreadable(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[0]
	tgt := collecttest.Target(o, a, a.Regions[0].Name)
	truth := securityTruth(o, tgt, typeEBSDefaultEncryption)
	for _, tc := range []struct {
		name       string
		fail       map[string]string
		unreadable []string
	}{
		{"key denied", map[string]string{"GetEbsDefaultKmsKeyId": "UnauthorizedOperation"}, []string{"GetEbsDefaultKmsKeyId"}},
		{"setting denied", map[string]string{"GetEbsEncryptionByDefault": "UnauthorizedOperation"}, []string{"GetEbsEncryptionByDefault"}},
		{"both denied", map[string]string{"GetEbsEncryptionByDefault": "UnauthorizedOperation", "GetEbsDefaultKmsKeyId": "AccessDenied"},
			[]string{"GetEbsDefaultKmsKeyId", "GetEbsEncryptionByDefault"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := defaultStub{Client: awsec2.NewFromConfig(tgt.AWS), fail: tc.fail}
			got := collecttest.Emitted(t, func(emit collect.Emit) error { return collectDefaultEncryption(context.Background(), tgt, api, emit) })
			want := truth[0]
			want.Attributes = maps.Clone(want.Attributes)
			for op := range tc.fail {
				delete(want.Attributes, map[string]string{"GetEbsEncryptionByDefault": "enabled", "GetEbsDefaultKmsKeyId": "kms_key_id"}[op])
			}
			want.Attributes["unreadable"] = tc.unreadable
			collecttest.AssertRecords(t, got, []inventory.Record{want})
		})
	}
	api := defaultStub{Client: awsec2.NewFromConfig(tgt.AWS), fail: map[string]string{"GetEbsDefaultKmsKeyId": "InternalError"}}
	if err := collectDefaultEncryption(context.Background(), tgt, api, func(inventory.Record) error { return nil }); errorCode(err) != "InternalError" {
		t.Fatalf("an InternalError gave %v: the collection must fail", err)
	}
}
