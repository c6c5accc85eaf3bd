package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

func newCollect(g *globals) *cobra.Command {
	var (
		src         sourceFlags
		accounts    []string
		types       []string
		regions     []string
		concurrency int
		noProgress  bool
	)
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Collect the inventory of the configured (or discovered) accounts into the database",
		Long: `collect plans one work item per account and resource type, collects the
items in parallel (regions in parallel inside each item), writes the records
to the database as pages arrive, and prints the run summary.

Resources that a complete collection no longer finds are kept and marked
deleted. Items that fail (an account whose role cannot be assumed, a region
that errors) are listed with the command that replays them.

Resource types: ec2 (= ec2_instance, ebs_volume, elastic_ip, security_group),
rds (= rds_instance, rds_cluster), s3 (= s3_bucket), lambda (= lambda_function).

Exit status: 0 every item succeeded; 3 the run finished but some items failed
(replay them with the printed command); 1 error; 2 usage error.`,
		Example: `  inventory collect --demo
  inventory collect --demo='accounts=200,regions=4,latency=20ms,throttle=on'
  AWS_PROFILE=audit inventory collect --config config/accounts.json
  inventory collect --account 123456789012 --resource-type ec2 --region us-east-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, t := range types {
				if _, ok := config.ExpandType(t); !ok {
					return usagef("--resource-type %q: expected one of ec2, rds, s3, lambda, %v", t, config.KnownTypes())
				}
			}
			for _, r := range regions {
				if !config.ValidRegion(r) {
					return usagef("--region %q: expected a region name such as us-east-1", r)
				}
			}
			for _, a := range accounts {
				if !config.ValidAccountID(a) {
					return usagef("--account %q: expected a 12-digit AWS account ID", a)
				}
			}
			if cmd.Flags().Changed("concurrency") && concurrency <= 0 {
				return usagef("--concurrency %d: expected a positive number of work items", concurrency)
			}
			env, closeEnv, err := src.env(cmd.Context(), cmd, g)
			if err != nil {
				return err
			}
			defer closeEnv()
			if !cmd.Flags().Changed("concurrency") {
				concurrency = env.Config.CollectionSettings.Concurrency
			}
			return runAndReport(cmd, g, &src, env, concurrency, noProgress,
				pipeline.PlanInput{Accounts: accounts, ResourceTypes: types, Regions: regions})
		},
	}
	src.add(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&accounts, "account", nil, "collect only this account ID (repeatable)")
	f.StringArrayVar(&types, "resource-type", nil, "collect only this resource type (repeatable)")
	f.StringArrayVar(&regions, "region", nil, "collect only this region (repeatable)")
	f.IntVar(&concurrency, "concurrency", 0, "work items collected at once (default: collection_settings.concurrency, 16)")
	f.BoolVar(&noProgress, "no-progress", false, "print plain progress lines even on a terminal")
	return cmd
}

// runAndReport runs the pipeline locally with a progress display, prints the
// summary, and turns failed items into exit status 3 with the replay command.
func runAndReport(cmd *cobra.Command, g *globals, src *sourceFlags, env *pipeline.Env, concurrency int, plain bool, in pipeline.PlanInput) error {
	prog := newProgress(g, plain)
	r := &pipeline.Runner{Env: env, Concurrency: concurrency, Progress: prog}
	sum, err := r.Run(cmd.Context(), in)
	prog.finish()
	if err != nil && sum.RunID == "" {
		return err
	}
	printSummary(g.stdout, sum)
	if err != nil {
		return err
	}
	return replayHint(g, sum, src.flagsForReplay(cmd, g))
}

// replayHint tells how to re-collect failed items and turns them into exit 3.
func replayHint(g *globals, sum pipeline.Summary, srcFlags string) error {
	if sum.ReplayInput == nil {
		return nil
	}
	fmt.Fprintf(g.stdout, "\nTo re-collect the %d failed item(s): inventory replay --run %s%s\n", len(sum.ReplayInput.Items), sum.RunID, srcFlags)
	return itemsFailedError{sum.RunID}
}
