package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// inventorySummary is `inventory summary --format json`.
type inventorySummary struct {
	TotalResources   int               `json:"total_resources"`
	DeletedResources int               `json:"deleted_resources"`
	Accounts         int               `json:"accounts"`
	ByType           map[string]int    `json:"by_type"`
	ByAccount        map[string]int    `json:"by_account"`
	ByRegion         map[string]int    `json:"by_region"`
	ByDepartment     map[string]int    `json:"by_department"`
	LastRun          *pipeline.Summary `json:"last_run,omitempty"`
}

func newSummary(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "summary",
		Short: "Show the inventory at a glance and the last run",
		Example: `  inventory summary
  inventory summary --format json | jq '.by_department'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return usagef("--format %q: expected table or json", format)
			}
			st, err := openReadStore(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			recs, err := st.Query(cmd.Context(), store.Filter{IncludeDeleted: true})
			if err != nil {
				return err
			}
			s := inventorySummary{ByType: map[string]int{}, ByAccount: map[string]int{}, ByRegion: map[string]int{}, ByDepartment: map[string]int{}}
			for _, r := range recs {
				if r.DeletedAt != nil {
					s.DeletedResources++
					continue
				}
				s.TotalResources++
				s.ByType[r.ResourceType]++
				s.ByAccount[r.AccountName+" ("+r.AccountID+")"]++
				s.ByRegion[r.Region]++
				s.ByDepartment[r.Department]++
			}
			s.Accounts = len(s.ByAccount)
			runs, err := st.ListRuns(cmd.Context(), 1)
			if err != nil {
				return err
			}
			if len(runs) == 1 && len(runs[0].Summary) > 0 {
				var last pipeline.Summary
				if err := json.Unmarshal(runs[0].Summary, &last); err != nil {
					return fmt.Errorf("run %s: unreadable summary: %w", runs[0].ID, err)
				}
				s.LastRun = &last
			}
			if format == "json" {
				return writeJSON(g.stdout, s)
			}
			w := g.stdout
			fmt.Fprintf(w, "Inventory: %d live resources in %d accounts (%d more marked deleted)\n", s.TotalResources, s.Accounts, s.DeletedResources)
			printCounts(w, "By type", s.ByType, 0)
			printCounts(w, "By department", s.ByDepartment, 0)
			printCounts(w, "By region", s.ByRegion, 0)
			printCounts(w, "Largest accounts", s.ByAccount, 10)
			if s.LastRun != nil {
				l := s.LastRun
				fmt.Fprintf(w, "\nLast run: %s %s at %s (%.1fs): %d/%d items succeeded, %d resources collected, %d failed items\n",
					l.RunID, l.Status, l.FinishedAt.Format(time.RFC3339), l.DurationSeconds, l.Items.Succeeded, l.Items.Total, l.Collected, len(l.Failed))
				switch {
				case l.ReplayInput != nil && g.resolved.isDynamoDB():
					// A run of the deployed pipeline: its Plan re-plans the run's
					// unfinished items from the table.
					fmt.Fprintf(w, "  replay its failed items: inventory run --replay-of %s (with --state-machine ARN or %s)\n", l.RunID, stateMachineEnv)
				case l.ReplayInput != nil:
					fmt.Fprintf(w, "  replay its failed items: inventory --db %q replay --run %s (with the run's --config or --demo)\n", g.db, l.RunID)
				}
			} else if len(runs) == 1 {
				fmt.Fprintf(w, "\nLast run: %s %s (started %s, not aggregated)\n", runs[0].ID, runs[0].Status, runs[0].StartedAt.Format(time.RFC3339))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

func newRuns(g *globals) *cobra.Command {
	var (
		format string
		limit  int
	)
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List collection runs, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return usagef("--format %q: expected table or json", format)
			}
			if limit < 0 {
				return usagef("--limit %d: expected 0 (all) or more", limit)
			}
			st, err := openReadStore(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			runs, err := st.ListRuns(cmd.Context(), limit)
			if err != nil {
				return err
			}
			type row struct {
				ID         string    `json:"run_id"`
				Status     string    `json:"status"`
				StartedAt  time.Time `json:"started_at"`
				FinishedAt time.Time `json:"finished_at,omitzero"`
				ReplayOf   string    `json:"replay_of,omitempty"`
				Items      int       `json:"items"`
				Failed     int       `json:"failed_items"`
				Resources  int       `json:"resources_collected"`
			}
			rows := []row{}
			for _, r := range runs {
				x := row{ID: r.ID, Status: r.Status, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, ReplayOf: r.ReplayOf}
				var s pipeline.Summary
				if json.Unmarshal(r.Summary, &s) == nil {
					x.Items, x.Failed, x.Resources = s.Items.Total, len(s.Failed), s.Collected
				}
				rows = append(rows, x)
			}
			if format == "json" {
				return writeJSON(g.stdout, rows)
			}
			fmt.Fprintf(g.stdout, "%-32s %-10s %-20s %6s %6s %9s  %s\n", "RUN", "STATUS", "STARTED", "ITEMS", "FAILED", "RESOURCES", "REPLAY OF")
			for _, x := range rows {
				fmt.Fprintf(g.stdout, "%-32s %-10s %-20s %6d %6d %9d  %s\n", x.ID, x.Status, x.StartedAt.Format("2006-01-02 15:04:05"), x.Items, x.Failed, x.Resources, x.ReplayOf)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.Flags().IntVar(&limit, "limit", 20, "at most this many runs (0 = all)")
	return cmd
}
