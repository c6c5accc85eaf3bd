package security

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func rec(t string, attrs map[string]any) inventory.Record {
	return inventory.Record{ResourceType: t, ResourceID: "r-1", AccountID: "111111111111", Region: "us-east-1", Attributes: attrs}
}

func checkByID(t *testing.T, id string) Check {
	t.Helper()
	for _, c := range Checks() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no check %s", id)
	return Check{}
}

func TestEachCheckPassesFailsAndSaysUnknownOnMissingData(t *testing.T) {
	pab := map[string]any{"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}
	pabOff := map[string]any{"block_public_acls": true, "ignore_public_acls": false, "block_public_policy": true, "restrict_public_buckets": true}
	cases := []struct {
		check, typ string
		attrs      map[string]any
		want       Status
	}{
		{"ebs-volume-encrypted", inventory.EBSVolume, map[string]any{"encrypted": true}, Pass},
		{"ebs-volume-encrypted", inventory.EBSVolume, map[string]any{"encrypted": false}, Fail},
		{"ebs-volume-encrypted", inventory.EBSVolume, map[string]any{}, Unknown},
		{"sg-admin-ports-open-to-world", inventory.SecurityGroup, map[string]any{"open_ports_to_world": []string{"tcp/443", "icmp"}}, Pass},
		{"sg-admin-ports-open-to-world", inventory.SecurityGroup, map[string]any{"open_ports_to_world": []any{"tcp/20-25"}}, Fail},
		{"sg-admin-ports-open-to-world", inventory.SecurityGroup, map[string]any{"open_ports_to_world": []string{"all"}}, Fail},
		{"sg-admin-ports-open-to-world", inventory.SecurityGroup, map[string]any{"open_ports_to_world": []string{"udp/3389"}}, Fail},
		{"sg-admin-ports-open-to-world", inventory.SecurityGroup, map[string]any{}, Unknown},
		{"sg-default-restricts-all", inventory.SecurityGroup, map[string]any{"is_default": true, "ingress_rules": []any{}, "egress_rule_count": 0.0}, Pass},
		{"sg-default-restricts-all", inventory.SecurityGroup, map[string]any{"is_default": false}, Pass},
		{"sg-default-restricts-all", inventory.SecurityGroup, map[string]any{"is_default": true, "ingress_rules": []any{}, "egress_rule_count": 1}, Fail},
		{"sg-default-restricts-all", inventory.SecurityGroup, map[string]any{"is_default": true}, Unknown},
		{"rds-instance-encrypted", inventory.RDSInstance, map[string]any{"encrypted": true}, Pass},
		{"rds-instance-encrypted", inventory.RDSInstance, map[string]any{"encrypted": false}, Fail},
		{"rds-cluster-encrypted", inventory.RDSCluster, map[string]any{}, Unknown},
		{"rds-instance-not-public", inventory.RDSInstance, map[string]any{"publicly_accessible": false}, Pass},
		{"rds-instance-not-public", inventory.RDSInstance, map[string]any{"publicly_accessible": true}, Fail},
		{"rds-instance-not-public", inventory.RDSInstance, map[string]any{}, Unknown},
		{"rds-instance-backups-enabled", inventory.RDSInstance, map[string]any{"backup_retention_days": 7}, Pass},
		{"rds-cluster-backups-enabled", inventory.RDSCluster, map[string]any{"backup_retention_days": 0.0}, Fail},
		{"rds-instance-backups-enabled", inventory.RDSInstance, map[string]any{}, Unknown},
		{"rds-instance-deletion-protection", inventory.RDSInstance, map[string]any{"deletion_protection": false}, Fail},
		{"rds-instance-minor-upgrades", inventory.RDSInstance, map[string]any{"auto_minor_version_upgrade": true}, Pass},
		{"rds-instance-minor-upgrades", inventory.RDSInstance, map[string]any{"auto_minor_version_upgrade": false}, Fail},
		{"s3-bucket-encrypted", inventory.S3Bucket, map[string]any{"encryption": "aws:kms"}, Pass},
		{"s3-bucket-encrypted", inventory.S3Bucket, map[string]any{"encryption": "none"}, Fail},
		{"s3-bucket-encrypted", inventory.S3Bucket, map[string]any{"unreadable": []string{"GetBucketEncryption"}}, Unknown},
		{"s3-bucket-public-access-block", inventory.S3Bucket, pab, Pass},
		{"s3-bucket-public-access-block", inventory.S3Bucket, pabOff, Fail},
		{"s3-bucket-public-access-block", inventory.S3Bucket, map[string]any{}, Unknown},
		{"s3-bucket-policy-not-public", inventory.S3Bucket, map[string]any{"policy_is_public": true}, Fail},
		{"s3-bucket-policy-not-public", inventory.S3Bucket, map[string]any{"policy_is_public": false}, Pass},
		{"s3-bucket-versioning", inventory.S3Bucket, map[string]any{"versioning": "Suspended"}, Fail},
		{"s3-bucket-versioning", inventory.S3Bucket, map[string]any{"versioning": "Enabled"}, Pass},
		{"s3-bucket-access-logging", inventory.S3Bucket, map[string]any{"logging_enabled": false}, Fail},
		{"s3-bucket-access-logging", inventory.S3Bucket, map[string]any{}, Unknown},
		{"lambda-runtime-supported", inventory.LambdaFunction, map[string]any{"runtime": "python3.6", "runtime_deprecated": true}, Fail},
		{"lambda-runtime-supported", inventory.LambdaFunction, map[string]any{"runtime": "python3.13", "runtime_deprecated": false}, Pass},
		{"lambda-runtime-supported", inventory.LambdaFunction, map[string]any{"runtime": "python3.13"}, Unknown},
		{"lambda-url-requires-auth", inventory.LambdaFunction, map[string]any{"function_url_auth_type": "NONE"}, Fail},
		{"lambda-url-requires-auth", inventory.LambdaFunction, map[string]any{"function_url_auth_type": "AWS_IAM"}, Pass},
	}
	for _, tc := range cases {
		got := checkByID(t, tc.check).Eval(rec(tc.typ, tc.attrs))
		if got.Status != tc.want || got.Evidence == "" {
			t.Errorf("%s on %v = %s (%q), want %s with evidence", tc.check, tc.attrs, got.Status, got.Evidence, tc.want)
		}
	}
}

func TestChecksHaveIdentityAndRemediation(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks() {
		if seen[c.ID] || c.Title == "" || c.Remediation == "" || c.Eval == nil || c.Severity.Weight() == 0 {
			t.Errorf("check %q is incomplete or duplicated", c.ID)
		}
		seen[c.ID] = true
	}
}

func TestScoreIsSeverityWeightedAndUnknownsAreNotPasses(t *testing.T) {
	recs := []inventory.Record{
		// one critical failure (public RDS) and every other RDS check passing
		rec(inventory.RDSInstance, map[string]any{"encrypted": true, "publicly_accessible": true, "backup_retention_days": 7,
			"deletion_protection": true, "auto_minor_version_upgrade": true}),
		// a volume the collector could not read: unknown, not in the score
		rec(inventory.EBSVolume, map[string]any{}),
	}
	rep := Evaluate(recs)
	// passed: encrypted 5 + backups 2 + deletion 1 + minor 1 = 9; decided 9 + 10.
	if rep.ComplianceScore != 47.4 {
		t.Fatalf("score = %v, want 47.4", rep.ComplianceScore)
	}
	if rep.Failed != 1 || rep.Unknown != 1 || rep.PublicResources != 1 || rep.UnencryptedResources != 0 {
		t.Fatalf("report = %+v", rep)
	}
	if rep.Findings[0].Status != Fail || rep.Findings[0].ID != "rds-instance-not-public/111111111111/us-east-1/r-1" {
		t.Fatalf("first finding = %+v, want the failed check with a stable ID", rep.Findings[0])
	}
	b, _ := json.Marshal(rep)
	for _, k := range []string{`"unencrypted_resources"`, `"public_resources"`, `"compliance_score"`} {
		if !json.Valid(b) || !strings.Contains(string(b), k) {
			t.Fatalf("report JSON lacks the seed's %s: %s", k, b)
		}
	}
}
