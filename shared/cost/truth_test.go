package cost

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/estimate"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// On the synthetic organization, the idle findings are exactly what its
// generator meant (read from the model, not from the records the analysis
// sees), the rightsizing candidates all have a peak under 40%, and the
// allocation adds up per account to an independent sum of the estimates.
func TestSyntheticOrganizationTruth(t *testing.T) {
	sp, err := fakeorg.ParseSpec("accounts=6,regions=2,seed=3,denied=0")
	if err != nil {
		t.Fatal(err)
	}
	org := fakeorg.New(sp)
	recs := org.Expected()
	ctx := context.Background()
	estimate.Apply(ctx, pricing.Snapshot(), recs)
	now := org.Spec.Now
	a, err := Analyze(ctx, recs, pricing.Snapshot(), th(), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}

	want := map[string][]string{}
	add := func(kind, acct, region, id string) { want[kind] = append(want[kind], acct+"/"+region+"/"+id) }
	peak := map[string]float64{}
	for _, acct := range org.Accounts {
		if acct.Status != fakeorg.StatusActive {
			continue
		}
		for _, r := range acct.Regions {
			if !r.Enabled() {
				continue
			}
			for _, in := range r.EC2.Instances {
				switch {
				case in.State == "stopped" && !in.StateSince.IsZero() && days(now, in.StateSince) > 30:
					add(StoppedInstance, acct.ID, r.Name, in.ID)
				case in.State == "running" && in.CPUAvg != nil && *in.CPUAvg < 5:
					add(LowCPUInstance, acct.ID, r.Name, in.ID)
				}
				if in.CPUMax != nil {
					peak[acct.ID+"/"+r.Name+"/"+in.ID] = *in.CPUMax
				}
			}
			for _, v := range r.EC2.Volumes {
				if v.Instance == "" {
					add(UnattachedVolume, acct.ID, r.Name, v.ID)
				}
			}
			for _, e := range r.EC2.Addresses {
				if e.AssociationID == "" {
					add(UnassociatedIP, acct.ID, r.Name, e.AllocationID)
				}
			}
			for _, db := range r.RDS.Instances {
				conns, ok := org.Metric(acct.ID, r.Name, "AWS/RDS", "DatabaseConnections", map[string]string{"DBInstanceIdentifier": db.ID}, "Maximum")
				if db.Status == "available" && ok && conns == 0 {
					add(IdleDatabase, acct.ID, r.Name, db.ID)
				}
				if v, ok := org.Metric(acct.ID, r.Name, "AWS/RDS", "CPUUtilization", map[string]string{"DBInstanceIdentifier": db.ID}, "Maximum"); ok {
					peak[acct.ID+"/"+r.Name+"/"+db.ID] = v
				}
			}
			for _, f := range r.Lambda.Functions {
				if !f.HasMetrics || f.Invocations < 10 {
					add(UnusedFunction, acct.ID, r.Name, f.Name)
				}
			}
		}
		for _, b := range acct.Buckets {
			if b.HasMetrics() && b.Objects == 0 && days(now, b.Created) > 90 {
				add(EmptyBucket, acct.ID, b.Region, b.Name)
			}
		}
	}
	got := map[string][]string{}
	for _, f := range a.Idle {
		got[f.Kind] = append(got[f.Kind], f.Resource.AccountID+"/"+f.Resource.Region+"/"+f.Resource.ID)
	}
	for _, kind := range []string{StoppedInstance, LowCPUInstance, UnattachedVolume, UnassociatedIP, IdleDatabase, UnusedFunction, EmptyBucket} {
		sort.Strings(want[kind])
		sort.Strings(got[kind])
		if len(want[kind]) == 0 {
			t.Errorf("the synthetic organization has no %s: the check proves nothing", kind)
		}
		if strings.Join(got[kind], " ") != strings.Join(want[kind], " ") {
			t.Errorf("%s:\n got %v\nwant %v", kind, got[kind], want[kind])
		}
	}

	if len(a.Rightsizing) == 0 {
		t.Error("no rightsizing on the synthetic organization")
	}
	for _, f := range a.Rightsizing {
		p, ok := peak[f.Resource.AccountID+"/"+f.Resource.Region+"/"+f.Resource.ID]
		if !ok || p >= 40 {
			t.Errorf("%s rightsized with peak CPU %v (known %v)", f.Resource.ID, p, ok)
		}
		if f.Saving() <= 0 || *f.TargetMonthlyUSD >= *f.CurrentMonthlyUSD {
			t.Errorf("%s: target not cheaper: %+v", f.Resource.ID, f)
		}
	}

	// Allocation: per account, the breakdown equals a sum made here.
	sums := map[string]float64{}
	for _, r := range recs {
		// Every live record's account is a row, even one whose records are
		// all free or unpriced (the management account's settings).
		sums[r.AccountName+" ("+r.AccountID+")"] += 0
		if r.EstimatedMonthlyCost != nil {
			sums[r.AccountName+" ("+r.AccountID+")"] += *r.EstimatedMonthlyCost
		}
	}
	b, _ := a.Get(ByAccount)
	for _, g := range b.Rows {
		if !near(g.MonthlyUSD, round2(sums[g.Key])) {
			t.Errorf("account %s: breakdown %v, sum %v", g.Key, g.MonthlyUSD, sums[g.Key])
		}
	}
	if len(b.Rows) != len(sums) {
		t.Errorf("%d account rows, %d accounts", len(b.Rows), len(sums))
	}
}
