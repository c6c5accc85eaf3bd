package registry

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/cloudtrail"
	"github.com/cloudinv/aws-inventory/shared/collect/ec2"
	"github.com/cloudinv/aws-inventory/shared/collect/guardduty"
	"github.com/cloudinv/aws-inventory/shared/collect/iam"
	"github.com/cloudinv/aws-inventory/shared/collect/lambda"
	"github.com/cloudinv/aws-inventory/shared/collect/rds"
	"github.com/cloudinv/aws-inventory/shared/collect/s3"
	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func TestRegistryCoversEveryConfigType(t *testing.T) {
	var types []string
	for _, c := range All() {
		if c.Collect == nil || c.Service == "" || len(c.Actions) == 0 {
			t.Errorf("%s: incomplete collector %+v", c.Type, c)
		}
		types = append(types, c.Type)
	}
	if !slices.Equal(types, config.KnownTypes()) {
		t.Fatalf("registry types %v, config knows %v", types, config.KnownTypes())
	}
}

// actionFor maps an operation the fake saw to its IAM action, with each
// service package's own table (S3's action names differ from operations).
func actionFor(op string) string {
	for _, f := range []func(string) string{ec2.ActionFor, rds.ActionFor, s3.ActionFor, lambda.ActionFor,
		iam.ActionFor, cloudtrail.ActionFor, guardduty.ActionFor} {
		if a := f(op); a != "" && !strings.HasPrefix(op, "CloudWatch.") {
			return a
		}
	}
	if strings.HasPrefix(op, "CloudWatch.") {
		return ec2.ActionFor(op)
	}
	return ""
}

// TestMemberPolicyGrantsEveryCallCollectorsMake runs every collector in a
// member account and fails when one calls an operation that Actions (the
// member role's policy) does not grant (DESIGN §3.7).
func TestMemberPolicyGrantsEveryCallCollectorsMake(t *testing.T) {
	sp := fakeorg.DefaultSpec()
	sp.Accounts, sp.Denied, sp.Suspended = 3, 0, 0
	sp.Now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	org := fakeorg.New(sp)
	acct := org.Accounts[0]
	for _, c := range All() {
		region := "us-east-1"
		tgt := collect.Target{AccountID: acct.ID, AccountName: acct.Name, Region: region, AWS: org.MemberConfig(acct.ID, region)}
		if err := c.Collect(context.Background(), tgt, func(inventory.Record) error { return nil }); err != nil {
			t.Fatalf("%s: %v", c.Type, err)
		}
	}
	granted := Actions()
	for _, op := range org.Operations() {
		if strings.HasPrefix(op, "STS.") {
			continue // AssumeRole is the caller's permission, not the member role's
		}
		a := actionFor(op)
		if a == "" || !slices.Contains(granted, a) {
			t.Errorf("collectors called %s (IAM %q), which the member policy does not grant", op, a)
		}
	}
	for _, a := range granted {
		if strings.ContainsAny(a, "*") || !strings.Contains(a, ":") {
			t.Errorf("member policy action %q is not a specific read action", a)
		}
		verb := a[strings.Index(a, ":")+1:]
		// GenerateCredentialReport only asks IAM to build the read-only
		// credential report (AWS's SecurityAudit policy grants it too).
		if !(strings.HasPrefix(verb, "Describe") || strings.HasPrefix(verb, "List") || strings.HasPrefix(verb, "Get")) &&
			a != "iam:GenerateCredentialReport" {
			t.Errorf("member policy action %q is not read-only", a)
		}
	}
}
