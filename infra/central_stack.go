package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// CentralStack is the deployed pipeline in the central (inventory) account:
// storage, functions, state machine, schedules, alerting and observability.
type CentralStack struct {
	Stack         awscdk.Stack
	Settings      *Settings
	Keys          *Keys
	Storage       *Storage
	Alerting      *Alerting
	Functions     *Functions
	Pipeline      *Pipeline
	Schedules     *Schedules
	Observability *Observability
}

// NewCentralStack builds the stack; assets are the staged function
// directories by function dir (StageAssets).
func NewCentralStack(scope constructs.Construct, id string, s *Settings, assets map[string]string) *CentralStack {
	stack := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
		Description: jsii.String("AWS inventory: Step Functions pipeline, functions, DynamoDB store, reports, schedules, alarms"),
	})
	cs := &CentralStack{Stack: stack, Settings: s}
	for _, w := range s.Warnings {
		awscdk.Annotations_Of(stack).AddWarningV2(jsii.String("inventory:settings"), jsii.String(w), nil)
	}
	cs.Keys = NewKeys(stack, s)
	cs.Storage = NewStorage(stack, s, cs.Keys)
	cs.Alerting = NewAlerting(stack, s, cs.Keys)
	cs.Functions = NewFunctions(stack, &FunctionsProps{Settings: s, Assets: assets, Keys: cs.Keys, Storage: cs.Storage, Alerting: cs.Alerting})
	cs.Pipeline = NewPipeline(stack, &PipelineProps{Settings: s, Keys: cs.Keys, Storage: cs.Storage, Functions: cs.Functions})
	cs.Schedules = NewSchedules(stack, s, cs.Pipeline)
	cs.Observability = NewObservability(stack, &ObservabilityProps{
		Settings: s, Storage: cs.Storage, Functions: cs.Functions, Pipeline: cs.Pipeline, Schedules: cs.Schedules, Alerting: cs.Alerting,
	})

	output := func(id, desc string, value *string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Description: jsii.String(desc), Value: value})
	}
	output("StateMachineArn", "Start runs and replays here (inventory run / inventory replay, or the console)", cs.Pipeline.StateMachine.StateMachineArn())
	output("TableName", "DynamoDB store: DYNAMODB_TABLE_NAME, or --store dynamodb://TABLE for the CLI", cs.Storage.Table.TableName())
	output("ReportBucketName", "Reports (reports/...)", cs.Storage.Reports.BucketName())
	output("WorkBucketName", "Work items and Map results of runs", cs.Storage.Work.BucketName())
	output("AlertTopicArn", "SNS alert topic", cs.Alerting.Topic.TopicArn())
	output("CollectorRoleArn", "Member roles trust this role", cs.Functions.Get("collect").Role.RoleArn())
	output("DashboardName", "CloudWatch dashboard", cs.Observability.Dashboard.DashboardName())
	output("ScheduleDeadLetterQueueUrl", "Scheduled starts that failed", cs.Schedules.DLQ.QueueUrl())
	suppressCentral(cs)
	return cs
}
