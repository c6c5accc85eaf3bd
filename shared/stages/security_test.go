package stages_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/notify"
	"github.com/cloudinv/aws-inventory/shared/security"
	"github.com/cloudinv/aws-inventory/shared/stages"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// fixes are single-record findings and the attribute value that fixes each
// (none of them changes another check's result).
var fixes = map[string]struct {
	attr string
	good any
}{
	"rds-instance-not-public":     {"publicly_accessible", false},
	"rds-snapshot-not-public":     {"public", false},
	"ebs-snapshot-not-public":     {"public", false},
	"s3-bucket-policy-not-public": {"policy_is_public", false},
}

func (h *harness) security(t *testing.T, at time.Time) stages.SecurityResult {
	t.Helper()
	h.deps.Env.Now = func() time.Time { return at }
	var s stages.SecurityResult
	if err := json.Unmarshal(h.invoke(t, "security", map[string]any{"action": "security_check"}), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// setAttr rewrites one stored record's attribute, as a later collection
// would.
func (h *harness) setAttr(t *testing.T, f security.Finding, attr string, v any, at time.Time) {
	t.Helper()
	ctx := context.Background()
	recs, err := h.deps.Env.Store.Query(ctx, store.Filter{Accounts: []string{f.AccountID}, ResourceTypes: []string{f.ResourceType}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.ResourceID == f.ResourceID && r.Region == f.Region {
			r.Attributes[attr], r.CollectedAt = v, at
			if err := h.deps.Env.Store.PutRecords(ctx, []inventory.Record{r}); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("record of %s not found", f.ID)
}

func alertKinds(t *testing.T, h *harness, s stages.SecurityResult) []string {
	t.Helper()
	rec := &recorder{}
	h.deps.Senders = []notify.Sender{rec}
	h.invoke(t, "notify", map[string]any{"action": "security_check", "security": s})
	var kinds []string
	for _, a := range rec.alerts {
		kinds = append(kinds, a.Kind)
	}
	return kinds
}

func TestSecurityStageAlertsOnlyOnNewFindingsAndReportsFixes(t *testing.T) {
	h := newHarness(t, "accounts=4,regions=1,denied=0,suspended=0,optout=0,seed=5")
	h.runCollection(t, map[string]any{})
	t0 := time.Now().UTC().Truncate(time.Second)

	first := h.security(t, t0)
	if first.NewFindings != first.Failed || first.NewHigh != first.BySeverity[security.High]+first.BySeverity[security.Critical] || first.NewHigh == 0 {
		t.Fatalf("first check: new %d of %d failed, new high %d: every finding is new", first.NewFindings, first.Failed, first.NewHigh)
	}
	if first.PreviousOpen != 0 || first.OpenFindings != first.Failed || first.Document != security.HistoryDocument {
		t.Fatalf("first check = %+v", first)
	}
	if got := alertKinds(t, h, first); !strings.Contains(strings.Join(got, ","), notify.KindNewHighSeverity) {
		t.Fatalf("first check alerts %v, want the new high-severity alert", got)
	}
	if !strings.Contains(h.metrics.String(), `"NewHighSeverityFindings"`) {
		t.Fatal("no NewHighSeverityFindings metric")
	}
	if _, err := h.deps.Env.Store.GetDocument(context.Background(), security.HistoryDocument); err != nil {
		t.Fatalf("history index not stored: %v", err)
	}

	// Nothing changed: nothing new, nothing resolved, no alert on old findings.
	same := h.security(t, t0.Add(time.Hour))
	if same.NewFindings != 0 || same.NewHigh != 0 || same.ResolvedFindings != 0 || same.OpenFindings != first.OpenFindings {
		t.Fatalf("unchanged check: new %d, new high %d, resolved %d, open %d", same.NewFindings, same.NewHigh, same.ResolvedFindings, same.OpenFindings)
	}
	if got := alertKinds(t, h, same); strings.Contains(strings.Join(got, ","), notify.KindNewHighSeverity) {
		t.Fatalf("unchanged check alerts %v: findings already reported alerted again", got)
	}

	// One fix: exactly that finding resolves, and still nothing new alerts.
	var target security.Finding
	for _, f := range first.Findings {
		if _, ok := fixes[f.CheckID]; ok && f.Status == security.Fail {
			target = f
			break
		}
	}
	if target.ID == "" {
		t.Fatalf("no fixable finding among %d listed", len(first.Findings))
	}
	fix := fixes[target.CheckID]
	h.setAttr(t, target, fix.attr, fix.good, t0.Add(90*time.Minute))
	fixed := h.security(t, t0.Add(2*time.Hour))
	if fixed.ResolvedFindings != 1 || len(fixed.Resolved) != 1 || fixed.Resolved[0].FindingID != target.ID {
		t.Fatalf("after fixing %s: resolved %d %+v, want exactly it", target.ID, fixed.ResolvedFindings, fixed.Resolved)
	}
	if fixed.NewFindings != 0 || fixed.NewHigh != 0 || fixed.OpenFindings != first.OpenFindings-1 || fixed.PreviousOpen != first.OpenFindings {
		t.Fatalf("after one fix: new %d, new high %d, open %d (was %d)", fixed.NewFindings, fixed.NewHigh, fixed.OpenFindings, fixed.PreviousOpen)
	}
	if got := alertKinds(t, h, fixed); strings.Contains(strings.Join(got, ","), notify.KindNewHighSeverity) {
		t.Fatalf("after a fix alerts %v, want no new high-severity alert", got)
	}

	// It comes back: new again, and alerted again.
	h.setAttr(t, target, fix.attr, true, t0.Add(150*time.Minute))
	back := h.security(t, t0.Add(3*time.Hour))
	if back.NewFindings != 1 || back.NewHigh != 1 || len(back.NewHighFindings) != 1 || back.NewHighFindings[0].FindingID != target.ID {
		t.Fatalf("reappearing finding: new %d, new high %d %+v", back.NewFindings, back.NewHigh, back.NewHighFindings)
	}
	kinds := alertKinds(t, h, back)
	if !strings.Contains(strings.Join(kinds, ","), notify.KindNewHighSeverity) {
		t.Fatalf("reappearing finding alerts %v", kinds)
	}
}

// The state carries bounded lists whatever the organization's size; the
// counts cover everything.
func TestSecurityResultListsAreBounded(t *testing.T) {
	h := newHarness(t, "accounts=12,regions=2,denied=0,suspended=0,optout=0,seed=5")
	h.runCollection(t, map[string]any{})
	out := h.invoke(t, "security", map[string]any{})
	var s stages.SecurityResult
	json.Unmarshal(out, &s)
	if len(s.NewHighFindings) > 20 || len(s.NewHighFindings)+s.NewHighOmitted != s.NewHigh {
		t.Fatalf("new high listed %d + omitted %d, want all %d accounted for", len(s.NewHighFindings), s.NewHighOmitted, s.NewHigh)
	}
	recs, _ := h.deps.Env.Store.Query(context.Background(), store.Filter{})
	accounts := map[string]bool{}
	for _, r := range recs {
		accounts[r.AccountID] = true
	}
	if len(s.ByAccount)+s.AccountsOmitted != len(accounts) || len(s.ByCheck) != len(security.Checks()) {
		t.Fatalf("accounts %d + %d, checks %d", len(s.ByAccount), s.AccountsOmitted, len(s.ByCheck))
	}
	if len(out) > 64<<10 {
		t.Fatalf("security output is %d bytes", len(out))
	}
}
