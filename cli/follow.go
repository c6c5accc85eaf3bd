package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/spf13/cobra"
)

// followOpts are the flags of the commands that wait for a deployed execution.
type followOpts struct {
	noWait     bool
	noProgress bool
	poll       time.Duration
}

// add registers --poll-interval, and --no-wait for the commands that start
// an execution.
func (o *followOpts) add(cmd *cobra.Command, starts bool) {
	f := cmd.Flags()
	if starts {
		f.BoolVar(&o.noWait, "no-wait", false, "start the execution, print its ARN and return without following it")
	}
	f.DurationVar(&o.poll, "poll-interval", 5*time.Second, "longest wait between two status checks of the execution (they start at 1s and back off)")
}

func (o *followOpts) check() error {
	if o.poll <= 0 {
		return usagef("--poll-interval %s: expected a positive duration such as 5s", o.poll)
	}
	return nil
}

// followStopped means the user stopped following (Ctrl-C); the execution goes
// on in Step Functions, so the message says how to pick it up again.
type followStopped struct{ execARN string }

func (e followStopped) Error() string {
	return fmt.Sprintf("stopped following; the execution keeps running in Step Functions.\n"+
		"  follow it again: inventory follow --execution %s\n"+
		"  stop it:         aws stepfunctions stop-execution --execution-arn %s", e.execARN, e.execARN)
}

// follower polls an execution until it ends. History and Map Run calls only
// feed the progress display: if they fail (a role without
// states:GetExecutionHistory, say) following goes on without them.
type follower struct {
	api     sfnAPI
	g       *globals
	opts    followOpts
	details bool
	mapRun  string
	mapDone bool
	state   string
}

func (f *follower) follow(ctx context.Context, execARN string) (*sfn.DescribeExecutionOutput, error) {
	prog := newDeployedProgress(f.g, f.opts.noProgress)
	defer prog.finish()
	f.details = true
	wait := min(time.Second, f.opts.poll)
	for {
		d, err := f.api.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &execARN})
		if ctx.Err() != nil {
			return nil, followStopped{execARN}
		}
		if err != nil {
			return nil, describeErr("describe execution", execARN, err)
		}
		running := d.Status == types.ExecutionStatusRunning || d.Status == types.ExecutionStatusPendingRedrive
		if f.details && (running || (f.mapRun != "" && !f.mapDone)) {
			// After the end, one last look at the Map Run settles its count.
			if err := f.progress(ctx, prog, execARN, aws.ToTime(d.StartDate)); err != nil {
				if ctx.Err() != nil {
					return nil, followStopped{execARN}
				}
				f.details = false
				prog.note(fmt.Sprintf("progress details unavailable (%v); waiting for the end", err))
			}
		}
		if !running {
			return d, nil
		}
		select {
		case <-ctx.Done():
			return nil, followStopped{execARN}
		case <-time.After(wait):
		}
		wait = min(wait*3/2, f.opts.poll)
	}
}

// progress shows the state the execution is in and, once the Distributed Map
// has started, how many of its items are done.
func (f *follower) progress(ctx context.Context, p *deployedProgress, execARN string, started time.Time) error {
	h, err := f.api.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{
		ExecutionArn: &execARN, ReverseOrder: true, MaxResults: 25, IncludeExecutionData: aws.Bool(false),
	})
	if err != nil {
		return fmt.Errorf("get execution history: %w", err)
	}
	for _, e := range h.Events {
		if e.StateEnteredEventDetails != nil {
			if name := aws.ToString(e.StateEnteredEventDetails.Name); name != f.state {
				f.state = name
				p.enter(name, started)
			}
			break
		}
	}
	if f.mapDone {
		return nil
	}
	if f.mapRun == "" {
		l, err := f.api.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &execARN})
		if err != nil {
			return fmt.Errorf("list map runs: %w", err)
		}
		if len(l.MapRuns) == 0 {
			return nil
		}
		f.mapRun = aws.ToString(l.MapRuns[0].MapRunArn)
	}
	m, err := f.api.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &f.mapRun})
	if err != nil {
		return fmt.Errorf("describe map run: %w", err)
	}
	if m.ItemCounts != nil {
		p.items(*m.ItemCounts, started)
	}
	f.mapDone = m.Status != types.MapRunStatusRunning
	return nil
}
