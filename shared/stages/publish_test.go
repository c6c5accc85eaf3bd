package stages_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/notify"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/stages"
)

type recorder struct {
	alerts []notify.Alert
	err    error
}

func (r *recorder) Name() string { return "recorder" }
func (r *recorder) Send(_ context.Context, a notify.Alert) error {
	if r.err != nil {
		return r.err
	}
	r.alerts = append(r.alerts, a)
	return nil
}

// collectState runs a collection with a denied account and returns the
// execution state as the state machine hands it to Report and Notify.
func collectState(t *testing.T, h *harness) map[string]any {
	t.Helper()
	exec := map[string]any{"arn": "arn:aws:states:us-east-1:123456789012:execution:inventory:run-20261126T100000Z-abcdef", "name": "run-20261126T100000Z-abcdef"}
	p, sum := h.runCollection(t, map[string]any{"execution": exec})
	if p.RunID != "run-20261126T100000Z-abcdef" {
		t.Fatalf("run ID = %s, want the execution's name", p.RunID)
	}
	var cost, sec json.RawMessage = h.invoke(t, "cost", map[string]any{"run_id": p.RunID}), h.invoke(t, "security", map[string]any{"run_id": p.RunID})
	return map[string]any{"plan": p, "map": map[string]any{"MapRunArn": "x"}, "summary": sum.Compact(100, 400),
		"analysis": []json.RawMessage{cost, sec}}
}

func TestReportWritesTheRunsReportsToTheBucket(t *testing.T) {
	h := newHarness(t, "accounts=3,regions=1,denied=1,suspended=0,optout=0,seed=5")
	state := collectState(t, h)
	var r stages.ReportResult
	json.Unmarshal(h.invoke(t, "report", state), &r)
	if r.Bucket != "reports" || !strings.HasSuffix(r.HTML, "/run-20261126T100000Z-abcdef/report.html") {
		t.Fatalf("report result = %+v", r)
	}
	for _, k := range r.Keys {
		if _, err := h.deps.Reports.Get(context.Background(), k); err != nil {
			t.Fatalf("report key %s not written: %v", k, err)
		}
	}
	body, _ := h.deps.Reports.Get(context.Background(), strings.TrimPrefix(r.HTML, "s3://reports/"))
	if !strings.Contains(string(body), "compliance_score") && !strings.Contains(string(body), "Compliance") {
		t.Fatal("the HTML report has no security section")
	}
}

func TestNotifyAlertsOnAPartialRunWithTheReplayCommand(t *testing.T) {
	h := newHarness(t, "accounts=3,regions=1,denied=1,suspended=0,optout=0,seed=5")
	rec := &recorder{}
	h.deps.Senders = []notify.Sender{rec}
	state := collectState(t, h)
	var res stages.NotifyResult
	json.Unmarshal(h.invoke(t, "notify", state), &res)
	// The security check's first run also alerts on its new high-severity
	// findings (critical, listed first).
	partial := -1
	for i, a := range rec.alerts {
		if a.Kind == "run_partial" {
			partial = i
		}
	}
	if partial < 0 || len(res.Sent) != len(rec.alerts) {
		t.Fatalf("alerts = %+v, sent = %+v", rec.alerts, res.Sent)
	}
	text := rec.alerts[partial].Text + rec.alerts[partial].Code
	for _, f := range rec.alerts[partial].Fields {
		text += f.Value
	}
	if !strings.Contains(text, "inventory replay --execution arn:aws:states:") {
		t.Fatalf("partial-run alert lacks the replay command: %+v", rec.alerts[partial])
	}
}

func TestNotifyFailsOnlyWhenNothingWasDelivered(t *testing.T) {
	h := newHarness(t, "accounts=3,regions=1,denied=1,suspended=0,optout=0,seed=5")
	state := collectState(t, h)
	b, _ := json.Marshal(state)
	down := &recorder{err: errors.New("slack: 500")}
	h.deps.Senders = []notify.Sender{down}
	if _, err := stages.Invoke(context.Background(), h.deps, "notify", b); err == nil {
		t.Fatal("every channel failed: notify must fail so the state machine retries")
	}
	up := &recorder{}
	h.deps.Senders = []notify.Sender{up, down}
	out, err := stages.Invoke(context.Background(), h.deps, "notify", b)
	if err != nil {
		t.Fatalf("one channel worked: a retry would repeat its alerts, want success with the error listed; got %v", err)
	}
	var res stages.NotifyResult
	json.Unmarshal(out, &res)
	if len(res.Errors) != 1 || len(up.alerts) == 0 {
		t.Fatalf("result = %+v", res)
	}
}

func TestCostOnlyJobReportsAndNotifiesWithoutASummary(t *testing.T) {
	h := newHarness(t, "accounts=3,regions=1,denied=0,suspended=0,optout=0,seed=5")
	h.runCollection(t, map[string]any{})
	var cost json.RawMessage = h.invoke(t, "cost", map[string]any{"action": "cost_analysis"})
	state := map[string]any{"action": "cost_analysis", "cost": cost}
	var r stages.ReportResult
	json.Unmarshal(h.invoke(t, "report", state), &r)
	if len(r.Keys) == 0 || !strings.Contains(r.Keys[0], "cost_analysis-") {
		t.Fatalf("cost report keys = %v", r.Keys)
	}
	var s pipeline.Summary
	if err := json.Unmarshal(h.invoke(t, "notify", state), &s); err != nil {
		t.Fatal(err)
	}
}

func TestAnalysisOutputsFitAStateAndTheReportListsEveryFinding(t *testing.T) {
	h := newHarness(t, "accounts=12,regions=2,denied=0,suspended=0,optout=0,seed=5")
	p, _ := h.runCollection(t, map[string]any{})
	sec := h.invoke(t, "security", map[string]any{"run_id": p.RunID})
	if len(sec) > 64<<10 {
		t.Fatalf("security output is %d bytes: a state holds 256 KiB and Analyze carries cost beside it", len(sec))
	}
	var s stages.SecurityResult
	json.Unmarshal(sec, &s)
	if s.FindingsOmitted == 0 || len(s.Findings)+s.FindingsOmitted != s.Failed+s.Unknown {
		t.Fatalf("listed %d + omitted %d, want every one of %d failed + %d unknown accounted for", len(s.Findings), s.FindingsOmitted, s.Failed, s.Unknown)
	}
	var r stages.ReportResult
	json.Unmarshal(h.invoke(t, "report", map[string]any{"plan": p, "analysis": []json.RawMessage{h.invoke(t, "cost", map[string]any{}), sec}}), &r)
	var key string
	for _, k := range r.Keys {
		if strings.HasSuffix(k, "/summary.json") && !strings.Contains(k, "latest") {
			key = k
		}
	}
	body, err := h.deps.Reports.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Security stages.SecurityResult `json:"security"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Security.Findings) != s.Failed+s.Unknown || doc.Security.FindingsOmitted != 0 {
		t.Fatalf("report lists %d findings, want all %d", len(doc.Security.Findings), s.Failed+s.Unknown)
	}
}

func TestCostStageStoresTheAnalysisAndReportsSavings(t *testing.T) {
	h := newHarness(t, "accounts=4,regions=2,denied=0,suspended=0,optout=0,seed=5")
	h.runCollection(t, map[string]any{})
	var c stages.CostResult
	json.Unmarshal(h.invoke(t, "cost", map[string]any{"action": "cost_analysis"}), &c)
	if c.Priced == 0 || c.TotalMonthly <= 0 || c.ProjectedYearly != math.Round(c.TotalMonthly*12*100)/100 {
		t.Fatalf("cost result %+v: the demo organization is priced from the snapshot", c)
	}
	if c.IdleFindings == 0 || c.PotentialSavings <= 0 || len(c.Top) == 0 {
		t.Fatalf("cost result %+v: the demo organization has idle resources with savings", c)
	}
	doc, err := h.deps.Env.Store.GetDocument(context.Background(), stages.CostDocument)
	if err != nil {
		t.Fatal(err)
	}
	var stored struct {
		MonthlyUSD float64 `json:"monthly_usd"`
	}
	if err := json.Unmarshal(doc.Body, &stored); err != nil || math.Abs(stored.MonthlyUSD-c.TotalMonthly) > 0.01 {
		t.Fatalf("stored analysis total %v (%v), stage %v", stored.MonthlyUSD, err, c.TotalMonthly)
	}
	if !strings.Contains(h.metrics.String(), `"PotentialMonthlySavings"`) {
		t.Fatal("no savings metric")
	}
	// The report carries the finance CSV beside the others.
	var r stages.ReportResult
	json.Unmarshal(h.invoke(t, "report", map[string]any{"action": "cost_analysis", "cost": c}), &r)
	found := false
	for _, k := range r.Keys {
		found = found || strings.HasSuffix(k, "/"+stages.CostReportFile)
	}
	if !found {
		t.Fatalf("report keys %v lack %s", r.Keys, stages.CostReportFile)
	}
}
