package main

// End-to-end tests: build the inventory binary once and run it as a new user
// would, in a fresh working directory, against the synthetic demo
// organization.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

var invBin string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "inventory-e2e-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		invBin = filepath.Join(dir, "inventory")
		out, err := exec.Command("go", "build", "-o", invBin, ".").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}())
}

const (
	demoOK     = "--demo=accounts=6,regions=2,seed=3,denied=0"
	demoDenied = "--demo=accounts=6,regions=2,seed=3" // default spec: 1 denied account
)

type result struct {
	stdout, stderr string
	code           int
}

// cliEnv is the environment without anything that would point the binary at
// another database or at real AWS credentials.
func cliEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == dbEnv || k == storeEnv || k == tableEnv || k == stateMachineEnv || strings.HasPrefix(k, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "AWS_EC2_METADATA_DISABLED=true")
}

// inv runs the binary in dir and returns its output and exit status.
func inv(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return invEnv(t, dir, nil, args...)
}

// invEnv is inv with extra environment variables (KEY=VALUE).
func invEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, invBin, args...)
	cmd.Dir = dir
	cmd.Env = append(cliEnv(), env...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	r := result{stdout: so.String(), stderr: se.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("inventory %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustInv runs the binary and fails the test unless it exits with want.
func mustInv(t *testing.T, dir string, want int, args ...string) result {
	t.Helper()
	r := inv(t, dir, args...)
	if r.code != want {
		t.Fatalf("inventory %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

type jsonRecord map[string]any

func (r jsonRecord) str(k string) string { s, _ := r[k].(string); return s }

func (r jsonRecord) key() string {
	return r.str("account_id") + "/" + r.str("region") + "/" + r.str("resource_type") + "/" + r.str("resource_id")
}

func (r jsonRecord) tags() map[string]any {
	attrs, _ := r["attributes"].(map[string]any)
	tags, _ := attrs["tags"].(map[string]any)
	return tags
}

// queryJSON runs `query --format json` with extra args and parses it.
func queryJSON(t *testing.T, dir string, args ...string) []jsonRecord {
	t.Helper()
	r := mustInv(t, dir, 0, append([]string{"query", "--format", "json"}, args...)...)
	var recs []jsonRecord
	if err := json.Unmarshal([]byte(r.stdout), &recs); err != nil {
		t.Fatalf("query --format json %v: not a JSON array of objects: %v\n%s", args, err, r.stdout)
	}
	return recs
}

func assertNoDuplicates(t *testing.T, recs []jsonRecord) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r.key()] {
			t.Errorf("duplicate record %s", r.key())
		}
		seen[r.key()] = true
	}
}

var replayHintRE = regexp.MustCompile(`inventory replay --run (run-\S+)`)

func TestCollectDemoSucceeds(t *testing.T) {
	dir := t.TempDir()
	r := mustInv(t, dir, 0, "collect", demoOK)
	if !strings.Contains(r.stdout, "succeeded") {
		t.Errorf("collect summary does not say how many items succeeded:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "inventory replay") {
		t.Errorf("a run with no failures prints a replay hint:\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "inventory.db")); err != nil {
		t.Errorf("default database not created in the working directory: %v", err)
	}
	recs := queryJSON(t, dir)
	if len(recs) == 0 {
		t.Fatal("query after a successful collect returned no records")
	}
	assertNoDuplicates(t, recs)

	// A second identical collection updates the same records in place.
	mustInv(t, dir, 0, "collect", demoOK)
	again := queryJSON(t, dir)
	if len(again) != len(recs) {
		t.Errorf("re-collect changed the live count: %d, then %d", len(recs), len(again))
	}
	assertNoDuplicates(t, again)
}

func TestCollectFailedItemsThenReplay(t *testing.T) {
	dir := t.TempDir()
	r := mustInv(t, dir, 3, "collect", demoDenied)
	m := replayHintRE.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("exit 3 without a replay hint `inventory replay --run run-…`:\n%s", r.stdout)
	}
	runID := m[1]
	if !strings.Contains(r.stdout, "Failed items:") {
		t.Errorf("summary does not list the failed items:\n%s", r.stdout)
	}
	before := queryJSON(t, dir)
	if len(before) == 0 {
		t.Fatal("a partial run stored no records")
	}
	assertNoDuplicates(t, before)

	// The hint names the run; replay it with the denial lifted.
	r = mustInv(t, dir, 0, "replay", "--run", runID, "--demo=accounts=6,regions=2,seed=3,denied=0")
	if !strings.Contains(r.stdout, "replay of "+runID) {
		t.Errorf("replay summary does not name the replayed run %s:\n%s", runID, r.stdout)
	}
	after := queryJSON(t, dir)
	if len(after) <= len(before) {
		t.Errorf("replay added no records: %d before, %d after", len(before), len(after))
	}
	assertNoDuplicates(t, after)
	// Every record from before is still there.
	keys := map[string]bool{}
	for _, rec := range after {
		keys[rec.key()] = true
	}
	for _, rec := range before {
		if !keys[rec.key()] {
			t.Errorf("record %s lost by the replay", rec.key())
		}
	}

	// Replaying the same run again is idempotent.
	mustInv(t, dir, 0, "replay", "--run", runID, "--demo=accounts=6,regions=2,seed=3,denied=0")
	again := queryJSON(t, dir)
	if len(again) != len(after) {
		t.Errorf("second replay changed the live count: %d, then %d", len(after), len(again))
	}
	assertNoDuplicates(t, again)

	// runs lists the replays against the original run.
	rr := mustInv(t, dir, 0, "runs", "--format", "json")
	var runs []map[string]any
	if err := json.Unmarshal([]byte(rr.stdout), &runs); err != nil {
		t.Fatalf("runs --format json: %v\n%s", err, rr.stdout)
	}
	if len(runs) != 3 {
		t.Fatalf("runs: %d runs, want 3\n%s", len(runs), rr.stdout)
	}
	replays := 0
	for _, x := range runs {
		if x["replay_of"] == runID {
			replays++
		}
	}
	if replays != 2 {
		t.Errorf("runs: %d runs with replay_of %s, want 2\n%s", replays, runID, rr.stdout)
	}
}

// TestReplayHintIsRunnable runs the hint's command line as printed (same
// demo spec, so the denied account fails again): exit 3 again, no change.
func TestReplayHintIsRunnable(t *testing.T) {
	dir := t.TempDir()
	r := mustInv(t, dir, 3, "collect", demoDenied)
	line := ""
	for _, l := range strings.Split(r.stdout, "\n") {
		if i := strings.Index(l, "inventory replay --run "); i >= 0 {
			line = l[i:]
		}
	}
	if line == "" {
		t.Fatalf("no replay hint:\n%s", r.stdout)
	}
	// The hint is shell syntax; undo the quoting of its --demo="…" value.
	args := strings.Fields(strings.ReplaceAll(line, `"`, ""))[1:]
	before := queryJSON(t, dir)
	r = mustInv(t, dir, 3, args...)
	if !replayHintRE.MatchString(r.stdout) {
		t.Errorf("replay that still fails prints no replay hint:\n%s", r.stdout)
	}
	if after := queryJSON(t, dir); len(after) != len(before) {
		t.Errorf("failing replay changed the live count: %d, then %d", len(before), len(after))
	}
}

// collected returns a working directory holding a demo collection.
func collected(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustInv(t, dir, 0, "collect", demoOK)
	return dir
}

var recordKeys = []string{
	"resource_type", "resource_id", "arn", "account_id", "account_name", "department", "region",
	"collected_at", "first_seen", "last_seen", "attributes", "estimated_monthly_cost",
}

func TestQueryAndExport(t *testing.T) {
	dir := collected(t)
	all := queryJSON(t, dir)
	if len(all) == 0 {
		t.Fatal("no records")
	}
	for i, r := range all {
		for _, k := range recordKeys {
			if _, ok := r[k]; !ok {
				t.Fatalf("record %d has no %q key: %v", i, k, r)
			}
		}
		for _, k := range []string{"collected_at", "first_seen", "last_seen"} {
			if _, err := time.Parse(time.RFC3339Nano, r.str(k)); err != nil {
				t.Errorf("record %s: %s %q is not an RFC 3339 time", r.key(), k, r.str(k))
			}
		}
		if _, ok := r["attributes"].(map[string]any); !ok {
			t.Errorf("record %s: attributes is not an object", r.key())
		}
	}
	assertNoDuplicates(t, all)
	account := all[0].str("account_id")

	t.Run("filters", func(t *testing.T) {
		ec2 := []string{"ec2_instance", "ebs_volume", "elastic_ip", "security_group", "ebs_snapshot", "ebs_default_encryption"}
		tests := []struct {
			name  string
			args  []string
			match func(jsonRecord) bool
		}{
			{"ec2 alias", []string{"--resource-type", "ec2"},
				func(r jsonRecord) bool { return slices.Contains(ec2, r.str("resource_type")) }},
			{"one type", []string{"--resource-type", "s3_bucket"},
				func(r jsonRecord) bool { return r.str("resource_type") == "s3_bucket" }},
			{"repeated type ORs", []string{"--resource-type", "rds", "--resource-type", "lambda"},
				func(r jsonRecord) bool {
					return strings.HasPrefix(r.str("resource_type"), "rds_") || r.str("resource_type") == "lambda_function"
				}},
			{"region", []string{"--region", "eu-west-1"},
				func(r jsonRecord) bool { return r.str("region") == "eu-west-1" }},
			{"account", []string{"--account", account},
				func(r jsonRecord) bool { return r.str("account_id") == account }},
			{"tag", []string{"--tag", "Department=Engineering"},
				func(r jsonRecord) bool { return r.tags()["Department"] == "Engineering" }},
			{"department", []string{"--department", "Engineering"},
				func(r jsonRecord) bool { return r.str("department") == "Engineering" }},
			{"type and region AND", []string{"--resource-type", "ec2", "--region", "us-east-1"},
				func(r jsonRecord) bool {
					return slices.Contains(ec2, r.str("resource_type")) && r.str("region") == "us-east-1"
				}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				want := 0
				for _, r := range all {
					if tc.match(r) {
						want++
					}
				}
				if want == 0 {
					t.Fatalf("the demo data has no record matching %v; the test proves nothing", tc.args)
				}
				got := queryJSON(t, dir, tc.args...)
				for _, r := range got {
					if !tc.match(r) {
						t.Errorf("%v returned a non-matching record %s (department %q, tags %v)", tc.args, r.key(), r.str("department"), r.tags())
					}
				}
				if len(got) != want {
					t.Errorf("%v: %d records, want %d (all matching records)", tc.args, len(got), want)
				}
			})
		}
		// The alias expands to all four EC2 types.
		types := map[string]bool{}
		for _, r := range queryJSON(t, dir, "--resource-type", "ec2") {
			types[r.str("resource_type")] = true
		}
		for _, ty := range ec2 {
			if !types[ty] {
				t.Errorf("--resource-type ec2 returned no %s", ty)
			}
		}
		// A filter matching nothing is an empty JSON array, not null.
		r := mustInv(t, dir, 0, "query", "--format", "json", "--account", "000000000000")
		if strings.TrimSpace(r.stdout) != "[]" {
			t.Errorf("empty query JSON = %q, want []", r.stdout)
		}
	})

	readCSV := func(t *testing.T, data string) [][]string {
		t.Helper()
		rows, err := csv.NewReader(strings.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("CSV does not parse: %v\n%s", err, data)
		}
		if len(rows) == 0 || rows[0][0] != "resource_type" || !slices.Contains(rows[0], "resource_id") || !slices.Contains(rows[0], "account_id") {
			t.Fatalf("CSV first row is not a header: %v", rows[0])
		}
		return rows
	}
	csvKeys := func(rows [][]string) map[string]bool {
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		keys := map[string]bool{}
		for _, r := range rows[1:] {
			keys[r[col["account_id"]]+"/"+r[col["region"]]+"/"+r[col["resource_type"]]+"/"+r[col["resource_id"]]] = true
		}
		return keys
	}
	jsonKeys := map[string]bool{}
	for _, r := range all {
		jsonKeys[r.key()] = true
	}

	t.Run("csv", func(t *testing.T) {
		r := mustInv(t, dir, 0, "query", "--format", "csv")
		rows := readCSV(t, r.stdout)
		if len(rows)-1 != len(all) {
			t.Errorf("CSV has %d records, JSON %d", len(rows)-1, len(all))
		}
		if got := csvKeys(rows); len(got) != len(jsonKeys) {
			t.Errorf("CSV has %d distinct keys, JSON %d", len(got), len(jsonKeys))
		}
		for k := range jsonKeys {
			if !csvKeys(rows)[k] {
				t.Errorf("CSV lacks %s", k)
				break
			}
		}
	})

	t.Run("export", func(t *testing.T) {
		out := filepath.Join(dir, "all.csv")
		r := mustInv(t, dir, 0, "export", "--output", "all.csv")
		if !strings.Contains(r.stderr, fmt.Sprintf("wrote %d resources", len(all))) {
			t.Errorf("export stderr = %q, want it to say it wrote %d resources", r.stderr, len(all))
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, string(data))
		if len(rows)-1 != len(all) {
			t.Errorf("exported %d records, query has %d", len(rows)-1, len(all))
		}
		q := mustInv(t, dir, 0, "query", "--format", "csv")
		if string(data) != q.stdout {
			t.Errorf("export file differs from query --format csv")
		}
		// Filtered export, and export to stdout.
		mustInv(t, dir, 0, "export", "--resource-type", "s3", "--output", "s3.csv")
		data, err = os.ReadFile(filepath.Join(dir, "s3.csv"))
		if err != nil {
			t.Fatal(err)
		}
		s3 := readCSV(t, string(data))
		if want := len(queryJSON(t, dir, "--resource-type", "s3")); len(s3)-1 != want {
			t.Errorf("filtered export has %d records, want %d", len(s3)-1, want)
		}
		for _, row := range s3[1:] {
			if row[0] != "s3_bucket" && row[0] != "s3_account_public_access_block" {
				t.Errorf("filtered export holds a %s", row[0])
			}
		}
		o := mustInv(t, dir, 0, "export", "--output", "-")
		if o.stdout != q.stdout {
			t.Errorf("export --output - differs from query --format csv")
		}
		// No temp files left beside the output.
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".inventory-export-") {
				t.Errorf("export left %s behind", e.Name())
			}
		}
	})

	t.Run("summary", func(t *testing.T) {
		r := mustInv(t, dir, 0, "summary", "--format", "json")
		var s struct {
			TotalResources int            `json:"total_resources"`
			Accounts       int            `json:"accounts"`
			ByType         map[string]int `json:"by_type"`
			LastRun        *struct {
				RunID string `json:"run_id"`
			} `json:"last_run"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
			t.Fatalf("summary --format json: %v\n%s", err, r.stdout)
		}
		if s.TotalResources != len(all) {
			t.Errorf("summary total_resources = %d, query has %d", s.TotalResources, len(all))
		}
		sum := 0
		for _, n := range s.ByType {
			sum += n
		}
		if sum != len(all) {
			t.Errorf("summary by_type sums to %d, want %d", sum, len(all))
		}
		accounts := map[string]bool{}
		for _, rec := range all {
			accounts[rec.str("account_id")] = true
		}
		if s.Accounts != len(accounts) {
			t.Errorf("summary accounts = %d, query has %d", s.Accounts, len(accounts))
		}
		if s.LastRun == nil || !strings.HasPrefix(s.LastRun.RunID, "run-") {
			t.Errorf("summary has no last_run")
		}
		tr := mustInv(t, dir, 0, "summary")
		if !strings.Contains(tr.stdout, fmt.Sprintf("%d live resources", len(all))) {
			t.Errorf("summary table does not give the live count %d:\n%s", len(all), tr.stdout)
		}
		tq := mustInv(t, dir, 0, "query")
		if !strings.Contains(tq.stdout, fmt.Sprintf("%d resources", len(all))) {
			t.Errorf("query table does not end with the count %d", len(all))
		}
	})
}

func TestErrors(t *testing.T) {
	dir := collected(t)
	before := len(queryJSON(t, dir))
	td, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		codes    []int    // acceptable exit statuses
		want     []string // substrings of stderr
		maxLines int      // 0: one line, plus the usage hint for exit 2
	}{
		{"unknown flag", []string{"query", "--bogus"}, []int{2}, []string{"unknown flag", "--bogus"}, 0},
		{"unknown command", []string{"colect"}, []int{2}, []string{"unknown command", "colect", "Did you mean", "collect"}, 6},
		{"stray argument", []string{"query", "extra"}, []int{2}, []string{"extra"}, 0},
		{"query format", []string{"query", "--format", "xml"}, []int{2}, []string{"--format", "xml", "table, json or csv"}, 0},
		{"summary format", []string{"summary", "--format", "csv"}, []int{2}, []string{"--format", "csv"}, 0},
		{"runs format", []string{"runs", "--format", "xml"}, []int{2}, []string{"--format", "xml"}, 0},
		{"query account", []string{"query", "--account", "123"}, []int{2}, []string{"--account", "123", "12-digit"}, 0},
		{"collect account", []string{"collect", "--demo", "--account", "123"}, []int{2}, []string{"--account", "123", "12-digit"}, 0},
		{"query type", []string{"query", "--resource-type", "ec3"}, []int{2}, []string{"--resource-type", "ec3"}, 0},
		{"collect type", []string{"collect", "--demo", "--resource-type", "ec3"}, []int{2}, []string{"--resource-type", "ec3"}, 0},
		{"tag", []string{"query", "--tag", "Department"}, []int{2}, []string{"--tag", "KEY=VALUE"}, 0},
		{"since", []string{"query", "--since", "yesterday"}, []int{2}, []string{"--since", "yesterday"}, 0},
		{"since after until", []string{"query", "--since", "1d", "--until", "2d"}, []int{2}, []string{"--since", "--until"}, 0},
		{"concurrency", []string{"collect", "--demo", "--concurrency", "0"}, []int{2}, []string{"--concurrency"}, 0},
		{"demo spec", []string{"collect", "--demo=acounts=6"}, []int{2}, []string{"--demo", "acounts"}, 0},
		{"demo and config", []string{"collect", "--demo", "--config", "x.json"}, []int{2}, []string{"--demo", "--config"}, 0},
		{"export without output", []string{"export"}, []int{2}, []string{"--output"}, 0},
		{"replay without run", []string{"replay", "--demo"}, []int{2}, []string{"--run"}, 0},
		{"replay unknown run", []string{"replay", "--run", "run-nope", "--demo"}, []int{1}, []string{"run-nope", "inventory.db"}, 0},
		{"bad config", []string{"collect", "--config", filepath.Join(td, "bad.json")}, []int{1, 2},
			[]string{"bad.json", "accounts.engineering.account_id", "12345", "accounts.engineering.rolename", "role_name"}, 2},
		{"unknown top-level key", []string{"collect", "--config", filepath.Join(td, "bad_toplevel.json")}, []int{1, 2},
			[]string{"bad_toplevel.json", "resource_typez", "resource_types"}, 0},
		{"truncated config", []string{"collect", "--config", filepath.Join(td, "truncated.json")}, []int{1, 2},
			[]string{"truncated.json:", "JSON"}, 0},
		{"missing config", []string{"collect", "--config", "missing.json"}, []int{1, 2}, []string{"missing.json", "cannot read config"}, 0},
		{"missing default config", []string{"collect"}, []int{1, 2}, []string{"config/accounts.json", "--demo"}, 0},
		{"db dir missing", []string{"--db", "/nonexistent-dir/x.db", "collect", "--demo"}, []int{1}, []string{"/nonexistent-dir"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := inv(t, dir, tc.args...)
			if !slices.Contains(tc.codes, r.code) {
				t.Errorf("exit %d, want one of %v\nstderr: %s", r.code, tc.codes, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
				}
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if !strings.HasPrefix(lines[0], "inventory: ") {
				t.Errorf("stderr does not start with an `inventory: ` message:\n%s", r.stderr)
			}
			max := tc.maxLines
			if max == 0 {
				max = 1
				if r.code == 2 {
					max = 2
				}
			}
			if len(lines) > max {
				t.Errorf("stderr has %d lines, want at most %d:\n%s", len(lines), max, r.stderr)
			}
			if r.code == 2 && !strings.Contains(r.stderr, "inventory --help") {
				t.Errorf("usage error without a pointer to --help:\n%s", r.stderr)
			}
			if strings.Contains(r.stderr, "Usage:") || strings.Contains(r.stdout, "Usage:") {
				t.Errorf("error dumps the whole usage text")
			}
		})
	}
	if after := len(queryJSON(t, dir)); after != before {
		t.Errorf("live records changed by failed commands: %d, then %d", before, after)
	}
	if _, err := os.Stat("/nonexistent-dir"); err == nil {
		t.Errorf("collect created /nonexistent-dir")
	}
}

func TestMissingDatabase(t *testing.T) {
	for _, args := range [][]string{
		{"query"},
		{"query", "--format", "json"},
		{"summary"},
		{"runs"},
		{"export", "--output", "x.csv"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			r := inv(t, dir, args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			if !strings.Contains(r.stderr, "inventory collect") || !strings.Contains(r.stderr, "inventory.db") {
				t.Errorf("stderr does not say to run `inventory collect` first:\n%s", r.stderr)
			}
			if n := strings.Count(strings.TrimRight(r.stderr, "\n"), "\n"); n > 0 {
				t.Errorf("stderr is not one line:\n%s", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				t.Errorf("a read-only command created %s", e.Name())
			}
		})
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := collected(t)
	path := filepath.Join(dir, "inventory.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	listing := func() []string {
		ents, _ := os.ReadDir(dir)
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		return names
	}
	files := listing()

	for _, args := range [][]string{
		{"query"},
		{"query", "--format", "json"},
		{"summary"},
		{"runs"},
		{"export", "--output", "x.csv"},
		{"collect", demoOK},
		{"replay", "--run", "run-x", demoOK},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := inv(t, dir, args...)
			if r.code == 0 {
				t.Errorf("exit 0 on a database with a newer schema\nstdout:\n%s", r.stdout)
			}
			if !strings.Contains(r.stderr, "newer") || !strings.Contains(r.stderr, "999") {
				t.Errorf("stderr does not say the database is newer (schema 999):\n%s", r.stderr)
			}
			if n := strings.Count(strings.TrimRight(r.stderr, "\n"), "\n"); n > 0 {
				t.Errorf("stderr is not one line:\n%s", r.stderr)
			}
			now, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(now, orig) {
				t.Errorf("the newer database file was modified")
			}
			if got := listing(); !slices.Equal(got, files) {
				t.Errorf("files in the working directory changed: %v, then %v", files, got)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"Exit status", "0 success", "2 usage", "3 ", "inventory collect --demo", "collect", "query", "export", "replay", "--db"}},
		{[]string{"help"}, []string{"Exit status"}},
		{[]string{"collect", "--help"}, []string{"Examples:", "inventory collect --demo", "--config", "--demo", "--resource-type"}},
		{[]string{"query", "--help"}, []string{"Examples:", "--format", "--tag"}},
		{[]string{"export", "--help"}, []string{"Examples:", "--output"}},
		{[]string{"replay", "--help"}, []string{"Examples:", "--run"}},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := mustInv(t, dir, 0, tc.args...)
			for _, w := range tc.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("help does not mention %q:\n%s", w, r.stdout)
				}
			}
		})
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("--help created files")
	}
}
