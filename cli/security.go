package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/security"
	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/sqlite"
)

// securityFlags are the options of `inventory security`.
type securityFlags struct {
	severity   string
	checks     []string
	accounts   []string
	format     string
	newSince   string
	requireKMS bool
	record     bool
	limit      int
}

// Finding states in the command's output.
const (
	findingNew        = "new"        // first seen in the latest recorded check (or after --new-since)
	findingOpen       = "open"       // recorded before
	findingUnrecorded = "unrecorded" // failing now, not in the history yet
	findingUndecided  = "undecided"  // the check cannot decide (data missing)
)

// securityFinding is a finding with its history.
type securityFinding struct {
	security.Finding
	State     string     `json:"state"`
	FirstSeen *time.Time `json:"first_seen,omitempty"`
	LastSeen  *time.Time `json:"last_seen,omitempty"`
	FirstRun  string     `json:"first_run,omitempty"`
}

// exposedResource is one entry of the seed's unencrypted_resources and
// public_resources lists: the resource, its worst failing check's severity
// as the risk, and the checks it fails.
type exposedResource struct {
	Type      string            `json:"type"`
	ID        string            `json:"id"`
	Risk      security.Severity `json:"risk"`
	Name      string            `json:"name,omitempty"`
	AccountID string            `json:"account_id"`
	Region    string            `json:"region"`
	Checks    []string          `json:"checks"`
}

// securityJSON is `inventory security --format json`.
type securityJSON struct {
	UnencryptedResources []exposedResource `json:"unencrypted_resources"`
	PublicResources      []exposedResource `json:"public_resources"`
	// ComplianceScore is the whole inventory's, or the selected accounts'
	// with --account.
	ComplianceScore    float64                    `json:"compliance_score"`
	EvaluatedAt        time.Time                  `json:"evaluated_at"`
	Options            security.Options           `json:"options"`
	ResourcesEvaluated int                        `json:"resources_evaluated"`
	ChecksRun          int                        `json:"checks_run"`
	Filters            securityFilters            `json:"filters"`
	Failed             int                        `json:"failed"`
	Undecided          int                        `json:"undecided"`
	New                int                        `json:"new"`
	BySeverity         map[security.Severity]int  `json:"failed_by_severity"`
	ByAccount          []security.Score           `json:"by_account"`
	ByDepartment       []security.Score           `json:"by_department"`
	ByType             []security.Score           `json:"by_resource_type"`
	ByCheck            []security.CheckSummary    `json:"by_check"`
	History            historyJSON                `json:"history"`
	NewSince           *newSinceJSON              `json:"new_since,omitempty"`
	Findings           []securityFinding          `json:"findings"`
	Resolved           []security.ResolvedFinding `json:"resolved,omitempty"`
}

type securityFilters struct {
	Severity string   `json:"min_severity,omitempty"`
	Checks   []string `json:"checks,omitempty"`
	Accounts []string `json:"accounts,omitempty"`
}

// historyJSON says which recorded check the history comes from.
type historyJSON struct {
	Recorded    bool                  `json:"recorded"`
	UpdatedAt   *time.Time            `json:"updated_at,omitempty"`
	RunID       string                `json:"run_id,omitempty"`
	Evaluations []security.Evaluation `json:"evaluations,omitempty"`
}

type newSinceJSON struct {
	Run   string    `json:"run,omitempty"`
	Since time.Time `json:"since"`
}

func newSecurity(g *globals) *cobra.Command {
	var sf securityFlags
	cmd := &cobra.Command{
		Use:   "security",
		Short: "Show the security posture: compliance score, failing checks, findings and how to fix them",
		Long: `security evaluates the live inventory with the security checks (encryption,
public exposure, IAM, CloudTrail, GuardDuty; each mapped to the CIS AWS
Foundations Benchmark v3.0.0 control it supports) and prints the compliance
score, the failed checks by severity, the most failing checks, the worst
accounts, and every finding with its fix.

The compliance score is 100 × passed ÷ decided checks, each weighted by its
severity (critical 10, high 5, medium 2, low 1). A check that lacks the data
it needs (for example a bucket setting the inventory role may not read) is
"undecided": listed, never counted as passing.

Findings keep their history in the store: the Security stage records every
check (new, still open, resolved), so each finding shows when it was first
seen, and --new-since RUN lists what appeared (and what was fixed) since a
collection run started. On a local database, --record records this check the
same way.

Filters narrow the findings listed; the score is the whole inventory's (the
selected accounts' with --account).`,
		Example: `  inventory security
  inventory security --severity high
  inventory security --check s3-bucket-public-access-block --format json | jq '.findings[].resource_id'
  inventory security --account 123456789012 --new-since run-20261126T100000Z-abcdef
  inventory security --format json | jq '{compliance_score, public_resources}'
  inventory security --record          # local database: record this check's findings`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := sf.validate(); err != nil {
				return err
			}
			out, err := sf.run(cmd, g)
			if err != nil {
				return err
			}
			if sf.format == "json" {
				return writeJSON(g.stdout, out)
			}
			printSecurity(g.stdout, out, sf.limit)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&sf.severity, "severity", "", "list findings of this severity or worse: critical, high, medium or low")
	f.StringArrayVar(&sf.checks, "check", nil, "list only this check's findings, by ID (repeatable; IDs in shared/security/COVERAGE.md)")
	f.StringArrayVar(&sf.accounts, "account", nil, "list only this account's findings, and score it (repeatable)")
	f.StringVar(&sf.format, "format", "table", "output format: table or json")
	f.StringVar(&sf.newSince, "new-since", "", "list findings first seen after this collection run started (a run ID, see\n'inventory runs'; or a time or age: 2026-11-01, 7d), and those resolved since")
	f.BoolVar(&sf.requireKMS, "require-kms", false, "require SSE-KMS on S3 buckets (default: as the recorded check was configured)")
	f.BoolVar(&sf.record, "record", false, "record this check in the finding history, as the Security stage does\n(local SQLite database only)")
	f.IntVar(&sf.limit, "limit", 10, "table: resources listed per check (0 lists all)")
	return cmd
}

func (sf *securityFlags) validate() error {
	if sf.format != "table" && sf.format != "json" {
		return usagef("--format %q: expected table or json", sf.format)
	}
	if sf.severity != "" {
		if _, ok := security.ParseSeverity(sf.severity); !ok {
			return usagef("--severity %q: expected critical, high, medium or low", sf.severity)
		}
	}
	for _, c := range sf.checks {
		if _, ok := security.CheckByID(c); !ok {
			var ids []string
			for _, k := range security.Checks() {
				ids = append(ids, k.ID)
			}
			return usagef("--check %q: no such check; the checks are %s", c, strings.Join(ids, ", "))
		}
	}
	for _, a := range sf.accounts {
		if !config.ValidAccountID(a) {
			return usagef("--account %q: expected a 12-digit AWS account ID", a)
		}
	}
	if sf.limit < 0 {
		return usagef("--limit %d: expected 0 (all) or more", sf.limit)
	}
	if sf.record && sf.newSince != "" {
		return usagef("--record and --new-since cannot be used together: record first, then list what is new")
	}
	return nil
}

// openSecurityStore opens the store read-only, or read-write for --record
// (a local database only: the deployed history is the Security stage's).
func (sf *securityFlags) openStore(cmd *cobra.Command, g *globals) (store.Store, error) {
	if !sf.record {
		return openReadStore(cmd, g)
	}
	path, err := g.localStore(cmd)
	if err != nil {
		return nil, err
	}
	return sqlite.Open(cmd.Context(), path)
}

func (sf *securityFlags) run(cmd *cobra.Command, g *globals) (securityJSON, error) {
	ctx := cmd.Context()
	st, err := sf.openStore(cmd, g)
	if err != nil {
		return securityJSON{}, err
	}
	defer st.Close()
	recs, err := st.Query(ctx, store.Filter{})
	if err != nil {
		return securityJSON{}, err
	}
	idx, recorded, err := security.LoadIndex(ctx, st)
	if err != nil {
		return securityJSON{}, err
	}
	opts := security.Options{Now: time.Now().UTC(), RequireKMS: idx.Options.RequireKMS}
	if cmd.Flags().Changed("require-kms") {
		opts.RequireKMS = sf.requireKMS
	}
	rep := security.EvaluateWith(recs, opts)
	h, err := security.LoadHistory(ctx, st, rep.Accounts())
	if err != nil {
		return securityJSON{}, err
	}
	for _, w := range h.Warnings {
		fmt.Fprintf(g.stderr, "warning: %s\n", w)
	}
	if sf.record {
		ch := h.Apply(rep, opts.Now, "")
		if err := h.Save(ctx, st, opts.Now); err != nil {
			return securityJSON{}, err
		}
		fmt.Fprintf(g.stderr, "recorded: %d new (%d high or critical), %d resolved, %d open\n", len(ch.New), len(ch.NewHigh), len(ch.Resolved), ch.Open)
		idx, recorded = h.Index, true
	}
	var since *newSinceJSON
	if sf.newSince != "" {
		if !recorded {
			return securityJSON{}, fmt.Errorf("--new-since: this store has no finding history yet: the Security stage records it " +
				"(inventory run --action security_check), or run 'inventory security --record' on a local database")
		}
		if since, err = resolveSince(ctx, st, sf.newSince); err != nil {
			return securityJSON{}, err
		}
	}
	return sf.assemble(rep, h, idx, recorded, since), nil
}

// resolveSince reads --new-since: a run's start, else a time or an age.
func resolveSince(ctx context.Context, st store.Store, v string) (*newSinceJSON, error) {
	run, err := st.GetRun(ctx, v)
	if err == nil {
		return &newSinceJSON{Run: run.ID, Since: run.StartedAt.UTC()}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	t, perr := parseWhen("--new-since", v, time.Now().UTC())
	if perr != nil {
		return nil, usagef("--new-since %q: no such run (see 'inventory runs'), and not a time (2026-11-01T00:00:00Z, 2026-11-01) or an age (24h, 7d)", v)
	}
	return &newSinceJSON{Since: t}, nil
}

func (sf *securityFlags) keep(checkID string, sev security.Severity, account string) bool {
	if sf.severity != "" {
		min, _ := security.ParseSeverity(sf.severity)
		if !sev.AtLeast(min) {
			return false
		}
	}
	if len(sf.checks) > 0 && !slices.Contains(sf.checks, checkID) {
		return false
	}
	return len(sf.accounts) == 0 || slices.Contains(sf.accounts, account)
}

// assemble joins the evaluation, the history and the filters.
func (sf *securityFlags) assemble(rep security.Report, h *security.History, idx security.HistoryIndex, recorded bool, since *newSinceJSON) securityJSON {
	out := securityJSON{
		ComplianceScore: rep.ComplianceScore, EvaluatedAt: rep.EvaluatedAt, Options: rep.Options,
		ResourcesEvaluated: rep.ResourcesEvaluated, ChecksRun: rep.ChecksRun,
		Filters:    securityFilters{Severity: sf.severity, Checks: sf.checks, Accounts: sf.accounts},
		BySeverity: map[security.Severity]int{}, ByAccount: rep.ByAccount, ByDepartment: rep.ByDepartment,
		ByType: rep.ByType, ByCheck: rep.ByCheck, NewSince: since,
		UnencryptedResources: []exposedResource{}, PublicResources: []exposedResource{}, Findings: []securityFinding{},
		History: historyJSON{Recorded: recorded, RunID: idx.RunID, Evaluations: idx.Evaluations},
	}
	if recorded {
		u := idx.UpdatedAt
		out.History.UpdatedAt = &u
	}
	if len(sf.accounts) > 0 {
		var sel []security.Score
		for _, s := range rep.ByAccount {
			if slices.Contains(sf.accounts, s.Key) {
				sel = append(sel, s)
			}
		}
		out.ByAccount = sel
		out.ComplianceScore = 100
		if v := security.CombinedScore(sel...); v != nil {
			out.ComplianceScore = *v
		}
	}
	unenc, public := map[inventory.Key]*exposedResource{}, map[inventory.Key]*exposedResource{}
	for _, f := range rep.Findings {
		if !sf.keep(f.CheckID, f.Severity, f.AccountID) {
			continue
		}
		sfnd := securityFinding{Finding: f}
		st, known := h.State(f)
		switch {
		case f.Status != security.Fail:
			sfnd.State = findingUndecided
		case !known || st.Status != security.StateOpen:
			sfnd.State = findingUnrecorded
		case recorded && st.FirstSeen.Equal(idx.UpdatedAt):
			sfnd.State = findingNew
		default:
			sfnd.State = findingOpen
		}
		if known && st.Status == security.StateOpen {
			fs, ls := st.FirstSeen, st.LastSeen
			sfnd.FirstSeen, sfnd.LastSeen, sfnd.FirstRun = &fs, &ls, st.FirstRun
		}
		if since != nil {
			if f.Status != security.Fail || (sfnd.FirstSeen != nil && sfnd.FirstSeen.Before(since.Since)) {
				continue
			}
			sfnd.State = findingNew
		}
		out.Findings = append(out.Findings, sfnd)
		if f.Status != security.Fail {
			out.Undecided++
			continue
		}
		out.Failed++
		out.BySeverity[f.Severity]++
		if sfnd.State == findingNew {
			out.New++
		}
		switch f.Kind {
		case security.Encryption:
			addExposed(unenc, f)
		case security.Exposure:
			addExposed(public, f)
		}
	}
	out.UnencryptedResources, out.PublicResources = exposedList(unenc), exposedList(public)
	if since != nil {
		out.Resolved = sf.resolvedSince(h, since.Since)
	}
	return out
}

func addExposed(m map[inventory.Key]*exposedResource, f security.Finding) {
	k := inventory.Key{AccountID: f.AccountID, Region: f.Region, ResourceType: f.ResourceType, ResourceID: f.ResourceID}
	e, ok := m[k]
	if !ok {
		e = &exposedResource{Type: f.ResourceType, ID: f.ResourceID, Risk: f.Severity, Name: f.Name, AccountID: f.AccountID, Region: f.Region}
		m[k] = e
	}
	if f.Severity.Weight() > e.Risk.Weight() {
		e.Risk = f.Severity
	}
	e.Checks = append(e.Checks, f.CheckID)
}

// exposedList orders resources by risk, then account, type and ID.
func exposedList(m map[inventory.Key]*exposedResource) []exposedResource {
	out := make([]exposedResource, 0, len(m))
	for _, e := range m {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Risk.Weight() != b.Risk.Weight() {
			return a.Risk.Weight() > b.Risk.Weight()
		}
		return a.AccountID+a.Type+a.ID < b.AccountID+b.Type+b.ID
	})
	return out
}

// resolvedSince lists the findings the history saw resolved since t.
func (sf *securityFlags) resolvedSince(h *security.History, t time.Time) []security.ResolvedFinding {
	var out []security.ResolvedFinding
	for _, a := range h.Accounts {
		for id, s := range a.Findings {
			if s.Status != security.StateResolved || s.Resolved == nil || s.Resolved.Before(t) {
				continue
			}
			check, acct, region, res, ok := security.ParseFindingID(id)
			if !ok || !sf.keep(check, s.Severity, acct) {
				continue
			}
			r := security.ResolvedFinding{ID: id, CheckID: check, Severity: s.Severity, ResourceID: res, AccountID: acct,
				Region: region, FirstSeen: s.FirstSeen, ResolvedAt: *s.Resolved, Evidence: s.Evidence}
			if c, ok := security.CheckByID(check); ok {
				r.ResourceType = c.ResourceType
			}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Severity.Weight() != out[j].Severity.Weight() {
			return out[i].Severity.Weight() > out[j].Severity.Weight()
		}
		return out[i].ID < out[j].ID
	})
	return out
}
