package cost

import (
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func ec2(id, typ string, cost float64, extra map[string]any) inventory.Record {
	a := map[string]any{"state": "running", "instance_type": typ, "platform": "linux", "platform_details": "Linux/UNIX",
		"architecture": "x86_64", "lifecycle": "on-demand", "tenancy": "default", "cpu_avg_14d": 20.0, "cpu_max_14d": 30.0,
		"subnet_id": "subnet-1", "security_group_ids": []any{"sg-1", "sg-2"}}
	for k, v := range extra {
		a[k] = v
	}
	return mk(inventory.EC2Instance, id, cost, a)
}

type option struct {
	kind, target      string
	current, tgt, sav float64
}

func TestRightsizing(t *testing.T) {
	tests := []struct {
		name   string
		rec    inventory.Record
		want   []option // sorted by saving, largest first
		noData bool
	}{
		{"m5.xlarge peak 39.9%: next size down and the cheapest Graviton", ec2("i-a", "m5.xlarge", 140.16, map[string]any{"cpu_max_14d": 39.9}),
			[]option{{Downsize, "m5.large", 140.16, 70.08, 70.08}, {Graviton, "m6g.xlarge", 140.16, 112.42, 27.74}}, false},
		{"peak exactly 40% is not under 40", ec2("i-b", "m5.xlarge", 140.16, map[string]any{"cpu_max_14d": 40.0}), nil, false},
		{"no CPU maximum is no data", ec2("i-c", "m5.xlarge", 140.16, map[string]any{"cpu_max_14d": nil}), nil, true},
		{"c5.9xlarge skips sizes c5 does not have; no c6g/c7g 9xlarge", ec2("i-d", "c5.9xlarge", 1116.9, nil),
			[]option{{Downsize, "c5.4xlarge", 1116.9, 496.4, 620.5}}, false},
		{"m5.large has no smaller m5 in the price list", ec2("i-e", "m5.large", 70.08, nil),
			[]option{{Graviton, "m6g.large", 70.08, 56.21, 13.87}}, false},
		{"arm64 already: downsize only", ec2("i-f", "m6g.xlarge", 112.42, map[string]any{"architecture": "arm64"}),
			[]option{{Downsize, "m6g.large", 112.42, 56.21, 56.21}}, false},
		{"Windows is not compared at Linux prices", ec2("i-g", "m5.xlarge", -1, map[string]any{"platform": "windows"}), nil, false},
		{"RHEL is not compared at Linux prices", ec2("i-h", "m5.xlarge", -1, map[string]any{"platform_details": "Red Hat Enterprise Linux"}), nil, false},
		{"spot is not on-demand", ec2("i-i", "m5.xlarge", -1, map[string]any{"lifecycle": "spot"}), nil, false},
		{"metal is left alone", ec2("i-j", "m5.metal", 3363.84, nil), nil, false},
		{"stopped instances are not rightsized", ec2("i-k", "m5.xlarge", 0, map[string]any{"state": "stopped", "state_since": daysAgo(1)}), nil, false},
		{"RDS mysql Multi-AZ db.m5.xlarge", mk(inventory.RDSInstance, "db-a", 520, map[string]any{"state": "available", "engine": "mysql",
			"instance_class": "db.m5.xlarge", "multi_az": true, "cpu_max_14d": 12.5, "connections_max_7d": 4.0}),
			[]option{{Downsize, "db.m5.large", 499.32, 249.66, 249.66}, {Graviton, "db.m6g.xlarge", 499.32, 443.84, 55.48}}, false},
		{"RDS commercial engine: unpriced, no recommendation", mk(inventory.RDSInstance, "db-b", -1, map[string]any{"state": "available", "engine": "sqlserver-se",
			"instance_class": "db.m5.xlarge", "cpu_max_14d": 12.5, "connections_max_7d": 4.0}), nil, false},
		{"RDS without CPU data", mk(inventory.RDSInstance, "db-c", 520, map[string]any{"state": "available", "engine": "mysql",
			"instance_class": "db.m5.xlarge", "connections_max_7d": 4.0}), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.rec.Attributes["cpu_max_14d"] == nil {
				delete(tt.rec.Attributes, "cpu_max_14d")
			}
			a := analyze(t, []inventory.Record{tt.rec}, Options{})
			if len(a.Rightsizing) != len(tt.want) {
				t.Fatalf("got %d options %+v, want %+v", len(a.Rightsizing), a.Rightsizing, tt.want)
			}
			for i, w := range tt.want {
				f := a.Rightsizing[i]
				if f.Kind != w.kind || f.Target != w.target || !near(*f.CurrentMonthlyUSD, w.current) || !near(*f.TargetMonthlyUSD, w.tgt) || !near(*f.MonthlySavingsUSD, w.sav) {
					t.Errorf("option %d: %s → %s %v-%v=%v, want %+v", i, f.Kind, f.Target, *f.CurrentMonthlyUSD, *f.TargetMonthlyUSD, *f.MonthlySavingsUSD, w)
				}
				if f.Basis != "snapshot-2025-11" {
					t.Errorf("basis %q", f.Basis)
				}
			}
			if got := len(noData(a, "rightsizing")); (got == 1) != tt.noData {
				t.Errorf("no-data entries %+v, want no data: %v", a.NoData, tt.noData)
			}
		})
	}
}

func TestRightsizingCommands(t *testing.T) {
	recs := []inventory.Record{
		ec2("i-a", "m5.xlarge", 140.16, nil),
		mk(inventory.RDSInstance, "db-a", 520, map[string]any{"state": "available", "engine": "mysql",
			"instance_class": "db.m5.xlarge", "multi_az": true, "cpu_max_14d": 12.5, "connections_max_7d": 4.0}),
	}
	a := analyze(t, recs, Options{})
	got := map[string]string{}
	for _, f := range a.Rightsizing {
		got[f.Resource.ID+"/"+f.Kind] = strings.Join(f.Commands, "\n")
	}
	for key, wants := range map[string][]string{
		"i-a/downsize": {"aws ec2 stop-instances --instance-ids i-a --region us-east-1", "aws ec2 wait instance-stopped",
			"aws ec2 modify-instance-attribute --instance-id i-a --instance-type Value=m5.large --region us-east-1", "aws ec2 start-instances"},
		"i-a/graviton": {"arm64", "aws ec2 run-instances --image-id ARM64_AMI_ID --instance-type m6g.xlarge --subnet-id subnet-1 --security-group-ids sg-1 sg-2",
			"aws ec2 terminate-instances --instance-ids i-a"},
		"db-a/downsize": {"aws rds modify-db-instance --db-instance-identifier db-a --db-instance-class db.m5.large --region us-east-1"},
		"db-a/graviton": {"--db-instance-class db.m6g.xlarge"},
	} {
		for _, w := range wants {
			if !strings.Contains(got[key], w) {
				t.Errorf("%s commands lack %q:\n%s", key, w, got[key])
			}
		}
	}
}

func TestSizes(t *testing.T) {
	avail := []string{"m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge", "m5.metal", "m6g.medium", "m6g.large", "m7g.large", "t3.nano", "t3.micro", "t4g.micro", "db.m5.large"}
	for _, c := range []struct{ from, down string }{
		{"m5.4xlarge", "m5.2xlarge"}, {"m5.xlarge", "m5.large"}, {"m5.large", ""}, {"m5.metal", ""}, {"t3.micro", "t3.nano"},
		{"db.m5.xlarge", "db.m5.large"}, {"m5.metal-24xl", ""}, {"bogus", ""},
	} {
		it, ok := parseType(c.from)
		got := ""
		if ok {
			got, _ = downsize(it, avail)
		}
		if got != c.down {
			t.Errorf("downsize(%s) = %q, want %q", c.from, got, c.down)
		}
	}
	for fam, want := range map[string]string{
		"m5": "m7g m6g", "m6i": "m7g m6g", "m7i": "m7g m6g", "m5a": "m7g m6g", "c5": "c7g c6g", "c6i": "c7g c6g", "r5": "r7g r6g", "r6i": "r7g r6g",
		"t3": "t4g", "t2": "t4g", "m5d": "m7gd m6gd", "m6g": "", "c5n": "", "x2iedn": "", "t3a": "t4g",
	} {
		if got := strings.Join(gravitonFamilies(fam), " "); got != want {
			t.Errorf("gravitonFamilies(%s) = %q, want %q", fam, got, want)
		}
	}
	it, _ := parseType("m6i.large")
	if got := gravitonCandidates(it, avail); strings.Join(got, " ") != "m7g.large m6g.large" {
		t.Errorf("candidates %v", got)
	}
}
