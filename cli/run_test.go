package main

// The deployed-system commands (run, follow, replay --execution) against the
// protocol-level Step Functions stand-in of sfnfake_test.go.

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

// fast keeps the tests quick: polls back off from 10ms.
const fast = "--poll-interval=10ms"

// mustDeployed runs the binary against the fake and checks the exit status.
func mustDeployed(t *testing.T, f *fakeSFN, want int, args ...string) result {
	t.Helper()
	r := invEnv(t, t.TempDir(), f.env(), args...)
	if r.code != want {
		t.Fatalf("inventory %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

var (
	runIDRE         = regexp.MustCompile(`^run-\d{8}T\d{6}Z-[0-9a-f]{6}$`)
	replayExecHint  = regexp.MustCompile(`inventory replay --execution (arn:aws:states:\S+)`)
	followAgainHint = regexp.MustCompile(`inventory follow --execution (arn:aws:states:\S+)`)
)

func TestRunFollowsToTheSummaryAndReplayStartsTheReplayInput(t *testing.T) {
	f := newFakeSFN(t)
	r := mustDeployed(t, f, 3, "run", fast, "--state-machine", fakeSMARN("inventory"),
		"--account", "111111111111", "--resource-type", "ec2", "--region", "eu-west-1")

	// The execution: named after the run, input a PlanInput from the flags.
	st := f.started()
	if len(st) != 1 {
		t.Fatalf("%d executions started, want 1", len(st))
	}
	e := st[0]
	if !runIDRE.MatchString(e.name) {
		t.Errorf("execution name %q is not a run ID like run-20261126T063000Z-1a2b3c", e.name)
	}
	want := `{"action":"collect","run_id":"` + e.name + `","accounts":["111111111111"],"resource_types":["ec2"],"regions":["eu-west-1"]}`
	if e.input != want {
		t.Errorf("execution input\n got %s\nwant %s", e.input, want)
	}

	// Progress on stderr (not a terminal: plain lines), summary on stdout.
	for _, w := range []string{"Started execution " + e.name, e.arn, "console: https://eu-west-1.console.aws.amazon.com/states/", "Plan", "CollectItems", "1/4 items", "4/4 items", "Aggregate"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not show %q:\n%s", w, r.stderr)
		}
	}
	for _, w := range []string{"Run " + e.name + " partial", "4 total, 2 succeeded", "57 collected", "Failed items:", "222222222222", "AccessDenied",
		"s3://inventory-reports/reports/" + e.name + "/inventory.csv", "To re-collect the 2 failed item(s)"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout does not show %q:\n%s", w, r.stdout)
		}
	}
	m := replayExecHint.FindStringSubmatch(r.stdout)
	if m == nil || m[1] != e.arn {
		t.Fatalf("exit 3 without the hint `inventory replay --execution %s`:\n%s", e.arn, r.stdout)
	}
	for _, op := range []string{"DescribeExecution", "GetExecutionHistory", "ListMapRuns", "DescribeMapRun"} {
		if f.count(op) == 0 {
			t.Errorf("run never called %s", op)
		}
	}

	// The hint, as printed: a new execution of the same state machine whose
	// input is exactly the summary's replay_input.
	var out struct {
		Summary struct {
			ReplayInput json.RawMessage `json:"replay_input"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(e.script[len(e.script)-1].output), &out); err != nil {
		t.Fatal(err)
	}
	r = mustDeployed(t, f, 0, "replay", fast, "--execution", m[1])
	st = f.started()
	if len(st) != 2 {
		t.Fatalf("%d executions started after replay, want 2", len(st))
	}
	re := st[1]
	if re.smARN != fakeSMARN("inventory") {
		t.Errorf("replay started on %s, want the same state machine %s", re.smARN, fakeSMARN("inventory"))
	}
	if re.input != string(out.Summary.ReplayInput) {
		t.Errorf("replay input\n got %s\nwant %s", re.input, out.Summary.ReplayInput)
	}
	var ri pipeline.ReplayInput
	if err := json.Unmarshal([]byte(re.input), &ri); err != nil || ri.ReplayOf != e.name || len(ri.Items) != 2 {
		t.Errorf("replay input %s: want replay_of %s with the 2 failed items (%v)", re.input, e.name, err)
	}
	if !runIDRE.MatchString(re.name) || re.name == e.name {
		t.Errorf("replay execution name %q: want a new run ID", re.name)
	}
	if !strings.Contains(r.stdout, "replay of "+e.name) || strings.Contains(r.stdout, "inventory replay") {
		t.Errorf("replay summary does not name the replayed run, or hints at a replay after a clean run:\n%s", r.stdout)
	}

	// Replaying the clean replay: nothing to do, nothing started.
	r = mustDeployed(t, f, 0, "replay", fast, "--execution", re.arn)
	if !strings.Contains(r.stdout, "nothing to replay") {
		t.Errorf("replay of a run without failures: %q, want it to say there is nothing to replay", r.stdout)
	}
	if n := len(f.started()); n != 2 {
		t.Errorf("replay of a clean run started an execution (%d in all)", n)
	}
}

func TestReplaySendsACompactedReplayInputAsIs(t *testing.T) {
	f := newFakeSFN(t)
	sum := fakeSummary("run-20261126T063000Z-aaaaaa", "", true)
	out := executionOutputJSON(sum.RunID, sum)
	// Aggregate leaves the items out when the list is large: Plan re-plans
	// them from the store.
	out = strings.Replace(out, mustJSON(t, sum.ReplayInput), `{"action":"collect","replay_of":"run-20261126T063000Z-aaaaaa"}`, 1)
	arn := f.add("inventory", sum.RunID, `{"action":"collect"}`, fakeStep{status: "SUCCEEDED", output: out})
	mustDeployed(t, f, 0, "replay", fast, "--execution", arn)
	st := f.started()
	if len(st) != 1 || st[0].input != `{"action":"collect","replay_of":"run-20261126T063000Z-aaaaaa"}` {
		t.Fatalf("replay started %d executions, input %v", len(st), st)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRunFailedExecutionExits1WithTheCause(t *testing.T) {
	f := newFakeSFN(t)
	r := mustDeployed(t, f, 1, "run", fast, "--state-machine", fakeSMARN("failing"))
	e := f.started()[0]
	for _, w := range []string{e.arn, "FAILED", "StoreError", "store unavailable: table inventory-prod is being restored", "redrive-execution"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr, `"trace"`) {
		t.Errorf("the Lambda error cause is shown raw, not as its message:\n%s", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
}

func TestRunWithoutHistoryPermissionsStillReports(t *testing.T) {
	f := newFakeSFN(t)
	r := mustDeployed(t, f, 3, "run", fast, "--state-machine", fakeSMARN("restricted"))
	if n := strings.Count(r.stderr, "progress details unavailable"); n != 1 || !strings.Contains(r.stderr, "AccessDenied") {
		t.Errorf("want one note that progress details are unavailable, with the reason:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "Failed items:") {
		t.Errorf("no summary:\n%s", r.stdout)
	}
	if f.count("GetExecutionHistory") != 1 {
		t.Errorf("GetExecutionHistory called %d times after it was denied", f.count("GetExecutionHistory"))
	}
}

func TestUnknownStateMachineOrExecution(t *testing.T) {
	f := newFakeSFN(t)
	r := mustDeployed(t, f, 1, "run", fast, "--state-machine", "arn:aws:states:eu-west-1:999999999999:stateMachine:inventory")
	for _, w := range []string{"no state machine arn:aws:states:eu-west-1:999999999999:stateMachine:inventory", stateMachineEnv, "account 999999999999"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
		}
	}
	for _, cmd := range []string{"follow", "replay"} {
		r = mustDeployed(t, f, 1, cmd, fast, "--execution", execARNOf("inventory", "run-nope"))
		if !strings.Contains(r.stderr, "no execution "+execARNOf("inventory", "run-nope")) {
			t.Errorf("%s of an unknown execution:\n%s", cmd, r.stderr)
		}
	}
}

func TestRunOtherActions(t *testing.T) {
	f := newFakeSFN(t)
	r := mustDeployed(t, f, 0, "run", fast, "--state-machine", fakeSMARN("inventory"), "--action", "cost_analysis")
	e := f.started()[0]
	if e.input != `{"action":"cost_analysis"}` {
		t.Errorf("input %s, want {\"action\":\"cost_analysis\"}", e.input)
	}
	if !strings.HasPrefix(e.name, "cost-analysis-") {
		t.Errorf("execution name %q does not say it is a cost analysis", e.name)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out["cost"] == nil {
		t.Errorf("stdout is not the execution's output (%v):\n%s", err, r.stdout)
	}
	// The replay of an execution that collected nothing explains itself.
	r = mustDeployed(t, f, 1, "replay", fast, "--execution", e.arn)
	if !strings.Contains(r.stderr, "no run summary") {
		t.Errorf("replay of a cost analysis: %s", r.stderr)
	}
}

func TestRunInputFromFileAndNoWait(t *testing.T) {
	f := newFakeSFN(t)
	path := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(path, []byte("{\n  \"action\": \"collect\",\n  \"replay_of\": \"run-20261126T063000Z-aaaaaa\"\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := invEnv(t, t.TempDir(), append(f.env(), stateMachineEnv+"="+fakeSMARN("inventory")), "run", "--input", "@"+path, "--no-wait")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	e := f.started()[0]
	if e.input != `{"action":"collect","replay_of":"run-20261126T063000Z-aaaaaa"}` {
		t.Errorf("input %s: want the file's JSON, compacted", e.input)
	}
	if strings.TrimSpace(r.stdout) != e.arn {
		t.Errorf("--no-wait stdout = %q, want the execution ARN alone", r.stdout)
	}
	if f.count("DescribeExecution") != 0 {
		t.Errorf("--no-wait polled the execution")
	}
	if m := followAgainHint.FindStringSubmatch(r.stderr); m == nil || m[1] != e.arn {
		t.Errorf("--no-wait does not say how to follow:\n%s", r.stderr)
	}
	// follow picks it up and reports it.
	r = mustDeployed(t, f, 0, "follow", fast, "--execution", e.arn)
	if !strings.Contains(r.stdout, "(replay of run-20261126T063000Z-aaaaaa)") {
		t.Errorf("follow does not print the summary:\n%s", r.stdout)
	}
}

func TestReplayOfAnExecutionWithoutOutput(t *testing.T) {
	f := newFakeSFN(t)
	running := f.add("forever", "run-20261126T063000Z-bbbbbb", `{"action":"collect","run_id":"run-20261126T063000Z-bbbbbb"}`,
		fakeStep{status: "RUNNING", state: "CollectItems", items: mapItems(1, 0, 4)})
	r := mustDeployed(t, f, 1, "replay", fast, "--execution", running)
	for _, w := range []string{"still RUNNING", "inventory follow --execution " + running} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("replay of a running execution: stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	// Aborted after Plan, input without run_id (it was itself a replay): the
	// run ID comes from Plan's output in the history.
	aborted := f.add("inventory", "replay-x", `{"action":"collect","replay_of":"run-20261126T063000Z-cccccc"}`,
		fakeStep{status: "RUNNING", state: "Plan"}, fakeStep{status: "RUNNING", state: "CollectItems", items: mapItems(1, 0, 2)},
		fakeStep{status: "ABORTED", state: "CollectItems"})
	mustDeployed(t, f, 1, "follow", fast, "--execution", aborted)
	r = mustDeployed(t, f, 1, "replay", fast, "--execution", aborted)
	for _, w := range []string{"ABORTED", "run-planned-replay-x", "inventory run --state-machine " + fakeSMARN("inventory") + " --replay-of run-planned-replay-x"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("replay of an aborted execution: stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if n := len(f.started()); n != 0 {
		t.Errorf("replay without a replay input started %d executions", n)
	}
}

// TestCtrlCStopsFollowingNotTheExecution interrupts `run` while the
// execution runs, then follows it again with the printed command.
func TestCtrlCStopsFollowingNotTheExecution(t *testing.T) {
	f := newFakeSFN(t)
	cmd := exec.Command(invBin, "run", fast, "--state-machine", fakeSMARN("forever"))
	cmd.Dir = t.TempDir()
	cmd.Env = append(cliEnv(), f.env()...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for f.count("DescribeMapRun") < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("after Ctrl-C: %v, want exit 1\nstderr:\n%s", err, se.String())
	}
	e := f.started()[0]
	m := followAgainHint.FindStringSubmatch(se.String())
	if m == nil || m[1] != e.arn || !strings.Contains(se.String(), "stop-execution --execution-arn "+e.arn) || !strings.Contains(se.String(), "keeps running") {
		t.Fatalf("Ctrl-C does not say how to follow again or stop the execution:\n%s", se.String())
	}
	if n := f.count("StopExecution"); n != 0 {
		t.Errorf("Ctrl-C called StopExecution %d times", n)
	}
	// The execution ends; the printed command reports it.
	sum := fakeSummary(e.name, "", false)
	f.setScript(e.arn, fakeStep{status: "RUNNING", state: "Aggregate"}, fakeStep{status: "SUCCEEDED", output: executionOutputJSON(e.name, sum)})
	r := mustDeployed(t, f, 0, "follow", fast, "--execution", m[1])
	if !strings.Contains(r.stdout, "Run "+e.name+" succeeded") {
		t.Errorf("follow after Ctrl-C:\n%s", r.stdout)
	}
}

func TestDeployedUsageErrors(t *testing.T) {
	f := newFakeSFN(t)
	sm := fakeSMARN("inventory")
	ex := execARNOf("inventory", "run-x")
	tests := []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"run without state machine", nil, []string{"run"}, []string{"--state-machine", stateMachineEnv}},
		{"run with a lambda ARN", nil, []string{"run", "--state-machine", "arn:aws:lambda:eu-west-1:123456789012:function:plan"},
			[]string{"--state-machine", "arn:aws:lambda", "state machine ARN", "stateMachine"}},
		{"run with an execution ARN", nil, []string{"run", "--state-machine", ex}, []string{"--state-machine", "state machine ARN"}},
		{"bad env ARN", []string{stateMachineEnv + "=inventory"}, []string{"run"}, []string{stateMachineEnv, `"inventory"`, "state machine ARN"}},
		{"unknown action", nil, []string{"run", "--state-machine", sm, "--action", "collect_all"}, []string{"--action", "collect_all", "cost_analysis"}},
		{"narrowed analysis", nil, []string{"run", "--state-machine", sm, "--action", "cleanup", "--account", "111111111111"}, []string{"--action", "collect"}},
		{"bad account", nil, []string{"run", "--state-machine", sm, "--account", "123"}, []string{"--account", "12-digit"}},
		{"bad type", nil, []string{"run", "--state-machine", sm, "--resource-type", "ec3"}, []string{"--resource-type", "ec3"}},
		{"bad region", nil, []string{"run", "--state-machine", sm, "--region", "mars-1"}, []string{"--region", "mars-1"}},
		{"input and account", nil, []string{"run", "--state-machine", sm, "--input", "{}", "--account", "111111111111"}, []string{"--input", "--account"}},
		{"input not JSON", nil, []string{"run", "--state-machine", sm, "--input", "{action:collect}"}, []string{"--input", "JSON object"}},
		{"input array", nil, []string{"run", "--state-machine", sm, "--input", "[]"}, []string{"--input", "JSON object"}},
		{"input bad action", nil, []string{"run", "--state-machine", sm, "--input", `{"action":"scan"}`}, []string{"--input", `"scan"`, "cost_analysis"}},
		{"input missing file", nil, []string{"run", "--state-machine", sm, "--input", "@nope.json"}, []string{"--input @nope.json", "no such file"}},
		{"replay-of narrowed", nil, []string{"run", "--state-machine", sm, "--replay-of", "run-x", "--region", "eu-west-1"}, []string{"--replay-of", "--region"}},
		{"poll interval", nil, []string{"run", "--state-machine", sm, "--poll-interval", "0s"}, []string{"--poll-interval"}},
		{"replay run and execution", nil, []string{"replay", "--run", "run-x", "--execution", ex}, []string{"--run", "--execution"}},
		{"replay execution and demo", nil, []string{"replay", "--execution", ex, "--demo"}, []string{"--execution", "--demo"}},
		{"replay bad execution ARN", nil, []string{"replay", "--execution", sm}, []string{"--execution", "execution ARN"}},
		{"replay run with no-wait", nil, []string{"replay", "--run", "run-x", "--no-wait", "--demo"}, []string{"--no-wait", "--execution"}},
		{"follow without execution", nil, []string{"follow"}, []string{"--execution"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := invEnv(t, t.TempDir(), append(f.env(), tc.env...), tc.args...)
			assertUsageError(t, r, tc.want...)
		})
	}
	if n := len(f.started()); n != 0 {
		t.Errorf("usage errors started %d executions", n)
	}
}

// assertUsageError checks exit 2 with a one-line message that mentions want.
func assertUsageError(t *testing.T, r result, want ...string) {
	t.Helper()
	if r.code != 2 {
		t.Errorf("exit %d, want 2\nstderr: %s", r.code, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
		}
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "inventory: ") || len(lines) != 2 || !strings.Contains(lines[1], "inventory --help") {
		t.Errorf("not a one-line usage error with a pointer to --help:\n%s", r.stderr)
	}
}

func TestHelpOfDeployedCommands(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", "--help"}, []string{"Examples:", "--state-machine", stateMachineEnv, "--input", "--no-wait", "--replay-of", "Exit status"}},
		{[]string{"replay", "--help"}, []string{"--execution", "--run"}},
		{[]string{"follow", "--help"}, []string{"--execution"}},
		{[]string{"--help"}, []string{"--store", "dynamodb://TABLE", "inventory run"}},
	} {
		r := mustInv(t, t.TempDir(), 0, tc.args...)
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%v does not mention %q", tc.args, w)
			}
		}
		if slices.Contains(tc.args, "follow") && strings.Contains(r.stdout, "--no-wait") {
			t.Errorf("follow --help offers --no-wait")
		}
	}
}
