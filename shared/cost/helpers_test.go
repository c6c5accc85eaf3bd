package cost

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// Figures below are hand-computed from the bundled snapshot
// (snapshot-2025-11), us-east-1, × 730 h:
//
//	EC2 m5.xlarge 0.192 → 140.16; m5.large 0.096 → 70.08; m6g.xlarge 0.154
//	→ 112.42; m7g.xlarge 0.1632 → 119.136; c5.9xlarge 1.53 → 1116.90;
//	c5.4xlarge 0.68 → 496.40 (c5 has no 6xlarge or 8xlarge).
//	RDS mysql Multi-AZ db.m5.xlarge 0.684 → 499.32; db.m5.large 0.342 →
//	249.66; db.m6g.xlarge 0.608 → 443.84; db.m7g.xlarge 0.674 → 492.02.

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

const basis = "snapshot-2025-11: test"

func th() config.CostThresholds { return config.Default().CostThresholds }

// mk builds a priced record; cost < 0 leaves it unpriced.
func mk(typ, id string, cost float64, attrs map[string]any) inventory.Record {
	if attrs == nil {
		attrs = map[string]any{}
	}
	r := inventory.Record{ResourceType: typ, ResourceID: id, AccountID: "111111111111", AccountName: "prod",
		Department: "Engineering", Region: "us-east-1", Attributes: attrs}
	if cost >= 0 {
		r.EstimatedMonthlyCost, r.CostBasis = &cost, basis
	}
	return r
}

func analyze(t *testing.T, recs []inventory.Record, opts Options) Analysis {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = now
	}
	a, err := Analyze(context.Background(), recs, pricing.Snapshot(), th(), opts)
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return a
}

func daysAgo(d int) string { return now.AddDate(0, 0, -d).Format(time.RFC3339) }

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

func findings(a Analysis, kind string) []Finding {
	var out []Finding
	for _, f := range append(append([]Finding{}, a.Idle...), a.Rightsizing...) {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

func noData(a Analysis, rule string) []NoData {
	var out []NoData
	for _, n := range a.NoData {
		if n.Rule == rule {
			out = append(out, n)
		}
	}
	return out
}
