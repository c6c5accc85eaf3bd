package stages

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/emf"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// PlanResult is Plan's output in the execution state ($.plan). The items go
// to S3 (a Distributed Map reads them with ItemReader), so the state stays
// small whatever the organization's size.
type PlanResult struct {
	RunID     string    `json:"run_id"`
	ReplayOf  string    `json:"replay_of,omitempty"`
	StartedAt time.Time `json:"started_at"`
	ItemCount int       `json:"item_count"`
	Items     ItemsRef  `json:"items"`
	// SkippedAccounts is always present (maybe empty): Aggregate's
	// parameters reference it, and a missing path fails the state.
	SkippedAccounts            any     `json:"skipped_accounts"`
	MaxConcurrency             int     `json:"max_concurrency"`
	ToleratedFailurePercentage float64 `json:"tolerated_failure_percentage"`
	// Execution is carried on for Report and Notify: the state after Plan
	// keeps only Plan's output, so that a large replay input does not ride
	// along to every later state.
	Execution *ExecutionRef `json:"execution,omitempty"`
}

// ItemsRef locates the items object.
type ItemsRef struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
}

// ItemsKey is where Plan writes a run's work items.
func ItemsKey(runID string) string { return "runs/" + runID + "/items.json" }

const planFields = "action, run_id, accounts, resource_types, regions, replay_of, items"

// planRequest is the execution input plus $.execution, which the state
// machine's first state adds.
type planRequest struct {
	pipeline.PlanInput
	Execution *ExecutionRef `json:"execution,omitempty"`
}

func plan(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	var pr planRequest
	if err := decodeStrict("execution input", in, &pr, planFields); err != nil {
		return nil, err
	}
	req := pr.PlanInput
	// An execution started by `inventory run` or `inventory replay` is named
	// after its run, so the console's execution list and the store's runs
	// line up; other executions (schedules, the console) get a new run ID.
	if req.RunID == "" && pr.Execution != nil && strings.HasPrefix(pr.Execution.Name, "run-") {
		req.RunID = pr.Execution.Name
	}
	if d.Env == nil || d.Work == nil {
		return nil, errors.New("plan: the store and the work bucket must be configured (DYNAMODB_TABLE_NAME, WORK_BUCKET)")
	}
	out, err := pipeline.Plan(ctx, d.Env, req)
	if err != nil {
		return nil, err
	}
	items := out.Items
	if items == nil {
		items = []pipeline.WorkItem{}
	}
	body, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	key := ItemsKey(out.RunID)
	if err := d.Work.Put(ctx, key, body, "application/json"); err != nil {
		return nil, fmt.Errorf("plan: write work items: %w", err)
	}
	skipped := any(out.Skipped)
	if out.Skipped == nil {
		skipped = []any{}
	}
	s := d.Settings
	if s.MaxConcurrency <= 0 {
		s.MaxConcurrency = DefaultMaxConcurrency
	}
	d.emit(ctx, nil, emf.Metric{Name: "ItemsPlanned", Value: float64(len(items)), Unit: emf.Count})
	return PlanResult{
		RunID: out.RunID, ReplayOf: out.ReplayOf, StartedAt: out.StartedAt, ItemCount: len(items),
		Items: ItemsRef{Bucket: d.Work.Bucket(), Key: key}, SkippedAccounts: skipped,
		MaxConcurrency: s.MaxConcurrency, ToleratedFailurePercentage: s.ToleratedFailurePercentage,
		Execution: pr.Execution,
	}, nil
}

// ItemResult is a Map child's output: small, because ResultWriter collects
// thousands of them and the state keeps none.
type ItemResult struct {
	AccountID    string `json:"account_id"`
	ResourceType string `json:"resource_type"`
	Status       string `json:"status"`
	Resources    int    `json:"resources"`
	Error        string `json:"error,omitempty"`
}

func collectItem(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	var it pipeline.WorkItem
	if err := decodeStrict("work item", in, &it, "run_id, account_id, account_name, department, role_name, resource_type, regions"); err != nil {
		return nil, err
	}
	if it.RunID == "" || it.AccountID == "" || it.ResourceType == "" {
		return nil, &InvalidInput{Message: "work item: run_id, account_id and resource_type are required"}
	}
	if d.Env == nil {
		return nil, errors.New("collect: the store is not configured (DYNAMODB_TABLE_NAME)")
	}
	o, err := pipeline.Collect(ctx, d.Env, it)
	if err != nil {
		return nil, storeErr(err)
	}
	failed := 0.0
	if o.Status == store.ItemFailed {
		failed = 1
	}
	d.emit(ctx, nil,
		emf.Metric{Name: "ItemDurationMs", Value: float64(o.DurationMS), Unit: emf.Milliseconds},
		emf.Metric{Name: "ItemResources", Value: float64(o.Resources), Unit: emf.Count},
		emf.Metric{Name: "ItemFailed", Value: failed, Unit: emf.Count},
		emf.Metric{Name: "ItemThrottledCalls", Value: float64(o.Throttled), Unit: emf.Count},
	)
	return ItemResult{AccountID: o.AccountID, ResourceType: o.ResourceType, Status: o.Status, Resources: o.Resources, Error: o.Error}, nil
}

// failureInput is what the Map child's Catch hands RecordFailure: the item
// and the caught error object ({"Error", "Cause"}; either may be missing).
type failureInput struct {
	Item    json.RawMessage `json:"item"`
	Failure struct {
		Error string `json:"Error"`
		Cause string `json:"Cause"`
	} `json:"failure"`
}

func recordFailure(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	var f failureInput
	if err := decodeStrict("record failure input", in, &f, "item, failure"); err != nil {
		return nil, err
	}
	var it pipeline.WorkItem
	if err := decodeLoose("record failure item", f.Item, &it); err != nil {
		return nil, err
	}
	if it.RunID == "" || it.AccountID == "" || it.ResourceType == "" {
		return nil, &InvalidInput{Message: "record failure: item needs run_id, account_id and resource_type"}
	}
	if d.Env == nil {
		return nil, errors.New("recordfailure: the store is not configured (DYNAMODB_TABLE_NAME)")
	}
	o, err := pipeline.RecordFailure(ctx, d.Env, it, failureMessage(f.Failure.Error, f.Failure.Cause))
	if err != nil {
		return nil, storeErr(err)
	}
	d.emit(ctx, nil, emf.Metric{Name: "ItemFailed", Value: 1, Unit: emf.Count})
	return ItemResult{AccountID: o.AccountID, ResourceType: o.ResourceType, Status: o.Status, Error: o.Error}, nil
}

// failureMessage turns a Step Functions error and cause into one line. A
// Lambda's cause is JSON ({"errorMessage": …, "errorType": …}); a timeout's is
// plain text.
func failureMessage(name, cause string) string {
	var lc struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if json.Unmarshal([]byte(cause), &lc) == nil && lc.ErrorMessage != "" {
		cause = lc.ErrorMessage
	}
	switch {
	case name == "" && cause == "":
		return ""
	case cause == "":
		return name
	case name == "":
		return cause
	}
	return name + ": " + cause
}

func aggregate(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	var req pipeline.AggregateInput
	if err := decodeStrict("aggregate input", in, &req, "run_id, cancelled, skipped_accounts"); err != nil {
		return nil, err
	}
	if req.RunID == "" {
		return nil, &InvalidInput{Message: "aggregate input: run_id is required"}
	}
	if d.Env == nil {
		return nil, errors.New("aggregate: the store is not configured (DYNAMODB_TABLE_NAME)")
	}
	sum, err := pipeline.Aggregate(ctx, d.Env, req)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &InvalidInput{Message: err.Error()}
	}
	if err != nil {
		return nil, storeErr(err)
	}
	d.emit(ctx, nil, runMetrics(sum)...)
	for t, n := range sum.Inventory.ByType {
		d.emit(ctx, map[string]string{"ResourceType": t}, emf.Metric{Name: "Resources", Value: float64(n), Unit: emf.Count})
	}
	return sum.Compact(pipeline.CompactFailedItems, pipeline.CompactReplayItems), nil
}

func runMetrics(s pipeline.Summary) []emf.Metric {
	flag := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	failedItems := s.Items.Failed + s.Items.Partial + s.Items.NotRun
	return []emf.Metric{
		{Name: "RunSucceeded", Value: flag(s.Status == store.RunSucceeded), Unit: emf.Count},
		{Name: "RunFailed", Value: flag(s.Status == store.RunFailed), Unit: emf.Count},
		{Name: "PartialRun", Value: flag(s.Status == store.RunPartial || s.Status == store.RunCancelled), Unit: emf.Count},
		{Name: "FailedItems", Value: float64(failedItems), Unit: emf.Count},
		{Name: "ItemsTotal", Value: float64(s.Items.Total), Unit: emf.Count},
		{Name: "ResourcesCollected", Value: float64(s.Collected), Unit: emf.Count},
		{Name: "ResourcesMarkedDeleted", Value: float64(s.MarkedDeleted), Unit: emf.Count},
		{Name: "RunDurationSeconds", Value: s.DurationSeconds, Unit: emf.Seconds},
		{Name: "APICalls", Value: float64(s.APICalls), Unit: emf.Count},
		{Name: "ThrottledCalls", Value: float64(s.Throttled), Unit: emf.Count},
	}
}
