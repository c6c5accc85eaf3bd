package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

// executionOutput is the end of the collect path of the state machine:
// {"run_id", "summary" (with replay_input), "report", "notify"}. Summary and
// its replay input stay raw too, so a replay sends exactly what Aggregate
// wrote.
type executionOutput struct {
	RunID   string          `json:"run_id"`
	Summary json.RawMessage `json:"summary"`
	Report  *struct {
		Bucket string   `json:"bucket"`
		Keys   []string `json:"keys"`
	} `json:"report"`
}

// runSummary is the summary of a finished collection execution; replay is
// its replay_input as written (nil when nothing failed).
type runSummary struct {
	out    executionOutput
	sum    pipeline.Summary
	replay json.RawMessage
}

// errNoSummary means a succeeded execution's output carries no run summary:
// it ran another action (cost_analysis, …).
var errNoSummary = errors.New("no run summary in the execution output")

func parseRunSummary(d *sfn.DescribeExecutionOutput) (*runSummary, error) {
	arn := aws.ToString(d.ExecutionArn)
	if d.Output == nil {
		return nil, fmt.Errorf("execution %s %s but DescribeExecution returned no output (larger than Step Functions returns?)", arn, d.Status)
	}
	var r runSummary
	if err := json.Unmarshal([]byte(*d.Output), &r.out); err != nil {
		return nil, fmt.Errorf("execution %s: output is not a JSON object: %w", arn, err)
	}
	if isJSONNull(r.out.Summary) {
		return nil, errNoSummary
	}
	var raw struct {
		ReplayInput json.RawMessage `json:"replay_input"`
	}
	if err := json.Unmarshal(r.out.Summary, &r.sum); err != nil {
		return nil, fmt.Errorf("execution %s: output summary is not a run summary: %w", arn, err)
	}
	if err := json.Unmarshal(r.out.Summary, &raw); err != nil {
		return nil, fmt.Errorf("execution %s: output summary: %w", arn, err)
	}
	if !isJSONNull(raw.ReplayInput) {
		r.replay = raw.ReplayInput
	}
	return &r, nil
}

func isJSONNull(m json.RawMessage) bool {
	t := bytes.TrimSpace(m)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// reportExecution prints how a finished execution ended and turns it into
// the exit status: 0 succeeded, 3 items failed (with the replay command),
// 1 the execution failed, timed out or was aborted.
func reportExecution(g *globals, d *sfn.DescribeExecutionOutput) error {
	arn := aws.ToString(d.ExecutionArn)
	if d.Status != types.ExecutionStatusSucceeded {
		return executionFailed(d)
	}
	r, err := parseRunSummary(d)
	if errors.Is(err, errNoSummary) {
		// Another action (cost_analysis, security_check, cleanup): its output
		// is what there is to show.
		fmt.Fprintf(g.stderr, "Execution %s succeeded; its output:\n", arn)
		return writeJSON(g.stdout, json.RawMessage(*d.Output))
	}
	if err != nil {
		return err
	}
	printSummary(g.stdout, r.sum)
	if rep := r.out.Report; rep != nil && len(rep.Keys) > 0 {
		fmt.Fprintln(g.stdout, "\nReports:")
		for _, k := range rep.Keys {
			fmt.Fprintf(g.stdout, "  s3://%s/%s\n", rep.Bucket, k)
		}
	}
	if r.replay != nil {
		n := len(r.sum.Failed)
		if r.sum.ReplayInput != nil && len(r.sum.ReplayInput.Items) > 0 {
			n = len(r.sum.ReplayInput.Items)
		}
		fmt.Fprintf(g.stdout, "\nTo re-collect the %d failed item(s): inventory replay --execution %s\n", n, arn)
		return itemsFailedError{r.sum.RunID}
	}
	if r.sum.Status == "failed" {
		return fmt.Errorf("run %s of execution %s failed (see the summary above)", r.sum.RunID, arn)
	}
	return nil
}

// executionFailed names the execution, how it ended, and the error and cause
// Step Functions recorded; and, unless the input was refused, how to redrive
// it from where it stopped.
func executionFailed(d *sfn.DescribeExecutionOutput) error {
	msg := executionEnd(d)
	if aws.ToString(d.Error) != "InvalidInput" {
		msg += fmt.Sprintf("\n  redrive it from where it stopped: aws stepfunctions redrive-execution --execution-arn %s", aws.ToString(d.ExecutionArn))
	}
	return errors.New(msg)
}

// executionEnd is one line: the execution, its status, error and cause.
func executionEnd(d *sfn.DescribeExecutionOutput) string {
	msg := fmt.Sprintf("execution %s %s", aws.ToString(d.ExecutionArn), d.Status)
	if e := aws.ToString(d.Error); e != "" {
		msg += ": " + e
	}
	if c := causeText(aws.ToString(d.Cause), aws.ToString(d.Error)); c != "" {
		msg += ": " + c
	}
	if d.Status == types.ExecutionStatusAborted && d.Error == nil {
		msg += " (stopped with StopExecution or from the console)"
	}
	return msg
}

// causeText unwraps a Lambda error cause ({"errorMessage", "errorType", …})
// to its message (with its type unless that is already the error's name);
// other causes are shown as they are, on one line.
func causeText(cause, errName string) string {
	var le struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if json.Unmarshal([]byte(cause), &le) == nil && le.ErrorMessage != "" {
		if le.ErrorType != "" && le.ErrorType != errName && !strings.Contains(le.ErrorMessage, le.ErrorType) {
			return le.ErrorType + ": " + oneLine(le.ErrorMessage)
		}
		return oneLine(le.ErrorMessage)
	}
	return oneLine(cause)
}
