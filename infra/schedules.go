package main

import (
	"encoding/json"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Schedules start the state machine for the four jobs with EventBridge
// Scheduler. A start that still fails after the retries lands in the DLQ
// (and its alarm fires) instead of vanishing.
type Schedules struct {
	Role      awsiam.Role
	DLQ       awssqs.Queue
	Schedules map[string]awsscheduler.CfnSchedule // by action; enabled jobs only
}

// Retry policy of a scheduled start: StartExecution rarely fails, and when
// it does (throttling, a deploy in progress) minutes of retries are enough;
// a start an hour late is better reported than run.
const (
	scheduleRetryAttempts = 5
	scheduleMaxEventAge   = 3600
)

func NewSchedules(scope constructs.Construct, s *Settings, pipeline *Pipeline) *Schedules {
	c := constructs.NewConstruct(scope, jsii.String("Schedules"))
	stack := awscdk.Stack_Of(scope)
	out := &Schedules{Schedules: map[string]awsscheduler.CfnSchedule{}}

	out.DLQ = awssqs.NewQueue(c, jsii.String("DeadLetters"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})

	out.Role = awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		Description: jsii.String("EventBridge Scheduler: start the AWS inventory state machine"),
		// Only schedules of this account may use the role (confused deputy).
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("scheduler.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
		}),
	})
	out.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("StartInventory"),
		Actions:   jsii.Strings("states:StartExecution"),
		Resources: jsii.Strings(*pipeline.StateMachine.StateMachineArn()),
	}))
	// Scheduler delivers undeliverable starts to the DLQ with this role.
	out.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("DeadLetters"),
		Actions:   jsii.Strings("sqs:SendMessage"),
		Resources: jsii.Strings(*out.DLQ.QueueArn()),
	}))

	for _, job := range s.Schedules {
		if !job.Enabled() {
			continue
		}
		input, _ := json.Marshal(map[string]string{"action": job.Action}) // a map of strings always marshals
		out.Schedules[job.Action] = awsscheduler.NewCfnSchedule(c, jsii.String(scheduleID(job.Action)), &awsscheduler.CfnScheduleProps{
			Name:                       jsii.String(s.NamePrefix + "-" + job.Action),
			Description:                jsii.String("AWS inventory: start the " + job.Action + " job"),
			ScheduleExpression:         jsii.String(job.Expression),
			ScheduleExpressionTimezone: jsii.String(s.ScheduleTimezone),
			FlexibleTimeWindow:         &awsscheduler.CfnSchedule_FlexibleTimeWindowProperty{Mode: jsii.String("OFF")},
			State:                      jsii.String("ENABLED"),
			Target: &awsscheduler.CfnSchedule_TargetProperty{
				Arn:     pipeline.StateMachine.StateMachineArn(),
				RoleArn: out.Role.RoleArn(),
				Input:   jsii.String(string(input)),
				RetryPolicy: &awsscheduler.CfnSchedule_RetryPolicyProperty{
					MaximumRetryAttempts:     jsii.Number(scheduleRetryAttempts),
					MaximumEventAgeInSeconds: jsii.Number(scheduleMaxEventAge),
				},
				DeadLetterConfig: &awsscheduler.CfnSchedule_DeadLetterConfigProperty{Arn: out.DLQ.QueueArn()},
			},
		})
	}
	return out
}

// scheduleID: cost_analysis -> CostAnalysisSchedule.
func scheduleID(action string) string {
	id := ""
	upper := true
	for _, r := range action {
		switch {
		case r == '_':
			upper = true
		case upper:
			id += string(r - 'a' + 'A')
			upper = false
		default:
			id += string(r)
		}
	}
	return id + "Schedule"
}
