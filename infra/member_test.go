package main

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/cloudinv/aws-inventory/shared/collect/registry"
)

// memberRole returns the member role's properties.
func memberRole(t *testing.T, tmpl map[string]any) map[string]any {
	t.Helper()
	_, p := only(t, tmpl, "AWS::IAM::Role")
	return p
}

func TestMemberRoleTrustsTheCollectorWithExternalIDAndOrg(t *testing.T) {
	f, _ := fixtures(t)
	p := memberRole(t, f.member)
	if p["RoleName"] != "AWSInventoryRole" || p["MaxSessionDuration"] != float64(3600) {
		t.Errorf("name %v, max session %v", p["RoleName"], p["MaxSessionDuration"])
	}
	trust := asList(get(p, "AssumeRolePolicyDocument", "Statement"))
	if len(trust) != 1 {
		t.Fatalf("trust: %s", str(trust))
	}
	s := trust[0]
	if get(s, "Action") != "sts:AssumeRole" || get(s, "Effect") != "Allow" ||
		get(s, "Principal", "AWS", "Fn::Sub") != "arn:${AWS::Partition}:iam::${MasterAccountId}:role/${CollectorRoleName}" {
		t.Errorf("trust principal: %s", str(s))
	}
	ifOrg := asList(get(s, "Condition", "StringEquals", "Fn::If"))
	withOrg := map[string]any{"aws:PrincipalOrgID": ref("OrganizationId"), "sts:ExternalId": ref("ExternalId")}
	without := map[string]any{"sts:ExternalId": ref("ExternalId")}
	if len(ifOrg) != 3 || ifOrg[0] != "HasOrganizationId" || !jsonEq(ifOrg[1], withOrg) || !jsonEq(ifOrg[2], without) {
		t.Errorf("trust condition: %s", str(get(s, "Condition")))
	}
	if !jsonEq(get(f.member, "Conditions", "HasOrganizationId"), map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{ref("OrganizationId"), "none"}}}}) {
		t.Errorf("HasOrganizationId: %s", str(get(f.member, "Conditions", "HasOrganizationId")))
	}
	params := f.member["Parameters"].(map[string]any)
	if get(params, "MasterAccountId", "Default") != testCentral || get(params, "ExternalId", "Default") != "inventory-collector" ||
		get(params, "OrganizationId", "Default") != testOrgID || get(params, "CollectorRoleName", "Default") != "aws-inventory-collector" {
		t.Errorf("parameter defaults: %s", str(params))
	}
	if _, ok := params["BootstrapVersion"]; ok {
		t.Error("the member role template must not need cdk bootstrap")
	}
}

func TestMemberRoleGrantsExactlyTheCollectorsActions(t *testing.T) {
	f, _ := fixtures(t)
	stmts := policyStatements(f.member, logicalID(t, f.member, "AwsInventoryMemberRole/Role/Resource"))
	if len(stmts) != 1 {
		t.Fatalf("want one statement, got %d", len(stmts))
	}
	got := slices.Sorted(slices.Values(stmts[0].actions))
	if !slices.Equal(got, registry.Actions()) {
		t.Errorf("actions %v, registry.Actions() %v", got, registry.Actions())
	}
	if !jsonEq(stmts[0].resources, []any{"*"}) {
		t.Errorf("resources %s", str(stmts[0].resources))
	}
	if n := len(resources(f.member, "AWS::IAM::Policy")) + len(resources(f.member, "AWS::IAM::ManagedPolicy")); n != 0 {
		t.Errorf("the role must have no other policy, found %d", n)
	}
	if mp := get(memberRole(t, f.member), "ManagedPolicyArns"); mp != nil {
		t.Errorf("no managed policies: %s", str(mp))
	}
}

func TestStackSetDeploysTheMemberRoleToTheOUs(t *testing.T) {
	f, m := fixtures(t)
	_, p := only(t, f.stackSet, "AWS::CloudFormation::StackSet")
	if p["PermissionModel"] != "SERVICE_MANAGED" || p["CallAs"] != "SELF" || p["StackSetName"] != "aws-inventory-member-role" {
		t.Errorf("stack set: %v %v %v", p["PermissionModel"], p["CallAs"], p["StackSetName"])
	}
	if !jsonEq(p["AutoDeployment"], map[string]any{"Enabled": true, "RetainStacksOnAccountRemoval": false}) {
		t.Errorf("auto deployment %s", str(p["AutoDeployment"]))
	}
	if !jsonEq(p["ManagedExecution"], map[string]any{"Active": true}) || !jsonEq(p["Capabilities"], []any{"CAPABILITY_NAMED_IAM"}) {
		t.Errorf("managed execution %s, capabilities %s", str(p["ManagedExecution"]), str(p["Capabilities"]))
	}
	op := p["OperationPreferences"].(map[string]any)
	if op["FailureTolerancePercentage"] == nil || op["MaxConcurrentPercentage"] == nil {
		t.Errorf("operation preferences %s", str(op))
	}
	group := asList(p["StackInstancesGroup"])
	if len(group) != 1 || !jsonEq(get(group[0], "DeploymentTargets", "OrganizationalUnitIds"), []any{testOUs[0], testOUs[1]}) ||
		!jsonEq(get(group[0], "Regions"), []any{"eu-west-1"}) {
		t.Errorf("stack instances %s", str(group))
	}
	wantParams := map[string]any{
		"MasterAccountId": ref("MasterAccountId"), "ExternalId": "inventory-collector",
		"CollectorRoleName": "aws-inventory-collector", "OrganizationId": testOrgID,
	}
	gotParams := map[string]any{}
	for _, x := range asList(p["Parameters"]) {
		gotParams[get(x, "ParameterKey").(string)] = get(x, "ParameterValue")
	}
	if !jsonEq(gotParams, wantParams) {
		t.Errorf("parameters %s", str(gotParams))
	}
	if get(f.stackSet, "Parameters", "MasterAccountId", "Default") != testCentral {
		t.Errorf("MasterAccountId default: %s", str(get(f.stackSet, "Parameters")))
	}

	// The template body is the member role stack's template.
	var body map[string]any
	if err := json.Unmarshal([]byte(p["TemplateBody"].(string)), &body); err != nil {
		t.Fatal(err)
	}
	if !jsonEq(memberRole(t, body), memberRole(t, f.member)) || !jsonEq(body["Parameters"], f.member["Parameters"]) ||
		!jsonEq(get(body, "Conditions", "HasOrganizationId"), get(f.member, "Conditions", "HasOrganizationId")) {
		t.Error("the StackSet's template differs from the member role stack")
	}
	if len(resources(body, "AWS::CDK::Metadata")) != 0 {
		t.Error("the StackSet template carries CDK metadata")
	}

	// No OUs: a StackSet without instances, and a warning saying so.
	_, mp := only(t, m.stackSet, "AWS::CloudFormation::StackSet")
	if mp["StackInstancesGroup"] != nil {
		t.Errorf("no OUs, yet instances %s", str(mp["StackInstancesGroup"]))
	}
	if get(m.stackSet, "Parameters", "MasterAccountId", "Default") != nil {
		t.Error("no centralAccountId: MasterAccountId must be given at deploy time")
	}
}

// The member stacks deploy into the management account, which need not be
// bootstrapped: no deploy role to assume and no template to upload.
func TestMemberStacksNeedNoCDKBootstrap(t *testing.T) {
	f, _ := fixtures(t)
	asm := f.app.Synth(nil)
	for _, st := range []awscdk.Stack{f.stacks.MemberRole.Stack, f.stacks.StackSet.Stack} {
		a := asm.GetStackArtifact(st.ArtifactId())
		if a.AssumeRoleArn() != nil || a.StackTemplateAssetObjectUrl() != nil {
			t.Errorf("%s: assumes %v, uploads template to %v", *st.StackName(), a.AssumeRoleArn(), a.StackTemplateAssetObjectUrl())
		}
	}
	// The central stack has assets and uses the bootstrap resources.
	if asm.GetStackArtifact(f.stacks.Central.Stack.ArtifactId()).AssumeRoleArn() == nil {
		t.Error("central stack: expected the default synthesizer")
	}
}
