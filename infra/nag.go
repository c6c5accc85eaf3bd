package main

import (
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Every cdk-nag (AwsSolutions) finding the app accepts is listed here, with
// its reason, on the construct it concerns and, for IAM5, only for the
// wildcard resources named (appliesTo). Anything else fails the nag gate
// test and `cdk synth`.

// suppress adds one suppression to c and its children (a role's default
// policy is its child). appliesTo entries are finding texts; an entry
// starting with "/" is a regular expression.
func suppress(c constructs.IConstruct, id, reason string, appliesTo ...string) {
	s := &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		var a []any
		for _, x := range appliesTo {
			if x[0] == '/' {
				a = append(a, &cdknag.RegexAppliesTo{Regex: jsii.String(x)})
			} else {
				a = append(a, x)
			}
		}
		s.AppliesTo = &a
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{s}, jsii.Bool(true))
}

// objectsUnder matches the IAM5 finding of bucket ARN/prefix* for a bucket
// whose logical ID starts with logicalIDPrefix (the rest is CDK's hash).
func objectsUnder(logicalIDPrefix, prefix string) string {
	return `/^Resource::<` + logicalIDPrefix + `[0-9A-F]{8}\.Arn>\/` + regexp.QuoteMeta(prefix) + `\*$/`
}

const (
	xrayReason = "Resource::* is X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords, added by CDK for active tracing): " +
		"these actions support no resource-level permissions."
	pricingReason   = " It also covers pricing:GetProducts (the AWS Price List API, for cost estimates), which supports no resource-level permissions."
	workItemsReason = "Work items are per-run objects runs/<run id>/items.json created at run time; the policy is scoped to that prefix of the work bucket."
)

func suppressCentral(cs *CentralStack) {
	for _, f := range cs.Functions.List {
		switch f.Spec.Dir {
		case "plan":
			reason := xrayReason
			if planDiscovers(cs) {
				reason += " It also covers Organizations account discovery (organizations:ListAccounts, ListAccountsForParent, " +
					"ListOrganizationalUnitsForParent), read-only calls that accept only Resource \"*\"."
			}
			suppress(f.Role, "AwsSolutions-IAM5", reason, "Resource::*")
			suppress(f.Role, "AwsSolutions-IAM5", workItemsReason, objectsUnder("StorageWork", workItemsPrefix))
		case "collect":
			var arns []string
			for _, rn := range memberRoleNames(cs.Settings) {
				arns = append(arns, "Resource::arn:<AWS::Partition>:iam::*:role/"+rn)
			}
			suppress(f.Role, "AwsSolutions-IAM5", xrayReason+pricingReason, "Resource::*")
			suppress(f.Role, "AwsSolutions-IAM5", "The collector assumes the member role in every inventoried account, including accounts "+
				"Organizations discovery finds at run time, so the account ID is the only wildcard; the role name is fixed, and each member "+
				"role trusts only this role, with the external ID (and, with memberOrgId, aws:ResourceOrgID here and aws:PrincipalOrgID there).",
				arns...)
		case "report":
			suppress(f.Role, "AwsSolutions-IAM5", xrayReason+pricingReason, "Resource::*")
			suppress(f.Role, "AwsSolutions-IAM5", "Reports are new objects per run and format under reports/; the policy is scoped to that prefix of the reports bucket.",
				objectsUnder("StorageReports", reportsPrefix))
		case "cost":
			suppress(f.Role, "AwsSolutions-IAM5", xrayReason+pricingReason, "Resource::*")
		default:
			suppress(f.Role, "AwsSolutions-IAM5", xrayReason, "Resource::*")
		}
	}

	pl := cs.Pipeline
	suppress(pl.Role, "AwsSolutions-IAM5", "Resource::* is what CDK adds for the state machine's logging and tracing: the CloudWatch Logs "+
		"vended-log delivery actions (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, "+
		"PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray actions support no resource-level permissions.", "Resource::*")
	suppress(pl.Role, "AwsSolutions-IAM5", "The Distributed Map's ItemReader reads the run's items.json, whose key (runs/<run id>/items.json) "+
		"is known only at run time; scoped to that prefix of the work bucket.", objectsUnder("StorageWork", workItemsPrefix))
	suppress(pl.Role, "AwsSolutions-IAM5", "The Distributed Map's ResultWriter writes manifest and result files under map-results/<map run id>/, "+
		"named at run time; scoped to that prefix of the work bucket.", objectsUnder("StorageWork", mapResultsPrefix))
	suppress(pl.Role, "AwsSolutions-IAM5", "Distributed Map child executions are named <state machine>/<map run label>:<id> at run time; "+
		"Describe/Stop/Redrive are limited to this state machine's child executions, as the Step Functions documentation for Distributed Map prescribes.",
		"/^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"+regexp.QuoteMeta(cs.Settings.StateMachineName())+`\/\*$/`)

	suppress(cs.Schedules.DLQ, "AwsSolutions-SQS3", "This queue is itself the dead-letter queue of the EventBridge Scheduler schedules "+
		"(their DeadLetterConfig); a dead-letter queue of it would only move the same failed starts.")
}

func suppressMemberRole(m *MemberRoleStack) {
	suppress(m.Role, "AwsSolutions-IAM5", "Inventory lists every resource of the account: the role grants exactly the read-only "+
		"Describe/List/Get actions the collectors declare (collect/registry.Actions()), and those list and describe calls "+
		"support no resource-level permissions, so they take Resource \"*\".", "Resource::*")
}

// planDiscovers reports whether Plan calls Organizations with its own role.
func planDiscovers(cs *CentralStack) bool {
	o := cs.Settings.Config.Organization
	return o.DiscoveryEnabled() && o.ManagementRoleARN == ""
}
