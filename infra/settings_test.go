package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// contextOf serves a fixed context map like TryGetContext.
func contextOf(m map[string]any) func(string) any {
	return func(k string) any { return m[k] }
}

func TestBadAccountsConfigFailsSynthWithTheConfigMessage(t *testing.T) {
	fixtures(t)
	ctx := appContext()
	ctx[ctxAccountsConfig] = filepath.Join("infra", "testdata", "bad-accounts.json") // relative to the repo root
	ctx[ctxLambdaBuildDir] = full.buildDir
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir()), Context: &ctx})
	_, err := Build(app, repoRoot)
	if err == nil {
		t.Fatal("a bad accounts config must fail synth")
	}
	for _, want := range []string{"bad-accounts.json", "accounts.engineering.account_id", `"12345" is not a 12-digit AWS account ID`, `"dynamo" is not a known resource type`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Errorf("no stack may be created from a bad config, got %d children", n)
	}
}

func TestMissingBootstrapFailsSynthNamingTheFileAndMakeBuild(t *testing.T) {
	fixtures(t)
	build := t.TempDir()
	if err := writeBootstraps(build); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(build, "notify", "bootstrap"))
	ctx := appContext()
	ctx[ctxAccountsConfig] = filepath.Join(repoRoot, exampleAccountsConfig)
	ctx[ctxLambdaBuildDir] = build
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir()), Context: &ctx})
	_, err := Build(app, repoRoot)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(build, "notify", "bootstrap")) || !strings.Contains(err.Error(), "make build") {
		t.Fatalf("want an error naming notify/bootstrap and make build, got %v", err)
	}
	if strings.Contains(err.Error(), "plan") {
		t.Errorf("only missing functions are named: %v", err)
	}
}

func TestSettingsDefaultsFromTheSeedAndTheConfig(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "config"), 0o755)
	example, err := os.ReadFile(filepath.Join(repoRoot, exampleAccountsConfig))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, exampleAccountsConfig), example, 0o644)

	s, err := LoadSettings(contextOf(nil), root)
	if err != nil {
		t.Fatal(err)
	}
	if !s.AccountsConfigFallback || s.AccountsConfig != filepath.Join(root, exampleAccountsConfig) || len(s.Warnings) != 1 ||
		!strings.Contains(s.Warnings[0], "config/accounts.json not found") {
		t.Errorf("fallback to the example: %v %q %v", s.AccountsConfigFallback, s.AccountsConfig, s.Warnings)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"externalId", s.ExternalID, "inventory-collector"},
		{"memberRoleName", s.MemberRoleName, "AWSInventoryRole"},
		{"collector role", s.CollectorRoleName(), "aws-inventory-collector"},
		{"monthlyCostThreshold", s.MonthlyCostThreshold, 10000.0},
		{"securityFindingsThreshold", s.SecurityFindingsThreshold, 10.0},
		{"runDurationAlarmMinutes", s.RunDurationAlarmMinutes, 5.0},
		{"mapMaxConcurrency", s.MapMaxConcurrency, 100},
		{"toleratedFailurePercentage", s.ToleratedFailurePercentage, 10.0},
		{"retentionDays", s.RetentionDays, 90},
		{"logRetentionDays", s.LogRetentionDays, 30},
		{"stackSetRegions", strings.Join(s.StackSetRegions, ","), "us-east-1"},
		{"stackSetCallAs", s.StackSetCallAs, "SELF"},
		{"lambdaBuildDir", s.LambdaBuildDir, filepath.Join(root, "build", "lambda")},
		{"definitionFile", s.DefinitionFile, filepath.Join(root, "statemachines", "inventory.asl.json")},
		{"collect", s.ScheduleFor("collect").Expression, "rate(12 hours)"},
		{"cost_analysis", s.ScheduleFor("cost_analysis").Expression, "cron(0 8 * * ? *)"},
		{"security_check", s.ScheduleFor("security_check").Expression, "cron(0 10 ? * MON *)"},
		{"cleanup", s.ScheduleFor("cleanup").Expression, "cron(0 6 1 * ? *)"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestSettingsAcceptCLIStringsAndJSONValues(t *testing.T) {
	s, err := LoadSettings(contextOf(map[string]any{
		ctxAccountsConfig:       exampleAccountsConfig,
		ctxStackSetTargetOUs:    `["ou-ab12-11111111", "r-ab12"]`,
		ctxStackSetRegions:      "eu-west-1, eu-central-1",
		ctxMapMaxConcurrency:    "250",
		ctxToleratedFailurePct:  2.5,
		ctxSchedules:            map[string]any{"security_check": false, "cost_analysis": "off", "collect": "cron(0 */6 * * ? *)"},
		ctxStackSetCallAs:       "delegated_admin",
		ctxMonthlyCostThreshold: "1234.5",
	}), repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.StackSetTargetOUs, ",") != "ou-ab12-11111111,r-ab12" || strings.Join(s.StackSetRegions, ",") != "eu-west-1,eu-central-1" ||
		s.MapMaxConcurrency != 250 || s.ToleratedFailurePercentage != 2.5 || s.StackSetCallAs != "DELEGATED_ADMIN" || s.MonthlyCostThreshold != 1234.5 {
		t.Errorf("parsed %+v", s)
	}
	if s.ScheduleFor("security_check").Enabled() || s.ScheduleFor("cost_analysis").Enabled() ||
		s.ScheduleFor("collect").Expression != "cron(0 */6 * * ? *)" || s.ScheduleFor("cleanup").Expression != "cron(0 6 1 * ? *)" {
		t.Errorf("schedules %+v", s.Schedules)
	}
	if collectInterval(s) != 0 {
		t.Error("a cron collect schedule has no fixed interval")
	}
}

func TestSettingsReportEveryInvalidValue(t *testing.T) {
	_, err := LoadSettings(contextOf(map[string]any{
		ctxAccountsConfig:          exampleAccountsConfig,
		ctxExternalID:              "something-else",
		ctxSchedules:               `{"collect": "every 12 hours", "backup": "rate(1 day)"}`,
		ctxMapMaxConcurrency:       0,
		ctxToleratedFailurePct:     150,
		ctxAlarmEmail:              "not-an-address",
		ctxSlackWebhookSecretArn:   "https://hooks.slack.com/services/T/B/X",
		ctxMemberOrgID:             "org-1",
		ctxStackSetTargetOUs:       "ou-bad",
		ctxLogRetentionDays:        42,
		ctxNamePrefix:              "Inventory_Prod",
		ctxRunDurationAlarmMinutes: "soon",
	}), repoRoot)
	if err == nil {
		t.Fatal("invalid settings accepted")
	}
	for _, key := range []string{ctxExternalID, ctxSchedules, `"backup"`, `every 12 hours`, ctxMapMaxConcurrency, ctxToleratedFailurePct, ctxAlarmEmail,
		ctxSlackWebhookSecretArn, ctxMemberOrgID, ctxStackSetTargetOUs, ctxLogRetentionDays, ctxNamePrefix, ctxRunDurationAlarmMinutes} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error lacks %s:\n%v", key, err)
		}
	}
	// The external ID the functions read is the config's; a different
	// context value would break every AssumeRole.
	if !strings.Contains(err.Error(), "organization.external_id") {
		t.Errorf("error does not explain the external ID conflict:\n%v", err)
	}
}

func TestBundledConfigBlanksTheWebhookURLOnly(t *testing.T) {
	out, err := bundledConfig(filepath.Join("testdata", "discovery.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "hooks.slack.com") {
		t.Error("the webhook URL is bundled")
	}
	for _, keep := range []string{"LegacyInventoryRole", "org-external-id", `"memory_mb": 1024`} {
		if !strings.Contains(string(out), keep) {
			t.Errorf("bundled config lost %s:\n%s", keep, out)
		}
	}
}

func TestStackNamesFollowThePrefix(t *testing.T) {
	c, m, s := StackNames("aws-inventory")
	if c != "AwsInventory" || m != "AwsInventoryMemberRole" || s != "AwsInventoryMemberRoleStackSet" {
		t.Errorf("%s %s %s", c, m, s)
	}
	if c, _, _ := StackNames("inv-prod2"); c != "InvProd2" {
		t.Errorf("%s", c)
	}
}
