package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/store"
)

func newReplay(g *globals) *cobra.Command {
	var (
		src        sourceFlags
		runID      string
		noProgress bool
	)
	cmd := &cobra.Command{
		Use:   "replay --run RUN_ID",
		Short: "Re-collect only the failed items of a previous run",
		Long: `replay reads a run's replay input (its failed, partial and unfinished items)
and collects exactly those again, as a new run. Pass the same --config or
--demo as the original run. Writes are idempotent: a replay never duplicates
a record, and records it finds again are no longer reported missing.

Exit status: 0 every replayed item succeeded; 3 some failed again; 1 error;
2 usage error.`,
		Example: `  inventory runs
  inventory replay --run run-20261126T063000Z-1a2b3c --config config/accounts.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runID == "" {
				return usagef("--run is required: the ID of the run to replay (see 'inventory runs')")
			}
			env, closeEnv, err := src.env(cmd.Context(), cmd, g)
			if err != nil {
				return err
			}
			defer closeEnv()
			run, err := env.Store.GetRun(cmd.Context(), runID)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("run %s is not in %s (see 'inventory runs')", runID, g.db)
			}
			if err != nil {
				return err
			}
			var prev pipeline.Summary
			if len(run.Summary) == 0 || json.Unmarshal(run.Summary, &prev) != nil {
				return fmt.Errorf("run %s has no summary (status %s): it never finished aggregating, so its failed items are unknown", runID, run.Status)
			}
			if prev.ReplayInput == nil {
				fmt.Fprintf(g.stdout, "Run %s has no failed items: nothing to replay.\n", runID)
				return nil
			}
			return runAndReport(cmd, g, &src, env, env.Config.CollectionSettings.Concurrency, noProgress,
				pipeline.PlanInput{Action: "collect", ReplayOf: runID, Items: prev.ReplayInput.Items})
		},
	}
	src.add(cmd)
	cmd.Flags().StringVar(&runID, "run", "", "ID of the run whose failed items to re-collect")
	cmd.Flags().BoolVar(&noProgress, "no-progress", false, "print plain progress lines even on a terminal")
	return cmd
}
