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
		execARN    string
		noProgress bool
		fo         followOpts
	)
	cmd := &cobra.Command{
		Use:   "replay --run RUN_ID | --execution ARN",
		Short: "Re-collect only the failed items of a previous run",
		Long: `replay reads a run's replay input (its failed, partial and unfinished items)
and collects exactly those again, as a new run. Writes are idempotent: a
replay never duplicates a record, and records it finds again are no longer
reported missing.

--run replays a local run (from 'inventory collect') in this process; pass
the same --config or --demo as the original run.

--execution replays an execution of the deployed state machine: it starts a
new execution of the same state machine whose input is the replay_input of
the execution's run summary, and follows it as 'inventory run' does.

Exit status: 0 every replayed item succeeded (or nothing to replay); 3 some
failed again; 1 error (for --execution: the new execution failed); 2 usage
error.`,
		Example: `  inventory runs
  inventory replay --run run-20261126T063000Z-1a2b3c --config config/accounts.json
  inventory replay --execution arn:aws:states:us-east-1:123456789012:execution:inventory:run-20261126T063000Z-1a2b3c`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runID != "" && execARN != "" {
				return usagef("--run and --execution cannot be used together: --run replays a local run, --execution a deployed execution")
			}
			if execARN != "" {
				for _, f := range []string{"config", "demo"} {
					if cmd.Flags().Changed(f) {
						return usagef("--execution and --%s cannot be used together: the deployed pipeline uses its own accounts config", f)
					}
				}
				fo.noProgress = noProgress
				return replayExecution(cmd, g, execARN, fo)
			}
			for _, f := range []string{"no-wait", "poll-interval"} {
				if cmd.Flags().Changed(f) {
					return usagef("--%s applies only to --execution: a local replay (--run) runs in this process", f)
				}
			}
			if runID == "" {
				return usagef("--run or --execution is required: the ID of the local run to replay (see 'inventory runs'), or the ARN of a deployed execution")
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
	cmd.Flags().StringVar(&runID, "run", "", "ID of the local run whose failed items to re-collect")
	cmd.Flags().StringVar(&execARN, "execution", "", "ARN of the deployed execution whose failed items to re-collect")
	cmd.Flags().BoolVar(&noProgress, "no-progress", false, "print plain progress lines even on a terminal")
	fo.add(cmd, true)
	return cmd
}
