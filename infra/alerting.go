package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Alerting is where alerts go: the SNS topic (notify publishes run and
// threshold alerts, CloudWatch alarms publish too) and, optionally, the
// existing Slack webhook secret.
type Alerting struct {
	Topic awssns.Topic
	// SlackSecretArn is the complete ARN of the webhook secret, or "".
	SlackSecretArn string
}

func NewAlerting(scope constructs.Construct, s *Settings, keys *Keys) *Alerting {
	c := constructs.NewConstruct(scope, jsii.String("Alerting"))
	a := &Alerting{}
	a.Topic = awssns.NewTopic(c, jsii.String("Topic"), &awssns.TopicProps{
		DisplayName: jsii.String("AWS inventory alerts"),
		MasterKey:   keys.Alerts,
		// Adds a topic policy that denies publishing without TLS.
		EnforceSSL: jsii.Bool(true),
	})
	stack := awscdk.Stack_Of(scope)
	// A topic policy replaces SNS's default one, so CloudWatch alarms of
	// this account are allowed explicitly.
	a.Topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  jsii.Strings(*a.Topic.TopicArn()),
		Conditions: &map[string]any{
			"ArnLike": map[string]any{"aws:SourceArn": stack.FormatArn(&awscdk.ArnComponents{
				Service: jsii.String("cloudwatch"), Resource: jsii.String("alarm"), ResourceName: jsii.String("*"),
				ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
			})},
			"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
		},
	}))
	if s.AlarmEmail != "" {
		// The address must confirm the subscription from the e-mail SNS sends.
		a.Topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(s.AlarmEmail), nil))
	}
	// The secret is imported by ARN only: the stack neither creates nor
	// reads it, and only notify's role may read it.
	a.SlackSecretArn = s.SlackWebhookSecretArn
	return a
}
