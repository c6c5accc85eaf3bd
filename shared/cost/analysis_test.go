package cost

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

func tagged(r inventory.Record, tags map[string]string) inventory.Record {
	r.Attributes["tags"] = tags
	return r
}

func allocationRecords() []inventory.Record {
	a := tagged(mk(inventory.EC2Instance, "i-1", 100, map[string]any{"state": "running"}), map[string]string{"CostCenter": "CC-1"})
	b := tagged(mk(inventory.EBSVolume, "vol-1", 20, map[string]any{"attached": true}), map[string]string{"CostCenter": "CC-2"})
	c := mk(inventory.S3Bucket, "bucket-1", 30, map[string]any{}) // no tags at all
	c.Region, c.Department = "eu-west-1", "Marketing"
	d := tagged(mk(inventory.LambdaFunction, "fn-1", -1, map[string]any{}), map[string]string{"CostCenter": ""})
	d.CostBasis = "unpriced: no price for Lambda in xx-test-1: region not in snapshot-2025-11"
	e := mk(inventory.EC2Instance, "i-gone", 500, map[string]any{"state": "running"})
	gone := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	e.DeletedAt = &gone
	f := mk(inventory.SecurityGroup, "sg-1", 0, nil)
	f.AccountID, f.AccountName, f.Department = "222222222222", "dev", ""
	return []inventory.Record{a, b, c, d, e, f}
}

func TestTotalsAndBreakdowns(t *testing.T) {
	a := analyze(t, allocationRecords(), Options{GroupBy: "tag:CostCenter"})
	if a.Resources != 5 || a.Priced != 4 || a.MonthlyUSD != 150 || a.YearlyUSD != 1800 {
		t.Errorf("resources %d priced %d monthly %v yearly %v, want 5, 4, 150, 1800 (deleted left out, unpriced not 0)",
			a.Resources, a.Priced, a.MonthlyUSD, a.YearlyUSD)
	}
	if strings.Join(a.Bases, ",") != "snapshot-2025-11" {
		t.Errorf("bases %v", a.Bases)
	}
	want := map[string]string{
		ByAccount:        "prod (111111111111)=150/4/1 dev (222222222222)=0/1/0",
		ByDepartment:     "Engineering=120/3/1 Marketing=30/1/0 (none)=0/1/0",
		ByRegion:         "us-east-1=120/4/1 eu-west-1=30/1/0",
		ByType:           "ec2_instance=100/1/0 s3_bucket=30/1/0 ebs_volume=20/1/0 lambda_function=0/1/1 security_group=0/1/0",
		"tag:CostCenter": "CC-1=100/1/0 (untagged)=30/3/1 CC-2=20/1/0",
	}
	if len(a.Breakdowns) != len(want) {
		t.Fatalf("breakdowns %d, want %d", len(a.Breakdowns), len(want))
	}
	for dim, w := range want {
		b, ok := a.Get(dim)
		if !ok {
			t.Fatalf("no breakdown by %s", dim)
		}
		var parts []string
		sum := 0.0
		for _, g := range b.Rows {
			parts = append(parts, g.Key+"="+strconv.FormatFloat(g.MonthlyUSD, 'f', -1, 64)+"/"+strconv.Itoa(g.Resources)+"/"+strconv.Itoa(g.Unpriced))
			sum += g.MonthlyUSD
		}
		if got := strings.Join(parts, " "); got != w {
			t.Errorf("by %s: %s\nwant %s", dim, got, w)
		}
		if sum != a.MonthlyUSD {
			t.Errorf("by %s sums to %v, total %v: spend hidden or counted twice", dim, sum, a.MonthlyUSD)
		}
	}
	if b, _ := a.Get(ByAccount); b.Rows[0].Share != 100 {
		t.Errorf("share %v", b.Rows[0].Share)
	}
	if a.Unpriced.Count != 1 || a.Unpriced.ByType[inventory.LambdaFunction] != 1 ||
		a.Unpriced.Groups[0].Reason != "region not in snapshot-2025-11" || a.Unpriced.Groups[0].Items[0] != "Lambda in xx-test-1" ||
		a.Unpriced.Groups[0].Examples[0] != "fn-1" || a.Reason(recsKey(t, "fn-1")) != "no price for Lambda in xx-test-1: region not in snapshot-2025-11" {
		t.Errorf("unpriced %+v", a.Unpriced)
	}
	if _, err := Analyze(context.Background(), nil, pricing.Snapshot(), th(), Options{GroupBy: "owner"}); err == nil {
		t.Error("group by owner accepted")
	}
	if _, err := Analyze(context.Background(), nil, pricing.Snapshot(), th(), Options{GroupBy: "tag:"}); err == nil {
		t.Error("group by tag: without a key accepted")
	}
}

func recsKey(t *testing.T, id string) inventory.Key {
	for _, r := range allocationRecords() {
		if r.ResourceID == id {
			return r.Key()
		}
	}
	t.Fatalf("no record %s", id)
	return inventory.Key{}
}

// A record stored before estimates existed has no basis at all: the
// estimator is asked for the reason rather than guessing one.
func TestUnpricedReasonFromEstimator(t *testing.T) {
	r := mk(inventory.EC2Instance, "i-spot", -1, map[string]any{"state": "running", "instance_type": "m5.large", "lifecycle": "spot"})
	a := analyze(t, []inventory.Record{r}, Options{})
	if got := a.Reason(r.Key()); !strings.Contains(got, "spot") {
		t.Errorf("reason %q, want the estimator's (spot)", got)
	}
}

func TestTopAndExpensive(t *testing.T) {
	var recs []inventory.Record
	for i, c := range []float64{5, 150, 99, 150, 101, 0} {
		recs = append(recs, mk(inventory.EBSVolume, "vol-"+strconv.Itoa(i), c, map[string]any{"attached": true}))
	}
	a := analyze(t, recs, Options{Top: 3})
	var ids []string
	for _, r := range a.Top {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, " "); got != "vol-1 vol-3 vol-4" {
		t.Errorf("top 3: %s (ties by identity)", got)
	}
	if len(a.Expensive) != 3 { // > 100: 150, 150, 101
		t.Errorf("expensive %d, want 3", len(a.Expensive))
	}
}

// One resource, three options: stopping it (idle, all 140.16), a size
// down (70.08) and Graviton (27.74). Only the stop counts; the total is
// 140.16, not their sum.
func TestNoDoubleCounting(t *testing.T) {
	recs := []inventory.Record{
		ec2("i-idle", "m5.xlarge", 140.16, map[string]any{"cpu_avg_14d": 2.0, "cpu_max_14d": 10.0}),
		ec2("i-big", "m5.xlarge", 140.16, map[string]any{"cpu_avg_14d": 20.0, "cpu_max_14d": 30.0}),
		mk(inventory.ElasticIP, "eipalloc-1", 3.65, map[string]any{"associated": false}),
	}
	a := analyze(t, recs, Options{})
	if len(a.Idle) != 2 || len(a.Rightsizing) != 4 {
		t.Fatalf("idle %d rightsizing %d, want 2 and 4", len(a.Idle), len(a.Rightsizing))
	}
	s := a.Savings
	if s.MonthlyUSD != 213.89 || s.IdleMonthlyUSD != 143.81 || s.RightsizingMonthlyUSD != 70.08 || s.Resources != 3 || s.YearlyUSD != 2566.68 {
		t.Errorf("savings %+v, want 140.16 + 3.65 idle + 70.08 rightsizing = 213.89", s)
	}
	for _, f := range append(append([]Finding{}, a.Idle...), a.Rightsizing...) {
		wantCounted := f.Idle() || (f.Resource.ID == "i-big" && f.Kind == Downsize)
		if f.Counted != wantCounted {
			t.Errorf("%s %s counted %v", f.Resource.ID, f.Kind, f.Counted)
		}
	}

	acts := Actions(a, 0)
	var got []string
	for _, x := range acts {
		got = append(got, x.Resource.ID+":"+x.Kind)
	}
	if strings.Join(got, " ") != "i-idle:low_cpu_instance i-big:downsize eipalloc-1:unassociated_ip" {
		t.Errorf("actions %v", got)
	}
	if len(acts[0].Alternatives) != 2 || !strings.Contains(acts[0].Alternatives[0], "Downsize i-idle from m5.xlarge to m5.large") {
		t.Errorf("alternatives %q", acts[0].Alternatives)
	}
	if !strings.Contains(acts[0].Summary, "Stop instance i-idle") || !strings.Contains(acts[0].Summary, "saves $140.16/month") {
		t.Errorf("summary %q", acts[0].Summary)
	}
	if n := len(Actions(a, 50)); n != 2 {
		t.Errorf("actions of at least $50: %d, want 2", n)
	}
	if n := len(Actions(a, 70.08)); n != 2 {
		t.Errorf("the bar is inclusive: %d actions at $70.08, want 2", n)
	}

	// The report's counted column adds up to the total.
	var buf bytes.Buffer
	if err := WriteReport(&buf, recs, a, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := colIndex(rows[0], "potential_monthly_savings")
	sum := 0.0
	for _, r := range rows[1:] {
		if r[col] != "" {
			v, _ := strconv.ParseFloat(r[col], 64)
			sum += v
		}
	}
	if !near(sum, s.MonthlyUSD) {
		t.Errorf("report potential savings sum %v, analysis %v", sum, s.MonthlyUSD)
	}
}

func colIndex(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	return -1
}

func TestReport(t *testing.T) {
	recs := allocationRecords()
	recs[0].Attributes["tags"] = map[string]string{"CostCenter": "CC-1", "Owner": "=HYPERLINK(\"x\")"}
	a := analyze(t, recs, Options{})
	var buf bytes.Buffer
	if err := WriteReport(&buf, recs, a, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	if strings.Join(header[:len(ReportHeader)], ",") != strings.Join(ReportHeader, ",") || strings.Join(header[len(ReportHeader):], ",") != "tag:CostCenter,tag:Owner" {
		t.Fatalf("header %v", header)
	}
	if len(rows) != 1+5 {
		t.Fatalf("%d rows, want 5 live resources", len(rows)-1)
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[colIndex(header, "resource_id")]] = r
	}
	i1 := byID["i-1"]
	if i1[colIndex(header, "estimated_monthly_cost")] != "100.00" || i1[colIndex(header, "estimated_yearly_cost")] != "1200.00" ||
		i1[colIndex(header, "tag:CostCenter")] != "CC-1" || i1[colIndex(header, "tag:Owner")] != "'=HYPERLINK(\"x\")" {
		t.Errorf("i-1 row %q", i1)
	}
	fn := byID["fn-1"]
	if fn[colIndex(header, "estimated_monthly_cost")] != "" || !strings.Contains(fn[colIndex(header, "unpriced_reason")], "region not in") ||
		fn[colIndex(header, "cost_basis")] != "" {
		t.Errorf("unpriced row %q: want empty cost, the reason, no basis", fn)
	}
}

// Same records in any order give byte-identical JSON.
func TestDeterministic(t *testing.T) {
	recs := append(allocationRecords(),
		ec2("i-idle", "m5.xlarge", 140.16, map[string]any{"cpu_avg_14d": 2.0, "cpu_max_14d": 10.0}),
		ec2("i-big", "m5.xlarge", 140.16, nil),
		mk(inventory.ElasticIP, "eipalloc-1", 3.65, map[string]any{"associated": false}),
		mk(inventory.ElasticIP, "eipalloc-2", 3.65, map[string]any{"associated": false}),
		mk(inventory.EBSVolume, "vol-x", 3.65, map[string]any{"attached": false}),
	)
	var first []byte
	for i := range 5 {
		shuffled := append([]inventory.Record{}, recs...)
		r := rand.New(rand.NewPCG(uint64(i), 7))
		r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		a := analyze(t, shuffled, Options{GroupBy: "tag:CostCenter"})
		out, err := json.Marshal(struct {
			A Analysis
			X []Action
		}{a, Actions(a, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = out
		} else if !bytes.Equal(first, out) {
			t.Fatalf("order %d gives different output", i)
		}
	}
}

func TestThresholdsFromConfig(t *testing.T) {
	recs := []inventory.Record{ec2("i-1", "m5.xlarge", 140.16, map[string]any{"cpu_avg_14d": 7.0, "cpu_max_14d": 30.0})}
	c := config.Default().CostThresholds
	c.LowCPUPercent, c.RightsizeMaxCPUPercent = 8, 25
	a, err := Analyze(context.Background(), recs, pricing.Snapshot(), c, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Idle) != 1 || len(a.Rightsizing) != 0 || a.Thresholds.LowCPUPercent != 8 {
		t.Errorf("with low_cpu_percent 8 and rightsize_max_cpu_percent 25: idle %d rightsizing %d", len(a.Idle), len(a.Rightsizing))
	}
	// Zero thresholds (built in code) take the defaults.
	a, _ = Analyze(context.Background(), recs, pricing.Snapshot(), config.CostThresholds{}, Options{Now: now})
	if a.Thresholds != config.Default().CostThresholds {
		t.Errorf("thresholds %+v", a.Thresholds)
	}
}

func TestShellQuoting(t *testing.T) {
	for in, want := range map[string]string{"i-0abc": "i-0abc", "my fn": "'my fn'", "it's": `'it'\''s'`, "a;rm -rf": "'a;rm -rf'"} {
		if got := q(in); got != want {
			t.Errorf("q(%q) = %s, want %s", in, got, want)
		}
	}
}
