package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/cloudinv/aws-inventory/shared/cost"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/money"
)

// breakdownRows is how many rows of a breakdown the table shows; the rest
// are summed on one line, so no spend disappears from the page.
const breakdownRows = 15

// printCost renders the analysis for a FinOps reader: the totals and the
// savings first, then where the money goes, then what to change.
func printCost(w io.Writer, c costJSON, groupBy string, top int) {
	a := c.Analysis
	accounts := 0
	if b, ok := a.Get(cost.ByAccount); ok {
		accounts = len(b.Rows)
	}
	bases := "no priced resources"
	if len(a.Bases) > 0 {
		bases = "prices " + strings.Join(a.Bases, ", ")
	}
	fmt.Fprintf(w, "Estimated cost of %d live resources in %d accounts (%s; on-demand list prices, 730-hour month)\n\n", a.Resources, accounts, bases)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  Monthly total:\t%s\n", money.USD(a.MonthlyUSD))
	fmt.Fprintf(tw, "  Yearly projection:\t%s\n", money.USD(a.YearlyUSD))
	fmt.Fprintf(tw, "  Potential savings:\t%s (%s/year) on %d resources\n", usdMonth(a.Savings.MonthlyUSD), money.USD(a.Savings.YearlyUSD), a.Savings.Resources)
	if a.Unpriced.Count > 0 {
		fmt.Fprintf(tw, "  Unpriced:\t%d resources, not in the totals (listed below)\n", a.Unpriced.Count)
	}
	tw.Flush()

	dim := groupBy
	if dim == "" {
		dim = cost.ByAccount
	}
	if b, ok := a.Get(dim); ok {
		printBreakdown(w, b)
	}
	if dim != cost.ByType {
		if b, ok := a.Get(cost.ByType); ok {
			printBreakdown(w, b)
		}
	}
	printTop(w, a.Top)
	printFindings(w, "Idle Resources", a.Idle, top)
	printFindings(w, "Rightsizing", a.Rightsizing, top)

	s := a.Savings
	fmt.Fprintf(w, "\nTotal Potential Savings: %s (%s/year): idle %s, rightsizing %s\n", usdMonth(s.MonthlyUSD), money.USD(s.YearlyUSD),
		money.USD(s.IdleMonthlyUSD), money.USD(s.RightsizingMonthlyUSD))
	fmt.Fprintln(w, "  (one option per resource, the larger: stopping an instance and also downsizing it saves the stop)")
	if s.Unknown > 0 {
		fmt.Fprintf(w, "  %d more findings have an unpriced saving, not in the total\n", s.Unknown)
	}
	printNoData(w, a.NoData)
	printUnpriced(w, a.Unpriced)
	if c.Actual != nil {
		printActual(w, *c.Actual, top)
	}
	fmt.Fprintln(w, "\nNext:")
	fmt.Fprintln(w, "  inventory optimize --min-savings 50       the changes as AWS CLI commands, largest saving first")
	fmt.Fprintln(w, "  inventory cost-report --output costs.csv  one row per resource for finance")
}

func printBreakdown(w io.Writer, b cost.Breakdown) {
	title := b.By
	switch b.By {
	case cost.ByAccount:
		title = "account"
	case cost.ByType:
		title = "resource type"
	}
	fmt.Fprintf(w, "\nBy %s:\n", title)
	t := newTable(false, true, true, true)
	t.add(strings.ToUpper(title), "MONTHLY", "SHARE", "RESOURCES", "")
	rest, restN, restRes := 0.0, 0, 0
	for i, g := range b.Rows {
		if i >= breakdownRows {
			rest += g.MonthlyUSD
			restN++
			restRes += g.Resources
			continue
		}
		unpriced := ""
		if g.Unpriced > 0 {
			unpriced = fmt.Sprintf("(%d unpriced)", g.Unpriced)
		}
		t.add(g.Key, money.USD(g.MonthlyUSD), fmt.Sprintf("%.1f%%", g.Share), fmt.Sprint(g.Resources), unpriced)
	}
	if restN > 0 {
		t.add(fmt.Sprintf("… %d more", restN), money.USD(rest), "", fmt.Sprint(restRes), "(--format json lists all)")
	}
	t.write(w, "  ")
}

func printTop(w io.Writer, top []cost.Resource) {
	if len(top) == 0 {
		return
	}
	fmt.Fprintf(w, "\nTop %d most expensive resources:\n", len(top))
	t := newTable(true)
	for _, r := range top {
		t.add(money.USD(*r.MonthlyUSD), typeLabel(r.Type), r.Label(), r.Account(), r.Region)
	}
	t.write(w, "  ")
}

// printFindings lists findings in the seed's style, "- EC2: i-abc (stopped
// 45 days) - Save $50.00/month", with where and what to do.
func printFindings(w io.Writer, title string, fs []cost.Finding, top int) {
	total := 0.0
	for _, f := range fs {
		if f.Counted {
			total += f.Saving()
		}
	}
	fmt.Fprintf(w, "\n%s (%d found, %s counted):\n", title, len(fs), usdMonth(total))
	if len(fs) == 0 {
		fmt.Fprintln(w, "  none")
		return
	}
	for i, f := range fs {
		if i == top {
			fmt.Fprintf(w, "  … %d more (--top N shows more; inventory optimize lists every action)\n", len(fs)-top)
			break
		}
		what := f.Evidence
		if f.Target != "" {
			target := f.Target
			if f.Kind == cost.Graviton {
				target += " (Graviton)"
			}
			what = f.Current + " → " + target + ", " + f.Evidence
		}
		save := "saving unknown (unpriced)"
		if f.MonthlySavingsUSD != nil {
			save = "Save " + usdMonth(*f.MonthlySavingsUSD)
		}
		note := ""
		if !f.Counted && f.MonthlySavingsUSD != nil {
			note = " (alternative, not in the total)"
		}
		label := f.Resource.ID
		if n := f.Resource.Name; n != "" && n != label {
			label += " " + n
		}
		fmt.Fprintf(w, "- %s: %s (%s) - %s%s\n    %s, %s → %s\n", typeLabel(f.Resource.Type), label, what, save, note,
			f.Resource.Account(), f.Resource.Region, f.Action)
	}
}

// printNoData counts resources, not rules: a running instance without CPU
// data misses both the low-CPU and the rightsizing rule, and is one resource.
func printNoData(w io.Writer, nd []cost.NoData) {
	if len(nd) == 0 {
		return
	}
	seen := map[inventory.Key]bool{}
	counts := map[string]int{}
	for _, n := range nd {
		if k := n.Resource.Key(); !seen[k] {
			seen[k] = true
			counts[noDataPhrase(n)]++
		}
	}
	phrases := make([]string, 0, len(counts))
	for p, n := range counts {
		phrases = append(phrases, fmt.Sprintf("%d %s", n, p))
	}
	sort.Strings(phrases)
	fmt.Fprintf(w, "\nNo data, not judged (%d resources): %s\n", len(seen), strings.Join(phrases, "; "))
}

func noDataPhrase(n cost.NoData) string {
	switch n.Rule {
	case cost.StoppedInstance:
		return "stopped EC2 with an unknown stop date"
	case cost.LowCPUInstance:
		return "running EC2 without CPU data"
	case cost.IdleDatabase:
		return "RDS without connection data"
	case cost.EmptyBucket:
		return "S3 buckets without storage metrics or date"
	}
	return typeLabel(n.Resource.Type) + " without a 14-day CPU peak (rightsizing)"
}

func printUnpriced(w io.Writer, u cost.Unpriced) {
	if u.Count == 0 {
		return
	}
	fmt.Fprintf(w, "\nUnpriced (%d resources, not in the totals):\n", u.Count)
	t := newTable(true)
	for i, g := range u.Groups {
		if i == breakdownRows {
			t.add("", fmt.Sprintf("… %d more reasons (--format json lists all)", len(u.Groups)-i))
			break
		}
		what := strings.Join(g.Items[:min(3, len(g.Items))], ", ")
		if len(g.Items) > 3 {
			what += ", …"
		}
		if what == "" {
			what = "e.g. " + strings.Join(g.Examples, ", ")
		}
		t.add(fmt.Sprint(g.Count), typeLabel(g.Type), g.Reason+" ("+what+")")
	}
	t.write(w, "  ")
}

func printActual(w io.Writer, c cost.SpendComparison, top int) {
	s := c.Spend
	est := ""
	if s.Estimated {
		est = ", still estimated by AWS"
	}
	fmt.Fprintf(w, "\nActual spend %s to %s (Cost Explorer %s%s; %d request(s) at $0.01 = %s):\n", s.Start, s.End, s.Metric, est, s.Requests,
		money.USD(float64(s.Requests)*cost.CostExplorerRequestUSD))
	fmt.Fprintf(w, "  %s\n", c.Note)
	t := newTable(false, true, true, true)
	t.add("ACCOUNT", "ESTIMATED", "ACTUAL", "DIFFERENCE")
	for _, l := range c.Accounts {
		t.add(spendAccount(l), usdOrDash(l.EstimatedUSD), usdOrDash(l.ActualUSD), usdOrDash(l.DiffUSD))
	}
	t.add("total", usdOrDash(c.Total.EstimatedUSD), usdOrDash(c.Total.ActualUSD), usdOrDash(c.Total.DiffUSD))
	t.write(w, "  ")

	// The services the inventory explains least are the interesting ones.
	lines := append([]cost.SpendLine{}, c.Services...)
	abs := func(l cost.SpendLine) float64 {
		if l.DiffUSD == nil {
			return 0
		}
		return math.Abs(*l.DiffUSD)
	}
	sort.SliceStable(lines, func(i, j int) bool { return abs(lines[i]) > abs(lines[j]) })
	fmt.Fprintf(w, "\n  Largest differences by account and service (estimate \"-\": not inventoried):\n")
	t = newTable(false, false, true, true, true)
	t.add("ACCOUNT", "SERVICE", "ESTIMATED", "ACTUAL", "DIFFERENCE")
	for i, l := range lines {
		if i == top {
			break
		}
		t.add(spendAccount(l), l.Service, usdOrDash(l.EstimatedUSD), usdOrDash(l.ActualUSD), usdOrDash(l.DiffUSD))
	}
	t.write(w, "  ")
}

func spendAccount(l cost.SpendLine) string {
	return cost.Resource{AccountID: l.AccountID, AccountName: l.AccountName}.Account()
}

func usdOrDash(f *float64) string {
	if f == nil {
		return "-"
	}
	return money.USD(*f)
}

// typeLabel is the short service name the seed's sample output uses.
func typeLabel(t string) string {
	switch t {
	case inventory.EC2Instance:
		return "EC2"
	case inventory.EBSVolume:
		return "EBS"
	case inventory.ElasticIP:
		return "EIP"
	case inventory.SecurityGroup:
		return "SG"
	case inventory.RDSInstance:
		return "RDS"
	case inventory.RDSCluster:
		return "Aurora"
	case inventory.S3Bucket:
		return "S3"
	case inventory.LambdaFunction:
		return "Lambda"
	}
	return t
}
