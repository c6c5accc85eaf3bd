package estimate

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

func TestHypotheticalTargetsForRightsizing(t *testing.T) {
	ctx := context.Background()
	p := pricing.Snapshot()
	cases := []struct {
		name  string
		price func() (Estimate, error)
		want  float64
	}{
		{"InstanceMonthly m5.large us-east-1 = 0.096 × 730",
			func() (Estimate, error) { return InstanceMonthly(ctx, p, "us-east-1", "m5.large") }, 70.08},
		{"InstanceMonthly Graviton m6g.large us-east-1 = 0.077 × 730",
			func() (Estimate, error) { return InstanceMonthly(ctx, p, "us-east-1", "m6g.large") }, 56.21},
		{"RDSMonthly db.m5.large postgres multi_az = 0.356 × 730 (no storage)",
			func() (Estimate, error) {
				return RDSMonthly(ctx, p, "us-east-1", "postgres", "db.m5.large", pricing.MultiAZ)
			}, 259.88},
		{"RDSMonthly db.r6g.large aurora-postgresql io_optimized = 0.338 × 730",
			func() (Estimate, error) {
				return RDSMonthly(ctx, p, "us-east-1", "aurora-postgresql", "db.r6g.large", pricing.AuroraIOOpt)
			}, 246.74},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := c.price()
			if err != nil {
				t.Fatal(err)
			}
			if !near(e.Monthly, c.want) || e.Source != "snapshot-2025-11" {
				t.Errorf("got %v from %q, want %v from snapshot-2025-11", e.Monthly, e.Source, c.want)
			}
		})
	}
	if _, err := InstanceMonthly(ctx, p, "us-east-1", "m99.huge"); !errors.Is(err, pricing.ErrNoPrice) {
		t.Errorf("unknown target type: err %v, want ErrNoPrice", err)
	}
}

func TestRDSInstanceDeploymentPicksThePriceThatApplies(t *testing.T) {
	cases := []struct {
		name  string
		attrs map[string]any
		want  pricing.Deployment
		note  string
		err   string
	}{
		{"postgres single-AZ", map[string]any{"engine": "postgres", "multi_az": false}, pricing.SingleAZ, "", ""},
		{"mysql Multi-AZ", map[string]any{"engine": "mysql", "multi_az": true}, pricing.MultiAZ, "", ""},
		{"Aurora Standard from storage_type aurora", map[string]any{"engine": "aurora-mysql", "storage_type": "aurora"}, pricing.AuroraStandard, "Aurora Standard", ""},
		{"Aurora I/O-Optimized from storage_type aurora-iopt1", map[string]any{"engine": "aurora-mysql", "storage_type": "aurora-iopt1"}, pricing.AuroraIOOpt, "I/O-Optimized", ""},
		{"Aurora without storage_type: Standard, said to be assumed", map[string]any{"engine": "aurora-postgresql"}, pricing.AuroraStandard, "assumed", ""},
		{"Aurora multi_az does not matter (replicas are their own instances)", map[string]any{"engine": "aurora-postgresql", "storage_type": "aurora", "multi_az": true}, pricing.AuroraStandard, "", ""},
		{"Multi-AZ DB cluster member is unpriced", map[string]any{"engine": "mysql", "cluster_id": "c"}, "", "", "Multi-AZ DB cluster"},
		{"mariadb is unpriced", map[string]any{"engine": "mariadb"}, "", "", "engine not in the price data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, note, err := RDSInstanceDeployment(rec(inventory.RDSInstance, "us-east-1", c.attrs))
			if c.err != "" {
				if !errors.Is(err, pricing.ErrNoPrice) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want ErrNoPrice saying %q", err, c.err)
				}
				return
			}
			if err != nil || d != c.want || !strings.Contains(note, c.note) {
				t.Fatalf("got %q %q %v, want %q with note containing %q", d, note, err, c.want, c.note)
			}
		})
	}
}

// livePrices stands for a source that knows more than the snapshot (io2
// IOPS) and names itself differently, with the snapshot behind it.
type livePrices struct {
	pricing.Prices
}

func (l livePrices) EBS(ctx context.Context, region string) (pricing.EBSRates, error) {
	r, err := l.Prices.EBS(ctx, region)
	r.IO2IOPSMonth, r.HasIO2IOPS, r.Basis = 0.065, true, "pricing-api 2026-11-26"
	return r, err
}

func (l livePrices) EC2Hourly(ctx context.Context, region, typ string) (pricing.Quote, error) {
	q, err := l.Prices.EC2Hourly(ctx, region, typ)
	q.Basis = "pricing-api 2026-11-26"
	return q, err
}

func TestIO2PricedOnlyWhenTheSourceHasIO2IOPSAndWithinTheFirstTier(t *testing.T) {
	ctx := context.Background()
	p := livePrices{pricing.Snapshot()}
	e, err := Record(ctx, p, rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "io2", "size_gb": 100, "iops": 3000}))
	if err != nil {
		t.Fatal(err)
	}
	checkEstimate(t, e, want{monthly: 100*0.125 + 3000*0.065, parts: map[string]float64{"storage": 12.5, "iops": 195}, basis: []string{"pricing-api 2026-11-26"}})

	_, err = Record(ctx, p, rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "io2", "size_gb": 1000, "iops": 40000}))
	if !errors.Is(err, pricing.ErrNoPrice) || !strings.Contains(err.Error(), "above 32000") {
		t.Errorf("io2 beyond the first IOPS tier: err %v, want ErrNoPrice naming the tier", err)
	}
}

func TestBasisNamesEverySourceUsed(t *testing.T) {
	// Compute from the live source, storage from the snapshot: the basis
	// must name both, so nobody takes a mixed figure for a live one.
	p := livePrices{pricing.Snapshot()}
	ctx := context.Background()
	e, err := Record(ctx, p, rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "postgres", "instance_class": "db.m5.large", "storage_type": "gp2", "allocated_storage_gb": 100}))
	if err != nil {
		t.Fatal(err)
	}
	if e.Source != "snapshot-2025-11" {
		t.Errorf("RDS from the snapshot only: Source %q", e.Source)
	}
	e, err = InstanceMonthly(ctx, p, "us-east-1", "m5.large")
	if err != nil || e.Source != "pricing-api 2026-11-26" || !strings.HasPrefix(e.Basis, "pricing-api 2026-11-26: ") {
		t.Errorf("EC2 from the live source: %+v %v", e, err)
	}
	var b builder
	b.source("pricing-api 2026-11-26")
	b.source("snapshot-2025-11")
	b.source("pricing-api 2026-11-26")
	b.part("x", 1, "y")
	if got := b.estimate().Source; got != "pricing-api 2026-11-26 + snapshot-2025-11" {
		t.Errorf("mixed sources: %q", got)
	}
}

func TestRDSGP3Baseline(t *testing.T) {
	for _, c := range []struct {
		engine      string
		gb          float64
		iops, mibps float64
	}{
		{"mysql", 399, 3000, 125}, {"mysql", 400, 12000, 500}, {"postgres", 1000, 12000, 500},
		{"oracle-se2", 199, 3000, 125}, {"oracle-ee", 200, 12000, 500},
		{"sqlserver-se", 5000, 3000, 125}, {"mariadb", 400, 12000, 500},
	} {
		if i, m := rdsGP3Baseline(c.engine, c.gb); i != c.iops || m != c.mibps {
			t.Errorf("%s %v GB: baseline %v/%v, want %v/%v", c.engine, c.gb, i, m, c.iops, c.mibps)
		}
	}
}

func TestAnAutoAssignedPublicIPv4IsChargedToTheRunningInstance(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		ipType string
		want   float64
	}{
		{"auto-assigned", 70.08 + 3.65}, // 0.096 × 730 + 0.005 × 730
		{"elastic", 70.08},              // charged on the Elastic IP's record
		{"", 70.08},                     // no public address
	} {
		attrs := map[string]any{"instance_type": "m5.large", "state": "running", "platform": "linux", "lifecycle": "on-demand"}
		if tc.ipType != "" {
			attrs["public_ip"], attrs["public_ip_type"] = "203.0.113.7", tc.ipType
		}
		r := inventory.Record{ResourceType: inventory.EC2Instance, ResourceID: "i-1", Region: "us-east-1", Attributes: attrs}
		est, err := Record(ctx, pricing.Snapshot(), r)
		if err != nil || math.Abs(est.Monthly-tc.want) > 1e-9 {
			t.Errorf("public IP %q: %.4f (%v), want %.2f; basis %s", tc.ipType, est.Monthly, err, tc.want, est.Basis)
		}
	}
}
