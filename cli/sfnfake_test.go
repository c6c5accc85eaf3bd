package main

// A Step Functions stand-in at the protocol level: an HTTP server speaking
// awsJson1_0 (POST /, X-Amz-Target: AWSStepFunctions.<Operation>), so the
// inventory binary's real sfn client, credentials chain, signing and
// endpoint resolution (AWS_ENDPOINT_URL_SFN) all run as against AWS.
//
// What an execution does is scripted by its state machine's name: each
// DescribeExecution call moves it one step along its script.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

const (
	fakeRegion  = "eu-west-1"
	fakeAccount = "123456789012"
)

func fakeSMARN(name string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", fakeRegion, fakeAccount, name)
}

// fakeStep is an execution's state as one DescribeExecution call sees it.
type fakeStep struct {
	status string // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
	state  string // the state it is in (history)
	items  *[3]int64
	output string
	err    string
	cause  string
}

// items: succeeded, failed, total.
func mapItems(ok, failed, total int64) *[3]int64 { return &[3]int64{ok, failed, total} }

type fakeExec struct {
	arn, smARN, name, input string
	start                   time.Time
	script                  []fakeStep
	polls                   int
	planRunID               string // Plan's output run_id, once Plan has run
	lastItems               *[3]int64
}

func (e *fakeExec) current() fakeStep {
	i := max(e.polls-1, 0)
	return e.script[min(i, len(e.script)-1)]
}

type fakeSFN struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	execs  map[string]*fakeExec
	starts []*fakeExec // StartExecution calls, in order
	calls  map[string]int
	// scripts makes the script of a new execution from its state machine
	// name and input.
	scripts func(sm string, in pipeline.PlanInput, runID string) []fakeStep
}

func newFakeSFN(t *testing.T) *fakeSFN {
	f := &fakeSFN{t: t, execs: map[string]*fakeExec{}, calls: map[string]int{}, scripts: defaultScripts}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// env points the binary at the fake with static credentials, and keeps any
// local AWS config out.
func (f *fakeSFN) env() []string {
	return []string{
		"AWS_ENDPOINT_URL_SFN=" + f.srv.URL,
		"AWS_ACCESS_KEY_ID=AKIDINVENTORYTEST", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_CONFIG_FILE=" + nullFile, "AWS_SHARED_CREDENTIALS_FILE=" + nullFile,
	}
}

const nullFile = "/dev/null"

func (f *fakeSFN) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fakeSFN) started() []*fakeExec {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*fakeExec(nil), f.starts...)
}

// add registers an execution as if it had been started elsewhere (a
// schedule, the console).
func (f *fakeSFN) add(sm, name, input string, script ...fakeStep) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := &fakeExec{arn: execARNOf(sm, name), smARN: fakeSMARN(sm), name: name, input: input, start: time.Now(), script: script}
	f.execs[e.arn] = e
	return e.arn
}

// setScript replaces what an execution does from its next poll on.
func (f *fakeSFN) setScript(arn string, script ...fakeStep) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.execs[arn]
	e.script, e.polls = script, 0
}

func execARNOf(sm, name string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", fakeRegion, fakeAccount, sm, name)
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func (f *fakeSFN) serve(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSStepFunctions.")
	body, err := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || !ok || err != nil || r.Header.Get("Content-Type") != "application/x-amz-json-1.0" ||
		!strings.Contains(r.Header.Get("Authorization"), "Credential=AKIDINVENTORYTEST/") ||
		!strings.Contains(r.Header.Get("Authorization"), "/"+fakeRegion+"/states/aws4_request") {
		f.t.Errorf("fake sfn: unexpected request %s %s target %q auth %q", r.Method, r.URL, r.Header.Get("X-Amz-Target"), r.Header.Get("Authorization"))
		fail(w, "InvalidRequest", "not an awsJson1_0 Step Functions request signed for "+fakeRegion)
		return
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		fail(w, "SerializationException", err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op]++
	str := func(k string) string { s, _ := in[k].(string); return s }
	switch op {
	case "StartExecution":
		f.startExecution(w, str("stateMachineArn"), str("name"), str("input"))
	case "DescribeExecution":
		e := f.execs[str("executionArn")]
		if e == nil {
			fail(w, "ExecutionDoesNotExist", "Execution Does Not Exist: '"+str("executionArn")+"'")
			return
		}
		e.polls++
		s := e.current()
		if s.state == "CollectItems" || s.status != "RUNNING" {
			e.planRunID = planRunID(e)
		}
		if s.items != nil {
			e.lastItems = s.items
		}
		out := map[string]any{
			"executionArn": e.arn, "stateMachineArn": e.smARN, "name": e.name, "status": s.status,
			"startDate": epoch(e.start), "input": e.input,
		}
		if s.status != "RUNNING" {
			out["stopDate"] = epoch(time.Now())
		}
		for k, v := range map[string]string{"output": s.output, "error": s.err, "cause": s.cause} {
			if v != "" {
				out[k] = v
			}
		}
		reply(w, out)
	case "GetExecutionHistory", "ListMapRuns", "DescribeMapRun":
		if strings.Contains(str("executionArn")+str("mapRunArn"), ":restricted:") {
			fail(w, "AccessDeniedException", "User is not authorized to perform: states:"+op)
			return
		}
	}
	switch op {
	case "GetExecutionHistory":
		e := f.execs[str("executionArn")]
		if e == nil {
			fail(w, "ExecutionDoesNotExist", "no such execution")
			return
		}
		reply(w, map[string]any{"events": history(e, in["reverseOrder"] == true)})
	case "ListMapRuns":
		e := f.execs[str("executionArn")]
		runs := []any{}
		if e != nil && e.lastItems != nil {
			runs = append(runs, map[string]any{"executionArn": e.arn, "mapRunArn": mapRunARN(e), "stateMachineArn": e.smARN, "startDate": epoch(e.start)})
		}
		reply(w, map[string]any{"mapRuns": runs})
	case "DescribeMapRun":
		var e *fakeExec
		for _, x := range f.execs {
			if mapRunARN(x) == str("mapRunArn") {
				e = x
			}
		}
		if e == nil || e.lastItems == nil {
			fail(w, "ResourceNotFound", "no such map run")
			return
		}
		c, status := e.lastItems, "RUNNING"
		if c[0]+c[1] == c[2] {
			status = "SUCCEEDED"
		}
		reply(w, map[string]any{
			"mapRunArn": mapRunARN(e), "executionArn": e.arn, "status": status, "startDate": epoch(e.start),
			"maxConcurrency": 40, "toleratedFailurePercentage": 5, "toleratedFailureCount": 0,
			"itemCounts": map[string]any{"pending": 0, "running": c[2] - c[0] - c[1], "succeeded": c[0], "failed": c[1],
				"timedOut": 0, "aborted": 0, "total": c[2], "resultsWritten": c[0] + c[1]},
			"executionCounts": map[string]any{"pending": 0, "running": 0, "succeeded": c[0], "failed": c[1],
				"timedOut": 0, "aborted": 0, "total": c[2], "resultsWritten": 0},
		})
	default:
		// StopExecution among them: following must never stop anything.
		fail(w, "UnknownOperationException", "fake sfn does not implement "+op)
	}
}

func (f *fakeSFN) startExecution(w http.ResponseWriter, sm, name, input string) {
	smName, ok := strings.CutPrefix(sm, fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:", fakeRegion, fakeAccount))
	if !ok {
		fail(w, "StateMachineDoesNotExist", "State Machine Does Not Exist: '"+sm+"'")
		return
	}
	arn := execARNOf(smName, name)
	if f.execs[arn] != nil {
		fail(w, "ExecutionAlreadyExists", "Execution Already Exists: '"+arn+"'")
		return
	}
	var in pipeline.PlanInput
	if err := json.Unmarshal([]byte(input), &in); err != nil {
		fail(w, "InvalidExecutionInput", err.Error())
		return
	}
	runID := in.RunID
	if runID == "" {
		runID = "run-20261127T080000Z-" + fmt.Sprintf("%06x", len(f.starts)+1) // as Plan would
	}
	e := &fakeExec{arn: arn, smARN: sm, name: name, input: input, start: time.Now(), script: f.scripts(smName, in, runID)}
	f.execs[arn] = e
	f.starts = append(f.starts, e)
	reply(w, map[string]any{"executionArn": arn, "startDate": epoch(e.start)})
}

// planRunID is the run ID Plan chose: the input's, else one derived from the
// name (as the fake's StartExecution does for scripts).
func planRunID(e *fakeExec) string {
	var in pipeline.PlanInput
	if json.Unmarshal([]byte(e.input), &in) == nil && in.RunID != "" {
		return in.RunID
	}
	return "run-planned-" + e.name
}

func mapRunARN(e *fakeExec) string {
	sm := e.smARN[strings.LastIndex(e.smARN, ":")+1:]
	return fmt.Sprintf("arn:aws:states:%s:%s:mapRun:%s/CollectItems:%s", fakeRegion, fakeAccount, sm, e.name)
}

// history is the execution's events so far: one StateEntered per state the
// script has reached, and Plan's TaskStateExited with its output.
func history(e *fakeExec, reverse bool) []any {
	var events []any
	id := 0
	add := func(typ string, details map[string]any) {
		id++
		ev := map[string]any{"id": id, "timestamp": epoch(e.start), "type": typ}
		for k, v := range details {
			ev[k] = v
		}
		events = append(events, ev)
	}
	add("ExecutionStarted", map[string]any{"executionStartedEventDetails": map[string]any{"input": e.input}})
	seen := map[string]bool{}
	for i := 0; i < min(max(e.polls, 1), len(e.script)); i++ {
		st := e.script[i].state
		if st == "" || seen[st] {
			continue
		}
		seen[st] = true
		if st != "Plan" && e.planRunID != "" && !seen["Plan exited"] {
			seen["Plan exited"] = true
			out, _ := json.Marshal(map[string]any{"plan": map[string]any{"run_id": e.planRunID}})
			add("TaskStateExited", map[string]any{"stateExitedEventDetails": map[string]any{"name": "Plan", "output": string(out)}})
		}
		add("TaskStateEntered", map[string]any{"stateEnteredEventDetails": map[string]any{"name": st}})
	}
	if reverse {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	return events
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		panic(err)
	}
}

func fail(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `{"__type":"com.amazonaws.swf.service.v2.model#%s","message":%q}`, code, msg)
}

// The scripted state machines, by name:
//
//	inventory  a collection with one failed account (exit 3), whose replay
//	           then succeeds; other actions succeed with their own output
//	failing    Plan fails with a StoreError (exit 1)
//	forever    never ends (Ctrl-C, replay of a running execution)
//	restricted as inventory, but the caller may only start and describe
//	           executions (no history, no Map Runs)
func defaultScripts(sm string, in pipeline.PlanInput, runID string) []fakeStep {
	switch sm {
	case "failing":
		return []fakeStep{
			{status: "RUNNING", state: "Plan"},
			{status: "FAILED", state: "Plan", err: "StoreError",
				cause: `{"errorType":"StoreError","errorMessage":"store unavailable: table inventory-prod is being restored","trace":[]}`},
		}
	case "forever":
		return []fakeStep{{status: "RUNNING", state: "Plan"}, {status: "RUNNING", state: "CollectItems", items: mapItems(1, 0, 4)}}
	}
	if in.Action != "" && in.Action != "collect" {
		return []fakeStep{
			{status: "RUNNING", state: "CostAnalysis"},
			{status: "SUCCEEDED", output: `{"action":"` + in.Action + `","cost":{"estimated_monthly_cost":1234.5},"report":{"bucket":"reports","keys":["reports/cost.json"]}}`},
		}
	}
	sum := fakeSummary(runID, in.ReplayOf, in.ReplayOf == "")
	return []fakeStep{
		{status: "RUNNING", state: "Plan"},
		{status: "RUNNING", state: "CollectItems", items: mapItems(1, 0, 4)},
		{status: "RUNNING", state: "CollectItems", items: mapItems(4, 0, 4)},
		{status: "RUNNING", state: "Aggregate"},
		{status: "SUCCEEDED", output: executionOutputJSON(runID, sum)},
	}
}

var deniedItems = []pipeline.WorkItem{
	{AccountID: "222222222222", AccountName: "marketing", Department: "Marketing", RoleName: "InventoryRole", ResourceType: "ec2_instance"},
	{AccountID: "222222222222", AccountName: "marketing", Department: "Marketing", RoleName: "InventoryRole", ResourceType: "s3_bucket"},
}

// fakeSummary is what Aggregate writes: with failures, the denied account's
// two items and their replay input.
func fakeSummary(runID, replayOf string, failures bool) pipeline.Summary {
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	s := pipeline.Summary{
		RunID: runID, ReplayOf: replayOf, Status: "succeeded", StartedAt: now, FinishedAt: now.Add(95 * time.Second),
		DurationSeconds: 95, Items: pipeline.ItemCounts{Total: 4, Succeeded: 4}, Accounts: 2, Collected: 57,
		Inventory: pipeline.Breakdown{Total: 57, ByType: map[string]int{"ec2_instance": 40, "s3_bucket": 17},
			ByDepartment: map[string]int{"Engineering": 57}, ByRegion: map[string]int{"eu-west-1": 50, "us-east-1": 7}},
	}
	if failures {
		s.Status, s.Items.Succeeded, s.Items.Failed = "partial", 2, 2
		items := make([]pipeline.WorkItem, len(deniedItems))
		for i, it := range deniedItems {
			s.Failed = append(s.Failed, pipeline.FailedItem{AccountID: it.AccountID, AccountName: it.AccountName, ResourceType: it.ResourceType,
				Status: "failed", Error: "assume role arn:aws:iam::222222222222:role/InventoryRole: AccessDenied"})
			it.RunID = runID
			items[i] = it
		}
		s.ReplayInput = &pipeline.ReplayInput{Action: "collect", ReplayOf: runID, Items: items}
	}
	return s
}

func executionOutputJSON(runID string, sum pipeline.Summary) string {
	b, err := json.Marshal(map[string]any{
		"run_id": runID, "summary": sum,
		"report": map[string]any{"bucket": "inventory-reports", "keys": []string{"reports/" + runID + "/inventory.csv"}},
		"notify": map[string]any{"alerts": []any{}, "sent": []any{}},
	})
	if err != nil {
		panic(err)
	}
	return string(b)
}
