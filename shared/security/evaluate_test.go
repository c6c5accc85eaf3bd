package security

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func at(r inventory.Record, account, dept string) inventory.Record {
	r.AccountID, r.AccountName, r.Department = account, "name-"+account, dept
	return r
}

func TestScoreIsSeverityWeightedAndUnknownsAreNotPasses(t *testing.T) {
	recs := []inventory.Record{
		// one critical failure (public RDS) and every other RDS check passing
		rec(inventory.RDSInstance, m{"encrypted": true, "publicly_accessible": true, "backup_retention_days": 7,
			"deletion_protection": true, "auto_minor_version_upgrade": true}),
		// a volume the collector could not read: unknown, not in the score
		recID(inventory.EBSVolume, "vol-1", m{}),
		// not applicable to any of its checks but two: a non-default group
		// open to nobody passes the four rule checks
		recID(inventory.SecurityGroup, "sg-1", m{"is_default": false, "ingress_rules": []any{}}),
	}
	rep := EvaluateWith(recs, Options{Now: now})
	// passed: encrypted 5 + backups 2 + deletion 1 + minor 1 + sg 10+10+5+10 = 44;
	// decided: 44 + 10.
	if rep.ComplianceScore != 81.5 {
		t.Fatalf("score = %v, want 81.5", rep.ComplianceScore)
	}
	if rep.Failed != 1 || rep.Unknown != 1 || rep.Passed != 8 || rep.PublicResources != 1 || rep.UnencryptedResources != 0 {
		t.Fatalf("report = %+v", rep)
	}
	if rep.Findings[0].Status != Fail || rep.Findings[0].ID != "rds-instance-not-public/111111111111/us-east-1/r-1" {
		t.Fatalf("first finding = %+v, want the failed check with a stable ID", rep.Findings[0])
	}
	if len(rep.Findings) != 2 || rep.Findings[1].Status != Unknown || rep.Findings[1].CheckID != "ebs-volume-encrypted" {
		t.Fatalf("findings = %+v, want the failure then the unknown (not-applicable results are not findings)", rep.Findings)
	}
	if !rep.EvaluatedAt.Equal(now) || rep.ChecksRun != len(Checks()) {
		t.Fatalf("evaluated at %v with %d checks", rep.EvaluatedAt, rep.ChecksRun)
	}
	b, _ := json.Marshal(rep)
	for _, k := range []string{`"unencrypted_resources"`, `"public_resources"`, `"compliance_score"`, `"by_account"`, `"findings_list"`} {
		if !json.Valid(b) || !strings.Contains(string(b), k) {
			t.Fatalf("report JSON lacks %s: %s", k, b)
		}
	}
}

func TestEmptyAndDeletedInventoriesScoreFull(t *testing.T) {
	gone := time.Now()
	r := rec(inventory.EBSVolume, m{"encrypted": false})
	r.DeletedAt = &gone
	rep := Evaluate([]inventory.Record{r, rec("nat_gateway", m{})})
	if rep.ComplianceScore != 100 || rep.ResourcesEvaluated != 0 || len(rep.Findings) != 0 {
		t.Fatalf("report = %+v", rep)
	}
}

func TestScoresPerAccountDepartmentAndType(t *testing.T) {
	recs := []inventory.Record{
		// account A, Engineering: a failing critical and a passing high
		at(recID(inventory.RDSInstance, "db-a", m{"encrypted": true, "publicly_accessible": true, "backup_retention_days": 7,
			"deletion_protection": true, "auto_minor_version_upgrade": true}), "aaaaaaaaaaaa", "Engineering"),
		// account B, Finance: everything passes
		at(recID(inventory.EBSVolume, "vol-b", m{"encrypted": true}), "bbbbbbbbbbbb", "Finance"),
		// account B, Engineering (resource tag): a failing high volume
		at(recID(inventory.EBSVolume, "vol-c", m{"encrypted": false}), "bbbbbbbbbbbb", "Engineering"),
		// account C: nothing decidable
		at(recID(inventory.EBSVolume, "vol-d", m{}), "cccccccccccc", "Finance"),
	}
	rep := EvaluateWith(recs, Options{Now: now})
	score := func(ss []Score, key string) *Score {
		for i := range ss {
			if ss[i].Key == key {
				return &ss[i]
			}
		}
		t.Fatalf("no score for %s in %+v", key, ss)
		return nil
	}
	val := func(s *Score) float64 {
		if s.Score == nil {
			return -1
		}
		return *s.Score
	}
	a, b, c := score(rep.ByAccount, "aaaaaaaaaaaa"), score(rep.ByAccount, "bbbbbbbbbbbb"), score(rep.ByAccount, "cccccccccccc")
	if val(a) != 47.4 || a.Critical != 1 || a.Name != "name-aaaaaaaaaaaa" || a.Resources != 1 {
		t.Errorf("account A = %+v, want 47.4 with one critical", a)
	}
	if val(b) != 50 || b.High != 1 || b.Resources != 2 {
		t.Errorf("account B = %+v, want 50 (one of two high checks)", b)
	}
	if c.Score != nil || c.Unknown != 1 {
		t.Errorf("account C = %+v, want no score (nothing decided) and one unknown", c)
	}
	if rep.ByAccount[0].Key != "aaaaaaaaaaaa" || rep.ByAccount[2].Key != "cccccccccccc" {
		t.Errorf("accounts not worst first, undecided last: %+v", rep.ByAccount)
	}
	// Engineering: RDS (9 of 19) + vol-c (0 of 5) = 9/24; Finance: 5/5.
	if e, f := score(rep.ByDepartment, "Engineering"), score(rep.ByDepartment, "Finance"); val(e) != 37.5 || val(f) != 100 {
		t.Errorf("departments: Engineering %v, Finance %v", val(e), val(f))
	}
	if v, d := score(rep.ByType, inventory.EBSVolume), score(rep.ByType, inventory.RDSInstance); val(v) != 50 || v.Unknown != 1 || val(d) != 47.4 {
		t.Errorf("types: volumes %+v, RDS %+v", v, d)
	}
	if rep.ByCheck[0].Failed != 1 || rep.ByCheck[0].CheckID != "rds-instance-not-public" {
		t.Errorf("by check starts with %+v, want the critical failure first", rep.ByCheck[0])
	}
	if len(rep.ByCheck) != len(Checks()) {
		t.Errorf("by check has %d rows, want one per check", len(rep.ByCheck))
	}
	if got := rep.Accounts(); strings.Join(got, ",") != "aaaaaaaaaaaa,bbbbbbbbbbbb,cccccccccccc" {
		t.Errorf("accounts = %v", got)
	}
}

// Checks that consult other records see the whole inventory through the
// index: an instance in a group open to the world, an Aurora member left
// to its cluster, a bucket covered by its account's block.
func TestEvaluateGivesChecksTheInventory(t *testing.T) {
	recs := []inventory.Record{
		recID(inventory.EC2Instance, "i-1", m{"state": "running", "imds_http_tokens": "required", "public_ip": "3.3.3.3",
			"security_group_ids": []string{"sg-1"}, "volume_ids": []string{"vol-1"}}),
		recID(inventory.SecurityGroup, "sg-1", m{"is_default": false, "open_ports_to_world": []string{"tcp/3389"},
			"ingress_rules": []map[string]any{rule("tcp", 3389, 3389, []string{anyIPv4}, nil)}}),
		recID(inventory.EBSVolume, "vol-1", m{"encrypted": false}),
		recID(inventory.RDSInstance, "member", m{"cluster_id": "c", "encrypted": false, "publicly_accessible": false,
			"backup_retention_days": 1, "deletion_protection": false, "auto_minor_version_upgrade": true}),
		recID(inventory.S3Bucket, "b", with(pabOff, "encryption", "AES256", "policy_is_public", false, "versioning", "Enabled",
			"mfa_delete", "Disabled", "logging_enabled", true, "lifecycle_rules", 1)),
		recID(inventory.S3AccountPublicAccessBlock, acct, with(pabOn, "configured", true)),
	}
	rep := EvaluateWith(recs, Options{Now: now, RequireKMS: true})
	got := map[string]Status{}
	for _, f := range rep.Findings {
		got[f.CheckID+" "+f.ResourceID] = f.Status
	}
	want := map[string]Status{
		"ec2-instance-public-exposed i-1":    Fail,
		"ec2-instance-volumes-encrypted i-1": Fail,
		"ebs-volume-encrypted vol-1":         Fail,
		"sg-admin-ports-open-ipv4 sg-1":      Fail,
		"s3-bucket-kms-encryption b":         Fail,
		"s3-bucket-mfa-delete b":             Fail,
	}
	for k, st := range want {
		if got[k] != st {
			t.Errorf("%s = %q, want %s", k, got[k], st)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings %v, want exactly %v (the Aurora member's checks belong to its cluster; the bucket is covered by the account block)", got, want)
	}
	if rep.UnencryptedResources != 3 || rep.PublicResources != 2 {
		t.Errorf("unencrypted %d (instance, volume, bucket), public %d (instance, group)", rep.UnencryptedResources, rep.PublicResources)
	}
	if !rep.Options.RequireKMS {
		t.Error("the report does not say KMS was required")
	}
}

func TestCombinedScoreWeighsTheGroupsTogether(t *testing.T) {
	recs := []inventory.Record{
		at(recID(inventory.EBSVolume, "v1", m{"encrypted": false}), "aaaaaaaaaaaa", "x"), // 0 of 5
		at(recID(inventory.EBSVolume, "v2", m{"encrypted": true}), "bbbbbbbbbbbb", "x"),  // 5 of 5
		at(recID(inventory.EBSVolume, "v3", m{"encrypted": true}), "bbbbbbbbbbbb", "x"),  // 5 of 5
	}
	rep := EvaluateWith(recs, Options{Now: now})
	if v := CombinedScore(rep.ByAccount...); v == nil || *v != 66.7 {
		t.Fatalf("combined = %v, want 66.7 (10 of 15, not the mean of 0 and 100)", v)
	}
	if v := CombinedScore(); v != nil {
		t.Fatalf("combined of nothing = %v, want nil", *v)
	}
}
