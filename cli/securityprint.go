package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudinv/aws-inventory/shared/security"
)

// Table sizes: enough to act on, the JSON has everything.
const (
	topChecksShown     = 10
	worstAccountsShown = 10
	wrapWidth          = 100
)

// printSecurity renders the posture for a security reader: the score and
// counts first, then where the problems concentrate (checks, accounts),
// then each failing check once with its fix and the resources it fails on.
func printSecurity(w io.Writer, s securityJSON, limit int) {
	accounts := len(s.ByAccount)
	scope := fmt.Sprintf("%d resources in %s", s.ResourcesEvaluated, secPlural(accounts, "account", "accounts"))
	if len(s.Filters.Accounts) > 0 {
		scope = fmt.Sprintf("%s selected", secPlural(len(s.Filters.Accounts), "account", "accounts"))
	}
	fmt.Fprintf(w, "Security posture: %s, %d checks (evaluated %s)\n", scope, s.ChecksRun, secWhen(s.EvaluatedAt))
	switch {
	case s.History.Recorded && s.History.UpdatedAt != nil:
		run := ""
		if s.History.RunID != "" {
			run = ", run " + s.History.RunID
		}
		fmt.Fprintf(w, "History: as recorded by the check of %s%s\n", secWhen(*s.History.UpdatedAt), run)
	default:
		fmt.Fprintln(w, "History: none recorded yet (the Security stage records it; locally: inventory security --record)")
	}
	if s.NewSince != nil {
		from := secWhen(s.NewSince.Since)
		if s.NewSince.Run != "" {
			from = "run " + s.NewSince.Run + " started (" + from + ")"
		}
		fmt.Fprintf(w, "Showing: findings first seen since %s, and those resolved since\n", from)
	}
	if f := filterText(s.Filters); f != "" {
		fmt.Fprintf(w, "Filters: %s\n", f)
	}
	fmt.Fprintln(w)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	scoreOf := "all checks"
	if len(s.Filters.Accounts) > 0 {
		scoreOf = "the selected accounts, all checks"
	}
	fmt.Fprintf(tw, "  Compliance score\t%s%%\t(%s; weighted critical 10, high 5, medium 2, low 1)\n", secTrim(s.ComplianceScore), scoreOf)
	fmt.Fprintf(tw, "  Failed checks\t%d\t%s\n", s.Failed, bySeverityText(s.BySeverity))
	if s.History.Recorded {
		fmt.Fprintf(tw, "  New\t%d\t%s\n", s.New, newText(s))
	}
	fmt.Fprintf(tw, "  Unencrypted\t%d\tresources\n", len(s.UnencryptedResources))
	fmt.Fprintf(tw, "  Public\t%d\tresources\n", len(s.PublicResources))
	if s.Undecided > 0 {
		fmt.Fprintf(tw, "  Undecided\t%d\t(data missing: never counted as passing; listed at the end)\n", s.Undecided)
	}
	if s.NewSince != nil {
		fmt.Fprintf(tw, "  Resolved\t%d\tsince then\n", len(s.Resolved))
	}
	tw.Flush()

	printTopChecks(w, s)
	printWorstAccounts(w, s)
	printFindingGroups(w, s, limit)
	printUndecided(w, s)
	printResolved(w, s, limit)

	fmt.Fprintln(w, "\nNext:")
	fmt.Fprintln(w, "  inventory security --severity high              only critical and high findings")
	fmt.Fprintln(w, "  inventory security --check ID --limit 0         every resource one check fails on")
	fmt.Fprintln(w, "  inventory security --new-since RUN              what appeared and what was fixed since a run")
	fmt.Fprintln(w, "  inventory security --format json | jq .findings the findings with their history")
}

func secWhen(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func secPlural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func secTrim(f float64) string {
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", f), "0"), ".")
}

func filterText(f securityFilters) string {
	var parts []string
	if f.Severity != "" {
		parts = append(parts, "severity "+f.Severity+" or worse")
	}
	if len(f.Checks) > 0 {
		parts = append(parts, "checks "+strings.Join(f.Checks, ", "))
	}
	if len(f.Accounts) > 0 {
		parts = append(parts, "accounts "+strings.Join(f.Accounts, ", "))
	}
	return strings.Join(parts, "; ")
}

func bySeverityText(m map[security.Severity]int) string {
	var parts []string
	for _, sev := range security.Severities {
		if n := m[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " · ")
}

func newText(s securityJSON) string {
	if s.NewSince != nil {
		return "first seen since then"
	}
	if s.History.UpdatedAt == nil {
		return ""
	}
	return "first seen in the check of " + secWhen(*s.History.UpdatedAt)
}

func printTopChecks(w io.Writer, s securityJSON) {
	var rows []security.CheckSummary
	for _, c := range s.ByCheck {
		if c.Failed > 0 && len(rows) < topChecksShown {
			rows = append(rows, c)
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "\nChecks costing the most score (whole inventory)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SEVERITY\tCHECK\tCIS\tFAILED\tPASSED\tUNKNOWN")
	for _, c := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\n", c.Severity, c.CheckID, dash(c.CIS), c.Failed, c.Passed, c.Unknown)
	}
	tw.Flush()
}

func printWorstAccounts(w io.Writer, s securityJSON) {
	if len(s.ByAccount) == 0 {
		return
	}
	title := "Worst accounts"
	if len(s.Filters.Accounts) > 0 {
		title = "Selected accounts"
	}
	fmt.Fprintf(w, "\n%s\n", title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SCORE\tACCOUNT\tNAME\tCRITICAL\tHIGH\tFAILED\tUNKNOWN")
	for i, a := range s.ByAccount {
		if i == worstAccountsShown {
			fmt.Fprintf(tw, "  …\t%d more\t\t\t\t\t\n", len(s.ByAccount)-i)
			break
		}
		score := "n/a"
		if a.Score != nil {
			score = secTrim(*a.Score) + "%"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%d\n", score, a.Key, dash(a.Name), a.Critical, a.High, a.Failed, a.Unknown)
	}
	tw.Flush()
}

// printFindingGroups prints each failing check once (severity, title, CIS,
// the fix), then the resources it fails on.
func printFindingGroups(w io.Writer, s securityJSON, limit int) {
	type group struct {
		first securityFinding
		items []securityFinding
	}
	var order []string
	groups := map[string]*group{}
	for _, f := range s.Findings {
		if f.Status != security.Fail {
			continue
		}
		g, ok := groups[f.CheckID]
		if !ok {
			g = &group{first: f}
			groups[f.CheckID] = g
			order = append(order, f.CheckID)
		}
		g.items = append(g.items, f)
	}
	if len(order) == 0 {
		fmt.Fprintln(w, "\nNo failing checks match.")
		return
	}
	fmt.Fprintf(w, "\nFindings (%d, most severe first)\n", s.Failed)
	for _, id := range order {
		g := groups[id]
		f := g.first
		cis := ""
		if f.CIS != "" {
			cis = " (CIS " + f.CIS + ")"
		}
		fmt.Fprintf(w, "\n%s  %s — %s%s — %s\n", strings.ToUpper(string(f.Severity)), f.CheckID, f.Title, cis,
			secPlural(len(g.items), "resource", "resources"))
		for _, line := range secWrap("Fix: "+f.Remediation, wrapWidth-4) {
			fmt.Fprintf(w, "    %s\n", line)
		}
		for i, it := range g.items {
			if limit > 0 && i == limit {
				fmt.Fprintf(w, "    … %d more (--check %s --limit 0 lists all)\n", len(g.items)-i, id)
				break
			}
			fmt.Fprintf(w, "    - %s: %s%s\n", resourceText(it.Finding), it.Evidence, stateText(it, s.History.Recorded))
		}
	}
}

func resourceText(f security.Finding) string {
	name := f.ResourceID
	if f.Name != "" && f.Name != f.ResourceID {
		name += " (" + f.Name + ")"
	}
	acct := f.AccountID
	if f.AccountName != "" {
		acct = f.AccountName + " " + f.AccountID
	}
	if f.ResourceID == f.AccountID {
		// An account-level record (iam_account, the account's S3 block).
		return fmt.Sprintf("%s of %s", f.ResourceType, acct)
	}
	return fmt.Sprintf("%s %s in %s %s", f.ResourceType, name, acct, f.Region)
}

func stateText(f securityFinding, recorded bool) string {
	switch {
	case !recorded:
		return ""
	case f.State == findingNew:
		return "  [new]"
	case f.State == findingUnrecorded:
		return "  [not yet recorded]"
	case f.FirstSeen != nil:
		return "  [since " + f.FirstSeen.UTC().Format("2006-01-02") + "]"
	}
	return ""
}

// printUndecided summarizes the undecidable checks by check and reason.
func printUndecided(w io.Writer, s securityJSON) {
	if s.Undecided == 0 {
		return
	}
	type key struct{ check, why string }
	counts := map[key]int{}
	var order []key
	for _, f := range s.Findings {
		if f.Status == security.Fail {
			continue
		}
		k := key{f.CheckID, f.Evidence}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	fmt.Fprintf(w, "\nUndecided (%d: the data a check needs is missing; not counted as passing)\n", s.Undecided)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, k := range order {
		if i == topChecksShown*2 {
			fmt.Fprintf(tw, "  …\t%d more kinds (--format json lists them)\n", len(order)-i)
			break
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\n", k.check, counts[k], k.why)
	}
	tw.Flush()
}

func printResolved(w io.Writer, s securityJSON, limit int) {
	if s.NewSince == nil || len(s.Resolved) == 0 {
		return
	}
	fmt.Fprintf(w, "\nResolved since then (%d)\n", len(s.Resolved))
	for i, r := range s.Resolved {
		if limit > 0 && i == limit*2 {
			fmt.Fprintf(w, "  … %d more (--format json lists them)\n", len(s.Resolved)-i)
			break
		}
		fmt.Fprintf(w, "  %-8s %s: %s %s in %s %s, resolved %s\n", r.Severity, r.CheckID, dash(r.ResourceType), r.ResourceID,
			r.AccountID, r.Region, secWhen(r.ResolvedAt))
	}
}

// secWrap breaks text into lines of at most width bytes at spaces.
func secWrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) > width:
			lines = append(lines, line)
			line = "     " + word
		default:
			line += " " + word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
