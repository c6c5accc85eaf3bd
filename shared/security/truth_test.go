package security_test

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/security"
)

// On the synthetic organization, the findings equal what its model implies:
// the expected failures are derived here from the generator's structs (not
// from the records), and must be exactly the failures the checks find in
// the ground-truth records.
func TestFindingsOnTheSyntheticOrganizationMatchItsModel(t *testing.T) {
	sp, err := fakeorg.ParseSpec("accounts=10,regions=3,seed=11")
	if err != nil {
		t.Fatal(err)
	}
	org := fakeorg.New(sp)
	want := map[string][]string{} // check -> "account/resource"
	add := func(check, account, id string) { want[check] = append(want[check], account+"/"+id) }
	for _, a := range append([]*fakeorg.Account{org.Management}, org.Accounts...) {
		if a.Status != fakeorg.StatusActive {
			continue
		}
		for _, r := range a.Regions {
			if !r.Enabled() {
				continue
			}
			for _, v := range r.EC2.Volumes {
				if !v.Encrypted {
					add("ebs-volume-encrypted", a.ID, v.ID)
				}
			}
			for _, in := range r.EC2.Instances {
				if in.State != "terminated" && in.IMDSEndpoint != "disabled" && in.IMDSTokens == "optional" {
					add("ec2-instance-imdsv2", a.ID, in.ID)
				}
			}
			for _, s := range r.EC2.Snapshots {
				if s.Public && !s.AttributeDenied {
					add("ebs-snapshot-not-public", a.ID, s.ID)
				}
			}
			for _, db := range r.RDS.Instances {
				if db.Public {
					add("rds-instance-not-public", a.ID, db.ID)
				}
				if !db.Encrypted && db.ClusterID == "" {
					add("rds-instance-encrypted", a.ID, db.ID)
				}
			}
			for _, c := range r.RDS.Clusters {
				if !c.Encrypted {
					add("rds-cluster-encrypted", a.ID, c.ID)
				}
			}
			for _, fn := range r.Lambda.Functions {
				if len(fn.URLs) > 0 && fn.URLs[0].AuthType == "NONE" {
					add("lambda-url-requires-auth", a.ID, fn.Name)
				}
			}
			if d := r.GuardDuty; d == nil || d.Status != "ENABLED" {
				id := "none"
				if d != nil {
					id = d.ID
				}
				add("guardduty-enabled", a.ID, id)
			}
		}
		for _, b := range a.Buckets {
			if b.HasPolicy && b.PolicyPublic && !b.Denied["GetBucketPolicyStatus"] {
				add("s3-bucket-policy-not-public", a.ID, b.Name)
			}
		}
		if iam := a.IAM; iam != nil {
			if !iam.RootMFA {
				add("account-root-mfa", a.ID, a.ID)
			}
			if p := iam.PasswordPolicy; p == nil || p.MinLength < 14 {
				add("account-password-policy-length", a.ID, a.ID)
			}
			if p := iam.PasswordPolicy; p == nil || p.ReusePrevention < 24 {
				add("account-password-policy-reuse", a.ID, a.ID)
			}
			for _, u := range iam.Users {
				if u.Password && !u.MFA {
					add("iam-user-console-mfa", a.ID, u.Name)
				}
			}
		}
		for _, tr := range a.Trails {
			if !tr.LogFileValidation {
				add("cloudtrail-log-file-validation", a.ID, tr.Name)
			}
			if tr.KMSKeyID == "" {
				add("cloudtrail-kms-encryption", a.ID, tr.Name)
			}
			if !tr.Logging {
				add("cloudtrail-trail-logging", a.ID, tr.Name)
			}
		}
	}

	rep := security.EvaluateWith(org.Expected(), security.Options{Now: sp.Now})
	got := map[string][]string{}
	for _, f := range rep.Findings {
		if f.Status == security.Fail {
			got[f.CheckID] = append(got[f.CheckID], f.AccountID+"/"+f.ResourceID)
		}
	}
	checks := make([]string, 0, len(want))
	for c := range want {
		checks = append(checks, c)
	}
	sort.Strings(checks)
	for _, c := range checks {
		w, g := want[c], got[c]
		slices.Sort(w)
		slices.Sort(g)
		if !slices.Equal(w, g) {
			t.Errorf("%s: model implies %d failures, the checks found %d\nmissing: %v\nextra: %v", c, len(w), len(g), minus(w, g), minus(g, w))
		}
	}
	// Every check the model covers above failed somewhere, so the
	// comparison is not vacuous.
	for _, c := range []string{"ebs-volume-encrypted", "ec2-instance-imdsv2", "rds-instance-not-public", "account-password-policy-reuse", "iam-user-console-mfa"} {
		if len(want[c]) == 0 {
			t.Errorf("the synthetic organization has no %s failure: pick another seed", c)
		}
	}
	if rep.ComplianceScore <= 0 || rep.ComplianceScore >= 100 {
		t.Errorf("score %v", rep.ComplianceScore)
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	if len(out) > 10 {
		return append(out[:10], fmt.Sprintf("… %d more", len(out)-10))
	}
	return out
}
