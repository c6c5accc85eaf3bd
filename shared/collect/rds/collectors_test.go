package rds

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

var collectors = []struct {
	name string
	c    func() collect.Collector
}{
	{"instances", Instances},
	{"clusters", Clusters},
	{"snapshots", Snapshots},
}

func TestCollectorsEmitTheGroundTruth(t *testing.T) {
	o := fakeorg.New(testSpec())
	accts := o.Reachable()[:4]
	for _, tc := range collectors {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c()
			total := 0
			for _, a := range accts {
				for _, region := range a.EnabledRegions() {
					got := collecttest.Collect(t, c, collecttest.Target(o, a, region))
					collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, region, c.Type))
					total += len(got)
				}
			}
			if total == 0 {
				t.Fatalf("no %s in %d accounts: the comparison proved nothing", c.Type, len(accts))
			}
		})
	}
}

func TestCollectorsDeclareExactlyTheActionsTheyCall(t *testing.T) {
	for _, tc := range collectors {
		t.Run(tc.name, func(t *testing.T) {
			o := fakeorg.New(testSpec())
			c := tc.c()
			for _, a := range o.Reachable()[:2] {
				for _, region := range a.EnabledRegions() {
					collecttest.Collect(t, c, collecttest.Target(o, a, region))
				}
			}
			collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), c.Actions)
		})
	}
}

func TestActionFor(t *testing.T) {
	for op, want := range map[string]string{
		"RDS.DescribeDBInstances":  "rds:DescribeDBInstances",
		"RDS.DescribeDBClusters":   "rds:DescribeDBClusters",
		"CloudWatch.GetMetricData": "cloudwatch:GetMetricData",
		"EC2.DescribeInstances":    "",
		"nonsense":                 "",
	} {
		if got := ActionFor(op); got != want {
			t.Errorf("ActionFor(%q) = %q, want %q", op, got, want)
		}
	}
}

// pagedInstances counts DescribeDBInstances pages and can ask for smaller
// ones, as a caller passing MaxRecords would.
type pagedInstances struct {
	api   instancesAPI
	max   *int32
	pages int
}

func (p *pagedInstances) DescribeDBInstances(ctx context.Context, in *awsrds.DescribeDBInstancesInput, opts ...func(*awsrds.Options)) (*awsrds.DescribeDBInstancesOutput, error) {
	p.pages++
	if p.max != nil {
		cp := *in
		cp.MaxRecords = p.max
		in = &cp
	}
	return p.api.DescribeDBInstances(ctx, in, opts...)
}

type pagedClusters struct {
	api   clustersAPI
	max   *int32
	pages int
}

func (p *pagedClusters) DescribeDBClusters(ctx context.Context, in *awsrds.DescribeDBClustersInput, opts ...func(*awsrds.Options)) (*awsrds.DescribeDBClustersOutput, error) {
	p.pages++
	if p.max != nil {
		cp := *in
		cp.MaxRecords = p.max
		in = &cp
	}
	return p.api.DescribeDBClusters(ctx, in, opts...)
}

func TestCollectorsFollowMarkersAcrossPages(t *testing.T) {
	sp := testSpec()
	sp.Accounts, sp.Regions, sp.Denied, sp.Suspended, sp.OptOut = 2, 1, 0, 0, 0
	sp.Scale = 100 // ~270 instances and ~33 clusters in one region
	o := fakeorg.New(sp)
	a := o.Accounts[0]
	tg := collecttest.Target(o, a, a.EnabledRegions()[0])
	for _, tc := range []struct {
		name string
		max  *int32 // nil: RDS's default of 100
		typ  string
		run  func(max *int32) ([]inventory.Record, int)
	}{
		{"instances at the default page size", nil, inventory.RDSInstance, func(max *int32) ([]inventory.Record, int) {
			api := &pagedInstances{api: awsrds.NewFromConfig(tg.AWS), max: max}
			recs := collecttest.Emitted(t, func(e collect.Emit) error {
				return collectInstances(context.Background(), tg, api, cloudwatch.NewFromConfig(tg.AWS), testNow, e)
			})
			return recs, api.pages
		}},
		{"instances at the smallest page size", aws.Int32(20), inventory.RDSInstance, func(max *int32) ([]inventory.Record, int) {
			api := &pagedInstances{api: awsrds.NewFromConfig(tg.AWS), max: max}
			recs := collecttest.Emitted(t, func(e collect.Emit) error {
				return collectInstances(context.Background(), tg, api, cloudwatch.NewFromConfig(tg.AWS), testNow, e)
			})
			return recs, api.pages
		}},
		{"clusters at the smallest page size", aws.Int32(20), inventory.RDSCluster, func(max *int32) ([]inventory.Record, int) {
			api := &pagedClusters{api: awsrds.NewFromConfig(tg.AWS), max: max}
			recs := collecttest.Emitted(t, func(e collect.Emit) error { return collectClusters(context.Background(), tg, api, e) })
			return recs, api.pages
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := o.ExpectedFor(a.ID, tg.Region, tc.typ)
			size := 100
			if tc.max != nil {
				size = int(*tc.max)
			}
			if len(want) <= size {
				t.Fatalf("only %d %s: raise the scale so more than one page exists", len(want), tc.typ)
			}
			got, pages := tc.run(tc.max)
			if wantPages := (len(want) + size - 1) / size; pages != wantPages {
				t.Errorf("%d pages, want %d", pages, wantPages)
			}
			collecttest.AssertRecords(t, got, want)
		})
	}
}

func TestCollectorsRideOutThrottling(t *testing.T) {
	for _, tc := range collectors {
		t.Run(tc.name, func(t *testing.T) {
			sp := testSpec()
			sp.Throttle = true
			o := fakeorg.New(sp)
			a := o.Reachable()[0]
			region := a.EnabledRegions()[0]
			tg := collecttest.Target(o, a, region)
			// Empty the account region's RDS bucket first, so the collector's
			// own calls meet Throttling and the SDK retryer must carry them.
			drain := awsrds.NewFromConfig(tg.AWS, func(op *awsrds.Options) { op.RetryMaxAttempts = 1 })
			for i := 0; ; i++ {
				_, err := drain.DescribeDBClusters(context.Background(), &awsrds.DescribeDBClustersInput{})
				var ae smithy.APIError
				if errors.As(err, &ae) && ae.ErrorCode() == "Throttling" {
					break
				}
				if err != nil || i > 1000 {
					t.Fatalf("draining the RDS bucket: %v after %d calls", err, i)
				}
			}
			before := o.Stats().Throttled
			tg.AWS = withRetries(tg.AWS, 10)
			got := collecttest.Collect(t, tc.c(), tg)
			if o.Stats().Throttled == before {
				t.Fatal("the collector was never throttled: the test proved nothing")
			}
			collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, region, tc.c().Type))
		})
	}
}

func TestDepartmentComesFromTheTagElseTheAccountName(t *testing.T) {
	o := fakeorg.New(testSpec())
	seen := map[string]int{}
	for _, tc := range collectors {
		for _, a := range o.Reachable()[:4] {
			for _, region := range a.EnabledRegions() {
				for _, r := range collecttest.Collect(t, tc.c(), collecttest.Target(o, a, region)) {
					want, from := r.Tags()["Department"], "tag"
					if want == "" {
						want, from = a.Name, "account"
					}
					seen[from]++
					if r.Department != want {
						t.Errorf("%s department = %q, want %q (from %s)", r.ResourceID, r.Department, want, from)
					}
				}
			}
		}
	}
	if seen["tag"] == 0 || seen["account"] == 0 {
		t.Fatalf("both rules must be exercised, saw %v", seen)
	}
}

// TestRecordsCoverTheCasesAnalysisNeeds guards the generator: the ground
// truth the other tests compare against must contain every case.
func TestRecordsCoverTheCasesAnalysisNeeds(t *testing.T) {
	o := fakeorg.New(fakeorg.Spec{Seed: 42, Accounts: 12, Regions: 3, Scale: 1, Now: testNow})
	cases := map[string]func(attrs map[string]any) bool{
		"stopped":             func(a map[string]any) bool { return a["state"] == "stopped" },
		"unencrypted":         func(a map[string]any) bool { return a["encrypted"] == false },
		"public":              func(a map[string]any) bool { return a["publicly_accessible"] == true },
		"multi-az":            func(a map[string]any) bool { return a["multi_az"] == true },
		"no backups":          func(a map[string]any) bool { return a["backup_retention_days"] == int64(0) },
		"no deletion guard":   func(a map[string]any) bool { return a["deletion_protection"] == false },
		"idle 7 days":         func(a map[string]any) bool { return a["connections_max_7d"] == 0.0 },
		"peak cpu under 40%":  func(a map[string]any) bool { v, ok := a["cpu_max_14d"].(float64); return ok && v < 40 },
		"cluster member":      func(a map[string]any) bool { return a["cluster_id"] != nil },
		"no metrics":          func(a map[string]any) bool { return a["cpu_avg_14d"] == nil },
		"provisioned iops":    func(a map[string]any) bool { return a["storage_type"] == "io1" },
		"gp3 with throughput": func(a map[string]any) bool { return a["storage_throughput"] != nil },
		"with a kms key":      func(a map[string]any) bool { return a["kms_key_id"] != nil },
	}
	counts := map[string]int{}
	instances := 0
	for _, r := range o.Expected() {
		if r.ResourceType != inventory.RDSInstance {
			continue
		}
		instances++
		for name, f := range cases {
			if f(r.Attributes) {
				counts[name]++
			}
		}
	}
	for name := range cases {
		if counts[name] == 0 {
			t.Errorf("no instance is %s among %d", name, instances)
		}
	}
	if counts["stopped"]*3 > instances || counts["unencrypted"]*2 > instances {
		t.Errorf("unhealthy cases dominate: %v of %d", counts, instances)
	}
	t.Logf("%d instances, cases %v", instances, counts)
}
