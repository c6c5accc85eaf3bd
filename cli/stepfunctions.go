package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// stateMachineEnv names the deployed state machine when --state-machine is
// not given (the CDK stack exports its ARN).
const stateMachineEnv = "INVENTORY_STATE_MACHINE_ARN"

// sfnAPI is the part of Step Functions the deployed-system commands call.
type sfnAPI interface {
	StartExecution(context.Context, *sfn.StartExecutionInput, ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
	DescribeExecution(context.Context, *sfn.DescribeExecutionInput, ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error)
	GetExecutionHistory(context.Context, *sfn.GetExecutionHistoryInput, ...func(*sfn.Options)) (*sfn.GetExecutionHistoryOutput, error)
	ListMapRuns(context.Context, *sfn.ListMapRunsInput, ...func(*sfn.Options)) (*sfn.ListMapRunsOutput, error)
	DescribeMapRun(context.Context, *sfn.DescribeMapRunInput, ...func(*sfn.Options)) (*sfn.DescribeMapRunOutput, error)
}

// newSFN builds a client from the standard AWS configuration (profiles, SSO,
// AWS_ENDPOINT_URL_SFN, …). The region is the ARN's: a state machine lives
// in one region, whatever the profile's default is.
func newSFN(ctx context.Context, region string) (sfnAPI, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("AWS configuration for Step Functions in %s: %w", region, err)
	}
	return sfn.NewFromConfig(cfg), nil
}

// parseStatesARN checks that s is a Step Functions ARN whose resource is of
// the given kind ("stateMachine" or "execution"); flag names the flag or
// variable it came from, for the error.
func parseStatesARN(flag, s, kind string) (arn.ARN, error) {
	want := fmt.Sprintf("arn:aws:states:REGION:ACCOUNT:%s:NAME", kind)
	if kind == "execution" {
		want = "arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME"
	}
	a, err := arn.Parse(s)
	if err != nil || a.Service != "states" || a.Region == "" || !strings.HasPrefix(a.Resource, kind+":") || len(a.Resource) == len(kind)+1 {
		return arn.ARN{}, usagef("%s %q: expected a Step Functions %s ARN, %s", flag, s, kindName(kind), want)
	}
	return a, nil
}

func kindName(kind string) string {
	if kind == "stateMachine" {
		return "state machine"
	}
	return kind
}

// stateMachineARN is the ARN from --state-machine or the environment.
func stateMachineARN(flagValue string) (arn.ARN, error) {
	src, v := "--state-machine", flagValue
	if v == "" {
		src, v = stateMachineEnv, strings.TrimSpace(os.Getenv(stateMachineEnv))
	}
	if v == "" {
		return arn.ARN{}, usagef("no state machine: pass --state-machine ARN or set %s (the ARN of the deployed inventory state machine, an output of the central stack)", stateMachineEnv)
	}
	return parseStatesARN(src, v, "stateMachine")
}

// describeErr explains the Step Functions errors people cause themselves (a
// wrong ARN, the wrong account's credentials) without the SDK's wrapping.
func describeErr(call, arn string, err error) error {
	var (
		noExec *types.ExecutionDoesNotExist
		noSM   *types.StateMachineDoesNotExist
	)
	switch {
	case errors.As(err, &noExec):
		return fmt.Errorf("%s: no execution %s (check the ARN, and that your credentials are for account %s)", call, arn, accountOf(arn))
	case errors.As(err, &noSM):
		return fmt.Errorf("%s: no state machine %s (check the ARN or %s, and that your credentials are for account %s)", call, arn, stateMachineEnv, accountOf(arn))
	}
	return fmt.Errorf("%s %s: %w", call, arn, err)
}

func accountOf(s string) string {
	if a, err := arn.Parse(s); err == nil {
		return a.AccountID
	}
	return "?"
}
