package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

// actions are the state machine's routes (its Choice on $.action).
var actions = []string{"collect", "cost_analysis", "security_check", "cleanup"}

func newRun(g *globals) *cobra.Command {
	var (
		smARN, input, action, replayOf string
		accounts, types, regions       []string
		fo                             followOpts
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Start the deployed Step Functions pipeline and follow it to the end",
		Long: `run starts an execution of the deployed inventory state machine (the one
'cdk deploy' created; its ARN from --state-machine or ` + stateMachineEnv + `),
follows it (its current state, then the Distributed Map's items done of
total) and prints the run summary from its output, as 'collect' does for a
local run. The execution is named after the run ID, so the run and the
execution are found by the same name. Ctrl-C stops following, not the
execution.

The input is built from the flags (a collection of every configured account
and type by default), or given whole with --input.

Credentials and settings come from the usual AWS chain (AWS_PROFILE, SSO,
environment); the region is the state machine's.

Exit status: 0 the execution succeeded and every item succeeded; 3 it
succeeded but some items failed (replay them with the printed command);
1 the execution failed, timed out or was aborted, or another error;
2 usage error.`,
		Example: `  export ` + stateMachineEnv + `=arn:aws:states:us-east-1:123456789012:stateMachine:inventory
  inventory run
  inventory run --account 123456789012 --resource-type ec2 --region eu-west-1
  inventory run --action security_check
  inventory run --replay-of run-20261126T063000Z-1a2b3c
  inventory run --input @replay-input.json --no-wait`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := fo.check(); err != nil {
				return err
			}
			sm, err := stateMachineARN(smARN)
			if err != nil {
				return err
			}
			var body []byte
			if cmd.Flags().Changed("input") {
				for _, f := range []string{"account", "resource-type", "region", "action", "replay-of"} {
					if cmd.Flags().Changed(f) {
						return usagef("--input and --%s cannot be used together: --input is the whole execution input", f)
					}
				}
				if body, action, err = readInput(input); err != nil {
					return err
				}
			} else if body, err = buildInput(action, replayOf, accounts, types, regions); err != nil {
				return err
			}
			name := executionName(action, time.Now())
			if !cmd.Flags().Changed("input") && action == "collect" {
				// The run takes the execution's name as its ID.
				if body, err = withRunID(body, name); err != nil {
					return err
				}
			}
			api, err := newSFN(cmd.Context(), sm.Region)
			if err != nil {
				return err
			}
			return startAndFollow(cmd, g, api, sm.String(), name, body, fo)
		},
	}
	f := cmd.Flags()
	f.StringVar(&smARN, "state-machine", "", "ARN of the deployed inventory state machine (env "+stateMachineEnv+")")
	f.StringVar(&input, "input", "", "the whole execution input: JSON, or @FILE (@- for standard input)")
	f.StringVar(&action, "action", "collect", "what to run: "+strings.Join(actions, ", "))
	f.StringVar(&replayOf, "replay-of", "", "re-collect the unfinished items of this run ID, as the deployed Plan finds them in the store")
	f.StringArrayVar(&accounts, "account", nil, "collect only this account ID (repeatable)")
	f.StringArrayVar(&types, "resource-type", nil, "collect only this resource type (repeatable)")
	f.StringArrayVar(&regions, "region", nil, "collect only this region (repeatable)")
	fo.add(cmd, true)
	f.BoolVar(&fo.noProgress, "no-progress", false, "print plain progress lines even on a terminal")
	return cmd
}

// buildInput makes the PlanInput JSON from the flags, with the same checks
// as collect, so a bad value fails here rather than in the Plan Lambda.
func buildInput(action, replayOf string, accounts, types, regions []string) ([]byte, error) {
	if !slices.Contains(actions, action) {
		return nil, usagef("--action %q: expected one of %s", action, strings.Join(actions, ", "))
	}
	narrowed := len(accounts)+len(types)+len(regions) > 0
	if action != "collect" && (narrowed || replayOf != "") {
		return nil, usagef("--action %s: --account, --resource-type, --region and --replay-of apply only to collect", action)
	}
	if replayOf != "" && narrowed {
		return nil, usagef("--replay-of %s re-collects exactly that run's unfinished items; it cannot be narrowed with --account, --resource-type or --region", replayOf)
	}
	if replayOf != "" && !strings.HasPrefix(replayOf, "run-") {
		return nil, usagef("--replay-of %q: expected a run ID such as run-20261126T063000Z-1a2b3c (see 'inventory runs')", replayOf)
	}
	for _, t := range types {
		if _, ok := config.ExpandType(t); !ok {
			return nil, usagef("--resource-type %q: expected one of ec2, rds, s3, lambda, %v", t, config.KnownTypes())
		}
	}
	for _, r := range regions {
		if !config.ValidRegion(r) {
			return nil, usagef("--region %q: expected a region name such as us-east-1", r)
		}
	}
	for _, a := range accounts {
		if !config.ValidAccountID(a) {
			return nil, usagef("--account %q: expected a 12-digit AWS account ID", a)
		}
	}
	return json.Marshal(pipeline.PlanInput{Action: action, Accounts: accounts, ResourceTypes: types, Regions: regions, ReplayOf: replayOf})
}

func withRunID(body []byte, id string) ([]byte, error) {
	var in pipeline.PlanInput
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	in.RunID = id
	return json.Marshal(in)
}

// readInput reads --input (JSON or @FILE) and checks it is a JSON object with
// a known action; it returns it compacted, and its action.
func readInput(v string) ([]byte, string, error) {
	data, src := []byte(v), "--input"
	if name, ok := strings.CutPrefix(v, "@"); ok {
		var err error
		if name == "-" {
			data, err = io.ReadAll(os.Stdin)
		} else {
			data, err = os.ReadFile(name)
		}
		if err != nil {
			return nil, "", usagef("--input %s: %v", v, err)
		}
		src = "--input " + v
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, "", usagef("%s: expected a JSON object such as {\"action\":\"collect\"}: %v", src, err)
	}
	action := "collect"
	if raw, ok := obj["action"]; ok {
		if err := json.Unmarshal(raw, &action); err != nil || !slices.Contains(actions, action) {
			return nil, "", usagef("%s: \"action\" %s: expected one of %s", src, raw, strings.Join(actions, ", "))
		}
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil, "", usagef("%s: %v", src, err)
	}
	return buf.Bytes(), action, nil
}

// executionName is a run ID (run-20261126T063000Z-1a2b3c) for collections,
// and the same shape with the action's name for the other jobs.
func executionName(action string, now time.Time) string {
	id := pipeline.NewRunID(now)
	if action != "" && action != "collect" {
		id = strings.ReplaceAll(action, "_", "-") + strings.TrimPrefix(id, "run")
	}
	return id
}

// startAndFollow starts an execution and, unless --no-wait, follows it to
// the end and reports it.
func startAndFollow(cmd *cobra.Command, g *globals, api sfnAPI, smARN, name string, input []byte, fo followOpts) error {
	ctx := cmd.Context()
	out, err := api.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: &smARN, Name: &name, Input: aws.String(string(input)),
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted while starting execution %s of %s: it may have started; look for it in the console or with 'aws stepfunctions list-executions --state-machine-arn %s'", name, smARN, smARN)
		}
		return describeErr("start execution "+name+" of", smARN, err)
	}
	execARN := aws.ToString(out.ExecutionArn)
	if fo.noWait {
		fmt.Fprintln(g.stdout, execARN)
		fmt.Fprintf(g.stderr, "Started execution %s; follow it with: inventory follow --execution %s\n", name, execARN)
		return nil
	}
	fmt.Fprintf(g.stderr, "Started execution %s\n  %s\n", name, execARN)
	if u := consoleURL(execARN); u != "" {
		fmt.Fprintf(g.stderr, "  console: %s\n", u)
	}
	return followAndReport(cmd, g, api, execARN, fo)
}

func followAndReport(cmd *cobra.Command, g *globals, api sfnAPI, execARN string, fo followOpts) error {
	f := &follower{api: api, g: g, opts: fo}
	d, err := f.follow(cmd.Context(), execARN)
	if err != nil {
		return err
	}
	return reportExecution(g, d)
}

// consoleURL links the execution's page in the Step Functions console (the
// commercial partition only; the others have their own console hosts).
func consoleURL(execARN string) string {
	a, err := arn.Parse(execARN)
	if err != nil || a.Partition != "aws" {
		return ""
	}
	return fmt.Sprintf("https://%s.console.aws.amazon.com/states/home?region=%s#/v2/executions/details/%s", a.Region, a.Region, execARN)
}
