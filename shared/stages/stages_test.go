package stages_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/blob"
	"github.com/cloudinv/aws-inventory/shared/demo"
	"github.com/cloudinv/aws-inventory/shared/emf"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/stages"
	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/sqlite"
)

type harness struct {
	deps    *stages.Deps
	org     *fakeorg.Org
	metrics *bytes.Buffer
}

func newHarness(t *testing.T, spec string) *harness {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "inventory.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	env, org, err := demo.Env(spec, st, "stages-test")
	if err != nil {
		t.Fatal(err)
	}
	work, _ := blob.NewDir(dir, "work")
	reports, _ := blob.NewDir(dir, "reports")
	var m bytes.Buffer
	return &harness{org: org, metrics: &m, deps: &stages.Deps{
		Env: env, Work: work, Reports: reports, Metrics: emf.New(&m, stages.MetricsNamespace),
		Settings: stages.Settings{MaxConcurrency: 7, ToleratedFailurePercentage: 5, RetentionDays: 30},
	}}
}

func (h *harness) invoke(t *testing.T, stage string, in any) []byte {
	t.Helper()
	b, ok := in.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(in); err != nil {
			t.Fatal(err)
		}
	}
	out, err := stages.Invoke(context.Background(), h.deps, stage, b)
	if err != nil {
		t.Fatalf("%s: %s: %v", stage, stages.ErrorType(err), err)
	}
	return out
}

// runCollection drives the stages as the state machine does: Plan, the
// items Plan wrote to the work bucket, Collect each, Aggregate.
func (h *harness) runCollection(t *testing.T, in any) (stages.PlanResult, pipeline.Summary) {
	t.Helper()
	var p stages.PlanResult
	if err := json.Unmarshal(h.invoke(t, "plan", in), &p); err != nil {
		t.Fatal(err)
	}
	body, err := h.deps.Work.Get(context.Background(), p.Items.Key)
	if err != nil {
		t.Fatalf("items Plan wrote: %v", err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		t.Fatal(err)
	}
	if len(items) != p.ItemCount {
		t.Fatalf("items object has %d items, plan says %d", len(items), p.ItemCount)
	}
	for _, it := range items {
		h.invoke(t, "collect", []byte(it))
	}
	var sum pipeline.Summary
	agg := map[string]any{"run_id": p.RunID, "skipped_accounts": p.SkippedAccounts}
	if err := json.Unmarshal(h.invoke(t, "aggregate", agg), &sum); err != nil {
		t.Fatal(err)
	}
	return p, sum
}

func TestPlanWritesItemsForTheMapAndHandsOutDeploymentSettings(t *testing.T) {
	h := newHarness(t, "accounts=3,regions=1,denied=0,suspended=0,optout=0,seed=3")
	p, sum := h.runCollection(t, map[string]any{"action": "collect"})
	if p.Items.Bucket != "work" || p.Items.Key != "runs/"+p.RunID+"/items.json" {
		t.Fatalf("items at %+v", p.Items)
	}
	if p.MaxConcurrency != 7 || p.ToleratedFailurePercentage != 5 {
		t.Fatalf("map settings = %d, %v; want the deployment's 7 and 5", p.MaxConcurrency, p.ToleratedFailurePercentage)
	}
	if sum.Status != store.RunSucceeded || sum.Items.Total != p.ItemCount || sum.Collected == 0 {
		t.Fatalf("summary = %+v", sum)
	}
	raw, _ := json.Marshal(p)
	if !strings.Contains(string(raw), `"skipped_accounts":[]`) {
		t.Fatalf("skipped_accounts must be present even when empty (Aggregate's parameters read it): %s", raw)
	}
	for _, m := range []string{`"RunSucceeded":1`, `"ItemResources":`, `"ItemsPlanned":`, `"ResourceType":"ec2_instance"`} {
		if !strings.Contains(h.metrics.String(), m) {
			t.Errorf("metrics lack %s", m)
		}
	}
}

func TestMalformedInputIsInvalidInputNamingTheField(t *testing.T) {
	h := newHarness(t, "accounts=3,regions=1,seed=3")
	for _, tc := range []struct {
		stage, in, want string
	}{
		{"plan", `{"acounts":["111111111111"]}`, `unknown field "acounts"`},
		{"plan", `{"accounts":["12"]}`, `"12" is not a 12-digit`},
		{"plan", `[1,2]`, "expected a JSON object"},
		{"plan", `{"replay_of":"run-missing"}`, "does not exist"},
		{"collect", `{"account_id":"111111111111"}`, "run_id, account_id and resource_type are required"},
		{"aggregate", `{"run_id":"run-missing"}`, "not found"},
		{"cleanup", `{"retention_days":-1}`, "retention_days"},
		{"nope", `{}`, "unknown stage"},
	} {
		_, err := stages.Invoke(context.Background(), h.deps, tc.stage, []byte(tc.in))
		if err == nil || stages.ErrorType(err) != "InvalidInput" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: err = %v (%s), want InvalidInput containing %q", tc.stage, tc.in, err, typeOf(err), tc.want)
		}
	}
}

func typeOf(err error) string {
	if err == nil {
		return ""
	}
	return stages.ErrorType(err)
}

func TestRecordFailureMakesTheItemReplayable(t *testing.T) {
	h := newHarness(t, "accounts=2,regions=1,denied=0,suspended=0,optout=0,seed=3")
	var p stages.PlanResult
	json.Unmarshal(h.invoke(t, "plan", map[string]any{"resource_types": []string{"s3"}}), &p)
	body, _ := h.deps.Work.Get(context.Background(), p.Items.Key)
	var items []map[string]any
	json.Unmarshal(body, &items)
	// The first item's Lambda "timed out": the Map child's Catch hands the
	// item (with the caught error beside it) to RecordFailure.
	lost := items[0]
	h.invoke(t, "recordfailure", map[string]any{"item": lost, "failure": map[string]string{"Error": "States.Timeout", "Cause": "Task timed out after 300 seconds"}})
	for _, it := range items[1:] {
		h.invoke(t, "collect", it)
	}
	var sum pipeline.Summary
	json.Unmarshal(h.invoke(t, "aggregate", map[string]any{"run_id": p.RunID, "skipped_accounts": []any{}}), &sum)
	if sum.Status != store.RunPartial || len(sum.Failed) != 1 || sum.Failed[0].Error != "States.Timeout: Task timed out after 300 seconds" {
		t.Fatalf("summary = %s %+v", sum.Status, sum.Failed)
	}
	if sum.ReplayInput == nil || len(sum.ReplayInput.Items) != 1 || sum.ReplayInput.Items[0].AccountID != lost["account_id"] {
		t.Fatalf("replay input = %+v", sum.ReplayInput)
	}
	// The replay input as it is: an execution input Plan accepts.
	_, re := h.runCollection(t, sum.ReplayInput)
	if re.Status != store.RunSucceeded || re.ReplayOf != p.RunID || re.Items.Total != 1 {
		t.Fatalf("replay = %+v", re)
	}
}

func TestLambdaCauseIsReducedToItsMessage(t *testing.T) {
	h := newHarness(t, "accounts=1,regions=1,denied=0,suspended=0,optout=0,seed=3")
	var p stages.PlanResult
	json.Unmarshal(h.invoke(t, "plan", map[string]any{"resource_types": []string{"s3"}}), &p)
	body, _ := h.deps.Work.Get(context.Background(), p.Items.Key)
	var items []json.RawMessage
	json.Unmarshal(body, &items)
	cause := `{"errorMessage":"Runtime exited with error: signal: killed","errorType":"Runtime.ExitError"}`
	var res stages.ItemResult
	json.Unmarshal(h.invoke(t, "recordfailure", map[string]any{"item": items[0], "failure": map[string]string{"Error": "Runtime.ExitError", "Cause": cause}}), &res)
	if res.Status != store.ItemFailed || res.Error != "Runtime.ExitError: Runtime exited with error: signal: killed" {
		t.Fatalf("recorded %+v", res)
	}
}

func TestCostAndSecurityReportWhatTheInventoryHolds(t *testing.T) {
	h := newHarness(t, "accounts=3,regions=1,denied=0,suspended=0,optout=0,seed=5")
	p, sum := h.runCollection(t, map[string]any{})
	var c stages.CostResult
	json.Unmarshal(h.invoke(t, "cost", map[string]any{"run_id": p.RunID}), &c)
	if c.Resources != sum.Inventory.Total || c.Priced+c.Unpriced != c.Resources {
		t.Fatalf("cost counts %+v vs inventory %d", c, sum.Inventory.Total)
	}
	var s stages.SecurityResult
	json.Unmarshal(h.invoke(t, "security", map[string]any{"run_id": p.RunID}), &s)
	if s.ResourcesEvaluated == 0 || s.ComplianceScore <= 0 || s.ComplianceScore > 100 {
		t.Fatalf("security = %+v", s.Report)
	}
	if s.Failed == 0 || s.UnencryptedResources == 0 || s.PublicResources == 0 {
		t.Fatalf("the demo organization has unencrypted and public resources; security found %+v", s.Report)
	}
	if !strings.Contains(h.metrics.String(), `"ComplianceScore"`) || !strings.Contains(h.metrics.String(), `"UnpricedResources"`) {
		t.Fatal("cost and security metrics missing")
	}
}
