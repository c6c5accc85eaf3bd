package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/config"
)

// Deployment settings come from CDK context: cdk.json's "context" block, or
// `-c key=value` on the cdk command line (which wins). Every key is optional.
// Lists accept a JSON array or a comma-separated string; numbers accept a
// JSON number or a numeric string; relative paths are resolved from the
// repository root (the directory holding cdk.json).
//
//	accountsConfig             path of the accounts config bundled into every function
//	                           (default config/accounts.json, else config/accounts.json.example
//	                           with a warning). Validated at synth: a bad file fails synth.
//	externalId                 sts:ExternalId member roles require (default: the config's
//	                           organization.external_id, else "inventory-collector", the seed's).
//	memberRoleName             role assumed in member accounts (default: the config's
//	                           organization.member_role_name, else AWSInventoryRole).
//	namePrefix                 prefix of the fixed resource names: table, state machine,
//	                           functions, collector role, schedules, dashboard (default aws-inventory).
//	schedules                  object {collect, cost_analysis, security_check, cleanup} of
//	                           EventBridge Scheduler expressions; "off" (or "", false) disables
//	                           one; keys left out keep the defaults: rate(12 hours),
//	                           cron(0 8 * * ? *), cron(0 10 ? * MON *), cron(0 6 1 * ? *).
//	scheduleTimezone           IANA time zone of the cron expressions (default UTC).
//	monthlyCostThreshold       USD; MONTHLY_COST_THRESHOLD and the cost alarm (default: the
//	                           config's cost_thresholds.total_monthly_alert).
//	securityFindingsThreshold  findings count of the findings alarm (default: the config's
//	                           notifications.security_findings_threshold).
//	runDurationAlarmMinutes    alarm when a collection run takes longer (default 5, the seed's).
//	mapMaxConcurrency          Distributed Map MaxConcurrency (default 100).
//	toleratedFailurePercentage Distributed Map ToleratedFailurePercentage (default 10).
//	alarmEmail                 optional e-mail address subscribed to the alert topic.
//	slackWebhookSecretArn      optional ARN of an existing Secrets Manager secret holding
//	                           the Slack webhook URL (the URL itself never enters the stack).
//	slackWebhookSecretKeyArn   optional ARN of the KMS key that secret is encrypted with, when
//	                           it is not the aws/secretsmanager key.
//	retentionDays              RETENTION_DAYS: days records of deleted resources are kept (default 90).
//	logRetentionDays           CloudWatch Logs retention of every log group (default 30).
//	memberOrgId                optional o-xxxxxxxxxx; member roles then also require aws:PrincipalOrgID.
//	centralAccountId           account of the central stack: default of the member role
//	                           template's MasterAccountId parameter (else pass it at deploy).
//	stackSetTargetOus          OU or root IDs the member-role StackSet deploys to.
//	stackSetRegions            regions of the StackSet instances (default us-east-1; IAM is
//	                           global, so one region is enough).
//	stackSetCallAs             SELF (management account) or DELEGATED_ADMIN (default SELF).
//	lambdaBuildDir             where `make build` put <function>/bootstrap (default build/lambda).
//	definitionFile             state machine definition (default statemachines/inventory.asl.json).

// Context keys, in the order above.
const (
	ctxAccountsConfig            = "accountsConfig"
	ctxExternalID                = "externalId"
	ctxMemberRoleName            = "memberRoleName"
	ctxNamePrefix                = "namePrefix"
	ctxSchedules                 = "schedules"
	ctxScheduleTimezone          = "scheduleTimezone"
	ctxMonthlyCostThreshold      = "monthlyCostThreshold"
	ctxSecurityFindingsThreshold = "securityFindingsThreshold"
	ctxRunDurationAlarmMinutes   = "runDurationAlarmMinutes"
	ctxMapMaxConcurrency         = "mapMaxConcurrency"
	ctxToleratedFailurePct       = "toleratedFailurePercentage"
	ctxAlarmEmail                = "alarmEmail"
	ctxSlackWebhookSecretArn     = "slackWebhookSecretArn"
	ctxSlackWebhookSecretKeyArn  = "slackWebhookSecretKeyArn"
	ctxRetentionDays             = "retentionDays"
	ctxLogRetentionDays          = "logRetentionDays"
	ctxMemberOrgID               = "memberOrgId"
	ctxCentralAccountID          = "centralAccountId"
	ctxStackSetTargetOUs         = "stackSetTargetOus"
	ctxStackSetRegions           = "stackSetRegions"
	ctxStackSetCallAs            = "stackSetCallAs"
	ctxLambdaBuildDir            = "lambdaBuildDir"
	ctxDefinitionFile            = "definitionFile"
)

const (
	defaultAccountsConfig = "config/accounts.json"
	exampleAccountsConfig = "config/accounts.json.example"
	defaultExternalID     = "inventory-collector"
	defaultNamePrefix     = "aws-inventory"
	defaultLambdaBuildDir = "build/lambda"
	defaultDefinitionFile = "statemachines/inventory.asl.json"
)

// Schedule is one EventBridge Scheduler job: it starts the state machine
// with {"action": Action}.
type Schedule struct {
	Action     string
	Expression string // empty when disabled
}

// Enabled reports whether the job is scheduled.
func (s Schedule) Enabled() bool { return s.Expression != "" }

// scheduleDefaults are the seed's four jobs, in this order.
var scheduleDefaults = []Schedule{
	{Action: "collect", Expression: "rate(12 hours)"},
	{Action: "cost_analysis", Expression: "cron(0 8 * * ? *)"},
	{Action: "security_check", Expression: "cron(0 10 ? * MON *)"},
	{Action: "cleanup", Expression: "cron(0 6 1 * ? *)"},
}

// Settings is the typed deployment configuration.
type Settings struct {
	RepoRoot string
	// AccountsConfig is the absolute path of the accounts config;
	// AccountsConfigFallback is true when it is the example file.
	AccountsConfig         string
	AccountsConfigFallback bool
	Config                 *config.Config

	ExternalID     string
	MemberRoleName string
	NamePrefix     string

	Schedules        []Schedule
	ScheduleTimezone string

	MonthlyCostThreshold       float64
	SecurityFindingsThreshold  float64
	RunDurationAlarmMinutes    float64
	MapMaxConcurrency          int
	ToleratedFailurePercentage float64

	AlarmEmail               string
	SlackWebhookSecretArn    string
	SlackWebhookSecretKeyArn string

	RetentionDays    int
	LogRetentionDays int

	MemberOrgID       string
	CentralAccountID  string
	StackSetTargetOUs []string
	StackSetRegions   []string
	StackSetCallAs    string

	LambdaBuildDir string
	DefinitionFile string

	// Warnings are reported as annotations on the central stack.
	Warnings []string
}

// Derived names. They are fixed so that member roles (trust), the state
// machine's own ARN (Distributed Map StartExecution) and operators' scripts
// can name them before the stack exists.
func (s *Settings) TableName() string         { return s.NamePrefix }
func (s *Settings) StateMachineName() string  { return s.NamePrefix }
func (s *Settings) CollectorRoleName() string { return s.NamePrefix + "-collector" }
func (s *Settings) FunctionName(dir string) string {
	return s.NamePrefix + "-" + dir
}

var (
	namePrefixRe = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)
	// RE2 caps repeat counts at 1000: ExternalId's 2-1224 length is checked apart.
	externalIDRe = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	roleNameRe   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	orgIDRe      = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	ouOrRootIDRe = regexp.MustCompile(`^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$`)
	accountIDRe  = regexp.MustCompile(`^\d{12}$`)
	regionRe     = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$`)
	emailRe      = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	// A complete secret ARN ends in the 6 characters Secrets Manager appends.
	secretArnRe   = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$`)
	kmsKeyArnRe   = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-f0-9-]+$`)
	scheduleExpRe = regexp.MustCompile(`^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$`)
)

// contextReader reads typed values from CDK context and collects problems,
// so that one synth reports every bad setting at once.
type contextReader struct {
	get      func(key string) any
	problems []string
}

func (r *contextReader) addf(key, format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf("context %q: ", key)+fmt.Sprintf(format, args...))
}

func (r *contextReader) str(key, def string) string {
	switch v := r.get(key).(type) {
	case nil:
		return def
	case string:
		return strings.TrimSpace(v)
	default:
		r.addf(key, "want a string, got %v", v)
		return def
	}
}

func (r *contextReader) number(key string, def float64) float64 {
	switch v := r.get(key).(type) {
	case nil:
		return def
	case float64:
		return v
	case int:
		return float64(v)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			r.addf(key, "want a number, got %q", v)
			return def
		}
		return f
	default:
		r.addf(key, "want a number, got %v", v)
		return def
	}
}

func (r *contextReader) integer(key string, def int) int {
	f := r.number(key, float64(def))
	if f != float64(int(f)) {
		r.addf(key, "want a whole number, got %v", f)
		return def
	}
	return int(f)
}

func (r *contextReader) list(key string, def []string) []string {
	var out []string
	switch v := r.get(key).(type) {
	case nil:
		return def
	case string:
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, "[") {
			if err := json.Unmarshal([]byte(v), &out); err != nil {
				r.addf(key, "want a JSON array of strings: %v", err)
				return def
			}
			return out
		}
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				r.addf(key, "want a list of strings, got element %v", e)
				return def
			}
			out = append(out, strings.TrimSpace(s))
		}
		return out
	default:
		r.addf(key, "want a list of strings, got %v", v)
		return def
	}
}

// schedules merges the "schedules" object over the defaults.
func (r *contextReader) schedules() []Schedule {
	out := slices.Clone(scheduleDefaults)
	raw := r.get(ctxSchedules)
	if raw == nil {
		return out
	}
	if s, ok := raw.(string); ok {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			r.addf(ctxSchedules, `want a JSON object such as {"collect": "rate(6 hours)", "cleanup": "off"}: %v`, err)
			return out
		}
		raw = m
	}
	m, ok := raw.(map[string]any)
	if !ok {
		r.addf(ctxSchedules, "want an object keyed by action, got %v", raw)
		return out
	}
	for key, v := range m {
		i := slices.IndexFunc(out, func(s Schedule) bool { return s.Action == key })
		if i < 0 {
			r.addf(ctxSchedules, "unknown job %q (want collect, cost_analysis, security_check or cleanup)", key)
			continue
		}
		switch v := v.(type) {
		case bool:
			if v {
				r.addf(ctxSchedules, "%s: true is not an expression; give one, or false/\"off\" to disable", key)
			} else {
				out[i].Expression = ""
			}
		case string:
			v = strings.TrimSpace(v)
			switch strings.ToLower(v) {
			case "", "off", "disabled", "none":
				out[i].Expression = ""
			default:
				if !scheduleExpRe.MatchString(v) {
					r.addf(ctxSchedules, "%s: %q is not an EventBridge Scheduler expression (rate(N unit), cron(6 fields) or at(...))", key, v)
					continue
				}
				out[i].Expression = v
			}
		default:
			r.addf(ctxSchedules, "%s: want an expression string, got %v", key, v)
		}
	}
	return out
}

// LoadSettings reads every setting from CDK context (get is usually the app
// node's TryGetContext), resolving relative paths from repoRoot, loads and
// validates the accounts config, and checks the values. The error lists
// every problem found.
func LoadSettings(get func(string) any, repoRoot string) (*Settings, error) {
	r := &contextReader{get: get}
	s := &Settings{RepoRoot: repoRoot}
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(repoRoot, p)
	}

	// The accounts config comes first: several defaults are read from it.
	if p := r.str(ctxAccountsConfig, ""); p != "" {
		s.AccountsConfig = abs(p)
	} else if _, err := os.Stat(abs(defaultAccountsConfig)); err == nil {
		s.AccountsConfig = abs(defaultAccountsConfig)
	} else {
		s.AccountsConfig = abs(exampleAccountsConfig)
		s.AccountsConfigFallback = true
		s.Warnings = append(s.Warnings, fmt.Sprintf(
			"%s not found: deploying the example accounts config %s. Copy it to %s and edit it, or set -c %s=PATH.",
			defaultAccountsConfig, exampleAccountsConfig, defaultAccountsConfig, ctxAccountsConfig))
	}
	cfg, err := config.Load(s.AccountsConfig)
	if err != nil {
		// The config's own message names the file, the key and what was expected.
		return nil, err
	}
	s.Config = cfg

	cfgExternalID, cfgMemberRole := "", config.DefaultRoleName
	if o := cfg.Organization; o != nil {
		cfgExternalID = o.ExternalID
		if o.MemberRoleName != "" {
			cfgMemberRole = o.MemberRoleName
		}
	}
	s.ExternalID = r.str(ctxExternalID, cmp.Or(cfgExternalID, defaultExternalID))
	if cfgExternalID != "" && s.ExternalID != cfgExternalID {
		// The functions read organization.external_id before EXTERNAL_ID, so
		// a different context value would make every AssumeRole fail.
		r.addf(ctxExternalID, "%q differs from organization.external_id %q in %s; the functions would use the config's", s.ExternalID, cfgExternalID, s.AccountsConfig)
	}
	if n := len(s.ExternalID); n < 2 || n > 1224 || !externalIDRe.MatchString(s.ExternalID) {
		r.addf(ctxExternalID, "%q is not a valid sts:ExternalId (2-1224 characters of [\\w+=,.@:/-])", s.ExternalID)
	}
	s.MemberRoleName = r.str(ctxMemberRoleName, cfgMemberRole)
	if !roleNameRe.MatchString(s.MemberRoleName) {
		r.addf(ctxMemberRoleName, "%q is not a valid IAM role name", s.MemberRoleName)
	}
	s.NamePrefix = r.str(ctxNamePrefix, defaultNamePrefix)
	if !namePrefixRe.MatchString(s.NamePrefix) {
		r.addf(ctxNamePrefix, "%q: want 2-32 lowercase letters, digits and hyphens, starting with a letter", s.NamePrefix)
	}

	s.Schedules = r.schedules()
	s.ScheduleTimezone = r.str(ctxScheduleTimezone, "UTC")

	s.MonthlyCostThreshold = r.number(ctxMonthlyCostThreshold, cfg.CostThresholds.TotalMonthlyAlert)
	if s.MonthlyCostThreshold <= 0 {
		r.addf(ctxMonthlyCostThreshold, "want a positive amount in USD, got %v", s.MonthlyCostThreshold)
	}
	s.SecurityFindingsThreshold = r.number(ctxSecurityFindingsThreshold, float64(cfg.Notifications.SecurityFindingsThreshold))
	if s.SecurityFindingsThreshold < 0 || s.SecurityFindingsThreshold != math.Trunc(s.SecurityFindingsThreshold) {
		r.addf(ctxSecurityFindingsThreshold, "want a whole number, 0 or more, got %v", s.SecurityFindingsThreshold)
	}
	s.RunDurationAlarmMinutes = r.number(ctxRunDurationAlarmMinutes, 5)
	if s.RunDurationAlarmMinutes <= 0 {
		r.addf(ctxRunDurationAlarmMinutes, "want a positive number of minutes, got %v", s.RunDurationAlarmMinutes)
	}
	s.MapMaxConcurrency = r.integer(ctxMapMaxConcurrency, 100)
	if s.MapMaxConcurrency < 1 || s.MapMaxConcurrency > 10000 {
		// 10,000 is Distributed Map's limit on parallel child executions.
		r.addf(ctxMapMaxConcurrency, "want 1-10000, got %d", s.MapMaxConcurrency)
	}
	s.ToleratedFailurePercentage = r.number(ctxToleratedFailurePct, 10)
	if s.ToleratedFailurePercentage < 0 || s.ToleratedFailurePercentage > 100 {
		r.addf(ctxToleratedFailurePct, "want 0-100, got %v", s.ToleratedFailurePercentage)
	}

	s.AlarmEmail = r.str(ctxAlarmEmail, "")
	if s.AlarmEmail != "" && !emailRe.MatchString(s.AlarmEmail) {
		r.addf(ctxAlarmEmail, "%q is not an e-mail address", s.AlarmEmail)
	}
	s.SlackWebhookSecretArn = r.str(ctxSlackWebhookSecretArn, "")
	if s.SlackWebhookSecretArn != "" && !secretArnRe.MatchString(s.SlackWebhookSecretArn) {
		r.addf(ctxSlackWebhookSecretArn, "%q is not a complete Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX, as `aws secretsmanager describe-secret` prints it)", s.SlackWebhookSecretArn)
	}
	s.SlackWebhookSecretKeyArn = r.str(ctxSlackWebhookSecretKeyArn, "")
	if s.SlackWebhookSecretKeyArn != "" && !kmsKeyArnRe.MatchString(s.SlackWebhookSecretKeyArn) {
		r.addf(ctxSlackWebhookSecretKeyArn, "%q is not a KMS key ARN", s.SlackWebhookSecretKeyArn)
	}
	if s.SlackWebhookSecretKeyArn != "" && s.SlackWebhookSecretArn == "" {
		r.addf(ctxSlackWebhookSecretKeyArn, "set only together with %s", ctxSlackWebhookSecretArn)
	}
	if cfg.Notifications.SlackWebhookURL != "" {
		s.Warnings = append(s.Warnings, fmt.Sprintf(
			"notifications.slack_webhook_url in %s is removed from the config bundled into the functions; the deployed notify function reads the webhook from the secret named by -c %s",
			filepath.Base(s.AccountsConfig), ctxSlackWebhookSecretArn))
	}

	s.RetentionDays = r.integer(ctxRetentionDays, 90)
	if s.RetentionDays < 1 {
		r.addf(ctxRetentionDays, "want 1 or more days, got %d", s.RetentionDays)
	}
	s.LogRetentionDays = r.integer(ctxLogRetentionDays, 30)
	if _, ok := logRetention[s.LogRetentionDays]; !ok {
		choices := slices.Sorted(maps.Keys(logRetention))
		r.addf(ctxLogRetentionDays, "CloudWatch Logs accepts %v, got %d", choices, s.LogRetentionDays)
	}

	s.MemberOrgID = r.str(ctxMemberOrgID, "")
	if s.MemberOrgID != "" && !orgIDRe.MatchString(s.MemberOrgID) {
		r.addf(ctxMemberOrgID, "%q is not an organization ID (o-...)", s.MemberOrgID)
	}
	s.CentralAccountID = r.str(ctxCentralAccountID, "")
	if s.CentralAccountID != "" && !accountIDRe.MatchString(s.CentralAccountID) {
		r.addf(ctxCentralAccountID, "%q is not a 12-digit account ID", s.CentralAccountID)
	}
	s.StackSetTargetOUs = r.list(ctxStackSetTargetOUs, nil)
	for _, ou := range s.StackSetTargetOUs {
		if !ouOrRootIDRe.MatchString(ou) {
			r.addf(ctxStackSetTargetOUs, "%q is not an OU ID (ou-...) or root ID (r-...)", ou)
		}
	}
	s.StackSetRegions = r.list(ctxStackSetRegions, []string{"us-east-1"})
	if len(s.StackSetRegions) == 0 {
		r.addf(ctxStackSetRegions, "want at least one region")
	}
	for _, reg := range s.StackSetRegions {
		if !regionRe.MatchString(reg) {
			r.addf(ctxStackSetRegions, "%q is not a region name", reg)
		}
	}
	s.StackSetCallAs = strings.ToUpper(r.str(ctxStackSetCallAs, "SELF"))
	if s.StackSetCallAs != "SELF" && s.StackSetCallAs != "DELEGATED_ADMIN" {
		r.addf(ctxStackSetCallAs, "want SELF or DELEGATED_ADMIN, got %q", s.StackSetCallAs)
	}

	s.LambdaBuildDir = abs(r.str(ctxLambdaBuildDir, defaultLambdaBuildDir))
	s.DefinitionFile = abs(r.str(ctxDefinitionFile, defaultDefinitionFile))

	if len(r.problems) > 0 {
		return nil, errors.New("invalid settings:\n  " + strings.Join(r.problems, "\n  "))
	}
	return s, nil
}

// ScheduleFor returns the job for action.
func (s *Settings) ScheduleFor(action string) Schedule {
	for _, j := range s.Schedules {
		if j.Action == action {
			return j
		}
	}
	return Schedule{Action: action}
}

// FindRepoRoot walks up from dir to the directory holding cdk.json, so that
// the app and its tests (run from infra/) resolve paths the same way.
func FindRepoRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "cdk.json")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}
