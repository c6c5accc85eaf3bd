package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/cloudinv/aws-inventory/shared/config"
	ddbstore "github.com/cloudinv/aws-inventory/shared/store/dynamodb"
)

func TestTableHasTheStoreSchemaPITRKMSAndTTL(t *testing.T) {
	f, _ := fixtures(t)
	id, p := only(t, f.central, "AWS::DynamoDB::Table")
	keyID := logicalID(t, f.central, "AwsInventory/Keys/DataKey/Resource")

	if p["TableName"] != "aws-inventory" || p["BillingMode"] != "PAY_PER_REQUEST" {
		t.Errorf("table name/billing: %v %v", p["TableName"], p["BillingMode"])
	}
	wantKeys := []any{
		map[string]any{"AttributeName": ddbstore.PartitionKey, "KeyType": "HASH"},
		map[string]any{"AttributeName": ddbstore.SortKey, "KeyType": "RANGE"},
	}
	if !jsonEq(p["KeySchema"], wantKeys) {
		t.Errorf("KeySchema = %s", str(p["KeySchema"]))
	}
	types := map[string]string{}
	for _, a := range asList(p["AttributeDefinitions"]) {
		types[get(a, "AttributeName").(string)] = get(a, "AttributeType").(string)
	}
	gsis := map[string]any{}
	for _, g := range asList(p["GlobalSecondaryIndexes"]) {
		gsis[get(g, "IndexName").(string)] = g
	}
	if len(gsis) != len(ddbstore.Indexes) {
		t.Errorf("want %d GSIs, got %s", len(ddbstore.Indexes), str(p["GlobalSecondaryIndexes"]))
	}
	for _, ix := range ddbstore.Indexes {
		g := gsis[ix.Name]
		want := []any{
			map[string]any{"AttributeName": ix.PartitionKey, "KeyType": "HASH"},
			map[string]any{"AttributeName": ix.SortKey, "KeyType": "RANGE"},
		}
		if !jsonEq(get(g, "KeySchema"), want) || get(g, "Projection", "ProjectionType") != "ALL" {
			t.Errorf("GSI %s = %s", ix.Name, str(g))
		}
		if types[ix.PartitionKey] != "S" || types[ix.SortKey] != "S" {
			t.Errorf("GSI %s keys must be strings: %v", ix.Name, types)
		}
	}
	if types[ddbstore.PartitionKey] != "S" || types[ddbstore.SortKey] != "S" {
		t.Errorf("table keys must be strings: %v", types)
	}
	if get(p, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled") != true {
		t.Errorf("PITR off: %s", str(p["PointInTimeRecoverySpecification"]))
	}
	if !jsonEq(p["SSESpecification"], map[string]any{"KMSMasterKeyId": getAtt(keyID, "Arn"), "SSEEnabled": true, "SSEType": "KMS"}) {
		t.Errorf("SSESpecification = %s", str(p["SSESpecification"]))
	}
	if !jsonEq(p["TimeToLiveSpecification"], map[string]any{"AttributeName": ddbstore.TTLAttribute, "Enabled": true}) {
		t.Errorf("TTL = %s", str(p["TimeToLiveSpecification"]))
	}
	if p["DeletionProtectionEnabled"] != true {
		t.Error("deletion protection off")
	}
	r := resources(f.central, "AWS::DynamoDB::Table")[id]
	if r["DeletionPolicy"] != "Retain" || r["UpdateReplacePolicy"] != "Retain" {
		t.Errorf("table must be retained: %v %v", r["DeletionPolicy"], r["UpdateReplacePolicy"])
	}
	if p["StreamSpecification"] != nil {
		t.Error("the contract needs no stream")
	}
}

func TestKeysAreCustomerManagedWithRotation(t *testing.T) {
	f, _ := fixtures(t)
	keys := resources(f.central, "AWS::KMS::Key")
	if len(keys) != 3 {
		t.Fatalf("want data, logs and alerts keys, got %d", len(keys))
	}
	for id, k := range keys {
		if get(k, "Properties", "EnableKeyRotation") != true || k["DeletionPolicy"] != "Retain" {
			t.Errorf("%s: rotation %v, deletion policy %v", id, get(k, "Properties", "EnableKeyRotation"), k["DeletionPolicy"])
		}
	}
	logsKey := keys[logicalID(t, f.central, "AwsInventory/Keys/LogsKey/Resource")]
	if !strings.Contains(str(get(logsKey, "Properties", "KeyPolicy")), `"logs.`) {
		t.Error("logs key must let CloudWatch Logs use it")
	}
	alertsKey := keys[logicalID(t, f.central, "AwsInventory/Keys/AlertsKey/Resource")]
	if !strings.Contains(str(get(alertsKey, "Properties", "KeyPolicy")), `"cloudwatch.amazonaws.com"`) {
		t.Error("alerts key must let CloudWatch alarms publish to the encrypted topic")
	}
	if !strings.Contains(str(get(alertsKey, "Properties", "KeyPolicy")), `"aws:SourceAccount"`) {
		t.Error("only this account's alarms may use the alerts key (aws:SourceAccount)")
	}
	named := false
	for _, lg := range resources(f.central, "AWS::Logs::LogGroup") {
		named = named || get(lg, "Properties", "LogGroupName") == "/aws/vendedlogs/states/aws-inventory"
	}
	if !named {
		t.Error("the state machine's log group must be under /aws/vendedlogs/states/")
	}
}

// bucketPolicyDeniesInsecureTransport finds the bucket's policy and checks
// its TLS-only statement.
func bucketPolicyDeniesInsecureTransport(t *testing.T, tmpl map[string]any, bucketID string) {
	t.Helper()
	for _, bp := range resources(tmpl, "AWS::S3::BucketPolicy") {
		if !jsonEq(get(bp, "Properties", "Bucket"), ref(bucketID)) {
			continue
		}
		for _, s := range asList(get(bp, "Properties", "PolicyDocument", "Statement")) {
			if get(s, "Effect") == "Deny" && get(s, "Condition", "Bool", "aws:SecureTransport") == "false" {
				return
			}
		}
	}
	t.Errorf("bucket %s: no policy denying requests without TLS", bucketID)
}

func TestBuckets(t *testing.T) {
	f, _ := fixtures(t)
	buckets := resources(f.central, "AWS::S3::Bucket")
	reportsID := logicalID(t, f.central, "AwsInventory/Storage/Reports/Resource")
	workID := logicalID(t, f.central, "AwsInventory/Storage/Work/Resource")
	logsID := logicalID(t, f.central, "AwsInventory/Storage/AccessLogs/Resource")
	keyID := logicalID(t, f.central, "AwsInventory/Keys/DataKey/Resource")
	bpa := map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}

	for _, id := range []string{reportsID, workID, logsID} {
		p := props(buckets[id])
		if !jsonEq(p["PublicAccessBlockConfiguration"], bpa) {
			t.Errorf("%s: public access block %s", id, str(p["PublicAccessBlockConfiguration"]))
		}
		bucketPolicyDeniesInsecureTransport(t, f.central, id)
	}
	for _, id := range []string{reportsID, workID} {
		p := props(buckets[id])
		enc := get(p, "BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault")
		if get(enc, "SSEAlgorithm") != "aws:kms" || !jsonEq(get(enc, "KMSMasterKeyID"), getAtt(keyID, "Arn")) {
			t.Errorf("%s: encryption %s", id, str(enc))
		}
		if !jsonEq(get(p, "LoggingConfiguration", "DestinationBucketName"), ref(logsID)) {
			t.Errorf("%s: access logs %s", id, str(p["LoggingConfiguration"]))
		}
	}
	// The access log bucket: S3-managed keys, since server access logging
	// cannot write to SSE-KMS buckets.
	if get(props(buckets[logsID]), "BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault", "SSEAlgorithm") != "AES256" {
		t.Errorf("access log bucket encryption: %s", str(props(buckets[logsID])["BucketEncryption"]))
	}

	reports := props(buckets[reportsID])
	if get(reports, "VersioningConfiguration", "Status") != "Enabled" {
		t.Error("reports bucket must be versioned")
	}
	rule := get(reports, "LifecycleConfiguration", "Rules", 0)
	wantTransitions := []any{
		map[string]any{"StorageClass": "STANDARD_IA", "TransitionInDays": float64(reportsIADays)},
		map[string]any{"StorageClass": "GLACIER_IR", "TransitionInDays": float64(reportsGlacierIR)},
	}
	if !jsonEq(get(rule, "Transitions"), wantTransitions) || get(rule, "NoncurrentVersionExpiration", "NoncurrentDays") != float64(noncurrentExpDays) {
		t.Errorf("reports lifecycle: %s", str(rule))
	}
	work := get(props(buckets[workID]), "LifecycleConfiguration", "Rules", 0)
	if get(work, "ExpirationInDays") != float64(workObjectDays) || get(work, "Status") != "Enabled" {
		t.Errorf("work bucket objects must expire: %s", str(work))
	}
}

func TestTopicIsEncryptedTLSOnlyWithEmailSubscription(t *testing.T) {
	f, m := fixtures(t)
	topicID, p := only(t, f.central, "AWS::SNS::Topic")
	if !jsonEq(p["KmsMasterKeyId"], getAtt(logicalID(t, f.central, "AwsInventory/Keys/AlertsKey/Resource"), "Arn")) {
		t.Errorf("topic key: %s", str(p["KmsMasterKeyId"]))
	}
	_, tp := only(t, f.central, "AWS::SNS::TopicPolicy")
	var denyTLS, allowAlarms bool
	for _, s := range asList(get(tp, "PolicyDocument", "Statement")) {
		if get(s, "Effect") == "Deny" && get(s, "Condition", "Bool", "aws:SecureTransport") == "false" {
			denyTLS = true
		}
		if get(s, "Effect") == "Allow" && get(s, "Principal", "Service") == "cloudwatch.amazonaws.com" && get(s, "Condition", "StringEquals", "aws:SourceAccount") != nil {
			allowAlarms = true
		}
	}
	if !denyTLS || !allowAlarms {
		t.Errorf("topic policy (TLS deny %v, alarms allowed %v): %s", denyTLS, allowAlarms, str(tp))
	}
	_, sub := only(t, f.central, "AWS::SNS::Subscription")
	if sub["Protocol"] != "email" || sub["Endpoint"] != "ops@example.com" || !jsonEq(sub["TopicArn"], ref(topicID)) {
		t.Errorf("subscription: %s", str(sub))
	}
	if n := len(resources(m.central, "AWS::SNS::Subscription")); n != 0 {
		t.Errorf("no alarmEmail, yet %d subscriptions", n)
	}
}

// contractEnv is the contract's table of environment variables per function
// (every function also gets GOMEMLIMIT, checked separately).
var contractEnv = map[string][]string{
	"plan":          {"DYNAMODB_TABLE_NAME", "WORK_BUCKET", "INVENTORY_CONFIG", "EXTERNAL_ID", "MAP_MAX_CONCURRENCY", "MAP_TOLERATED_FAILURE_PERCENTAGE"},
	"collect":       {"DYNAMODB_TABLE_NAME", "INVENTORY_CONFIG", "EXTERNAL_ID"},
	"recordfailure": {"DYNAMODB_TABLE_NAME", "INVENTORY_CONFIG"},
	"aggregate":     {"DYNAMODB_TABLE_NAME", "INVENTORY_CONFIG"},
	"cost":          {"DYNAMODB_TABLE_NAME", "INVENTORY_CONFIG", "MONTHLY_COST_THRESHOLD"},
	"security":      {"DYNAMODB_TABLE_NAME", "INVENTORY_CONFIG"},
	"report":        {"DYNAMODB_TABLE_NAME", "REPORT_BUCKET", "INVENTORY_CONFIG"},
	"notify":        {"SNS_TOPIC_ARN", "SLACK_WEBHOOK_SECRET_ARN", "MONTHLY_COST_THRESHOLD", "SECURITY_FINDINGS_THRESHOLD", "INVENTORY_CONFIG"},
	"cleanup":       {"DYNAMODB_TABLE_NAME", "INVENTORY_CONFIG", "RETENTION_DAYS"},
}

// functionsByDir maps each function dir to its Lambda properties.
func functionsByDir(t *testing.T, tmpl map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, r := range resources(tmpl, "AWS::Lambda::Function") {
		p := props(r)
		name, _ := p["FunctionName"].(string)
		out[strings.TrimPrefix(name, "aws-inventory-")] = p
	}
	return out
}

func TestFunctionsRuntimeArchitectureLoggingAndEnvironment(t *testing.T) {
	f, m := fixtures(t)
	fns := functionsByDir(t, f.central)
	if len(fns) != len(functionSpecs) {
		t.Fatalf("want %d functions, got %d", len(functionSpecs), len(fns))
	}
	logGroups := resources(f.central, "AWS::Logs::LogGroup")
	logsKey := getAtt(logicalID(t, f.central, "AwsInventory/Keys/LogsKey/Resource"), "Arn")
	for _, spec := range functionSpecs {
		p, ok := fns[spec.Dir]
		if !ok {
			t.Errorf("no function aws-inventory-%s", spec.Dir)
			continue
		}
		if p["Runtime"] != "provided.al2023" || !jsonEq(p["Architectures"], []any{"arm64"}) || p["Handler"] != "bootstrap" {
			t.Errorf("%s: runtime %v, architectures %v, handler %v", spec.Dir, p["Runtime"], p["Architectures"], p["Handler"])
		}
		if get(p, "TracingConfig", "Mode") != "Active" {
			t.Errorf("%s: tracing %s", spec.Dir, str(p["TracingConfig"]))
		}
		lgRef, _ := get(p, "LoggingConfig", "LogGroup", "Ref").(string)
		lg := props(logGroups[lgRef])
		if lg == nil || lg["RetentionInDays"] != float64(30) || !jsonEq(lg["KmsKeyId"], logsKey) || lg["LogGroupName"] != "/aws/lambda/aws-inventory-"+spec.Dir {
			t.Errorf("%s: log group %s", spec.Dir, str(lg))
		}
		var got []string
		for k, v := range get(p, "Environment", "Variables").(map[string]any) {
			got = append(got, k)
			if s, ok := v.(string); ok && (strings.Contains(s, "hooks.slack.com") || strings.HasPrefix(s, "https://")) {
				t.Errorf("%s: %s holds a URL: no secrets in the environment", spec.Dir, k)
			}
		}
		sort.Strings(got)
		want := slices.Sorted(slices.Values(append([]string{"GOMEMLIMIT"}, contractEnv[spec.Dir]...)))
		if !slices.Equal(got, want) {
			t.Errorf("%s: environment %v, contract %v", spec.Dir, got, want)
		}
		mem, _ := p["MemorySize"].(float64)
		if lim := get(p, "Environment", "Variables", "GOMEMLIMIT"); lim != fmt.Sprintf("%dMiB", int(mem)*9/10) {
			t.Errorf("%s: GOMEMLIMIT %v for %v MB: want 90%% of the function's memory", spec.Dir, lim, mem)
		}
		if get(p, "Environment", "Variables", "INVENTORY_CONFIG") != bundledConfigName {
			t.Errorf("%s: INVENTORY_CONFIG %v", spec.Dir, get(p, "Environment", "Variables", "INVENTORY_CONFIG"))
		}
	}
	env := func(dir, k string) any { return get(fns[dir], "Environment", "Variables", k) }
	if env("notify", "SLACK_WEBHOOK_SECRET_ARN") != testSecretArn {
		t.Errorf("SLACK_WEBHOOK_SECRET_ARN = %v", env("notify", "SLACK_WEBHOOK_SECRET_ARN"))
	}
	if env("cost", "MONTHLY_COST_THRESHOLD") != "2500" || env("notify", "MONTHLY_COST_THRESHOLD") != "2500" {
		t.Errorf("MONTHLY_COST_THRESHOLD must be the context value")
	}
	if env("plan", "MAP_MAX_CONCURRENCY") != "100" || env("plan", "MAP_TOLERATED_FAILURE_PERCENTAGE") != "10" ||
		env("plan", "EXTERNAL_ID") != "inventory-collector" || env("cleanup", "RETENTION_DAYS") != "90" {
		t.Errorf("plan/cleanup defaults: %s %s", str(get(fns["plan"], "Environment")), str(get(fns["cleanup"], "Environment")))
	}
	if !jsonEq(env("plan", "WORK_BUCKET"), ref(logicalID(t, f.central, "AwsInventory/Storage/Work/Resource"))) ||
		!jsonEq(env("report", "REPORT_BUCKET"), ref(logicalID(t, f.central, "AwsInventory/Storage/Reports/Resource"))) ||
		!jsonEq(env("collect", "DYNAMODB_TABLE_NAME"), ref(logicalID(t, f.central, "AwsInventory/Storage/Table/Resource"))) {
		t.Error("bucket / table environment variables must reference the stack's resources")
	}
	// Collect: timeout_seconds (300) + 60, the seed-default memory.
	if fns["collect"]["Timeout"] != float64(360) || fns["collect"]["MemorySize"] != float64(512) {
		t.Errorf("collect timeout %v memory %v", fns["collect"]["Timeout"], fns["collect"]["MemorySize"])
	}

	// Minimal: no secret configured, so no variable; the config's memory_mb
	// and timeout_seconds size collect.
	mf := functionsByDir(t, m.central)
	if v := get(mf["notify"], "Environment", "Variables", "SLACK_WEBHOOK_SECRET_ARN"); v != nil {
		t.Errorf("no secret configured, yet SLACK_WEBHOOK_SECRET_ARN=%v", v)
	}
	if mf["collect"]["Timeout"] != float64(660) || mf["collect"]["MemorySize"] != float64(1024) {
		t.Errorf("minimal collect timeout %v memory %v", mf["collect"]["Timeout"], mf["collect"]["MemorySize"])
	}
	if get(mf["plan"], "Environment", "Variables", "EXTERNAL_ID") != "org-external-id" {
		t.Error("EXTERNAL_ID must default to the config's organization.external_id")
	}
}

func TestCollectorRoleHasTheStableName(t *testing.T) {
	f, _ := fixtures(t)
	roleID := logicalID(t, f.central, "AwsInventory/Functions/Collect/Role/Resource")
	if n := get(resources(f.central, "AWS::IAM::Role")[roleID], "Properties", "RoleName"); n != "aws-inventory-collector" {
		t.Errorf("collector role name %v", n)
	}
	out := get(f.central, "Outputs", "CollectorRoleArn", "Value")
	if !jsonEq(out, getAtt(roleID, "Arn")) {
		t.Errorf("CollectorRoleArn output %s", str(out))
	}
}

func TestStagedAssetsHoldBootstrapAndAccountsConfig(t *testing.T) {
	f, m := fixtures(t)
	for _, fx := range []*fixture{f, m} {
		for _, spec := range functionSpecs {
			dir := filepath.Join(*fx.app.Outdir(), "inventory-staging", spec.Dir)
			st, err := os.Stat(filepath.Join(dir, "bootstrap"))
			if err != nil || st.Mode()&0o111 == 0 {
				t.Errorf("%s: bootstrap missing or not executable: %v", dir, err)
			}
			data, err := os.ReadFile(filepath.Join(dir, bundledConfigName))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse(bundledConfigName, data)
			if err != nil {
				t.Errorf("%s: bundled config does not load: %v", dir, err)
				continue
			}
			if cfg.Notifications.SlackWebhookURL != "" {
				t.Errorf("%s: the Slack webhook URL must not be bundled", dir)
			}
		}
	}
	// The example config is bundled byte for byte.
	want, _ := os.ReadFile(filepath.Join(repoRoot, exampleAccountsConfig))
	got, _ := os.ReadFile(filepath.Join(*f.app.Outdir(), "inventory-staging", "plan", bundledConfigName))
	if string(got) != string(want) {
		t.Error("the accounts config must be bundled unchanged when it has no webhook URL")
	}
}

func TestStateMachineDefinitionSubstitutionsLoggingTracing(t *testing.T) {
	f, _ := fixtures(t)
	_, p := only(t, f.central, "AWS::StepFunctions::StateMachine")
	if p["StateMachineName"] != "aws-inventory" || p["StateMachineType"] != "STANDARD" {
		t.Errorf("name/type: %v %v", p["StateMachineName"], p["StateMachineType"])
	}
	if p["DefinitionS3Location"] == nil || p["DefinitionString"] != nil {
		t.Errorf("definition must be the ASL file uploaded as an asset: %s", str(p["DefinitionS3Location"]))
	}
	subs := p["DefinitionSubstitutions"].(map[string]any)
	want := []string{"PlanFunctionArn", "CollectFunctionArn", "RecordFailureFunctionArn", "AggregateFunctionArn", "CostFunctionArn",
		"SecurityFunctionArn", "ReportFunctionArn", "NotifyFunctionArn", "CleanupFunctionArn", "WorkBucket"}
	got := slices.Sorted(func(yield func(string) bool) {
		for k := range subs {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("substitutions %v, contract %v", got, want)
	}
	for _, spec := range functionSpecs {
		fnID := logicalID(t, f.central, "AwsInventory/Functions/"+constructID(spec.Dir)+"/Function/Resource")
		if !jsonEq(subs[spec.Substitution], getAtt(fnID, "Arn")) {
			t.Errorf("%s = %s, want the ARN of %s", spec.Substitution, str(subs[spec.Substitution]), fnID)
		}
	}
	if !jsonEq(subs["WorkBucket"], ref(logicalID(t, f.central, "AwsInventory/Storage/Work/Resource"))) {
		t.Errorf("WorkBucket = %s", str(subs["WorkBucket"]))
	}

	// The real definition uses exactly these variables.
	data, err := os.ReadFile(filepath.Join(repoRoot, defaultDefinitionFile))
	if err != nil {
		t.Fatalf("the app loads %s: %v", defaultDefinitionFile, err)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{([A-Za-z]+)\}`).FindAllStringSubmatch(string(data), -1) {
		used[m[1]] = true
	}
	for _, w := range want {
		if !used[w] {
			t.Errorf("%s does not use ${%s}", defaultDefinitionFile, w)
		}
	}

	logs := p["LoggingConfiguration"].(map[string]any)
	lgID := logicalID(t, f.central, "AwsInventory/Pipeline/Logs/Resource")
	if logs["Level"] != "ALL" || logs["IncludeExecutionData"] != false ||
		!jsonEq(get(logs, "Destinations", 0, "CloudWatchLogsLogGroup", "LogGroupArn"), getAtt(lgID, "Arn")) {
		t.Errorf("logging: %s", str(logs))
	}
	lg := props(resources(f.central, "AWS::Logs::LogGroup")[lgID])
	if !jsonEq(lg["KmsKeyId"], getAtt(logicalID(t, f.central, "AwsInventory/Keys/LogsKey/Resource"), "Arn")) || lg["RetentionInDays"] != float64(30) {
		t.Errorf("state machine log group: %s", str(lg))
	}
	if get(p, "TracingConfiguration", "Enabled") != true {
		t.Error("tracing off")
	}
	if !jsonEq(p["RoleArn"], getAtt(logicalID(t, f.central, "AwsInventory/Pipeline/Role/Resource"), "Arn")) {
		t.Errorf("role %s", str(p["RoleArn"]))
	}
}

func TestCheckDefinitionRejectsUnknownVariables(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.asl.json")
	os.WriteFile(bad, []byte(`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${PlanFunctionArn}","Next":"B"},"B":{"Type":"Task","Resource":"${ScanFunctionArn}","End":true}}}`), 0o644)
	err := CheckDefinition(bad)
	if err == nil || !strings.Contains(err.Error(), "${ScanFunctionArn}") {
		t.Errorf("want an error naming ${ScanFunctionArn}, got %v", err)
	}
	if err := CheckDefinition(filepath.Join(repoRoot, defaultDefinitionFile)); err != nil {
		t.Error(err)
	}
}

func TestSchedulesStartTheStateMachineWithTheSeedDefaults(t *testing.T) {
	f, m := fixtures(t)
	smID := logicalID(t, f.central, "AwsInventory/Pipeline/StateMachine/Resource")
	roleID := logicalID(t, f.central, "AwsInventory/Schedules/Role/Resource")
	dlqID := logicalID(t, f.central, "AwsInventory/Schedules/DeadLetters/Resource")
	want := map[string]string{
		"collect":        "rate(12 hours)",
		"cost_analysis":  "cron(0 8 * * ? *)",
		"security_check": "cron(0 10 ? * MON *)",
		"cleanup":        "cron(0 6 1 * ? *)",
	}
	got := map[string]string{}
	for _, r := range resources(f.central, "AWS::Scheduler::Schedule") {
		p := props(r)
		var input map[string]any
		if err := json.Unmarshal([]byte(get(p, "Target", "Input").(string)), &input); err != nil {
			t.Fatal(err)
		}
		action := input["action"].(string)
		if len(input) != 1 {
			t.Errorf("%s: input %v", action, input)
		}
		got[action] = p["ScheduleExpression"].(string)
		target := p["Target"].(map[string]any)
		if !jsonEq(target["Arn"], ref(smID)) || !jsonEq(target["RoleArn"], getAtt(roleID, "Arn")) ||
			!jsonEq(get(target, "DeadLetterConfig", "Arn"), getAtt(dlqID, "Arn")) ||
			get(target, "RetryPolicy", "MaximumRetryAttempts") == nil || get(target, "RetryPolicy", "MaximumEventAgeInSeconds") == nil {
			t.Errorf("%s: target %s", action, str(target))
		}
		if p["State"] != "ENABLED" || get(p, "FlexibleTimeWindow", "Mode") != "OFF" || p["ScheduleExpressionTimezone"] != "UTC" {
			t.Errorf("%s: %s", action, str(p))
		}
	}
	if !jsonEq(got, want) {
		t.Errorf("schedules %v, want %v", got, want)
	}

	// The scheduler role may only start this state machine and dead-letter.
	stmts := policyStatements(f.central, roleID)
	acts := actionsOf(stmts)
	if len(acts) != 2 || !acts["states:StartExecution"] || !acts["sqs:SendMessage"] {
		t.Errorf("scheduler role actions %v", acts)
	}
	for _, s := range stmts {
		if slices.Contains(s.actions, "states:StartExecution") && !jsonEq(s.resources, []any{ref(smID)}) {
			t.Errorf("StartExecution on %s", str(s.resources))
		}
	}
	trust := get(resources(f.central, "AWS::IAM::Role")[roleID], "Properties", "AssumeRolePolicyDocument", "Statement", 0)
	if get(trust, "Principal", "Service") != "scheduler.amazonaws.com" || get(trust, "Condition", "StringEquals", "aws:SourceAccount") == nil {
		t.Errorf("scheduler trust %s", str(trust))
	}
	_, q := only(t, f.central, "AWS::SQS::Queue")
	if q["SqsManagedSseEnabled"] != true {
		t.Errorf("DLQ encryption %s", str(q))
	}

	// Overrides: a changed expression and a disabled job.
	got = map[string]string{}
	for _, r := range resources(m.central, "AWS::Scheduler::Schedule") {
		var input map[string]string
		json.Unmarshal([]byte(get(r, "Properties", "Target", "Input").(string)), &input)
		got[input["action"]] = get(r, "Properties", "ScheduleExpression").(string)
	}
	want["collect"] = "rate(6 hours)"
	delete(want, "cleanup")
	if !jsonEq(got, want) {
		t.Errorf("overridden schedules %v, want %v", got, want)
	}
}

// alarmsByName returns alarms by name without the prefix. A single-metric
// alarm rendered as a one-query Metrics list (CDK does so for labelled
// metrics) is flattened to Namespace/MetricName/Statistic/Period.
func alarmsByName(tmpl map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range resources(tmpl, "AWS::CloudWatch::Alarm") {
		p := props(r)
		if qs := asList(p["Metrics"]); len(qs) == 1 && get(qs[0], "MetricStat") != nil {
			p["Namespace"] = get(qs[0], "MetricStat", "Metric", "Namespace")
			p["MetricName"] = get(qs[0], "MetricStat", "Metric", "MetricName")
			p["Statistic"] = get(qs[0], "MetricStat", "Stat")
			p["Period"] = get(qs[0], "MetricStat", "Period")
		}
		out[strings.TrimPrefix(p["AlarmName"].(string), "aws-inventory-")] = p
	}
	return out
}

func TestAlarmsNotifyTheTopic(t *testing.T) {
	f, m := fixtures(t)
	topic := ref(logicalID(t, f.central, "AwsInventory/Alerting/Topic/Resource"))
	alarms := alarmsByName(f.central)
	for _, name := range []string{"consecutive-failed-collections", "run-duration", "lambda-errors", "monthly-cost", "security-findings", "schedule-dead-letters", "executions-failed"} {
		a, ok := alarms[name]
		if !ok {
			t.Errorf("no alarm %s", name)
			continue
		}
		if !jsonEq(a["AlarmActions"], []any{topic}) {
			t.Errorf("%s: actions %s", name, str(a["AlarmActions"]))
		}
		if a["TreatMissingData"] == nil {
			t.Errorf("%s: treatMissingData must be chosen", name)
		}
	}
	c := alarms["consecutive-failed-collections"]
	if c["Namespace"] != metricsNamespace || c["MetricName"] != "RunFailed" || c["Statistic"] != "Minimum" ||
		c["Period"] != float64(12*3600) || c["EvaluationPeriods"] != float64(2) || c["DatapointsToAlarm"] != float64(2) ||
		c["Threshold"] != float64(1) || c["TreatMissingData"] != "breaching" {
		t.Errorf("consecutive failures: %s", str(c))
	}
	if mc := alarmsByName(m.central)["consecutive-failed-collections"]; mc["Period"] != float64(6*3600) {
		t.Errorf("the period follows the collect rate: %v", mc["Period"])
	}
	if d := alarms["run-duration"]; d["MetricName"] != "RunDurationSeconds" || d["Threshold"] != float64(20*60) || d["TreatMissingData"] != "ignore" {
		t.Errorf("run duration: %s", str(d))
	}
	if a := alarms["monthly-cost"]; a["MetricName"] != "EstimatedMonthlyCost" || a["Threshold"] != float64(2500) {
		t.Errorf("cost: %s", str(a))
	}
	if a := alarmsByName(m.central)["monthly-cost"]; a["Threshold"] != float64(10000) {
		t.Errorf("cost threshold must default to the config's total_monthly_alert: %v", a["Threshold"])
	}
	if a := alarms["security-findings"]; a["MetricName"] != "SecurityFindings" || a["Threshold"] != float64(7) {
		t.Errorf("findings: %s", str(a))
	}
	le := alarms["lambda-errors"]
	metrics := asList(le["Metrics"])
	var expr string
	var errorsMetrics int
	for _, q := range metrics {
		if e, ok := get(q, "Expression").(string); ok {
			expr = e
		}
		if get(q, "MetricStat", "Metric", "MetricName") == "Errors" {
			errorsMetrics++
		}
	}
	if !strings.HasPrefix(expr, "SUM([") || errorsMetrics != len(functionSpecs) {
		t.Errorf("lambda errors: %s over %d Errors metrics", expr, errorsMetrics)
	}
	if a := alarms["schedule-dead-letters"]; a["MetricName"] != "ApproximateNumberOfMessagesVisible" {
		t.Errorf("DLQ alarm: %s", str(a))
	}
}

// dashboardBody renders the DashboardBody Fn::Join with placeholders for
// its tokens and parses it.
func dashboardBody(t *testing.T, tmpl map[string]any) (map[string]any, string) {
	t.Helper()
	_, p := only(t, tmpl, "AWS::CloudWatch::Dashboard")
	var b strings.Builder
	for _, part := range asList(get(p, "DashboardBody", "Fn::Join", 1)) {
		if s, ok := part.(string); ok {
			b.WriteString(s)
		} else {
			b.WriteString("TOKEN")
		}
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(b.String()), &body); err != nil {
		t.Fatalf("dashboard body is not JSON: %v", err)
	}
	return body, b.String()
}

func TestDashboardHasTheWidgetsAndMetrics(t *testing.T) {
	f, _ := fixtures(t)
	body, raw := dashboardBody(t, f.central)
	widgets := asList(body["widgets"])
	metricWidgets := 0
	for _, w := range widgets {
		if get(w, "type") != "text" {
			metricWidgets++
		}
	}
	if metricWidgets < 15 {
		t.Errorf("want at least 15 metric widgets, got %d of %d", metricWidgets, len(widgets))
	}
	for _, m := range []string{"RunSucceeded", "RunFailed", "PartialRun", "FailedItems", "ItemsTotal", "ResourcesCollected",
		"ResourcesMarkedDeleted", "RunDurationSeconds", "APICalls", "ThrottledCalls", "ItemDurationMs", "ItemFailed", "ItemThrottledCalls",
		"EstimatedMonthlyCost", "PotentialMonthlySavings", "PricedResources", "UnpricedResources", "ComplianceScore", "SecurityFindings", "HighSeverityFindings", "NewHighSeverityFindings",
		"UnencryptedResources", "PublicResources", "AlertsSent",
		`MetricName=\"Resources\"`, "Errors", "Throttles", "Duration", "ExecutionsFailed", "ExecutionsSucceeded", "ExecutionTime",
		"LambdaFunctionsSucceeded", "ThrottledRequests", "WriteThrottleEvents", "ConsumedWriteCapacityUnits", "ConsumedReadCapacityUnits",
		"ApproximateNumberOfMessagesVisible"} {
		if !strings.Contains(raw, `"`+m) && !strings.Contains(raw, m) {
			t.Errorf("dashboard has no %s", m)
		}
	}
	if !strings.Contains(raw, `"`+metricsNamespace+`"`) {
		t.Error("dashboard does not use the EMF namespace")
	}
}

func TestOutputsForOperators(t *testing.T) {
	f, _ := fixtures(t)
	for _, o := range []string{"StateMachineArn", "TableName", "ReportBucketName", "WorkBucketName", "AlertTopicArn", "CollectorRoleArn", "DashboardName", "ScheduleDeadLetterQueueUrl"} {
		if get(f.central, "Outputs", o) == nil {
			t.Errorf("no output %s", o)
		}
	}
}

func TestResourceCountsWithAssertions(t *testing.T) {
	f, _ := fixtures(t)
	counts := map[string]float64{
		"AWS::Lambda::Function": 9, "AWS::Scheduler::Schedule": 4, "AWS::S3::Bucket": 3, "AWS::KMS::Key": 3,
		"AWS::DynamoDB::Table": 1, "AWS::StepFunctions::StateMachine": 1, "AWS::SNS::Topic": 1, "AWS::SQS::Queue": 1,
		"AWS::CloudWatch::Dashboard": 1, "AWS::CloudWatch::Alarm": 7,
	}
	for typ, n := range counts {
		mustNotPanic(t, typ, func() { f.centralT.ResourceCountIs(jsii.String(typ), jsii.Number(n)) })
	}
	mustNotPanic(t, "table", func() {
		f.centralT.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), assertions.Match_ObjectLike(&map[string]any{
			"BillingMode":                      "PAY_PER_REQUEST",
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
			"TimeToLiveSpecification":          map[string]any{"AttributeName": ddbstore.TTLAttribute, "Enabled": true},
		}))
	})
}
