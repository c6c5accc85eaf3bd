package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Keys are the customer-managed KMS keys of the central stack, one per kind
// of data, so that each key policy names only the services that use it.
type Keys struct {
	// Data encrypts the table and both data buckets.
	Data awskms.Key
	// Logs encrypts every log group (state machine and functions).
	Logs awskms.Key
	// Alerts encrypts the SNS topic; CloudWatch alarms may use it to publish.
	Alerts awskms.Key
}

func NewKeys(scope constructs.Construct, s *Settings) *Keys {
	c := constructs.NewConstruct(scope, jsii.String("Keys"))
	newKey := func(id, alias, desc string) awskms.Key {
		return awskms.NewKey(c, jsii.String(id), &awskms.KeyProps{
			Alias:             jsii.String("alias/" + s.NamePrefix + "-" + alias),
			Description:       jsii.String(desc),
			EnableKeyRotation: jsii.Bool(true),
			// The table and buckets are retained with the stack; their key must
			// outlive it or their data becomes unreadable.
			RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		})
	}
	k := &Keys{
		Data:   newKey("DataKey", "data", "AWS inventory: DynamoDB table, reports and work buckets"),
		Logs:   newKey("LogsKey", "logs", "AWS inventory: CloudWatch Logs of the state machine and functions"),
		Alerts: newKey("AlertsKey", "alerts", "AWS inventory: SNS alert topic"),
	}

	stack := awscdk.Stack_Of(scope)
	// CloudWatch Logs encrypts with the key on the log group's behalf; the
	// condition limits that to this account's log groups in this region.
	k.Logs.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchLogsUse"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("logs."+*stack.Region()+".amazonaws.com"), nil)},
		// The key policy statement the CloudWatch Logs documentation gives for
		// encrypting log groups (a key policy, so no IAM identity wildcard).
		Actions:   jsii.Strings("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
		Resources: jsii.Strings("*"),
		Conditions: &map[string]any{
			"ArnLike": map[string]any{
				"kms:EncryptionContext:aws:logs:arn": stack.FormatArn(&awscdk.ArnComponents{
					Service: jsii.String("logs"), Resource: jsii.String("log-group"), ResourceName: jsii.String("*"),
					ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
				}),
			},
		},
	}), jsii.Bool(true))
	// CloudWatch alarms publish to the encrypted topic only if they may use
	// its key (an AWS managed key would not allow that).
	k.Alerts.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		// The actions AWS documents for alarms that publish to an encrypted topic;
		// the topic policy limits publishing to this account's alarms.
		Actions:   jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources: jsii.Strings("*"),
		// Only this account's alarms (confused-deputy protection).
		Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()}},
	}), jsii.Bool(true))
	return k
}
