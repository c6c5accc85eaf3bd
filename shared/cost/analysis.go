// Package cost turns priced inventory records into what a FinOps user acts
// on: total spend and its projection, allocation by account, department,
// region, type and tag, the most expensive resources, the resources that
// are not priced (and why), idle resources and rightsizing candidates with
// a concrete change and its monthly saving, and the AWS CLI commands that
// carry the changes out.
//
// Records arrive priced (inventory.Record.EstimatedMonthlyCost, see
// shared/estimate). A nil estimate is "unpriced": counted and listed with its
// reason, never added as zero. Hypothetical prices (a smaller size, a
// Graviton equivalent) come from the pricing.Prices the caller passes, so
// current and target of a recommendation share one price basis.
package cost

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// MonthsPerYear projects a monthly figure to a year: the yearly projection
// assumes the inventory stays as it is.
const MonthsPerYear = 12

// DefaultTop is the number of most expensive resources listed when
// Options.Top is zero.
const DefaultTop = 10

// Options tune an analysis.
type Options struct {
	// Top is how many of the most expensive resources to list (0 = DefaultTop).
	Top int
	// GroupBy adds a breakdown: "tag:KEY" allocates by that tag's values.
	// account, department, region and type are always broken down; naming
	// one of them here is allowed and adds nothing. Empty means none extra.
	GroupBy string
	// Now is the clock of the age rules (stopped for N days, bucket age);
	// zero means time.Now().
	Now time.Time
}

// Analysis is the result of Analyze. Money is USD; monthly figures are
// 730-hour months, as the estimates are.
type Analysis struct {
	GeneratedAt time.Time `json:"generated_at"`
	// Bases are the distinct price bases of the estimates ("snapshot-2025-11",
	// "pricing-api 2026-11-26"), sorted.
	Bases      []string              `json:"bases"`
	Thresholds config.CostThresholds `json:"thresholds"`
	// Resources is the number of live records analysed; Priced of them have
	// an estimate. Deleted records are left out: they no longer cost.
	Resources  int     `json:"resources"`
	Priced     int     `json:"priced"`
	MonthlyUSD float64 `json:"monthly_usd"`
	YearlyUSD  float64 `json:"yearly_usd"`
	// Breakdowns: account, department, region, type, then the tag one
	// Options.GroupBy asked for.
	Breakdowns []Breakdown `json:"breakdowns"`
	Top        []Resource  `json:"top"`
	// Expensive are the resources whose estimate exceeds the
	// expensive_resource_monthly threshold, most expensive first.
	Expensive   []Resource `json:"expensive"`
	Unpriced    Unpriced   `json:"unpriced"`
	Idle        []Finding  `json:"idle"`
	Rightsizing []Finding  `json:"rightsizing"`
	// NoData lists the resources a rule could not judge because a metric or
	// date it needs is missing. They are not flagged: no data is not idle.
	NoData  []NoData `json:"no_data"`
	Savings Savings  `json:"savings"`

	// reasons keeps each unpriced record's reason for the CSV report.
	reasons map[inventory.Key]string
}

// Resource identifies a resource and its estimate in results.
type Resource struct {
	Type        string `json:"resource_type"`
	ID          string `json:"resource_id"`
	Name        string `json:"name,omitempty"`
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	Department  string `json:"department"`
	Region      string `json:"region"`
	// MonthlyUSD is nil when the resource is unpriced.
	MonthlyUSD *float64 `json:"monthly_usd"`
	Basis      string   `json:"cost_basis,omitempty"`
}

// Key is the inventory identity of the resource.
func (r Resource) Key() inventory.Key {
	return inventory.Key{AccountID: r.AccountID, Region: r.Region, ResourceType: r.Type, ResourceID: r.ID}
}

// Label is the resource's ID with its name, for people.
func (r Resource) Label() string {
	if r.Name != "" && r.Name != r.ID {
		return r.ID + " (" + r.Name + ")"
	}
	return r.ID
}

// Account is "name (id)", the account label of the CLI and reports.
func (r Resource) Account() string { return accountLabel(r.AccountName, r.AccountID) }

func accountLabel(name, id string) string {
	if name == "" || name == id {
		return id
	}
	return name + " (" + id + ")"
}

func resourceOf(r inventory.Record) Resource {
	return Resource{Type: r.ResourceType, ID: r.ResourceID, Name: r.Name(), AccountID: r.AccountID, AccountName: r.AccountName,
		Department: r.Department, Region: r.Region, MonthlyUSD: r.EstimatedMonthlyCost, Basis: r.CostBasis}
}

// Analyze computes the analysis of recs. th fills zero fields from
// config.Default (a config file always has them; a caller building
// thresholds in code may not). p prices hypothetical targets; errors other
// than a missing price (pricing.ErrNoPrice) abort the analysis.
func Analyze(ctx context.Context, recs []inventory.Record, p pricing.Prices, th config.CostThresholds, opts Options) (Analysis, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Now = opts.Now.UTC()
	if opts.Top <= 0 {
		opts.Top = DefaultTop
	}
	dims, err := breakdownDims(opts.GroupBy)
	if err != nil {
		return Analysis{}, err
	}
	th = withDefaults(th)
	live := make([]inventory.Record, 0, len(recs))
	for _, r := range recs {
		if r.DeletedAt == nil {
			live = append(live, r)
		}
	}
	inventory.SortRecords(live)

	a := Analysis{GeneratedAt: opts.Now, Thresholds: th, Resources: len(live), reasons: map[inventory.Key]string{}}
	bases := map[string]bool{}
	for _, r := range live {
		if c := r.EstimatedMonthlyCost; c != nil {
			a.Priced++
			a.MonthlyUSD += *c
			for _, b := range sources(r.CostBasis) {
				bases[b] = true
			}
		}
	}
	a.MonthlyUSD = round2(a.MonthlyUSD)
	a.YearlyUSD = round2(a.MonthlyUSD * MonthsPerYear)
	a.Bases = sortedSet(bases)
	a.Breakdowns = breakdowns(live, dims, a.MonthlyUSD)
	a.Top, a.Expensive = topResources(live, opts.Top, th.ExpensiveResourceMonthly)
	a.Unpriced = unpriced(ctx, live, p, a.reasons)

	x := newIndex(live)
	a.Idle, a.NoData = idle(live, x, th, opts.Now)
	rs, noData, err := rightsizing(ctx, live, x, p, th)
	if err != nil {
		return Analysis{}, err
	}
	a.Rightsizing = rs
	a.NoData = append(a.NoData, noData...)
	sortNoData(a.NoData)
	a.Savings = countSavings(a.Idle, a.Rightsizing)
	byKey := make(map[inventory.Key]inventory.Record, len(live))
	for _, r := range live {
		byKey[r.Key()] = r
	}
	for _, fs := range [][]Finding{a.Idle, a.Rightsizing} {
		for i := range fs {
			fs[i].Commands = commands(fs[i], byKey[fs[i].Resource.Key()], x, opts.Now)
		}
	}
	// Empty lists are [] in JSON, not null, so jq filters keep working.
	for _, l := range []*[]Finding{&a.Idle, &a.Rightsizing} {
		if *l == nil {
			*l = []Finding{}
		}
	}
	for _, l := range []*[]Resource{&a.Top, &a.Expensive} {
		if *l == nil {
			*l = []Resource{}
		}
	}
	if a.NoData == nil {
		a.NoData = []NoData{}
	}
	return a, nil
}

// withDefaults fills unset thresholds with the seed's defaults.
func withDefaults(th config.CostThresholds) config.CostThresholds {
	d := config.Default().CostThresholds
	if th.ExpensiveResourceMonthly <= 0 {
		th.ExpensiveResourceMonthly = d.ExpensiveResourceMonthly
	}
	if th.IdleResourceDays <= 0 {
		th.IdleResourceDays = d.IdleResourceDays
	}
	if th.StaleResourceDays <= 0 {
		th.StaleResourceDays = d.StaleResourceDays
	}
	if th.TotalMonthlyAlert <= 0 {
		th.TotalMonthlyAlert = d.TotalMonthlyAlert
	}
	if th.LowCPUPercent <= 0 {
		th.LowCPUPercent = d.LowCPUPercent
	}
	if th.RightsizeMaxCPUPercent <= 0 {
		th.RightsizeMaxCPUPercent = d.RightsizeMaxCPUPercent
	}
	return th
}

// topResources returns the n most expensive priced resources and those over
// the expensive threshold; ties are broken by identity for stable output.
func topResources(live []inventory.Record, n int, expensive float64) (top, over []Resource) {
	var priced []Resource
	for _, r := range live {
		if r.EstimatedMonthlyCost != nil && *r.EstimatedMonthlyCost > 0 {
			priced = append(priced, resourceOf(r))
		}
	}
	sort.SliceStable(priced, func(i, j int) bool { return *priced[i].MonthlyUSD > *priced[j].MonthlyUSD })
	for _, r := range priced {
		if *r.MonthlyUSD > expensive {
			over = append(over, r)
		}
	}
	return priced[:min(n, len(priced))], over
}

// Reason returns why the record with key k is unpriced ("" when it is priced
// or unknown to the analysis).
func (a Analysis) Reason(k inventory.Key) string { return a.reasons[k] }

func round2(f float64) float64 {
	if f < 0 {
		return -round2(-f)
	}
	return float64(int64(f*100+0.5)) / 100
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// NoData is a rule that could not judge a resource.
type NoData struct {
	Resource Resource `json:"resource"`
	Rule     string   `json:"rule"`
	Reason   string   `json:"reason"`
}

func sortNoData(n []NoData) {
	sort.SliceStable(n, func(i, j int) bool {
		if n[i].Rule != n[j].Rule {
			return n[i].Rule < n[j].Rule
		}
		return keyLess(n[i].Resource.Key(), n[j].Resource.Key())
	})
}

func keyLess(a, b inventory.Key) bool {
	return a.String() < b.String()
}

// ParseGroupBy checks a --group-by value: account, department, region, type
// or tag:KEY.
func ParseGroupBy(s string) (string, error) {
	switch {
	case s == "" || s == ByAccount || s == ByDepartment || s == ByRegion || s == ByType:
		return s, nil
	case strings.HasPrefix(s, TagPrefix) && strings.TrimSpace(s[len(TagPrefix):]) != "":
		return s, nil
	}
	return "", fmt.Errorf("group by %q: expected account, department, region, type or tag:KEY (such as tag:CostCenter)", s)
}
