package cost

import (
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Each idle rule: flagged just past its threshold, not at it, and a
// missing input is "no data", never idle.
func TestIdleRules(t *testing.T) {
	tests := []struct {
		name    string
		rec     inventory.Record
		kind    string  // expected finding kind, "" for none
		saving  float64 // expected saving when kind is set
		noData  string  // expected NoData rule, "" for none
		inNoted string  // substring of the reason
	}{
		{"stopped 31 days", mk(inventory.EC2Instance, "i-old", 0, map[string]any{"state": "stopped", "state_since": daysAgo(31)}),
			StoppedInstance, 0, "", "stopped 31 days"},
		{"stopped exactly 30 days is not more than 30", mk(inventory.EC2Instance, "i-30", 0, map[string]any{"state": "stopped", "state_since": daysAgo(30)}),
			"", 0, "", ""},
		{"stopped, time unknown", mk(inventory.EC2Instance, "i-unk", 0, map[string]any{"state": "stopped"}),
			"", 0, StoppedInstance, ""},
		{"running, avg CPU 4.9%", mk(inventory.EC2Instance, "i-low", 70.08, map[string]any{"state": "running", "instance_type": "m5.large", "cpu_avg_14d": 4.9, "cpu_max_14d": 60.0}),
			LowCPUInstance, 70.08, "", "average CPU 4.9%"},
		{"running, avg CPU exactly 5%", mk(inventory.EC2Instance, "i-5", 70.08, map[string]any{"state": "running", "instance_type": "m5.large", "cpu_avg_14d": 5.0, "cpu_max_14d": 60.0}),
			"", 0, "", ""},
		{"running, no CPU data", mk(inventory.EC2Instance, "i-nocpu", 70.08, map[string]any{"state": "running", "instance_type": "m5.large"}),
			"", 0, LowCPUInstance, ""},
		{"RDS no connections", mk(inventory.RDSInstance, "db-idle", 200, map[string]any{"state": "available", "engine": "mariadb", "instance_class": "db.m5.large", "connections_max_7d": int64(0), "cpu_max_14d": 80.0}),
			IdleDatabase, 200, "", "no connections"},
		{"RDS one connection", mk(inventory.RDSInstance, "db-used", 200, map[string]any{"state": "available", "engine": "mariadb", "instance_class": "db.m5.large", "connections_max_7d": 1.0, "cpu_max_14d": 80.0}),
			"", 0, "", ""},
		{"RDS without connection data", mk(inventory.RDSInstance, "db-nodata", 200, map[string]any{"state": "available", "engine": "mariadb", "instance_class": "db.m5.large", "cpu_max_14d": 80.0}),
			"", 0, IdleDatabase, ""},
		{"RDS stopped is not judged", mk(inventory.RDSInstance, "db-stopped", 20, map[string]any{"state": "stopped", "engine": "mariadb", "instance_class": "db.m5.large"}),
			"", 0, "", ""},
		{"unattached volume", mk(inventory.EBSVolume, "vol-free", 8, map[string]any{"attached": false, "volume_type": "gp3", "size_gb": 100}),
			UnattachedVolume, 8, "", "gp3 100 GiB"},
		{"attached volume", mk(inventory.EBSVolume, "vol-used", 8, map[string]any{"attached": true}), "", 0, "", ""},
		{"unassociated EIP", mk(inventory.ElasticIP, "eipalloc-1", 3.65, map[string]any{"associated": false}), UnassociatedIP, 3.65, "", ""},
		{"associated EIP", mk(inventory.ElasticIP, "eipalloc-2", 3.65, map[string]any{"associated": true}), "", 0, "", ""},
		{"empty bucket 91 days old", mk(inventory.S3Bucket, "empty-old", 0, map[string]any{"object_count": 0.0, "creation_date": daysAgo(91)}),
			EmptyBucket, 0, "", "created 91 days ago"},
		{"empty bucket exactly 90 days old", mk(inventory.S3Bucket, "empty-90", 0, map[string]any{"object_count": 0.0, "creation_date": daysAgo(90)}),
			"", 0, "", ""},
		{"bucket with objects", mk(inventory.S3Bucket, "full", 5, map[string]any{"object_count": 3.0, "creation_date": daysAgo(900)}), "", 0, "", ""},
		{"bucket without metrics", mk(inventory.S3Bucket, "new", 0, map[string]any{"creation_date": daysAgo(900)}), "", 0, EmptyBucket, ""},
		{"function invoked 9 times", mk(inventory.LambdaFunction, "fn-9", 0.01, map[string]any{"invocations_30d": 9.0, "last_modified": daysAgo(200)}),
			UnusedFunction, 0.01, "", "9 invocations"},
		{"function invoked 10 times", mk(inventory.LambdaFunction, "fn-10", 0.01, map[string]any{"invocations_30d": 10.0, "last_modified": daysAgo(200)}),
			"", 0, "", ""},
		{"function never invoked (no datapoint), unchanged 200 days", mk(inventory.LambdaFunction, "fn-never", 0, map[string]any{"last_modified": daysAgo(200)}),
			UnusedFunction, 0, "", "no invocations in 30 days"},
		{"function without datapoints changed 5 days ago: flagged, with a caveat", mk(inventory.LambdaFunction, "fn-new", 0, map[string]any{"last_modified": daysAgo(5)}),
			UnusedFunction, 0, "", "no invocations in 30 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(t, []inventory.Record{tt.rec}, Options{})
			if len(a.Idle) > 1 {
				t.Fatalf("more than one idle finding: %+v", a.Idle)
			}
			switch {
			case tt.kind == "" && len(a.Idle) > 0:
				t.Fatalf("flagged %s (%s), want nothing", a.Idle[0].Kind, a.Idle[0].Reason)
			case tt.kind != "" && len(a.Idle) == 0:
				t.Fatalf("not flagged, want %s", tt.kind)
			case tt.kind != "":
				f := a.Idle[0]
				if f.Kind != tt.kind || f.MonthlySavingsUSD == nil || !near(*f.MonthlySavingsUSD, tt.saving) {
					t.Errorf("got %s saving %v, want %s saving %v", f.Kind, f.MonthlySavingsUSD, tt.kind, tt.saving)
				}
				if !strings.Contains(f.Reason, tt.inNoted) {
					t.Errorf("reason %q does not say %q", f.Reason, tt.inNoted)
				}
				if len(f.Commands) < 2 || !strings.Contains(f.Commands[0], "111111111111") || !strings.Contains(f.Commands[len(f.Commands)-1], "--region us-east-1") {
					t.Errorf("commands lack the account comment or --region: %q", f.Commands)
				}
			}
			nd := noData(a, tt.noData)
			if tt.noData != "" && (len(nd) != 1 || !strings.HasPrefix(nd[0].Reason, "no data")) {
				t.Errorf("no-data entries for %s: %+v, want one saying \"no data\"", tt.noData, a.NoData)
			}
		})
	}
}

// A stopped instance saves its volumes: they bill while it is stopped, and
// terminating it (after an image) is what ends that. A volume not deleted on
// termination gets its own delete command.
func TestStoppedInstanceSavesItsVolumes(t *testing.T) {
	recs := []inventory.Record{
		mk(inventory.EC2Instance, "i-stopped", 0, map[string]any{"state": "stopped", "state_since": daysAgo(45)}),
		mk(inventory.EBSVolume, "vol-root", 8, map[string]any{"attached": true, "attached_instance_id": "i-stopped", "delete_on_termination": true}),
		mk(inventory.EBSVolume, "vol-data", 40, map[string]any{"attached": true, "attached_instance_id": "i-stopped", "delete_on_termination": false}),
		mk(inventory.EBSVolume, "vol-unpriced", -1, map[string]any{"attached": true, "attached_instance_id": "i-stopped"}),
		mk(inventory.EBSVolume, "vol-other", 99, map[string]any{"attached": true, "attached_instance_id": "i-other"}),
	}
	a := analyze(t, recs, Options{})
	fs := findings(a, StoppedInstance)
	if len(fs) != 1 {
		t.Fatalf("stopped findings: %+v", a.Idle)
	}
	f := fs[0]
	if f.MonthlySavingsUSD == nil || *f.MonthlySavingsUSD != 48 {
		t.Errorf("saving %v, want 48 (8 + 40; the unpriced volume is not counted as 0 but left out and said)", f.MonthlySavingsUSD)
	}
	if !strings.Contains(strings.Join(f.Caveats, " "), "1 of its volumes are unpriced") {
		t.Errorf("caveats do not mention the unpriced volume: %q", f.Caveats)
	}
	cmds := strings.Join(f.Commands, "\n")
	for _, want := range []string{"aws ec2 create-image --instance-id i-stopped", "aws ec2 terminate-instances --instance-ids i-stopped --region us-east-1",
		"aws ec2 delete-volume --volume-id vol-data", "aws ec2 delete-volume --volume-id vol-unpriced"} {
		if !strings.Contains(cmds, want) {
			t.Errorf("commands lack %q:\n%s", want, cmds)
		}
	}
	if strings.Contains(cmds, "vol-root") || strings.Contains(cmds, "vol-other") {
		t.Errorf("commands delete a volume that goes with the instance or belongs to another:\n%s", cmds)
	}
	if len(f.Related) != 3 {
		t.Errorf("related volumes %d, want 3", len(f.Related))
	}
}

// An idle resource without a price keeps its finding with an unknown saving;
// the total does not count it as zero or anything else.
func TestIdleUnpricedSavingIsUnknown(t *testing.T) {
	r := mk(inventory.EC2Instance, "i-win", -1, map[string]any{"state": "running", "platform": "windows", "instance_type": "m5.large", "cpu_avg_14d": 1.0, "cpu_max_14d": 3.0})
	r.CostBasis = "unpriced: no price for EC2 m5.large windows in us-east-1: the price data is Linux only"
	a := analyze(t, []inventory.Record{r}, Options{})
	if len(a.Idle) != 1 || a.Idle[0].MonthlySavingsUSD != nil {
		t.Fatalf("idle %+v, want one finding with unknown saving", a.Idle)
	}
	if len(a.Rightsizing) != 0 {
		t.Errorf("a Windows instance got rightsizing at Linux prices: %+v", a.Rightsizing)
	}
	if a.Savings.MonthlyUSD != 0 || a.Savings.Unknown != 1 {
		t.Errorf("savings %+v, want 0 counted and 1 unknown", a.Savings)
	}
}

func TestAuroraMemberAndDeletionProtection(t *testing.T) {
	recs := []inventory.Record{
		mk(inventory.RDSInstance, "aurora-1", 189.8, map[string]any{"state": "available", "engine": "aurora-postgresql", "instance_class": "db.r6g.large",
			"cluster_id": "cl-1", "connections_max_7d": 0.0, "cpu_max_14d": 5.0, "deletion_protection": true}),
		mk(inventory.RDSInstance, "pg-1", 300, map[string]any{"state": "available", "engine": "postgres", "instance_class": "db.m5.large",
			"connections_max_7d": 0.0, "cpu_max_14d": 90.0}),
	}
	a := analyze(t, recs, Options{})
	cmds := map[string]string{}
	for _, f := range findings(a, IdleDatabase) {
		cmds[f.Resource.ID] = strings.Join(f.Commands, "\n")
	}
	if c := cmds["aurora-1"]; !strings.Contains(c, "--no-deletion-protection") || strings.Contains(c, "final-db-snapshot") {
		t.Errorf("aurora member commands:\n%s", c)
	}
	if c := cmds["pg-1"]; !strings.Contains(c, "--final-db-snapshot-identifier pg-1-final-20261126") {
		t.Errorf("postgres commands:\n%s", c)
	}
}
