package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/cloudinv/aws-inventory/shared/collect/registry"
)

// Parameters of the member role template. MasterAccountId, ExternalId and
// OrganizationId keep the names of the seed's member-account-role.yaml, so
// its `aws cloudformation deploy --parameter-overrides` habit still works.
const (
	paramMasterAccountID = "MasterAccountId"
	paramExternalID      = "ExternalId"
	paramOrganizationID  = "OrganizationId"
	// noOrganization is the OrganizationId value for "no org condition". A
	// sentinel rather than "": StackSets have rejected parameters whose value
	// is empty ("Parameters: [X] must have values").
	noOrganization         = "none"
	paramCollectorRoleName = "CollectorRoleName"
)

// MemberRoleStack is the read-only role the collector assumes in a member
// account. The same template is deployed directly (for example into the
// management account, which a service-managed StackSet never covers) and by
// the StackSet into every account of the target OUs.
type MemberRoleStack struct {
	Stack awscdk.Stack
	Role  awsiam.Role
}

// memberStackSynthesizer needs no `cdk bootstrap` where the member stacks
// are deployed (the management account): the templates have no assets, so
// the CLI deploys them inline with the caller's own credentials (no
// bootstrap roles or bucket), and no BootstrapVersion parameter is added
// that a StackSet could not fill.
func memberStackSynthesizer() awscdk.IStackSynthesizer {
	return awscdk.NewLegacyStackSynthesizer()
}

func NewMemberRoleStack(scope constructs.Construct, id string, s *Settings) *MemberRoleStack {
	stack := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
		Description: jsii.String("AWS inventory: read-only role the central collector assumes in this account"),
		Synthesizer: memberStackSynthesizer(),
	})
	m := &MemberRoleStack{Stack: stack}

	master := &awscdk.CfnParameterProps{
		Type:           jsii.String("String"),
		Description:    jsii.String("Account ID of the central inventory account (where the collector role is)"),
		AllowedPattern: jsii.String(`^\d{12}$`),
	}
	if s.CentralAccountID != "" {
		master.Default = jsii.String(s.CentralAccountID)
	}
	awscdk.NewCfnParameter(stack, jsii.String(paramMasterAccountID), master)
	externalID := awscdk.NewCfnParameter(stack, jsii.String(paramExternalID), &awscdk.CfnParameterProps{
		Type:           jsii.String("String"),
		Description:    jsii.String("sts:ExternalId the collector must present"),
		Default:        jsii.String(s.ExternalID),
		MinLength:      jsii.Number(2),
		MaxLength:      jsii.Number(1224),
		AllowedPattern: jsii.String(`^[\w+=,.@:/-]+$`),
	})
	awscdk.NewCfnParameter(stack, jsii.String(paramCollectorRoleName), &awscdk.CfnParameterProps{
		Type:           jsii.String("String"),
		Description:    jsii.String("Name of the central collector role (the collect function's role)"),
		Default:        jsii.String(s.CollectorRoleName()),
		AllowedPattern: jsii.String(`^[\w+=,.@-]{1,64}$`),
	})
	orgID := awscdk.NewCfnParameter(stack, jsii.String(paramOrganizationID), &awscdk.CfnParameterProps{
		Type:           jsii.String("String"),
		Description:    jsii.String("Optional AWS Organizations ID (o-...): the collector must also belong to it (aws:PrincipalOrgID). " + noOrganization + ": no such condition."),
		Default:        jsii.String(orgParameter(s.MemberOrgID)),
		AllowedPattern: jsii.String(`^(` + noOrganization + `|o-[a-z0-9]{10,32})$`),
	})
	hasOrg := awscdk.NewCfnCondition(stack, jsii.String("HasOrganizationId"), &awscdk.CfnConditionProps{
		Expression: awscdk.Fn_ConditionNot(awscdk.Fn_ConditionEquals(orgID.ValueAsString(), jsii.String(noOrganization))),
	})

	// Trust exactly the collector role (parameters are referenced by their
	// logical IDs, which are their names at the stack's top level).
	collectorArn := awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:iam::${"+paramMasterAccountID+"}:role/${"+paramCollectorRoleName+"}"), nil)
	withExternalID := map[string]any{"sts:ExternalId": externalID.ValueAsString()}
	withOrg := map[string]any{"sts:ExternalId": externalID.ValueAsString(), "aws:PrincipalOrgID": orgID.ValueAsString()}
	trust := awsiam.NewArnPrincipal(collectorArn).WithConditions(&map[string]any{
		"StringEquals": awscdk.Fn_ConditionIf(hasOrg.LogicalId(), withOrg, withExternalID),
	})

	m.Role = awsiam.NewRole(stack, jsii.String("Role"), &awsiam.RoleProps{
		RoleName:           jsii.String(s.MemberRoleName),
		Description:        jsii.String("Read-only inventory access for the central AWS inventory collector"),
		AssumedBy:          trust,
		MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(1)),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			"InventoryReadOnly": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{
				Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
					Sid: jsii.String("CollectorsDeclaredActions"),
					// Exactly what the collectors declare they call (DESIGN §3.7);
					// a collector test fails if one calls anything else.
					Actions:   jsii.Strings(registry.Actions()...),
					Resources: jsii.Strings("*"),
				})},
			}),
		},
	})
	awscdk.NewCfnOutput(stack, jsii.String("RoleArn"), &awscdk.CfnOutputProps{
		Description: jsii.String("The member role the collector assumes"),
		Value:       m.Role.RoleArn(),
	})
	suppressMemberRole(m)
	return m
}

// MemberRoleTemplate synthesizes the member role stack on its own (in a
// separate app, so the main app gets no extra assembly) and returns its
// template as JSON: the StackSet's TemplateBody.
func MemberRoleTemplate(s *Settings) (string, error) {
	dir, err := os.MkdirTemp("", "inventory-member-template-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	// No CDK metadata resource: the template is deployed by StackSets.
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(dir), AnalyticsReporting: jsii.Bool(false), Context: &map[string]any{}})
	NewMemberRoleStack(app, "MemberRoleTemplate", s)
	tmpl := app.Synth(nil).GetStackByName(jsii.String("MemberRoleTemplate")).Template()
	body, err := json.Marshal(tmpl)
	if err != nil {
		return "", fmt.Errorf("member role template: %w", err)
	}
	if len(body) > maxTemplateBody {
		return "", fmt.Errorf("member role template is %d bytes, over the %d a StackSet TemplateBody accepts", len(body), maxTemplateBody)
	}
	return string(body), nil
}

// maxTemplateBody is CloudFormation's limit on an inline template body.
const maxTemplateBody = 51200

// orgParameter is the OrganizationId parameter value for an org ID setting.
func orgParameter(id string) string {
	if id == "" {
		return noOrganization
	}
	return id
}
