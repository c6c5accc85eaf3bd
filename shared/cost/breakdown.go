package cost

import (
	"sort"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Breakdown dimensions.
const (
	ByAccount    = "account"
	ByDepartment = "department"
	ByRegion     = "region"
	ByType       = "type"
	// TagPrefix starts a tag dimension: "tag:CostCenter".
	TagPrefix = "tag:"
)

// Untagged is the row of a tag breakdown that collects the resources without
// the tag, and NoDepartment the row of resources without a department. They
// are rows like any other: spend nobody owns is what allocation must show.
const (
	Untagged     = "(untagged)"
	NoDepartment = "(none)"
)

// Breakdown allocates the total along one dimension.
type Breakdown struct {
	By   string  `json:"by"`
	Rows []Group `json:"rows"`
}

// Group is one row of a breakdown.
type Group struct {
	Key        string  `json:"key"`
	MonthlyUSD float64 `json:"monthly_usd"`
	YearlyUSD  float64 `json:"yearly_usd"`
	// Share is the percentage of the priced total.
	Share     float64 `json:"share_percent"`
	Resources int     `json:"resources"`
	// Unpriced resources are counted in Resources and here, not in the money.
	Unpriced int `json:"unpriced"`
}

// Get returns the breakdown by dim, if the analysis has it.
func (a Analysis) Get(dim string) (Breakdown, bool) {
	for _, b := range a.Breakdowns {
		if b.By == dim {
			return b, true
		}
	}
	return Breakdown{}, false
}

// breakdownDims are the always-present dimensions plus the asked tag one.
func breakdownDims(groupBy string) ([]string, error) {
	g, err := ParseGroupBy(groupBy)
	if err != nil {
		return nil, err
	}
	dims := []string{ByAccount, ByDepartment, ByRegion, ByType}
	if strings.HasPrefix(g, TagPrefix) {
		dims = append(dims, g)
	}
	return dims, nil
}

// groupKey is the record's row in a dimension.
func groupKey(r inventory.Record, dim string) string {
	switch dim {
	case ByAccount:
		return accountLabel(r.AccountName, r.AccountID)
	case ByDepartment:
		if r.Department == "" {
			return NoDepartment
		}
		return r.Department
	case ByRegion:
		return r.Region
	case ByType:
		return r.ResourceType
	}
	if v := r.Tags()[strings.TrimPrefix(dim, TagPrefix)]; v != "" {
		return v
	}
	return Untagged
}

func breakdowns(live []inventory.Record, dims []string, total float64) []Breakdown {
	out := make([]Breakdown, 0, len(dims))
	for _, dim := range dims {
		rows := map[string]*Group{}
		for _, r := range live {
			k := groupKey(r, dim)
			g := rows[k]
			if g == nil {
				g = &Group{Key: k}
				rows[k] = g
			}
			g.Resources++
			if c := r.EstimatedMonthlyCost; c != nil {
				g.MonthlyUSD += *c
			} else {
				g.Unpriced++
			}
		}
		b := Breakdown{By: dim, Rows: make([]Group, 0, len(rows))}
		for _, g := range rows {
			g.MonthlyUSD = round2(g.MonthlyUSD)
			g.YearlyUSD = round2(g.MonthlyUSD * MonthsPerYear)
			if total > 0 {
				g.Share = round2(100 * g.MonthlyUSD / total)
			}
			b.Rows = append(b.Rows, *g)
		}
		// Largest spend first; the key settles ties so output is stable.
		sort.Slice(b.Rows, func(i, j int) bool {
			x, y := b.Rows[i], b.Rows[j]
			if x.MonthlyUSD != y.MonthlyUSD {
				return x.MonthlyUSD > y.MonthlyUSD
			}
			return x.Key < y.Key
		})
		out = append(out, b)
	}
	return out
}
