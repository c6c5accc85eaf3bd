package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// StackSetStack deploys the member role to every account of the target OUs
// with a service-managed StackSet. It is deployed in the organization's
// management account, or in a StackSets delegated administrator account
// (stackSetCallAs DELEGATED_ADMIN). Auto-deployment covers accounts that
// join the OUs later, with no command run in them; an account that leaves
// loses the role (RetainStacksOnAccountRemoval false). Service-managed
// StackSets never deploy to the management account itself: deploy the
// member role stack there directly if it is to be inventoried.
type StackSetStack struct {
	Stack    awscdk.Stack
	StackSet awscdk.CfnStackSet
}

// Operation preferences: roll out to a quarter of the accounts at a time
// and stop after 10% of them fail, so a broken template does not reach
// the whole organization.
const (
	stackSetMaxConcurrentPct    = 25
	stackSetFailureTolerancePct = 10
)

func NewStackSetStack(scope constructs.Construct, id string, s *Settings, templateBody string) *StackSetStack {
	stack := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
		Description: jsii.String("AWS inventory: StackSet of the member role for the target OUs"),
		Synthesizer: memberStackSynthesizer(),
	})
	st := &StackSetStack{Stack: stack}

	master := &awscdk.CfnParameterProps{
		Type:           jsii.String("String"),
		Description:    jsii.String("Account ID of the central inventory account (where the collector role is)"),
		AllowedPattern: jsii.String(`^\d{12}$`),
	}
	if s.CentralAccountID != "" {
		master.Default = jsii.String(s.CentralAccountID)
	}
	masterAccount := awscdk.NewCfnParameter(stack, jsii.String(paramMasterAccountID), master)

	param := func(key string, value *string) *awscdk.CfnStackSet_ParameterProperty {
		return &awscdk.CfnStackSet_ParameterProperty{ParameterKey: jsii.String(key), ParameterValue: value}
	}
	props := &awscdk.CfnStackSetProps{
		StackSetName:    jsii.String(s.NamePrefix + "-member-role"),
		Description:     jsii.String(fmt.Sprintf("AWS inventory member role %s, trusted by the central collector role", s.MemberRoleName)),
		PermissionModel: jsii.String("SERVICE_MANAGED"),
		CallAs:          jsii.String(s.StackSetCallAs),
		AutoDeployment: &awscdk.CfnStackSet_AutoDeploymentProperty{
			Enabled:                      jsii.Bool(true),
			RetainStacksOnAccountRemoval: jsii.Bool(false),
		},
		// The role has a fixed name, so its account-wide name must be acknowledged.
		Capabilities: jsii.Strings("CAPABILITY_NAMED_IAM"),
		// A plain map: the property is untyped JSON, and jsii would send a
		// struct with its lower-case field names.
		ManagedExecution: map[string]any{"Active": true},
		OperationPreferences: &awscdk.CfnStackSet_OperationPreferencesProperty{
			MaxConcurrentPercentage:    jsii.Number(stackSetMaxConcurrentPct),
			FailureTolerancePercentage: jsii.Number(stackSetFailureTolerancePct),
			RegionConcurrencyType:      jsii.String("PARALLEL"),
		},
		TemplateBody: jsii.String(templateBody),
		Parameters: &[]any{
			param(paramMasterAccountID, masterAccount.ValueAsString()),
			param(paramExternalID, jsii.String(s.ExternalID)),
			param(paramCollectorRoleName, jsii.String(s.CollectorRoleName())),
			param(paramOrganizationID, jsii.String(orgParameter(s.MemberOrgID))),
		},
	}
	if len(s.StackSetTargetOUs) > 0 {
		props.StackInstancesGroup = &[]any{&awscdk.CfnStackSet_StackInstancesProperty{
			DeploymentTargets: &awscdk.CfnStackSet_DeploymentTargetsProperty{
				OrganizationalUnitIds: jsii.Strings(s.StackSetTargetOUs...),
			},
			// IAM is global: one region creates the role for the whole account.
			Regions: jsii.Strings(s.StackSetRegions...),
		}}
	} else {
		awscdk.Annotations_Of(stack).AddWarningV2(jsii.String("inventory:noStackSetTargets"), jsii.String(
			"stackSetTargetOus is empty: the StackSet is created without stack instances. Set -c stackSetTargetOus=ou-xxxx-xxxxxxxx,... to deploy the member role to those OUs."), nil)
	}
	st.StackSet = awscdk.NewCfnStackSet(stack, jsii.String("MemberRoleStackSet"), props)
	awscdk.NewCfnOutput(stack, jsii.String("StackSetId"), &awscdk.CfnOutputProps{Value: st.StackSet.AttrStackSetId()})
	return st
}
