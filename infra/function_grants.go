package main

import (
	"slices"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/stages"
	"github.com/cloudinv/aws-inventory/shared/store/dynamodb"
)

// The store's and discovery's IAM actions come from the packages that make
// the calls (a test there keeps each list equal to the calls), so a new call
// cannot ship without its grant.
var (
	ddbWriteActions      = dynamodb.WriteActions
	organizationsActions = access.OrganizationsActions
)

// wireStage grants one stage's role what the contract lists for it and
// returns the stage's environment variables.
func wireStage(stack awscdk.Stack, spec functionSpec, role awsiam.Role, p *FunctionsProps) map[string]*string {
	s := p.Settings
	env := map[string]*string{"INVENTORY_CONFIG": jsii.String(bundledConfigName)}
	var kmsData []string
	// Exactly the table actions the stage's store calls need
	// (stages.TableActions, checked against the calls by a test there).
	if actions, ok := stages.TableActions[spec.Dir]; ok {
		env["DYNAMODB_TABLE_NAME"] = p.Storage.Table.TableName()
		kmsData = append(kmsData, "kms:Decrypt", "kms:DescribeKey")
		if slices.ContainsFunc(actions, func(a string) bool { return slices.Contains(ddbWriteActions, a) }) {
			kmsData = append(kmsData, "kms:Encrypt", "kms:GenerateDataKey")
		}
		resources := []*string{p.Storage.Table.TableArn()}
		for _, ix := range tableIndexNames() {
			resources = append(resources, jsii.String(*p.Storage.Table.TableArn()+"/index/"+ix))
		}
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("InventoryTable"),
			Actions:   jsii.Strings(actions...),
			Resources: &resources,
		}))
	}

	// Estimates price with the Price List API (cached in the table,
	// falling back to the bundled snapshot): Collect prices each record,
	// Cost and Report price rightsizing targets. GetProducts has no
	// resource-level permissions.
	if spec.Dir == "collect" || spec.Dir == "cost" || spec.Dir == "report" {
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("PriceListAPI"),
			Actions:   jsii.Strings("pricing:GetProducts"),
			Resources: jsii.Strings("*"),
		}))
	}

	switch spec.Dir {
	case "plan":
		env["WORK_BUCKET"] = p.Storage.Work.BucketName()
		env["EXTERNAL_ID"] = jsii.String(s.ExternalID)
		env["MAP_MAX_CONCURRENCY"] = jsii.String(strconv.Itoa(s.MapMaxConcurrency))
		env["MAP_TOLERATED_FAILURE_PERCENTAGE"] = jsii.String(formatNumber(s.ToleratedFailurePercentage))
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("WriteWorkItems"),
			Actions:   jsii.Strings("s3:PutObject"),
			Resources: jsii.Strings(*p.Storage.Work.ArnForObjects(jsii.String(workItemsPrefix + "*"))),
		}))
		kmsData = append(kmsData, "kms:GenerateDataKey", "kms:Decrypt")
		if o := s.Config.Organization; o.DiscoveryEnabled() {
			if o.ManagementRoleARN != "" {
				role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
					Sid:       jsii.String("AssumeOrganizationsRole"),
					Actions:   jsii.Strings("sts:AssumeRole"),
					Resources: jsii.Strings(o.ManagementRoleARN),
				}))
			} else {
				role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
					Sid:       jsii.String("DiscoverAccounts"),
					Actions:   jsii.Strings(organizationsActions...),
					Resources: jsii.Strings("*"),
				}))
			}
		}
	case "collect":
		env["EXTERNAL_ID"] = jsii.String(s.ExternalID)
		var roleArns []string
		for _, rn := range memberRoleNames(s) {
			roleArns = append(roleArns, *stack.FormatArn(&awscdk.ArnComponents{
				Service: jsii.String("iam"), Region: jsii.String(""), Account: jsii.String("*"),
				Resource: jsii.String("role"), ResourceName: jsii.String(rn),
			}))
		}
		stmt := &awsiam.PolicyStatementProps{
			Sid:       jsii.String("AssumeMemberRoles"),
			Actions:   jsii.Strings("sts:AssumeRole"),
			Resources: jsii.Strings(roleArns...),
		}
		if s.MemberOrgID != "" {
			stmt.Conditions = &map[string]any{"StringEquals": map[string]any{"aws:ResourceOrgID": s.MemberOrgID}}
		}
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(stmt))
	case "cost":
		env["MONTHLY_COST_THRESHOLD"] = jsii.String(formatNumber(s.MonthlyCostThreshold))
	case "report":
		env["REPORT_BUCKET"] = p.Storage.Reports.BucketName()
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("WriteReports"),
			Actions:   jsii.Strings("s3:PutObject"),
			Resources: jsii.Strings(*p.Storage.Reports.ArnForObjects(jsii.String(reportsPrefix + "*"))),
		}))
		kmsData = append(kmsData, "kms:GenerateDataKey", "kms:Decrypt")
	case "notify":
		env["SNS_TOPIC_ARN"] = p.Alerting.Topic.TopicArn()
		env["MONTHLY_COST_THRESHOLD"] = jsii.String(formatNumber(s.MonthlyCostThreshold))
		// The alert and the findings alarm use the same threshold.
		env["SECURITY_FINDINGS_THRESHOLD"] = jsii.String(formatNumber(s.SecurityFindingsThreshold))
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("PublishAlerts"),
			Actions:   jsii.Strings("sns:Publish"),
			Resources: jsii.Strings(*p.Alerting.Topic.TopicArn()),
		}))
		// Publishing to an SSE topic encrypts with the topic's key.
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("AlertsKey"),
			Actions:   jsii.Strings("kms:GenerateDataKey", "kms:Decrypt"),
			Resources: jsii.Strings(*p.Keys.Alerts.KeyArn()),
		}))
		if arn := p.Alerting.SlackSecretArn; arn != "" {
			// The ARN, never the webhook URL, is in the environment.
			env["SLACK_WEBHOOK_SECRET_ARN"] = jsii.String(arn)
			role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("ReadSlackWebhook"),
				Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
				Resources: jsii.Strings(arn),
			}))
			if s.SlackWebhookSecretKeyArn != "" {
				role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
					Sid:       jsii.String("SlackWebhookKey"),
					Actions:   jsii.Strings("kms:Decrypt"),
					Resources: jsii.Strings(s.SlackWebhookSecretKeyArn),
					Conditions: &map[string]any{"StringEquals": map[string]any{
						"kms:ViaService": "secretsmanager." + *stack.Region() + ".amazonaws.com",
					}},
				}))
			}
		}
	case "cleanup":
		env["RETENTION_DAYS"] = jsii.String(strconv.Itoa(s.RetentionDays))
	}
	if len(kmsData) > 0 {
		slices.Sort(kmsData)
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("DataKey"),
			Actions:   jsii.Strings(slices.Compact(kmsData)...),
			Resources: jsii.Strings(*p.Keys.Data.KeyArn()),
		}))
	}

	return env
}
