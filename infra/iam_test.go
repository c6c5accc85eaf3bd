package main

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/stages"
)

// readOnlyAction: the describes, lists and gets that may take Resource "*".
var readOnlyAction = regexp.MustCompile(`^[a-z0-9-]+:(Describe|List|Get)[A-Za-z0-9]*$`)

// noResourceLevelActions are the non-read actions CDK adds for tracing and
// state machine logging; IAM supports no resource narrower than "*" for them.
var noResourceLevelActions = []string{
	"xray:PutTraceSegments", "xray:PutTelemetryRecords",
	"logs:CreateLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:PutResourcePolicy",
	// Asks IAM to build the read-only credential report the iam_user
	// collector reads (AWS's SecurityAudit policy grants it too).
	"iam:GenerateCredentialReport",
}

func TestNoWildcardActionsAndStarResourcesOnlyForReadOnlyActions(t *testing.T) {
	f, m := fixtures(t)
	for name, tmpl := range map[string]map[string]any{
		"central": f.central, "member": f.member, "stackset": f.stackSet,
		"minimal central": m.central, "minimal member": m.member,
	} {
		stmts := allStatements(tmpl)
		if len(stmts) == 0 && !strings.Contains(name, "stackset") {
			t.Errorf("%s: no IAM statements found", name)
		}
		for _, s := range stmts {
			if s.effect != "Allow" {
				continue
			}
			for _, a := range s.actions {
				if strings.Contains(a, "*") {
					t.Errorf("%s %s: wildcard action %q", name, s.where, a)
				}
			}
			if !slices.ContainsFunc(s.resources, func(r any) bool { return r == "*" }) {
				continue
			}
			for _, a := range s.actions {
				if !readOnlyAction.MatchString(a) && !slices.Contains(noResourceLevelActions, a) {
					t.Errorf("%s %s: %q on Resource \"*\"", name, s.where, a)
				}
			}
		}
	}
}

// wantFunctionActions is each function's grant, per the contract (X-Ray
// tracing comes on top).
var wantFunctionActions = map[string][]string{
	"plan": {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
		"dynamodb:BatchWriteItem", "s3:PutObject", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"},
	"collect": {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "sts:AssumeRole",
		"pricing:GetProducts",
		"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"},
	"recordfailure": {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:DescribeTable", "dynamodb:PutItem",
		"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"},
	"aggregate": {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem",
		"dynamodb:PutItem", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"},
	"cost": {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem",
		"dynamodb:PutItem", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "pricing:GetProducts"},
	"security": {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem",
		"dynamodb:PutItem", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"},
	"report": {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem",
		"dynamodb:PutItem", "s3:PutObject", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "pricing:GetProducts"},
	"notify": {"logs:CreateLogStream", "logs:PutLogEvents", "sns:Publish", "kms:GenerateDataKey", "kms:Decrypt", "secretsmanager:GetSecretValue"},
	"cleanup": {"logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:DescribeTable", "dynamodb:Scan", "dynamodb:Query", "dynamodb:DeleteItem",
		"dynamodb:BatchWriteItem", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"},
}

func functionRoleStatements(t *testing.T, tmpl map[string]any, dir string) []statement {
	t.Helper()
	return policyStatements(tmpl, logicalID(t, tmpl, "AwsInventory/Functions/"+constructID(dir)+"/Role/Resource"))
}

func TestEachFunctionRoleHasExactlyItsContractPermissions(t *testing.T) {
	f, m := fixtures(t)
	for _, spec := range functionSpecs {
		got := actionsOf(functionRoleStatements(t, f.central, spec.Dir))
		delete(got, "xray:PutTraceSegments")
		delete(got, "xray:PutTelemetryRecords")
		want := map[string]bool{}
		for _, a := range wantFunctionActions[spec.Dir] {
			want[a] = true
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: actions %v, want %v", spec.Dir, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
	}
	// With Organizations discovery by Plan's own role, Plan also lists accounts.
	got := actionsOf(functionRoleStatements(t, m.central, "plan"))
	for _, a := range organizationsActions {
		if !got[a] {
			t.Errorf("minimal plan lacks %s", a)
		}
	}
	if actionsOf(functionRoleStatements(t, f.central, "plan"))["organizations:ListAccounts"] {
		t.Error("discovery is off in the example config: Plan needs no Organizations access")
	}
	// Without a secret, notify cannot read any.
	if actionsOf(functionRoleStatements(t, m.central, "notify"))["secretsmanager:GetSecretValue"] {
		t.Error("no secret configured, yet notify may read secrets")
	}
}

// resourcesFor returns the resources of the statements granting action.
func resourcesFor(stmts []statement, action string) []any {
	var out []any
	for _, s := range stmts {
		if slices.Contains(s.actions, action) {
			out = append(out, s.resources...)
		}
	}
	return out
}

func TestFunctionPermissionsAreScopedToTheirResources(t *testing.T) {
	f, m := fixtures(t)
	tableID := logicalID(t, f.central, "AwsInventory/Storage/Table/Resource")
	workID := logicalID(t, f.central, "AwsInventory/Storage/Work/Resource")
	reportsID := logicalID(t, f.central, "AwsInventory/Storage/Reports/Resource")
	topicID := logicalID(t, f.central, "AwsInventory/Alerting/Topic/Resource")
	dataKey := getAtt(logicalID(t, f.central, "AwsInventory/Keys/DataKey/Resource"), "Arn")
	alertsKey := getAtt(logicalID(t, f.central, "AwsInventory/Keys/AlertsKey/Resource"), "Arn")

	wantTable := []any{getAtt(tableID, "Arn")}
	for _, ix := range tableIndexNames() {
		wantTable = append(wantTable, map[string]any{"Fn::Join": []any{"", []any{getAtt(tableID, "Arn"), "/index/" + ix}}})
	}
	objects := func(bucketID, prefix string) []any {
		return []any{map[string]any{"Fn::Join": []any{"", []any{getAtt(bucketID, "Arn"), "/" + prefix + "*"}}}}
	}
	for _, spec := range functionSpecs {
		stmts := functionRoleStatements(t, f.central, spec.Dir)
		logGroup := getAtt(logicalID(t, f.central, "AwsInventory/Functions/"+constructID(spec.Dir)+"/Logs/Resource"), "Arn")
		if r := resourcesFor(stmts, "logs:PutLogEvents"); !jsonEq(r, []any{logGroup}) {
			t.Errorf("%s: logs on %s, want its own log group", spec.Dir, str(r))
		}
		if _, ok := stages.TableActions[spec.Dir]; ok {
			if r := resourcesFor(stmts, "dynamodb:DescribeTable"); !sameElements(r, wantTable) {
				t.Errorf("%s: DynamoDB on %s", spec.Dir, str(r))
			}
		}
		for _, a := range []string{"kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"} {
			for _, r := range resourcesFor(stmts, a) {
				if !jsonEq(r, dataKey) && !jsonEq(r, alertsKey) {
					t.Errorf("%s: %s on %s", spec.Dir, a, str(r))
				}
			}
		}
	}
	plan := functionRoleStatements(t, f.central, "plan")
	if r := resourcesFor(plan, "s3:PutObject"); !jsonEq(r, objects(workID, "runs/")) {
		t.Errorf("plan PutObject on %s", str(r))
	}
	report := functionRoleStatements(t, f.central, "report")
	if r := resourcesFor(report, "s3:PutObject"); !jsonEq(r, objects(reportsID, "reports/")) {
		t.Errorf("report PutObject on %s", str(r))
	}
	notify := functionRoleStatements(t, f.central, "notify")
	if r := resourcesFor(notify, "sns:Publish"); !jsonEq(r, []any{ref(topicID)}) {
		t.Errorf("notify Publish on %s", str(r))
	}
	if r := resourcesFor(notify, "secretsmanager:GetSecretValue"); !jsonEq(r, []any{testSecretArn}) {
		t.Errorf("notify GetSecretValue on %s", str(r))
	}
	if r := resourcesFor(notify, "kms:GenerateDataKey"); !jsonEq(r, []any{alertsKey}) {
		t.Errorf("notify GenerateDataKey on %s", str(r))
	}

	// Collect assumes only the member role(s), in any account of the org.
	collect := functionRoleStatements(t, f.central, "collect")
	for _, s := range collect {
		if !slices.Contains(s.actions, "sts:AssumeRole") {
			continue
		}
		if !jsonEq(s.resources, []any{map[string]any{"Fn::Join": []any{"", []any{"arn:", ref("AWS::Partition"), ":iam::*:role/AWSInventoryRole"}}}}) {
			t.Errorf("collect AssumeRole on %s", str(s.resources))
		}
		if get(s.condition, "StringEquals", "aws:ResourceOrgID") != testOrgID {
			t.Errorf("collect AssumeRole condition %s", str(s.condition))
		}
	}
	// The minimal config names a per-account role besides the member role.
	var roles []string
	for _, r := range resourcesFor(functionRoleStatements(t, m.central, "collect"), "sts:AssumeRole") {
		roles = append(roles, str(r))
	}
	if len(roles) != 2 || !strings.Contains(roles[0]+roles[1], "role/LegacyInventoryRole") || !strings.Contains(roles[0]+roles[1], "role/OrgInventoryRole") {
		t.Errorf("minimal collect AssumeRole on %v", roles)
	}
	// Only collect and (for discovery with a management role) plan may assume roles.
	for _, spec := range functionSpecs {
		if spec.Dir != "collect" && actionsOf(functionRoleStatements(t, f.central, spec.Dir))["sts:AssumeRole"] {
			t.Errorf("%s may assume roles", spec.Dir)
		}
	}
}

// sameElements compares two lists as sets of JSON values.
func sameElements(a, b []any) bool {
	key := func(l []any) []string {
		var out []string
		for _, x := range l {
			out = append(out, str(x))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}

func TestStateMachineRoleIsScoped(t *testing.T) {
	f, _ := fixtures(t)
	stmts := policyStatements(f.central, logicalID(t, f.central, "AwsInventory/Pipeline/Role/Resource"))
	workID := logicalID(t, f.central, "AwsInventory/Storage/Work/Resource")

	var fnArns []any
	for _, spec := range functionSpecs {
		fnArns = append(fnArns, getAtt(logicalID(t, f.central, "AwsInventory/Functions/"+constructID(spec.Dir)+"/Function/Resource"), "Arn"))
	}
	invoke := resourcesFor(stmts, "lambda:InvokeFunction")
	if len(invoke) != len(fnArns) {
		t.Errorf("InvokeFunction on %d resources, want the %d functions", len(invoke), len(fnArns))
	}
	for _, a := range fnArns {
		if !slices.ContainsFunc(invoke, func(r any) bool { return jsonEq(r, a) }) {
			t.Errorf("InvokeFunction lacks %s", str(a))
		}
	}
	objects := func(prefix string) string {
		return str(map[string]any{"Fn::Join": []any{"", []any{getAtt(workID, "Arn"), "/" + prefix + "*"}}})
	}
	getObj := resourcesFor(stmts, "s3:GetObject")
	if len(getObj) != 2 || !strings.Contains(str(getObj), objects("runs/")) || !strings.Contains(str(getObj), objects("map-results/")) {
		t.Errorf("GetObject on %s", str(getObj))
	}
	for _, a := range []string{"s3:PutObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"} {
		if r := resourcesFor(stmts, a); len(r) != 1 || str(r[0]) != objects("map-results/") {
			t.Errorf("%s on %s", a, str(r))
		}
	}
	start := str(resourcesFor(stmts, "states:StartExecution"))
	if !strings.Contains(start, ":stateMachine:aws-inventory\"") || strings.Contains(start, "Ref\":\"Pipeline") {
		t.Errorf("StartExecution on %s: want this state machine's ARN built from its name", start)
	}
	for _, a := range []string{"states:DescribeExecution", "states:StopExecution", "states:RedriveExecution"} {
		if r := str(resourcesFor(stmts, a)); !strings.Contains(r, ":execution:aws-inventory/*") {
			t.Errorf("%s on %s", a, r)
		}
	}
	for _, a := range []string{"kms:Decrypt", "kms:GenerateDataKey"} {
		if r := resourcesFor(stmts, a); !jsonEq(r, []any{getAtt(logicalID(t, f.central, "AwsInventory/Keys/DataKey/Resource"), "Arn")}) {
			t.Errorf("%s on %s", a, str(r))
		}
	}
}
