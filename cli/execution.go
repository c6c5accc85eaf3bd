package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

func newFollow(g *globals) *cobra.Command {
	var (
		execARN string
		fo      followOpts
	)
	cmd := &cobra.Command{
		Use:   "follow --execution ARN",
		Short: "Follow a deployed execution to its end and print its run summary",
		Long: `follow waits for an execution of the deployed state machine (started by
'inventory run', a schedule or the console) and prints its run summary, as
'run' does. An execution that has already ended is reported at once.

Exit status: as 'run': 0 succeeded; 3 some items failed; 1 the execution
failed, timed out or was aborted; 2 usage error.`,
		Example: `  inventory follow --execution arn:aws:states:us-east-1:123456789012:execution:inventory:run-20261126T063000Z-1a2b3c`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := fo.check(); err != nil {
				return err
			}
			if execARN == "" {
				return usagef("--execution is required: the ARN of the execution to follow")
			}
			a, err := parseStatesARN("--execution", execARN, "execution")
			if err != nil {
				return err
			}
			api, err := newSFN(cmd.Context(), a.Region)
			if err != nil {
				return err
			}
			return followAndReport(cmd, g, api, execARN, fo)
		},
	}
	cmd.Flags().StringVar(&execARN, "execution", "", "ARN of the execution to follow")
	fo.add(cmd, false)
	cmd.Flags().BoolVar(&fo.noProgress, "no-progress", false, "print plain progress lines even on a terminal")
	return cmd
}

// replayExecution starts a new execution of the same state machine with the
// replay input that a finished execution's Aggregate wrote, and follows it.
func replayExecution(cmd *cobra.Command, g *globals, execARN string, fo followOpts) error {
	if err := fo.check(); err != nil {
		return err
	}
	a, err := parseStatesARN("--execution", execARN, "execution")
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	api, err := newSFN(ctx, a.Region)
	if err != nil {
		return err
	}
	d, err := api.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &execARN})
	if err != nil {
		return describeErr("describe execution", execARN, err)
	}
	smARN := aws.ToString(d.StateMachineArn)
	switch d.Status {
	case types.ExecutionStatusSucceeded:
	case types.ExecutionStatusRunning, types.ExecutionStatusPendingRedrive:
		return fmt.Errorf("execution %s is still %s: its failed items are known when it ends; wait with 'inventory follow --execution %s', then replay it", execARN, d.Status, execARN)
	default:
		return noReplayInput(cmd, api, d)
	}
	r, err := parseRunSummary(d)
	if errors.Is(err, errNoSummary) {
		return fmt.Errorf("execution %s has no run summary in its output: it did not run a collection (its input: %s), so there is nothing to replay", execARN, oneLine(aws.ToString(d.Input)))
	}
	if err != nil {
		return err
	}
	if r.replay == nil {
		fmt.Fprintf(g.stdout, "Run %s of execution %s has no failed items: nothing to replay.\n", r.sum.RunID, execARN)
		return nil
	}
	var input bytes.Buffer
	if err := json.Compact(&input, r.replay); err != nil {
		return fmt.Errorf("execution %s: replay_input: %w", execARN, err)
	}
	fmt.Fprintf(g.stderr, "Replaying the failed items of run %s (execution %s)\n", r.sum.RunID, execARN)
	return startAndFollow(cmd, g, api, smARN, executionName("collect", time.Now()), input.Bytes(), fo)
}

// noReplayInput explains why an execution that did not succeed has no
// replay input, and what replays its run instead: Plan re-plans a run's
// unfinished items from the store given just its ID.
func noReplayInput(cmd *cobra.Command, api sfnAPI, d *sfn.DescribeExecutionOutput) error {
	why := executionEnd(d)
	runID := executionRunID(cmd, api, d)
	if runID == "" {
		return fmt.Errorf("%s\nIt ended before planning a run, so there is nothing to replay: fix the cause and start a new run with 'inventory run'", why)
	}
	return fmt.Errorf("%s\nIt ended before writing its run summary, so there is no replay input. Its run is %s; either re-collect that run's unfinished items in a new execution:\n"+
		"  inventory run --state-machine %s --replay-of %s\nor redrive this one from where it stopped:\n  aws stepfunctions redrive-execution --execution-arn %s",
		why, runID, aws.ToString(d.StateMachineArn), runID, aws.ToString(d.ExecutionArn))
}

// executionRunID finds the run an execution was collecting: the run_id of
// its input ('inventory run' sets it), else the one Plan chose, from the
// execution history.
func executionRunID(cmd *cobra.Command, api sfnAPI, d *sfn.DescribeExecutionOutput) string {
	var in pipeline.PlanInput
	if json.Unmarshal([]byte(aws.ToString(d.Input)), &in) == nil && in.RunID != "" {
		return in.RunID
	}
	h, err := api.GetExecutionHistory(cmd.Context(), &sfn.GetExecutionHistoryInput{ExecutionArn: d.ExecutionArn, MaxResults: 100})
	if err != nil {
		return ""
	}
	for _, e := range h.Events {
		x := e.StateExitedEventDetails
		if x == nil || aws.ToString(x.Name) != "Plan" {
			continue
		}
		var out struct {
			Plan struct {
				RunID string `json:"run_id"`
			} `json:"plan"`
		}
		if json.Unmarshal([]byte(aws.ToString(x.Output)), &out) == nil {
			return out.Plan.RunID
		}
	}
	return ""
}
