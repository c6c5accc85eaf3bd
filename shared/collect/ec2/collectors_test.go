package ec2

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func TestCollectorsEmitTheGroundTruth(t *testing.T) {
	o := fakeorg.New(testSpec())
	accts := o.Reachable()[:3]
	for _, c := range collectors {
		t.Run(c.Type, func(t *testing.T) {
			n := 0
			for _, a := range accts {
				for _, region := range a.EnabledRegions() {
					tgt := collecttest.Target(o, a, region)
					want := o.ExpectedFor(tgt.AccountID, tgt.Region, c.Type)
					collecttest.AssertRecords(t, collecttest.Collect(t, c, tgt), want)
					n += len(want)
				}
			}
			if n == 0 {
				t.Fatal("the organization has none of this type: the comparison proved nothing")
			}
		})
	}
}

func TestCollectorsCallOnlyTheActionsTheyDeclare(t *testing.T) {
	for _, c := range collectors {
		t.Run(c.Type, func(t *testing.T) {
			o := fakeorg.New(testSpec())
			for _, a := range o.Reachable()[:2] {
				collecttest.Collect(t, c, collecttest.Target(o, a, a.Regions[0].Name))
			}
			collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), c.Actions)
		})
	}
}

// counter counts the listing calls that pass through a narrow interface.
type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

type countingEC2 struct {
	*awsec2.Client
	calls *counter
}

func (c countingEC2) DescribeInstances(ctx context.Context, in *awsec2.DescribeInstancesInput, opt ...func(*awsec2.Options)) (*awsec2.DescribeInstancesOutput, error) {
	c.calls.inc()
	return c.Client.DescribeInstances(ctx, in, opt...)
}

func (c countingEC2) DescribeVolumes(ctx context.Context, in *awsec2.DescribeVolumesInput, opt ...func(*awsec2.Options)) (*awsec2.DescribeVolumesOutput, error) {
	c.calls.inc()
	return c.Client.DescribeVolumes(ctx, in, opt...)
}

func (c countingEC2) DescribeSecurityGroups(ctx context.Context, in *awsec2.DescribeSecurityGroupsInput, opt ...func(*awsec2.Options)) (*awsec2.DescribeSecurityGroupsOutput, error) {
	c.calls.inc()
	return c.Client.DescribeSecurityGroups(ctx, in, opt...)
}

func TestListingsFollowEveryPage(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[0]
	tgt := collecttest.Target(o, a, a.Regions[0].Name)
	cw := cloudwatch.NewFromConfig(tgt.AWS)
	for _, tc := range []struct {
		typ  string
		list func(api countingEC2, emit collect.Emit) error
	}{
		{inventory.EC2Instance, func(api countingEC2, emit collect.Emit) error {
			return collectInstances(context.Background(), tgt, api, cw, time.Now(), emit)
		}},
		{inventory.EBSVolume, func(api countingEC2, emit collect.Emit) error {
			return collectVolumes(context.Background(), tgt, api, emit)
		}},
		{inventory.SecurityGroup, func(api countingEC2, emit collect.Emit) error {
			return collectSecurityGroups(context.Background(), tgt, api, emit)
		}},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			api := countingEC2{Client: awsec2.NewFromConfig(tgt.AWS), calls: &counter{}}
			got := collecttest.Emitted(t, func(emit collect.Emit) error { return tc.list(api, emit) })
			if api.calls.n < 2 {
				t.Fatalf("%d listing call(s) for %d records: the paginator never paged", api.calls.n, len(got))
			}
			collecttest.AssertRecords(t, got, o.ExpectedFor(tgt.AccountID, tgt.Region, tc.typ))
		})
	}
}

func TestCollectorsReturnTheSameRecordsUnderThrottling(t *testing.T) {
	sp := testSpec()
	sp.Throttle = true
	o := fakeorg.New(sp)
	a := o.Reachable()[0]
	tgt := collecttest.Target(o, a, a.Regions[0].Name)
	// Retry patiently and without the client-side quota: the test drives
	// far more calls at one bucket than a real run would.
	tgt.AWS.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts, so.MaxBackoff, so.RateLimiter = 30, 300*time.Millisecond, ratelimit.None
		})
	}
	const rounds = 16 // ≈ 170 EC2 calls against a bucket of 100
	var wg sync.WaitGroup
	results := make([][]inventory.Record, rounds*len(collectors))
	errs := make([]error, len(results))
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := collectors[i%len(collectors)]
			errs[i] = c.Collect(context.Background(), tgt, func(r inventory.Record) error {
				results[i] = append(results[i], r)
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", collectors[i%len(collectors)].Type, err)
		}
		collecttest.AssertRecords(t, results[i], o.ExpectedFor(tgt.AccountID, tgt.Region, collectors[i%len(collectors)].Type))
	}
	if o.Stats().Throttled == 0 {
		t.Fatal("no call was throttled: the test did not exercise the retryer")
	}
}

func TestDepartmentIsTheResourceTagElseTheAccountName(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[1]
	tagged, untagged := 0, 0
	for _, c := range collectors {
		for _, r := range collecttest.Collect(t, c, collecttest.Target(o, a, a.Regions[0].Name)) {
			want := a.Name
			if d := r.Tags()["Department"]; d != "" {
				want = d
				tagged++
			} else {
				untagged++
			}
			if r.Department != want {
				t.Errorf("%s %s: department %q, want %q", r.ResourceType, r.ResourceID, r.Department, want)
			}
		}
	}
	if tagged == 0 || untagged == 0 {
		t.Fatalf("tagged %d, untagged %d: both cases must occur", tagged, untagged)
	}
}

func TestTerminatedInstancesAreNotInventory(t *testing.T) {
	o := fakeorg.New(testSpec())
	for _, a := range o.Reachable() {
		for _, r := range a.Regions {
			for _, in := range r.EC2.Instances {
				if in.State != "terminated" {
					continue
				}
				for _, rec := range collecttest.Collect(t, Instances(), collecttest.Target(o, a, r.Name)) {
					if rec.ResourceID == in.ID {
						t.Fatalf("terminated instance %s was emitted", in.ID)
					}
				}
				return
			}
		}
	}
	t.Fatal("the organization has no terminated instance to prove anything with")
}

// noDatapoints answers every metric query with no values and remembers
// which instances were asked about.
type noDatapoints struct{ asked map[string]bool }

func (n *noDatapoints) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	out := &cloudwatch.GetMetricDataOutput{}
	for _, q := range in.MetricDataQueries {
		for _, d := range q.MetricStat.Metric.Dimensions {
			n.asked[aws.ToString(d.Value)] = true
		}
		out.MetricDataResults = append(out.MetricDataResults, cwtypes.MetricDataResult{Id: q.Id, StatusCode: cwtypes.StatusCodeComplete})
	}
	return out, nil
}

func TestCPUStaysAbsentWithoutDatapointsAndStoppedInstancesAreNotAsked(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[0]
	tgt := collecttest.Target(o, a, a.Regions[0].Name)
	cw := &noDatapoints{asked: map[string]bool{}}
	got := collecttest.Emitted(t, func(emit collect.Emit) error {
		return collectInstances(context.Background(), tgt, awsec2.NewFromConfig(tgt.AWS), cw, time.Now(), emit)
	})
	states := map[string]int{}
	for _, r := range got {
		states[r.Attributes["state"].(string)]++
		for _, k := range []string{"cpu_avg_14d", "cpu_max_14d"} {
			if v, ok := r.Attributes[k]; ok {
				t.Errorf("%s: %s = %v without datapoints", r.ResourceID, k, v)
			}
		}
		if stopped := r.Attributes["state"] == "stopped"; stopped == cw.asked[r.ResourceID] {
			t.Errorf("%s (%s): asked CloudWatch = %v", r.ResourceID, r.Attributes["state"], cw.asked[r.ResourceID])
		}
	}
	if states["running"] == 0 || states["stopped"] == 0 {
		t.Fatalf("states %v: need running and stopped instances", states)
	}
}

func TestActionForNamesIAMActions(t *testing.T) {
	for op, want := range map[string]string{
		"EC2.DescribeInstances":      "ec2:DescribeInstances",
		"EC2.DescribeSecurityGroups": "ec2:DescribeSecurityGroups",
		"CloudWatch.GetMetricData":   "cloudwatch:GetMetricData",
		"STS.AssumeRole":             "",
		"EC2":                        "",
	} {
		if got := ActionFor(op); got != want {
			t.Errorf("ActionFor(%q) = %q, want %q", op, got, want)
		}
	}
}
