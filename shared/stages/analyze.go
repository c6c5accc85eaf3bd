package stages

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/cloudinv/aws-inventory/shared/cost"
	"github.com/cloudinv/aws-inventory/shared/emf"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
	"github.com/cloudinv/aws-inventory/shared/security"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// analysisInput is the input of the Cost and Security stages: a run (after a
// collection) or nothing (the scheduled jobs). Both analyse the whole live
// inventory, since a narrowed or replayed run still leaves an
// organization-wide inventory behind.
type analysisInput struct {
	Action    string        `json:"action,omitempty"`
	RunID     string        `json:"run_id,omitempty"`
	Execution *ExecutionRef `json:"execution,omitempty"`
}

func liveInventory(ctx context.Context, d *Deps, stage string, in json.RawMessage) (analysisInput, []inventory.Record, error) {
	var req analysisInput
	if err := decodeStrict(stage+" input", in, &req, "action, run_id, execution"); err != nil {
		return req, nil, err
	}
	if d.Env == nil {
		return req, nil, errors.New(stage + ": the store is not configured (DYNAMODB_TABLE_NAME)")
	}
	recs, err := d.Env.Store.Query(ctx, store.Filter{})
	if err != nil {
		return req, nil, storeErr(err)
	}
	return req, recs, nil
}

// CostResult is the cost stage's output in the execution state: totals,
// savings and short lists (the full analysis is a store document and, with
// every finding, in the run's report).
type CostResult struct {
	RunID           string             `json:"run_id,omitempty"`
	Resources       int                `json:"resources"`
	Priced          int                `json:"priced_resources"`
	Unpriced        int                `json:"unpriced_resources"`
	TotalMonthly    float64            `json:"total_monthly_usd"`
	ProjectedYearly float64            `json:"projected_yearly_usd"`
	ByType          map[string]float64 `json:"monthly_usd_by_type"`
	ByDepartment    map[string]float64 `json:"monthly_usd_by_department"`
	UnpricedByType  map[string]int     `json:"unpriced_by_type,omitempty"`
	// PotentialSavings is the monthly total of idle and rightsizing
	// findings, each resource counted once.
	PotentialSavings   float64          `json:"potential_monthly_savings_usd"`
	IdleFindings       int              `json:"idle_findings"`
	RightsizingFinding int              `json:"rightsizing_findings"`
	Threshold          float64          `json:"monthly_threshold_usd,omitempty"`
	OverThreshold      bool             `json:"over_threshold"`
	Top                []CostedResource `json:"top_resources,omitempty"`
	ExpensiveResources []CostedResource `json:"expensive_resources,omitempty"`
	// ExpensiveOmitted counts expensive resources beyond maxListedInState.
	ExpensiveOmitted int      `json:"expensive_resources_omitted,omitempty"`
	Basis            []string `json:"cost_basis,omitempty"`
	// Document is the store document holding the analysis.
	Document string `json:"document,omitempty"`
}

// CostedResource is one priced resource in a short list.
type CostedResource struct {
	ResourceType string  `json:"resource_type"`
	ResourceID   string  `json:"resource_id"`
	Name         string  `json:"name,omitempty"`
	AccountID    string  `json:"account_id"`
	AccountName  string  `json:"account_name,omitempty"`
	Department   string  `json:"department,omitempty"`
	Region       string  `json:"region"`
	Monthly      float64 `json:"monthly_usd"`
}

// CostDocument is the store key of the latest cost analysis, which the CLI
// and the next run read.
const CostDocument = "analysis/cost/latest"

func (d *Deps) prices() pricing.Prices {
	if d.Env != nil && d.Env.Prices != nil {
		return d.Env.Prices
	}
	return pricing.Snapshot()
}

func (d *Deps) analyzeCost(ctx context.Context, recs []inventory.Record) (cost.Analysis, error) {
	now := time.Now().UTC()
	if d.Env.Now != nil {
		now = d.Env.Now().UTC()
	}
	return cost.Analyze(ctx, recs, d.prices(), d.Env.Config.CostThresholds, cost.Options{Now: now})
}

func costStage(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	req, recs, err := liveInventory(ctx, d, "cost", in)
	if err != nil {
		return nil, err
	}
	a, err := d.analyzeCost(ctx, recs)
	if err != nil {
		return nil, fmt.Errorf("cost: %w", err)
	}
	res := costResult(a, req.RunID, d.Thresholds.MonthlyCost)
	if err := putAnalysis(ctx, d.Env.Store, CostDocument, a, a.GeneratedAt); err != nil {
		return nil, err
	}
	res.Document = CostDocument
	d.emit(ctx, nil,
		emf.Metric{Name: "EstimatedMonthlyCost", Value: res.TotalMonthly, Unit: emf.None},
		emf.Metric{Name: "PotentialMonthlySavings", Value: res.PotentialSavings, Unit: emf.None},
		emf.Metric{Name: "PricedResources", Value: float64(res.Priced), Unit: emf.Count},
		emf.Metric{Name: "UnpricedResources", Value: float64(res.Unpriced), Unit: emf.Count},
	)
	return res, nil
}

func costResult(a cost.Analysis, runID string, threshold float64) CostResult {
	res := CostResult{
		RunID: runID, Resources: a.Resources, Priced: a.Priced, Unpriced: a.Unpriced.Count,
		TotalMonthly: cents(a.MonthlyUSD), ProjectedYearly: cents(a.YearlyUSD),
		ByType: map[string]float64{}, ByDepartment: map[string]float64{}, UnpricedByType: a.Unpriced.ByType,
		PotentialSavings: cents(a.Savings.MonthlyUSD), IdleFindings: len(a.Idle), RightsizingFinding: len(a.Rightsizing),
		Threshold: threshold, Basis: a.Bases,
	}
	res.OverThreshold = threshold > 0 && res.TotalMonthly > threshold
	for _, b := range a.Breakdowns {
		var into map[string]float64
		switch b.By {
		case "type":
			into = res.ByType
		case "department":
			into = res.ByDepartment
		default:
			continue
		}
		for _, g := range b.Rows {
			into[g.Key] = cents(g.MonthlyUSD)
		}
	}
	for _, r := range a.Top {
		res.Top = append(res.Top, costed(r))
	}
	for _, r := range a.Expensive {
		if len(res.ExpensiveResources) == maxListedInState {
			res.ExpensiveOmitted++
			continue
		}
		res.ExpensiveResources = append(res.ExpensiveResources, costed(r))
	}
	return res
}

func costed(r cost.Resource) CostedResource {
	c := CostedResource{ResourceType: r.Type, ResourceID: r.ID, Name: r.Name, AccountID: r.AccountID,
		AccountName: r.AccountName, Department: r.Department, Region: r.Region}
	if r.MonthlyUSD != nil {
		c.Monthly = cents(*r.MonthlyUSD)
	}
	return c
}

// putAnalysis stores an analysis as a document. A document holds at most
// store.MaxDocumentBytes: an organization with more findings than that keeps
// the totals and the most valuable findings here, and every finding in the
// run's report.
func putAnalysis(ctx context.Context, st store.Store, key string, a cost.Analysis, at time.Time) error {
	body, err := json.Marshal(a)
	for keep := 1000; err == nil && len(body) > store.MaxDocumentBytes && keep > 0; keep /= 2 {
		a.Idle, a.Rightsizing, a.NoData = firstN(a.Idle, keep), firstN(a.Rightsizing, keep), nil
		body, err = json.Marshal(a)
	}
	if err != nil {
		return fmt.Errorf("cost: encode analysis: %w", err)
	}
	if err := st.PutDocument(ctx, store.Document{Key: key, Body: body, UpdatedAt: at}); err != nil {
		return storeErr(err)
	}
	return nil
}

func firstN[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n:n]
	}
	return s
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

// SecurityResult is the security stage's output: the seed's shape
// (unencrypted_resources, public_resources, compliance_score), counts,
// scores, the most severe findings (the full list goes to the report) and
// what changed since the previous check: new, resolved, and the new high
// and critical findings to alert on.
type SecurityResult struct {
	RunID string `json:"run_id,omitempty"`
	security.Report
	// FindingsOmitted counts findings left out of the list (see
	// maxListedInState); the counts above cover every finding.
	FindingsOmitted int `json:"findings_omitted,omitempty"`
	// AccountsOmitted and DepartmentsOmitted count the best-scoring
	// accounts and departments left out of by_account and by_department.
	AccountsOmitted    int `json:"accounts_omitted,omitempty"`
	DepartmentsOmitted int `json:"departments_omitted,omitempty"`

	// NewFindings were first seen in this check (or seen again after
	// being resolved); ResolvedFindings were open and no longer fail.
	NewFindings      int `json:"new_findings"`
	ResolvedFindings int `json:"resolved_findings"`
	// OpenFindings and PreviousOpen count open findings after and before
	// this check (failing, or open and now undecidable).
	OpenFindings int `json:"open_findings"`
	PreviousOpen int `json:"previous_open_findings"`
	// NewHigh counts the high and critical findings never alerted on
	// before; NewHighFindings lists them (at most maxNewHighListed).
	NewHigh         int             `json:"new_high_severity"`
	NewHighFindings []SecurityBrief `json:"new_high_severity_findings,omitempty"`
	NewHighOmitted  int             `json:"new_high_severity_omitted,omitempty"`
	Resolved        []SecurityBrief `json:"resolved,omitempty"`
	ResolvedOmitted int             `json:"resolved_omitted,omitempty"`
	// Document is the store document of the finding history.
	Document string `json:"document,omitempty"`
}

// SecurityBrief names one finding in the state and in alerts.
type SecurityBrief struct {
	FindingID    string            `json:"finding_id"`
	CheckID      string            `json:"check_id"`
	Severity     security.Severity `json:"severity"`
	ResourceType string            `json:"resource_type,omitempty"`
	ResourceID   string            `json:"resource_id"`
	AccountID    string            `json:"account_id"`
	AccountName  string            `json:"account_name,omitempty"`
	Region       string            `json:"region"`
	Evidence     string            `json:"evidence,omitempty"`
}

// maxListedInState bounds the lists a stage returns (findings, expensive
// resources). A state's payload is capped at 256 KiB and exceeding it is
// States.DataLimitExceeded, which no Catch can handle: the 36-account demo
// alone has 1,300 findings (860 KB). Report re-evaluates the inventory and
// lists every finding.
const maxListedInState = 50

// maxNewHighListed bounds the new high-severity findings carried to
// Notify (whose alert names the first few and counts the rest).
const maxNewHighListed = 20

// securityOptions are the evaluation options of the Security stage (and of
// the report's re-evaluation, so both judge alike).
func (d *Deps) securityOptions() security.Options {
	o := security.Options{Now: time.Now().UTC()}
	if d.Env != nil && d.Env.Now != nil {
		o.Now = d.Env.Now().UTC()
	}
	if d.Env != nil && d.Env.Config != nil {
		o.RequireKMS = d.Env.Config.Security.RequireKMSEncryption
	}
	return o
}

// securityCheck evaluates the live inventory, records the findings' history
// in the store (new, still open, resolved; see security.History) and
// returns the compact result Report and Notify read. Only findings never
// alerted on before count as new high severity, so a finding is alerted on
// once while it stays open, and again if it is resolved and comes back.
func securityCheck(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	req, recs, err := liveInventory(ctx, d, "security", in)
	if err != nil {
		return nil, err
	}
	opts := d.securityOptions()
	rep := security.EvaluateWith(recs, opts)
	h, err := security.LoadHistory(ctx, d.Env.Store, rep.Accounts())
	if err != nil {
		return nil, storeErr(err)
	}
	for _, w := range h.Warnings {
		d.logger().WarnContext(ctx, "security history document ignored", "warning", w)
	}
	ch := h.Apply(rep, opts.Now, req.RunID)
	if err := h.Save(ctx, d.Env.Store, opts.Now); err != nil {
		return nil, storeErr(err)
	}
	high := rep.BySeverity[security.High] + rep.BySeverity[security.Critical]
	d.emit(ctx, nil,
		emf.Metric{Name: "ComplianceScore", Value: rep.ComplianceScore, Unit: emf.None},
		emf.Metric{Name: "SecurityFindings", Value: float64(rep.Failed), Unit: emf.Count},
		emf.Metric{Name: "HighSeverityFindings", Value: float64(high), Unit: emf.Count},
		emf.Metric{Name: "NewHighSeverityFindings", Value: float64(len(ch.NewHigh)), Unit: emf.Count},
		emf.Metric{Name: "UnencryptedResources", Value: float64(rep.UnencryptedResources), Unit: emf.Count},
		emf.Metric{Name: "PublicResources", Value: float64(rep.PublicResources), Unit: emf.Count},
	)
	return securityResult(req.RunID, rep, ch), nil
}

// securityResult cuts the report and the changes to what a state holds.
func securityResult(runID string, rep security.Report, ch security.Changes) SecurityResult {
	res := SecurityResult{RunID: runID, Report: rep, Document: security.HistoryDocument,
		NewFindings: len(ch.New), ResolvedFindings: len(ch.Resolved), OpenFindings: ch.Open, PreviousOpen: ch.PreviousOpen,
		NewHigh: len(ch.NewHigh)}
	if n := len(res.Findings); n > maxListedInState {
		res.FindingsOmitted = n - maxListedInState
		res.Findings = res.Findings[:maxListedInState:maxListedInState]
	}
	if n := len(res.ByAccount); n > maxListedInState {
		res.AccountsOmitted = n - maxListedInState
		res.ByAccount = res.ByAccount[:maxListedInState:maxListedInState]
	}
	if n := len(res.ByDepartment); n > maxListedInState {
		res.DepartmentsOmitted = n - maxListedInState
		res.ByDepartment = res.ByDepartment[:maxListedInState:maxListedInState]
	}
	for i, f := range ch.NewHigh {
		if i == maxNewHighListed {
			res.NewHighOmitted = len(ch.NewHigh) - i
			break
		}
		res.NewHighFindings = append(res.NewHighFindings, SecurityBrief{FindingID: f.ID, CheckID: f.CheckID, Severity: f.Severity,
			ResourceType: f.ResourceType, ResourceID: f.ResourceID, AccountID: f.AccountID, AccountName: f.AccountName,
			Region: f.Region, Evidence: f.Evidence})
	}
	for i, r := range ch.Resolved {
		if i == maxNewHighListed {
			res.ResolvedOmitted = len(ch.Resolved) - i
			break
		}
		res.Resolved = append(res.Resolved, SecurityBrief{FindingID: r.ID, CheckID: r.CheckID, Severity: r.Severity,
			ResourceType: r.ResourceType, ResourceID: r.ResourceID, AccountID: r.AccountID, Region: r.Region, Evidence: r.Evidence})
	}
	return res
}

// CleanupResult says what the monthly cleanup removed.
type CleanupResult struct {
	Before time.Time    `json:"purged_before"`
	Purged store.Purged `json:"purged"`
}

func cleanup(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	var req struct {
		Action        string        `json:"action,omitempty"`
		RetentionDays int           `json:"retention_days,omitempty"`
		Execution     *ExecutionRef `json:"execution,omitempty"`
	}
	if err := decodeStrict("cleanup input", in, &req, "action, retention_days, execution"); err != nil {
		return nil, err
	}
	if req.RetentionDays < 0 {
		return nil, &InvalidInput{Message: "cleanup input: retention_days must be positive"}
	}
	if d.Env == nil {
		return nil, errors.New("cleanup: the store is not configured (DYNAMODB_TABLE_NAME)")
	}
	days := req.RetentionDays
	if days == 0 {
		days = d.Settings.RetentionDays
	}
	if days <= 0 {
		days = DefaultRetentionDays
	}
	before := time.Now().UTC().AddDate(0, 0, -days)
	if d.Env.Now != nil {
		before = d.Env.Now().UTC().AddDate(0, 0, -days)
	}
	p, err := d.Env.Store.Purge(ctx, before)
	if err != nil {
		return nil, storeErr(err)
	}
	return CleanupResult{Before: before, Purged: p}, nil
}
