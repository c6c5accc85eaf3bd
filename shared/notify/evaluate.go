package notify

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/money"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// Input is what a job produced; every part is optional.
type Input struct {
	// Action is the job: collect, cost_analysis or security_check.
	Action string
	RunID  string
	// ExecutionARN is the Step Functions execution, for the replay command.
	ExecutionARN string
	Summary      *pipeline.Summary
	Cost         *CostResult
	Security     *SecurityResult
	// Report is where the run's report is (an s3:// URI of report.html).
	Report string
}

// Thresholds decide which results are worth an alert (the seed's alert table).
type Thresholds struct {
	// MonthlyCost: alert when the estimated monthly total is above it
	// (MONTHLY_COST_THRESHOLD, else cost_thresholds.total_monthly_alert).
	// Zero turns the cost alert off.
	MonthlyCost float64
	// ExpensiveResourceMonthly: resources above it are named in the cost
	// alert (cost_thresholds.expensive_resource_monthly).
	ExpensiveResourceMonthly float64
	// SecurityFindings: alert when there are more findings than this
	// (notifications.security_findings_threshold, seed default 10).
	SecurityFindings int
	// FailedItems: alert a partial run when more items than this did not
	// succeed; 0 alerts on any.
	FailedItems int
}

// How much detail an alert carries; the report has the rest.
const (
	maxListed = 5
	// maxInlineReplay bounds the replay input pasted into an alert; longer
	// ones are given in the short form Plan expands from the store.
	maxInlineReplay = 2048
	maxErrorText    = 200
)

// Evaluate returns the alerts the input deserves, most severe first.
func Evaluate(in Input, th Thresholds) []Alert {
	var out []Alert
	runID := in.RunID
	if runID == "" && in.Summary != nil {
		runID = in.Summary.RunID
	}
	if in.Summary != nil {
		if a, ok := runAlert(in, th); ok {
			out = append(out, a)
		}
	}
	if c := in.Cost; c != nil {
		switch {
		case th.MonthlyCost > 0 && c.TotalMonthly > th.MonthlyCost:
			out = append(out, costAlert(in, th))
		case len(expensiveOf(c, th)) > 0:
			// Under the total threshold, a single resource over
			// expensive_resource_monthly is still worth a look.
			out = append(out, expensiveAlert(in, th))
		}
	}
	if s := in.Security; s != nil {
		// Over the threshold alerts once, when it is crossed, and again
		// only when new findings add to it: the same open findings are
		// not reported every week.
		if s.Findings > th.SecurityFindings && (s.PreviousOpen <= th.SecurityFindings || s.NewFindings > 0) {
			out = append(out, findingsAlert(in, th))
		}
		if s.NewHigh > 0 {
			out = append(out, newHighAlert(in))
		}
	}
	for i := range out {
		out[i].RunID = runID
	}
	sort.SliceStable(out, func(i, j int) bool { return severityRank(out[i].Severity) < severityRank(out[j].Severity) })
	return out
}

func runAlert(in Input, th Thresholds) (Alert, bool) {
	s := in.Summary
	notOK := s.Items.Failed + s.Items.Partial + s.Items.NotRun
	var a Alert
	switch {
	case s.Status == store.RunFailed:
		a = Alert{Kind: KindRunFailed, Severity: Critical, Title: fmt.Sprintf("Inventory run %s failed", s.RunID)}
		if s.Items.Total == 0 {
			a.Text = "The run had no work items to collect."
		} else {
			a.Text = fmt.Sprintf("No work item succeeded: %d of %d did not complete.", notOK, s.Items.Total)
		}
	case s.Status == store.RunCancelled:
		a = Alert{Kind: KindRunCancelled, Severity: Warning, Title: fmt.Sprintf("Inventory run %s was cancelled", s.RunID),
			Text: fmt.Sprintf("%d of %d work items did not complete.", notOK, s.Items.Total)}
	case notOK > th.FailedItems:
		a = Alert{Kind: KindRunPartial, Severity: Warning,
			Title: fmt.Sprintf("Inventory run %s: %d of %d items failed", s.RunID, notOK, s.Items.Total),
			Text:  "The rest of the inventory was collected and stored; records of the failed items keep their last-seen values."}
	default:
		return Alert{}, false
	}
	if lines := failedLines(s); lines != "" {
		a.Text += "\n\n" + lines
	}
	if s.ReplayInput != nil {
		code, short := replayCode(s)
		a.Text += "\n\nTo re-collect only the failed items, start a new execution of the inventory state machine with the input below"
		if short {
			a.Text += " (the short form: Plan re-plans the run's failed items from the store)"
		}
		a.Text += ", or run: " + replayCommand(in.ExecutionARN, s.RunID)
		a.Code = code
	}
	a.Fields = []Field{
		{"Status", s.Status},
		{"Items", fmt.Sprintf("%d succeeded, %d partial, %d failed, %d not run (of %d)", s.Items.Succeeded, s.Items.Partial, s.Items.Failed, s.Items.NotRun, s.Items.Total)},
		{"Accounts", fmt.Sprint(s.Accounts)},
		{"Resources collected", fmt.Sprint(s.Collected)},
		{"Duration", (time.Duration(s.DurationSeconds * float64(time.Second))).Round(time.Second).String()},
	}
	if len(s.SkippedAccounts) > 0 {
		a.Fields = append(a.Fields, Field{"Accounts skipped", fmt.Sprint(len(s.SkippedAccounts))})
	}
	a.Fields = appendReport(a.Fields, in.Report)
	return a, true
}

func failedLines(s *pipeline.Summary) string {
	var b strings.Builder
	for i, f := range s.Failed {
		if i == maxListed {
			fmt.Fprintf(&b, "… and %d more (see the report)\n", len(s.Failed)-i)
			break
		}
		who := f.AccountID
		if f.AccountName != "" {
			who = f.AccountName + " (" + f.AccountID + ")"
		}
		line := fmt.Sprintf("- %s / %s: %s", who, f.ResourceType, f.Status)
		if len(f.FailedRegions) > 0 {
			line += " in " + strings.Join(f.FailedRegions, ", ")
		}
		if f.Error != "" {
			line += ": " + clip(f.Error, maxErrorText)
		}
		b.WriteString(line + "\n")
	}
	if b.Len() == 0 {
		return ""
	}
	return "Failed items:\n" + strings.TrimRight(b.String(), "\n")
}

// replayCode returns the replay input to paste as the execution input, and
// whether it is the short form.
func replayCode(s *pipeline.Summary) (string, bool) {
	of := s.ReplayInput.ReplayOf
	if of == "" {
		of = s.RunID
	}
	if len(s.ReplayInput.Items) > 0 {
		if full, err := json.Marshal(s.ReplayInput); err == nil && len(full) <= maxInlineReplay {
			return string(full), false
		}
	}
	short, _ := json.Marshal(map[string]string{"action": "collect", "replay_of": of})
	return string(short), len(s.ReplayInput.Items) > 0
}

func replayCommand(executionARN, runID string) string {
	if executionARN != "" {
		return "inventory replay --execution " + executionARN
	}
	return "inventory replay --run " + runID
}

func costAlert(in Input, th Thresholds) Alert {
	c := in.Cost
	a := Alert{Kind: KindCostOver, Severity: Warning,
		Title: fmt.Sprintf("Estimated monthly cost %s is over the %s threshold", money.USD(c.TotalMonthly), money.USD(th.MonthlyCost))}
	a.Text = fmt.Sprintf("%d resources priced.", c.Priced)
	if c.Unpriced > 0 {
		a.Text = fmt.Sprintf("%d resources priced; %d could not be priced, so the total is a lower bound.", c.Priced, c.Unpriced)
	}
	var expensive []CostedResource
	for _, r := range c.Top {
		if th.ExpensiveResourceMonthly <= 0 || r.Monthly > th.ExpensiveResourceMonthly {
			expensive = append(expensive, r)
		}
	}
	if len(expensive) > 0 {
		if th.ExpensiveResourceMonthly > 0 {
			a.Text += fmt.Sprintf("\n\nMost expensive resources (over %s/month):", money.USD(th.ExpensiveResourceMonthly))
		} else {
			a.Text += "\n\nMost expensive resources:"
		}
		for i, r := range expensive {
			if i == maxListed {
				break
			}
			a.Text += fmt.Sprintf("\n- %s %s%s in %s %s: %s/month", r.ResourceType, r.ResourceID, nameSuffix(r.Name), account(r.AccountName, r.AccountID), r.Region, money.USD(r.Monthly))
		}
	}
	a.Fields = []Field{{"Estimated monthly cost", money.USD(c.TotalMonthly)}, {"Threshold", money.USD(th.MonthlyCost)}}
	if c.PotentialSavings > 0 {
		a.Fields = append(a.Fields, Field{"Potential savings", money.USD(c.PotentialSavings) + "/month"})
	}
	if dept := topDepartments(c.ByDepartment); dept != "" {
		a.Fields = append(a.Fields, Field{"Largest departments", dept})
	}
	a.Fields = appendReport(a.Fields, in.Report)
	return a
}

func topDepartments(m map[string]float64) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if m[names[i]] != m[names[j]] {
			return m[names[i]] > m[names[j]]
		}
		return names[i] < names[j]
	})
	var parts []string
	for i, n := range names {
		if i == 3 {
			break
		}
		parts = append(parts, n+" "+money.USD(m[n]))
	}
	return strings.Join(parts, ", ")
}

func findingsAlert(in Input, th Thresholds) Alert {
	s := in.Security
	a := Alert{Kind: KindFindingsOver, Severity: Warning,
		Title: fmt.Sprintf("%d security findings (threshold %d)", s.Findings, th.SecurityFindings),
		Text: fmt.Sprintf("%d high severity; %d unencrypted and %d publicly accessible resources. Compliance score %s%%.",
			s.HighSeverity, s.Unencrypted, s.Public, trimFloat(s.ComplianceScore))}
	a.Fields = []Field{
		{"Findings", fmt.Sprint(s.Findings)},
		{"High severity", fmt.Sprint(s.HighSeverity)},
		{"Unencrypted resources", fmt.Sprint(s.Unencrypted)},
		{"Public resources", fmt.Sprint(s.Public)},
		{"Compliance score", trimFloat(s.ComplianceScore) + "%"},
	}
	a.Fields = appendReport(a.Fields, in.Report)
	return a
}

func newHighAlert(in Input) Alert {
	s := in.Security
	noun := "findings"
	if s.NewHigh == 1 {
		noun = "finding"
	}
	a := Alert{Kind: KindNewHighSeverity, Severity: Critical,
		Title: fmt.Sprintf("%d new high-severity security %s", s.NewHigh, noun),
		Text:  "Found since the previous check:"}
	for i, f := range s.NewHighFindings {
		if i == maxListed {
			a.Text += fmt.Sprintf("\n… and %d more (see the report)", max(s.NewHigh, len(s.NewHighFindings))-i)
			break
		}
		line := fmt.Sprintf("\n- %s: %s %s in %s %s", f.Check, f.ResourceType, f.ResourceID, account(f.AccountName, f.AccountID), f.Region)
		if f.Detail != "" {
			line += " (" + clip(f.Detail, maxErrorText) + ")"
		}
		a.Text += line
	}
	if len(s.NewHighFindings) == 0 {
		a.Text = "See the report for the findings."
	}
	a.Fields = []Field{{"New high severity", fmt.Sprint(s.NewHigh)}, {"High severity in total", fmt.Sprint(s.HighSeverity)},
		{"Compliance score", trimFloat(s.ComplianceScore) + "%"}}
	a.Fields = appendReport(a.Fields, in.Report)
	return a
}

func appendReport(fs []Field, report string) []Field {
	if report == "" {
		return fs
	}
	return append(fs, Field{"Report", report})
}

func account(name, id string) string {
	if name == "" {
		return id
	}
	return name + " (" + id + ")"
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// expensiveOf lists the resources over expensive_resource_monthly (none when
// that threshold is off).
func expensiveOf(c *CostResult, th Thresholds) []CostedResource {
	if th.ExpensiveResourceMonthly <= 0 {
		return nil
	}
	var out []CostedResource
	for _, r := range c.Top {
		if r.Monthly > th.ExpensiveResourceMonthly {
			out = append(out, r)
		}
	}
	return out
}

func expensiveAlert(in Input, th Thresholds) Alert {
	exp := expensiveOf(in.Cost, th)
	a := Alert{Kind: KindExpensiveResources, Severity: Warning,
		Title: fmt.Sprintf("%d resources cost more than %s a month each", len(exp), money.USD(th.ExpensiveResourceMonthly))}
	for i, r := range exp {
		if i == maxListed {
			a.Text += fmt.Sprintf("\n… and %d more", len(exp)-maxListed)
			break
		}
		if a.Text != "" {
			a.Text += "\n"
		}
		a.Text += fmt.Sprintf("- %s %s%s in %s %s: %s/month", r.ResourceType, r.ResourceID, nameSuffix(r.Name), account(r.AccountName, r.AccountID), r.Region, money.USD(r.Monthly))
	}
	a.Fields = []Field{{"Estimated monthly cost", money.USD(in.Cost.TotalMonthly)}, {"Per-resource threshold", money.USD(th.ExpensiveResourceMonthly)}}
	a.Fields = appendReport(a.Fields, in.Report)
	return a
}
