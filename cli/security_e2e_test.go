package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// securityOut is the part of `inventory security --format json` the tests read.
type securityOut struct {
	Unencrypted []struct {
		Type, ID, Risk string
		Checks         []string
	} `json:"unencrypted_resources"`
	Public []struct {
		Type, ID, Risk string
	} `json:"public_resources"`
	ComplianceScore float64        `json:"compliance_score"`
	Failed          int            `json:"failed"`
	Undecided       int            `json:"undecided"`
	New             int            `json:"new"`
	BySeverity      map[string]int `json:"failed_by_severity"`
	ByAccount       []struct {
		Key   string   `json:"key"`
		Score *float64 `json:"compliance_score"`
	} `json:"by_account"`
	ByCheck []struct {
		CheckID string `json:"check_id"`
		Failed  int    `json:"failed"`
	} `json:"by_check"`
	History struct {
		Recorded bool `json:"recorded"`
	} `json:"history"`
	Findings []struct {
		ID           string  `json:"finding_id"`
		CheckID      string  `json:"check_id"`
		Severity     string  `json:"severity"`
		Status       string  `json:"status"`
		State        string  `json:"state"`
		Remediation  string  `json:"remediation"`
		ResourceType string  `json:"resource_type"`
		ResourceID   string  `json:"resource_id"`
		AccountID    string  `json:"account_id"`
		Region       string  `json:"region"`
		FirstSeen    *string `json:"first_seen"`
	} `json:"findings"`
	Resolved []struct {
		ID string `json:"finding_id"`
	} `json:"resolved"`
}

func securityJSONOf(t *testing.T, dir string, args ...string) securityOut {
	t.Helper()
	r := mustInv(t, dir, 0, append([]string{"security", "--format", "json"}, args...)...)
	var s securityOut
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("security --format json: %v\n%s", err, r.stdout)
	}
	return s
}

// setRecordAttr changes one stored record's attribute, as a later
// collection would.
func setRecordAttr(t *testing.T, dir, account, region, typ, id, attr, jsonValue string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "inventory.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`UPDATE resources SET attributes = json_set(attributes, '$.'||?, json(?))
		WHERE account_id = ? AND region = ? AND resource_type = ? AND resource_id = ?`, attr, jsonValue, account, region, typ, id)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("updated %d records, want 1", n)
	}
}

func TestSecurityCommand(t *testing.T) {
	dir := collected(t)
	all := securityJSONOf(t, dir)

	t.Run("json has the seed's shape and every finding", func(t *testing.T) {
		if all.ComplianceScore <= 0 || all.ComplianceScore >= 100 || len(all.Unencrypted) == 0 || len(all.Public) == 0 {
			t.Fatalf("score %v, %d unencrypted, %d public", all.ComplianceScore, len(all.Unencrypted), len(all.Public))
		}
		for _, u := range all.Unencrypted {
			if u.Type == "" || u.ID == "" || u.Risk == "" || len(u.Checks) == 0 {
				t.Fatalf("unencrypted entry %+v", u)
			}
		}
		failed := 0
		for _, f := range all.Findings {
			if f.Remediation == "" || f.ID == "" || f.State == "" {
				t.Fatalf("finding %+v", f)
			}
			if f.Status == "fail" {
				failed++
			}
		}
		if failed != all.Failed || all.Failed == 0 || all.History.Recorded {
			t.Fatalf("failed %d listed, %d counted; history %+v", failed, all.Failed, all.History)
		}
		if len(all.ByCheck) < 30 || len(all.ByAccount) == 0 {
			t.Fatalf("%d checks, %d accounts", len(all.ByCheck), len(all.ByAccount))
		}
	})

	t.Run("table", func(t *testing.T) {
		r := mustInv(t, dir, 0, "security")
		for _, want := range []string{"Compliance score", "Failed checks", "Checks costing the most score", "Worst accounts", "Fix: ", "CRITICAL  ", "CIS 5.2"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("table lacks %q:\n%s", want, r.stdout)
			}
		}
	})

	t.Run("filters", func(t *testing.T) {
		crit := securityJSONOf(t, dir, "--severity", "high")
		for _, f := range crit.Findings {
			if f.Severity != "critical" && f.Severity != "high" {
				t.Fatalf("--severity high lists %+v", f)
			}
		}
		if crit.Failed != all.BySeverity["critical"]+all.BySeverity["high"] {
			t.Errorf("--severity high: %d failed, want %d", crit.Failed, all.BySeverity["critical"]+all.BySeverity["high"])
		}
		one := securityJSONOf(t, dir, "--check", "ebs-volume-encrypted")
		for _, f := range one.Findings {
			if f.CheckID != "ebs-volume-encrypted" {
				t.Fatalf("--check lists %+v", f)
			}
		}
		acct := all.ByAccount[0]
		mine := securityJSONOf(t, dir, "--account", acct.Key)
		for _, f := range mine.Findings {
			if f.AccountID != acct.Key {
				t.Fatalf("--account lists %+v", f)
			}
		}
		if acct.Score == nil || mine.ComplianceScore != *acct.Score || len(mine.ByAccount) != 1 {
			t.Errorf("--account %s: score %v, want the account's %v", acct.Key, mine.ComplianceScore, acct.Score)
		}
	})

	t.Run("usage errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"--severity", "urgent"}, {"--check", "no-such-check"}, {"--format", "xml"}, {"--account", "12"}, {"--limit", "-1"},
			{"--record", "--new-since", "1h"},
		} {
			if r := inv(t, dir, append([]string{"security"}, args...)...); r.code != 2 {
				t.Errorf("security %v: exit %d, want 2 (%s)", args, r.code, r.stderr)
			}
		}
		r := inv(t, dir, "security", "--new-since", "1h")
		if r.code != 1 || !strings.Contains(r.stderr, "no finding history") {
			t.Errorf("--new-since without history: exit %d: %s", r.code, r.stderr)
		}
	})
}

// The finding history: --record does what the Security stage does; a fix
// shows as resolved, a finding that comes back is new again, --new-since
// lists what changed.
func TestSecurityHistory(t *testing.T) {
	dir := collected(t)
	r := mustInv(t, dir, 0, "security", "--record", "--format", "json")
	if !strings.Contains(r.stderr, "recorded: ") || !strings.Contains(r.stderr, " 0 resolved") {
		t.Fatalf("first --record: %q", r.stderr)
	}
	first := securityJSONOf(t, dir)
	if !first.History.Recorded || first.New != first.Failed {
		t.Fatalf("after recording: history %+v, %d new of %d failed", first.History, first.New, first.Failed)
	}
	var target *struct {
		ID, account, region, typ, resource, attr string
	}
	for _, f := range first.Findings {
		if f.CheckID == "rds-instance-not-public" && f.Status == "fail" {
			target = &struct{ ID, account, region, typ, resource, attr string }{f.ID, f.AccountID, f.Region, f.ResourceType, f.ResourceID, "publicly_accessible"}
			break
		}
	}
	if target == nil {
		t.Fatal("the demo organization has no public database")
	}
	time.Sleep(1100 * time.Millisecond)
	mid := time.Now().UTC().Format(time.RFC3339)

	setRecordAttr(t, dir, target.account, target.region, target.typ, target.resource, target.attr, "false")
	r = mustInv(t, dir, 0, "security", "--record")
	if !strings.Contains(r.stderr, "recorded: 0 new (0 high or critical), 1 resolved") {
		t.Fatalf("after one fix: %q", r.stderr)
	}
	since := securityJSONOf(t, dir, "--new-since", mid)
	if len(since.Findings) != 0 || len(since.Resolved) != 1 || since.Resolved[0].ID != target.ID {
		t.Fatalf("--new-since after the fix: %d findings, resolved %+v; want only %s resolved", len(since.Findings), since.Resolved, target.ID)
	}

	setRecordAttr(t, dir, target.account, target.region, target.typ, target.resource, target.attr, "true")
	r = mustInv(t, dir, 0, "security", "--record")
	if !strings.Contains(r.stderr, "recorded: 1 new (1 high or critical), 0 resolved") {
		t.Fatalf("after it came back: %q", r.stderr)
	}
	since = securityJSONOf(t, dir, "--new-since", mid)
	if len(since.Findings) != 1 || since.Findings[0].ID != target.ID || since.Findings[0].State != "new" {
		t.Fatalf("--new-since after it came back: %+v", since.Findings)
	}
	table := mustInv(t, dir, 0, "security", "--new-since", mid, "--check", "rds-instance-not-public").stdout
	if !strings.Contains(table, "[new]") || !strings.Contains(table, "first seen since") {
		t.Fatalf("table with --new-since:\n%s", table)
	}
	// The collection run: every finding was first seen after it started.
	runs := mustInv(t, dir, 0, "runs").stdout
	runID := strings.Fields(strings.Split(runs, "\n")[1])[0]
	if all := securityJSONOf(t, dir, "--new-since", runID); all.Failed != first.Failed {
		t.Fatalf("--new-since %s: %d failed, want all %d", runID, all.Failed, first.Failed)
	}
}

func TestSecurityHelp(t *testing.T) {
	r := mustInv(t, t.TempDir(), 0, "security", "--help")
	for _, w := range []string{"Examples:", "--severity", "--check", "--account", "--new-since", "--record", "CIS"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("security --help does not mention %q", w)
		}
	}
}
