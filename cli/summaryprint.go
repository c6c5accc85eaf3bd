package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

// printSummary renders a run summary for people.
func printSummary(w io.Writer, s pipeline.Summary) {
	title := fmt.Sprintf("Run %s %s in %.1fs", s.RunID, s.Status, s.DurationSeconds)
	if s.ReplayOf != "" {
		title += " (replay of " + s.ReplayOf + ")"
	}
	fmt.Fprintln(w, title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  Work items:\t%d total, %d succeeded, %d partial, %d failed, %d not run\n",
		s.Items.Total, s.Items.Succeeded, s.Items.Partial, s.Items.Failed, s.Items.NotRun)
	fmt.Fprintf(tw, "  Accounts:\t%d planned, %d skipped\n", s.Accounts, len(s.SkippedAccounts))
	fmt.Fprintf(tw, "  Resources:\t%d collected, %d newly marked deleted\n", s.Collected, s.MarkedDeleted)
	fmt.Fprintf(tw, "  API calls:\t%d (%d throttled), %d regions skipped\n", s.APICalls, s.Throttled, s.SkippedRegions)
	tw.Flush()
	if s.Inventory.Total > 0 {
		fmt.Fprintf(w, "\nInventory of these accounts: %d live resources\n", s.Inventory.Total)
		printCounts(w, "By type", s.Inventory.ByType, 0)
		printCounts(w, "By department", s.Inventory.ByDepartment, 12)
		printCounts(w, "By region", s.Inventory.ByRegion, 0)
	}
	if len(s.SkippedAccounts) > 0 {
		fmt.Fprintln(w, "\nSkipped accounts:")
		for _, a := range s.SkippedAccounts {
			fmt.Fprintf(w, "  %s %-24s %s\n", a.AccountID, a.AccountName, a.Reason)
		}
	}
	if len(s.Failed) > 0 {
		fmt.Fprintln(w, "\nFailed items:")
		for _, f := range s.Failed {
			where := ""
			if len(f.FailedRegions) > 0 {
				where = " [" + strings.Join(f.FailedRegions, ",") + "]"
			}
			fmt.Fprintf(w, "  %s %-24s %-16s %s%s: %s\n", f.AccountID, f.AccountName, f.ResourceType, f.Status, where, oneLine(f.Error))
		}
		if s.FailedOmitted > 0 {
			fmt.Fprintf(w, "  … and %d more failed items (the replay input covers them all)\n", s.FailedOmitted)
		}
	}
}

// printCounts prints a count map largest first; limit 0 prints all.
func printCounts(w io.Writer, title string, m map[string]int, limit int) {
	type kv struct {
		k string
		v int
	}
	var rows []kv
	for k, v := range m {
		rows = append(rows, kv{k, v})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].v != rows[j].v {
			return rows[i].v > rows[j].v
		}
		return rows[i].k < rows[j].k
	})
	fmt.Fprintf(w, "  %s:\n", title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for i, r := range rows {
		if limit > 0 && i == limit {
			fmt.Fprintf(tw, "    … %d more\t\t\n", len(rows)-limit)
			break
		}
		fmt.Fprintf(tw, "    %s\t%d\t\n", r.k, r.v)
	}
	tw.Flush()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 240 {
		s = s[:237] + "..."
	}
	return s
}
