package stages

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"sort"
	"time"

	"github.com/cloudinv/aws-inventory/shared/emf"
	"github.com/cloudinv/aws-inventory/shared/inventory"
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

// CostResult is the cost stage's output. Until per-resource estimators price
// the inventory, resources without an estimate are counted as unpriced and
// never as zero; the total covers priced resources only and says so.
type CostResult struct {
	RunID              string             `json:"run_id,omitempty"`
	Resources          int                `json:"resources"`
	Priced             int                `json:"priced_resources"`
	Unpriced           int                `json:"unpriced_resources"`
	TotalMonthly       float64            `json:"total_monthly_usd"`
	ProjectedYearly    float64            `json:"projected_yearly_usd"`
	ByType             map[string]float64 `json:"monthly_usd_by_type"`
	UnpricedByType     map[string]int     `json:"unpriced_by_type,omitempty"`
	Threshold          float64            `json:"monthly_threshold_usd,omitempty"`
	OverThreshold      bool               `json:"over_threshold"`
	ExpensiveResources []CostedResource   `json:"expensive_resources,omitempty"`
	// ExpensiveOmitted counts expensive resources beyond maxListedInState.
	ExpensiveOmitted int      `json:"expensive_resources_omitted,omitempty"`
	Basis            []string `json:"cost_basis,omitempty"`
}

// CostedResource is one resource over the config's expensive_resource_monthly.
type CostedResource struct {
	ResourceType string  `json:"resource_type"`
	ResourceID   string  `json:"resource_id"`
	AccountID    string  `json:"account_id"`
	AccountName  string  `json:"account_name,omitempty"`
	Department   string  `json:"department,omitempty"`
	Region       string  `json:"region"`
	Monthly      float64 `json:"monthly_usd"`
}

func cost(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	req, recs, err := liveInventory(ctx, d, "cost", in)
	if err != nil {
		return nil, err
	}
	res := CostResult{RunID: req.RunID, ByType: map[string]float64{}, UnpricedByType: map[string]int{},
		Threshold: d.Thresholds.MonthlyCost}
	expensive := d.Thresholds.ExpensiveResourceMonthly
	basis := map[string]bool{}
	for _, r := range recs {
		res.Resources++
		if r.EstimatedMonthlyCost == nil {
			res.Unpriced++
			res.UnpricedByType[r.ResourceType]++
			continue
		}
		c := *r.EstimatedMonthlyCost
		res.Priced++
		res.TotalMonthly += c
		res.ByType[r.ResourceType] += c
		basis[r.CostBasis] = true
		if expensive > 0 && c > expensive {
			res.ExpensiveResources = append(res.ExpensiveResources, CostedResource{
				ResourceType: r.ResourceType, ResourceID: r.ResourceID, AccountID: r.AccountID, AccountName: r.AccountName,
				Department: r.Department, Region: r.Region, Monthly: c})
		}
	}
	sort.Slice(res.ExpensiveResources, func(i, j int) bool { return res.ExpensiveResources[i].Monthly > res.ExpensiveResources[j].Monthly })
	if n := len(res.ExpensiveResources); n > maxListedInState {
		res.ExpensiveOmitted = n - maxListedInState
		res.ExpensiveResources = res.ExpensiveResources[:maxListedInState:maxListedInState]
	}
	for b := range basis {
		if b != "" {
			res.Basis = append(res.Basis, b)
		}
	}
	sort.Strings(res.Basis)
	res.TotalMonthly = cents(res.TotalMonthly)
	res.ProjectedYearly = cents(res.TotalMonthly * 12)
	for t, v := range res.ByType {
		res.ByType[t] = cents(v)
	}
	res.OverThreshold = res.Threshold > 0 && res.TotalMonthly > res.Threshold
	d.emit(ctx, nil,
		emf.Metric{Name: "EstimatedMonthlyCost", Value: res.TotalMonthly, Unit: emf.None},
		emf.Metric{Name: "PricedResources", Value: float64(res.Priced), Unit: emf.Count},
		emf.Metric{Name: "UnpricedResources", Value: float64(res.Unpriced), Unit: emf.Count},
	)
	return res, nil
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

// SecurityResult is the security stage's output: the seed's shape
// (unencrypted_resources, public_resources, compliance_score), counts, and
// the most severe findings (the full list goes to the report).
type SecurityResult struct {
	RunID string `json:"run_id,omitempty"`
	security.Report
	// FindingsOmitted counts findings left out of the list (see
	// maxListedInState); the counts above cover every finding.
	FindingsOmitted int `json:"findings_omitted,omitempty"`
}

// maxListedInState bounds the lists a stage returns (findings, expensive
// resources). A state's payload is capped at 256 KiB and exceeding it is
// States.DataLimitExceeded, which no Catch can handle: the 36-account demo
// alone has 1,300 findings (860 KB). Report re-evaluates the inventory and
// lists every finding.
const maxListedInState = 50

func securityCheck(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	req, recs, err := liveInventory(ctx, d, "security", in)
	if err != nil {
		return nil, err
	}
	rep := security.Evaluate(recs)
	d.emit(ctx, nil,
		emf.Metric{Name: "ComplianceScore", Value: rep.ComplianceScore, Unit: emf.None},
		emf.Metric{Name: "SecurityFindings", Value: float64(rep.Failed), Unit: emf.Count},
		emf.Metric{Name: "HighSeverityFindings", Value: float64(rep.BySeverity[security.High] + rep.BySeverity[security.Critical]), Unit: emf.Count},
		emf.Metric{Name: "UnencryptedResources", Value: float64(rep.UnencryptedResources), Unit: emf.Count},
		emf.Metric{Name: "PublicResources", Value: float64(rep.PublicResources), Unit: emf.Count},
	)
	res := SecurityResult{RunID: req.RunID, Report: rep}
	if n := len(res.Findings); n > maxListedInState {
		res.FindingsOmitted = n - maxListedInState
		res.Findings = res.Findings[:maxListedInState:maxListedInState]
	}
	return res, nil
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
