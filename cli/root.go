package main

import (
	"io"
	"os"

	"github.com/spf13/cobra"
)

// dbEnv overrides the default database file.
const dbEnv = "INVENTORY_DB"

type globals struct {
	db       string
	store    string    // --store; see resolveStore
	resolved storeSpec // the store a command opened
	stdout   io.Writer
	stderr   io.Writer
	errFile  *os.File // for terminal detection
}

func newRoot(stdout, stderr *os.File) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr, errFile: stderr}
	root := &cobra.Command{
		Use:   "inventory",
		Short: "Inventory every resource of an AWS organization: collect, query, export",
		Long: `inventory collects the resources of every account of an AWS organization
(EC2 instances, EBS volumes, Elastic IPs, security groups, RDS instances and
clusters, S3 buckets, Lambda functions) into a local SQLite database, and
queries and exports them.

It runs the same pipeline as the deployed Step Functions state machine:
plan (accounts × resource types), collect (one work item per account and
type, regions in parallel), aggregate (summary, deleted resources, failed
items with a replay input).

Start with the synthetic demo organization (no AWS access needed):
  inventory collect --demo
  inventory summary
  inventory query --resource-type ec2_instance --format json

Against AWS, with credentials from the usual chain (AWS_PROFILE, SSO,
environment, instance role) and config/accounts.json:
  inventory collect --config config/accounts.json

With the deployed pipeline (Step Functions, DynamoDB):
  inventory run --state-machine ARN       start a collection and follow it
  inventory replay --execution ARN        re-collect an execution's failed items
  inventory query --store dynamodb://TABLE

Exit status: 0 success; 1 error; 2 usage error; 3 the run finished but some
work items failed (the summary says how to replay them).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	def := os.Getenv(dbEnv)
	if def == "" {
		def = "inventory.db"
	}
	root.PersistentFlags().StringVar(&g.db, "db", def, "SQLite database file (env "+dbEnv+")")
	root.PersistentFlags().StringVar(&g.store, "store", "", "store to read: a SQLite file, sqlite://PATH or dynamodb://TABLE\n(env "+storeEnv+", then "+dbEnv+", then "+tableEnv+" for dynamodb://)")
	root.AddCommand(newCollect(g), newReplay(g), newSummary(g), newQuery(g), newExport(g), newRuns(g), newPolicy(g),
		newRun(g), newFollow(g), newCost(g), newCostReport(g), newOptimize(g), newSecurity(g))
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err.Error()} })
	return root
}
