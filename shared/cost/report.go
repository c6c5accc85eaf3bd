package cost

import (
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// ReportHeader is the cost report's fixed columns, one row per live
// resource; a "tag:KEY" column per tag key follows them.
//
//   - estimated_monthly_cost / estimated_yearly_cost: USD, two decimals;
//     empty when unpriced (never 0), with unpriced_reason saying why.
//   - cost_basis: the price source and arithmetic of the estimate.
//   - idle_finding / idle_reason / idle_monthly_savings: the idle rule the
//     resource meets, if any, and what removing or stopping it saves.
//   - rightsizing_target / rightsizing_monthly_savings: the best
//     rightsizing option (next size down or Graviton), if any.
//   - potential_monthly_savings: the saving counted in the totals (the
//     larger of the idle and rightsizing options, never both), and
//     recommended_action the change that achieves it. Summing this column
//     gives the analysis's total potential savings.
//   - tags: every tag as KEY=VALUE;… (also split into the tag:KEY columns,
//     so a pivot table can allocate by CostCenter or Project).
var ReportHeader = []string{
	"account_id", "account_name", "department", "region", "resource_type", "resource_id", "name",
	"estimated_monthly_cost", "estimated_yearly_cost", "cost_basis", "unpriced_reason",
	"idle_finding", "idle_reason", "idle_monthly_savings",
	"rightsizing_target", "rightsizing_monthly_savings",
	"potential_monthly_savings", "recommended_action", "tags",
}

// WriteReport writes the cost report for finance: the live records of recs
// (sorted by account, region, type and id) with the findings of a, the
// analysis of the same records. tagKeys chooses the tag:KEY columns; nil
// means every tag key found, sorted.
func WriteReport(w io.Writer, recs []inventory.Record, a Analysis, tagKeys []string) error {
	live := make([]inventory.Record, 0, len(recs))
	for _, r := range recs {
		if r.DeletedAt == nil {
			live = append(live, r)
		}
	}
	inventory.SortRecords(live)
	if tagKeys == nil {
		tagKeys = allTagKeys(live)
	}
	idle := map[inventory.Key]Finding{}
	for _, f := range a.Idle {
		idle[f.Resource.Key()] = f
	}
	// Rightsizing is sorted by saving, so the first per resource is its best.
	rs := map[inventory.Key]Finding{}
	for _, f := range a.Rightsizing {
		if _, ok := rs[f.Resource.Key()]; !ok {
			rs[f.Resource.Key()] = f
		}
	}
	counted := map[inventory.Key]Finding{}
	for _, f := range append(append([]Finding{}, a.Idle...), a.Rightsizing...) {
		if f.Counted {
			counted[f.Resource.Key()] = f
		}
	}

	cw := csv.NewWriter(w)
	header := append([]string{}, ReportHeader...)
	for _, k := range tagKeys {
		header = append(header, TagPrefix+k)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range live {
		k := r.Key()
		yearly := ""
		if c := r.EstimatedMonthlyCost; c != nil {
			yearly = usdCell(ptr(*c * MonthsPerYear))
		}
		row := []string{r.AccountID, text(r.AccountName), text(r.Department), r.Region, r.ResourceType, text(r.ResourceID), text(r.Name()),
			usdCell(r.EstimatedMonthlyCost), yearly, text(basisCell(r)), text(a.Reason(k))}
		if f, ok := idle[k]; ok {
			row = append(row, f.Kind, text(f.Reason), usdCell(f.MonthlySavingsUSD))
		} else {
			row = append(row, "", "", "")
		}
		if f, ok := rs[k]; ok {
			row = append(row, f.Target, usdCell(f.MonthlySavingsUSD))
		} else {
			row = append(row, "", "")
		}
		if f, ok := counted[k]; ok {
			row = append(row, usdCell(f.MonthlySavingsUSD), text(summary(f)))
		} else {
			row = append(row, "", "")
		}
		tags := r.Tags()
		row = append(row, text(tagList(tags)))
		for _, tk := range tagKeys {
			row = append(row, text(tags[tk]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// basisCell is the basis of a priced record; an unpriced one's reason has
// its own column.
func basisCell(r inventory.Record) string {
	if r.EstimatedMonthlyCost == nil {
		return ""
	}
	return r.CostBasis
}

func usdCell(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(round2(*f), 'f', 2, 64)
}

// text defuses spreadsheet formulas: a tag value such as =HYPERLINK(…)
// written by anyone who can tag a resource must not run in finance's
// spreadsheet, so a cell starting with = + - @ or a control character gets
// a leading apostrophe (shown as text, OWASP's advice for CSV injection).
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func tagList(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + tags[k]
	}
	return strings.Join(parts, ";")
}

func allTagKeys(recs []inventory.Record) []string {
	seen := map[string]bool{}
	for _, r := range recs {
		for k := range r.Tags() {
			seen[k] = true
		}
	}
	return sortedSet(seen)
}
