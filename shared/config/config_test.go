package config

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

const source = "config/accounts.json"

// withAccount wraps top-level members in a config that is otherwise valid,
// so each rejection case shows exactly one problem.
func withAccount(members string) string {
	doc := `{"accounts": {"engineering": {"account_id": "123456789012"}}`
	if members != "" {
		doc += ", " + members
	}
	return doc + "}"
}

func problems(t *testing.T, err error) []string {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *ValidationError", err, err)
	}
	if got, want := err.Error(), strings.Join(ve.Problems, "\n"); got != want {
		t.Errorf("Error() = %q, want the problems one per line %q", got, want)
	}
	if n := len(ve.Unwrap()); n != len(ve.Problems) {
		t.Errorf("Unwrap() returned %d errors for %d problems", n, len(ve.Problems))
	}
	return ve.Problems
}

func TestExampleFileLoads(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", "config", "accounts.json.example"))
	if err != nil {
		t.Fatalf("Load example: %v", err)
	}
	accounts := c.EnabledAccounts()
	if len(accounts) != 2 || accounts[0].Name != "engineering" || accounts[1].Name != "marketing" {
		t.Fatalf("EnabledAccounts = %+v, want engineering and marketing", accounts)
	}
	if got := accounts[1].Department(); got != "Marketing" {
		t.Errorf("marketing Department() = %q, want Marketing", got)
	}
	if got := c.CollectorTypes(); !slices.Equal(got, KnownTypes()) {
		t.Errorf("CollectorTypes = %v, want every known type", got)
	}
	if c.Organization == nil || c.Organization.DiscoveryEnabled() {
		t.Errorf("Organization = %+v, want a block with discovery off", c.Organization)
	}
	if got := c.ExternalID(func(string) string { return "from-env" }); got != "inventory-collector" {
		t.Errorf("ExternalID = %q, want the file's inventory-collector", got)
	}
}

func TestSeedExamplesLoadUnchanged(t *testing.T) {
	tests := []struct {
		file       string
		accounts   []string
		batchSize  int
		totalAlert float64
	}{
		{"seed_quickstart.json", []string{"engineering", "marketing"}, 25, 10000},
		{"seed_structure.json", []string{"account_name"}, 25, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := Load(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var names []string
			for _, a := range c.EnabledAccounts() {
				names = append(names, a.Name)
			}
			if !slices.Equal(names, tt.accounts) {
				t.Errorf("enabled accounts = %v, want %v", names, tt.accounts)
			}
			if c.CollectionSettings.BatchSize != tt.batchSize || c.CostThresholds.TotalMonthlyAlert != tt.totalAlert {
				t.Errorf("batch_size %d, total_monthly_alert %g; want %d, %g",
					c.CollectionSettings.BatchSize, c.CostThresholds.TotalMonthlyAlert, tt.batchSize, tt.totalAlert)
			}
			if got := c.RoleName(c.Accounts[tt.accounts[0]]); got != "AWSInventoryRole" {
				t.Errorf("RoleName = %q, want AWSInventoryRole", got)
			}
		})
	}
}

// The seed's tuning snippet is JSON with shell-style comments; the loader
// must point at the first one rather than fail vaguely.
func TestSeedTuningSnippetIsRejectedAtItsComment(t *testing.T) {
	path := filepath.Join("testdata", "seed_tuning.json")
	_, err := Load(path)
	got := problems(t, err)
	want := path + ":3:37: invalid JSON: invalid character '#' looking for beginning of object key string (JSON has no comments)"
	if len(got) != 1 || got[0] != want {
		t.Errorf("problems = %q, want [%q]", got, want)
	}
}

func TestTuningSettingsAreAccepted(t *testing.T) {
	c, err := Parse(source, []byte(withAccount(`"collection_settings": {"parallel_regions": 20, "batch_size": 50, "timeout_seconds": 600, "memory_mb": 1024}`)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := CollectionSettings{ParallelRegions: 20, TimeoutSeconds: 600, RetryAttempts: 3, BatchSize: 50, Concurrency: 16, MemoryMB: 1024}
	if c.CollectionSettings != want {
		t.Errorf("CollectionSettings = %+v, want %+v", c.CollectionSettings, want)
	}
}

func TestAbsentAndNullKeysTakeDefaults(t *testing.T) {
	for name, doc := range map[string]string{
		"absent": withAccount(""),
		"null": withAccount(`"resource_types": null, "regions": null, "collection_settings": {"timeout_seconds": null},
			"cost_thresholds": null, "notifications": {"sns_topic_arn": null}, "organization": null`),
	} {
		t.Run(name, func(t *testing.T) {
			c, err := Parse(source, []byte(doc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := Default()
			want.Accounts["engineering"] = Account{AccountID: "123456789012"}
			if !reflect.DeepEqual(c, want) {
				t.Errorf("Parse = %+v\nwant      %+v", c, want)
			}
		})
	}
}

func TestDefaultsAreTheSeeds(t *testing.T) {
	d := Default()
	if len(d.Accounts) != 0 || d.Organization != nil {
		t.Errorf("Default has accounts %v, organization %v; want none", d.Accounts, d.Organization)
	}
	wantSettings := CollectionSettings{ParallelRegions: 10, TimeoutSeconds: 300, RetryAttempts: 3, BatchSize: 25, Concurrency: 16}
	wantCosts := CostThresholds{ExpensiveResourceMonthly: 100, IdleResourceDays: 30, StaleResourceDays: 90,
		TotalMonthlyAlert: 10000, LowCPUPercent: 5, RightsizeMaxCPUPercent: 40}
	if d.CollectionSettings != wantSettings || d.CostThresholds != wantCosts || d.Notifications.SecurityFindingsThreshold != 10 {
		t.Errorf("Default = %+v", d)
	}
}

func TestValidValuesAreAccepted(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"partition regions", withAccount(`"regions": ["us-east-1", "ap-southeast-4", "us-gov-west-1", "cn-north-1", "eu-central-2", "us-iso-east-1", "us-isob-east-1"]`)},
		{"full and short type names mixed", withAccount(`"resource_types": ["ec2", "ec2_instance", "rds_cluster", "lambda"]`)},
		{"fifo topic in China", withAccount(`"notifications": {"sns_topic_arn": "arn:aws-cn:sns:cn-north-1:123456789012:alerts.fifo"}`)},
		{"slack webhook", withAccount(`"notifications": {"slack_webhook_url": "https://hooks.slack.com/services/T0/B0/x"}`)},
		{"discovery only", `{"organization": {"management_role_arn": "arn:aws:iam::111111111111:role/ops/OrgReader",
			"include_ous": ["r-ab12", "ou-ab12-abcdefgh"], "exclude_accounts": ["222222222222"], "external_id": "org:inventory/1"}}`},
		{"non-identifier account name", `{"accounts": {"dev team.eu": {"account_id": "123456789012", "tags": {"Cost Center": "1"}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(source, []byte(tt.doc)); err != nil {
				t.Errorf("Parse rejected a valid config:\n%v", err)
			}
		})
	}
}

func TestInvalidConfigsAreRejectedWithFileKeyAndExpectation(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		path string // key path the problem must name ("" for the document)
		want string // the expectation the message must state
	}{
		// Syntax.
		{"trailing comma", "{\n  \"accounts\": {},\n}", "", "3:1: invalid JSON: invalid character '}' looking for beginning of object key string (JSON allows no comma after the last item)"},
		{"truncated", `{"accounts": {`, "", "1:15: invalid JSON: unexpected end of JSON input"},
		{"empty file", " \n", "", "file is empty (expected a JSON object"},
		{"not an object", `["engineering"]`, "", "expected a JSON object, got an array"},

		// Unknown and duplicate keys, at every level.
		{"unknown top-level key", `{"account": {}}`, "account", `unknown key, did you mean "accounts"? (expected one of: accounts, resource_types, regions, excluded_regions, collection_settings, cost_thresholds, notifications, security, organization)`},
		{"unknown setting", withAccount(`"collection_settings": {"parallel_regionz": 4}`), "collection_settings.parallel_regionz", `unknown key, did you mean "parallel_regions"? (expected one of: parallel_regions, timeout_seconds, retry_attempts, batch_size, concurrency, memory_mb)`},
		{"unknown account key", `{"accounts": {"engineering": {"account_id": "123456789012", "region": "us-east-1"}}}`, "accounts.engineering.region", "unknown key (expected one of: account_id, role_name, enabled, tags)"},
		{"unknown threshold", withAccount(`"cost_thresholds": {"idle_days": 3}`), "cost_thresholds.idle_days", "unknown key (expected one of: expensive_resource_monthly, idle_resource_days"},
		{"unknown notification", withAccount(`"notifications": {"email": "a@b.c"}`), "notifications.email", "unknown key (expected one of: sns_topic_arn, email_on_failure, slack_webhook_url, security_findings_threshold)"},
		{"unknown organization key", `{"organization": {"discovery": true}}`, "organization.discovery", `unknown key, did you mean "discover"?`},
		{"duplicate key", `{"accounts": {"engineering": {"account_id": "123456789012"}, "engineering": {"account_id": "234567890123"}}}`, "accounts.engineering", "duplicate key (expected each key once"},

		// Wrong JSON types.
		{"account ID as a number", `{"accounts": {"engineering": {"account_id": 123456789012}}}`, "accounts.engineering.account_id", `expected a 12-digit account ID in quotes, such as "012345678901", got the number 123456789012`},
		{"enabled as a string", `{"accounts": {"engineering": {"account_id": "123456789012", "enabled": "yes"}}}`, "accounts.engineering.enabled", `expected true or false, got the string "yes"`},
		{"tag value as a number", `{"accounts": {"engineering": {"account_id": "123456789012", "tags": {"CostCenter": 1001}}}}`, "accounts.engineering.tags.CostCenter", "expected a string tag value, got the number 1001"},
		{"account as a string", `{"accounts": {"engineering": "123456789012"}}`, "accounts.engineering", `expected an account object, such as {"account_id": "123456789012"}, got the string "123456789012"`},
		{"accounts as an array", `{"accounts": ["123456789012"]}`, "accounts", "expected an object of named accounts"},
		{"resource_types as a string", withAccount(`"resource_types": "ec2"`), "resource_types", `expected an array of resource type names, got the string "ec2"`},
		{"resource type as a number", withAccount(`"resource_types": ["ec2", 3]`), "resource_types[1]", "expected a string, got the number 3"},
		{"timeout as a string", withAccount(`"collection_settings": {"timeout_seconds": "300"}`), "collection_settings.timeout_seconds", `expected a whole number, got the string "300"`},
		{"fractional count", withAccount(`"collection_settings": {"parallel_regions": 2.5}`), "collection_settings.parallel_regions", "expected a whole number, got the number 2.5"},
		{"percent as a string", withAccount(`"cost_thresholds": {"low_cpu_percent": "5%"}`), "cost_thresholds.low_cpu_percent", `expected a number, got the string "5%"`},
		{"email_on_failure as a number", withAccount(`"notifications": {"email_on_failure": 1}`), "notifications.email_on_failure", "expected true or false, got the number 1"},
		{"include_ous as a string", `{"organization": {"include_ous": "ou-ab12-abcdefgh"}}`, "organization.include_ous", "expected an array of OU or root IDs"},

		// Accounts.
		{"short account ID", `{"accounts": {"engineering": {"account_id": "12345"}}}`, "accounts.engineering.account_id", `"12345" is not a 12-digit AWS account ID`},
		{"missing account ID", `{"accounts": {"engineering": {"enabled": true}}}`, "accounts.engineering.account_id", "missing (expected a 12-digit AWS account ID)"},
		{"same account twice", `{"accounts": {"engineering": {"account_id": "123456789012"}, "platform": {"account_id": "123456789012"}}}`, "accounts.platform.account_id", `"123456789012" is already listed as accounts.engineering (expected each account once)`},
		{"empty account name", `{"accounts": {"": {"account_id": "123456789012"}, "b": {"account_id": "234567890123"}}}`, `accounts[""]`, `account name is empty (expected a name such as "engineering"`},
		{"bad role name", `{"accounts": {"engineering": {"account_id": "123456789012", "role_name": "Inventory Role"}}}`, "accounts.engineering.role_name", `"Inventory Role" is not a valid IAM role name (expected 1-64 letters, digits or + = , . @ _ -)`},
		{"no accounts", `{"accounts": {}}`, "accounts", `no accounts to inventory (expected an account such as "engineering": {"account_id": "123456789012"}, or add "organization": {"discover": true}`},
		{"every account disabled", `{"accounts": {"engineering": {"account_id": "123456789012", "enabled": false}}}`, "accounts", `the only account is disabled and organization discovery is off (expected "enabled": true on at least one account`},
		{"discovery off and no accounts", `{"organization": {"discover": false}}`, "accounts", "set organization.discover to true"},

		// Resource types and regions.
		{"unknown resource type", withAccount(`"resource_types": ["ec2", "ec3"]`), "resource_types[1]", `"ec3" is not a known resource type, did you mean "ec2"? (expected one of: ec2, rds, s3, lambda, iam, cloudtrail, guardduty, ec2_instance, ebs_volume, elastic_ip, security_group, rds_instance, rds_cluster, s3_bucket, lambda_function, ebs_snapshot, ebs_default_encryption, rds_snapshot, s3_account_public_access_block, iam_account, iam_user, cloudtrail_trail, guardduty_detector)`},
		{"region without dash", withAccount(`"regions": ["us-east1"]`), "regions[0]", `"us-east1" is not an AWS region name (expected a name such as us-east-1`},
		{"upper-case region", withAccount(`"excluded_regions": ["EU-WEST-1"]`), "excluded_regions[0]", `"EU-WEST-1" is not an AWS region name`},
		{"region allowed and excluded", withAccount(`"regions": ["us-east-1", "eu-west-1"], "excluded_regions": ["eu-west-1"]`), "excluded_regions[0]", `"eu-west-1" is also listed in regions (expected a region in regions or excluded_regions, not both)`},

		// Settings that must be positive: an explicit zero is an error.
		{"zero parallel regions", withAccount(`"collection_settings": {"parallel_regions": 0}`), "collection_settings.parallel_regions", "0 is not allowed (expected a whole number of at least 1; leave the key out for the default)"},
		{"negative retries", withAccount(`"collection_settings": {"retry_attempts": -1}`), "collection_settings.retry_attempts", "-1 is not allowed (expected a whole number of at least 1"},
		{"zero concurrency", withAccount(`"collection_settings": {"concurrency": 0}`), "collection_settings.concurrency", "0 is not allowed"},
		{"zero memory", withAccount(`"collection_settings": {"memory_mb": 0}`), "collection_settings.memory_mb", "0 is not allowed"},
		{"timeout above Lambda's", withAccount(`"collection_settings": {"timeout_seconds": 901}`), "collection_settings.timeout_seconds", "901 is too long (expected at most 900, the AWS Lambda timeout limit)"},
		{"memory below Lambda's", withAccount(`"collection_settings": {"memory_mb": 64}`), "collection_settings.memory_mb", "64 is out of range (expected 128-10240, the AWS Lambda memory limits)"},
		{"zero idle days", withAccount(`"cost_thresholds": {"idle_resource_days": 0}`), "cost_thresholds.idle_resource_days", "0 is not allowed"},
		{"zero expensive threshold", withAccount(`"cost_thresholds": {"expensive_resource_monthly": 0}`), "cost_thresholds.expensive_resource_monthly", "0 is not allowed (expected a USD amount above 0"},
		{"negative monthly alert", withAccount(`"cost_thresholds": {"total_monthly_alert": -5}`), "cost_thresholds.total_monthly_alert", "-5 is not allowed (expected a USD amount above 0"},
		{"percent above 100", withAccount(`"cost_thresholds": {"rightsize_max_cpu_percent": 150}`), "cost_thresholds.rightsize_max_cpu_percent", "150 is out of range (expected a percentage above 0 and at most 100)"},
		{"idle threshold above rightsizing", withAccount(`"cost_thresholds": {"low_cpu_percent": 50}`), "cost_thresholds.low_cpu_percent", "50 is not below rightsize_max_cpu_percent (40)"},
		{"zero findings threshold", withAccount(`"notifications": {"security_findings_threshold": 0}`), "notifications.security_findings_threshold", "0 is not allowed"},

		// Notifications.
		{"queue instead of topic", withAccount(`"notifications": {"sns_topic_arn": "arn:aws:sqs:us-east-1:123456789012:alerts"}`), "notifications.sns_topic_arn", `"arn:aws:sqs:us-east-1:123456789012:alerts" is not an SNS topic ARN (expected arn:aws:sns:REGION:ACCOUNT_ID:TOPIC, or "" for none)`},
		{"plain-http webhook", withAccount(`"notifications": {"slack_webhook_url": "http://hooks.slack.com/services/T0/B0/XYZTOKEN"}`), "notifications.slack_webhook_url", `URL uses "http" (expected an https:// URL`},
		{"webhook that is not a URL", withAccount(`"notifications": {"slack_webhook_url": "hooks.slack.com/services/T0/B0/XYZTOKEN"}`), "notifications.slack_webhook_url", "value is not a URL (expected https://"},

		// Organization.
		{"user ARN as management role", `{"organization": {"management_role_arn": "arn:aws:iam::123456789012:user/bob"}}`, "organization.management_role_arn", `is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME, or "" to use the caller's credentials)`},
		{"bad OU ID", `{"organization": {"include_ous": ["ou-123"]}}`, "organization.include_ous[0]", `"ou-123" is not an organizational unit or root ID (expected ou-xxxx-yyyyyyyy or r-xxxx)`},
		{"OU included and excluded", `{"organization": {"include_ous": ["ou-ab12-abcdefgh"], "exclude_ous": ["ou-ab12-abcdefgh"]}}`, "organization.exclude_ous[0]", `"ou-ab12-abcdefgh" is also listed in include_ous (expected an ID in include_ous or exclude_ous, not both)`},
		{"short excluded account", `{"organization": {"exclude_accounts": ["123"]}}`, "organization.exclude_accounts[0]", `"123" is not a 12-digit AWS account ID`},
		{"account included and excluded", `{"organization": {"include_accounts": ["123456789012"], "exclude_accounts": ["123456789012"]}}`, "organization.exclude_accounts[0]", "is also listed in include_accounts"},
		{"member role name too long", `{"organization": {"member_role_name": "` + strings.Repeat("r", 65) + `"}}`, "organization.member_role_name", "is not a valid IAM role name (expected 1-64 letters"},
		{"one-character external ID", `{"organization": {"external_id": "x"}}`, "organization.external_id", `"x" is not a valid external ID (expected 2-1224 letters, digits or + = , . @ : / _ -)`},
		{"external ID with a space", `{"organization": {"external_id": "inventory collector"}}`, "organization.external_id", "is not a valid external ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(source, []byte(tt.doc))
			if c != nil {
				t.Errorf("Parse returned a config with an error")
			}
			got := problems(t, err)
			if len(got) != 1 {
				t.Fatalf("got %d problems, want exactly 1:\n%s", len(got), strings.Join(got, "\n"))
			}
			prefix := source + ": "
			if strings.Contains(tt.want, "invalid JSON") {
				prefix = source + ":" // file:line:column
			} else if tt.path != "" {
				prefix += tt.path + ": "
			}
			if !strings.HasPrefix(got[0], prefix) || !strings.Contains(got[0], tt.want) {
				t.Errorf("problem = %q\nwant prefix %q and %q", got[0], prefix, tt.want)
			}
			if strings.Contains(got[0], "XYZTOKEN") {
				t.Errorf("problem %q repeats the webhook URL, a credential", got[0])
			}
		})
	}
}

func TestEveryProblemIsReportedInOnePass(t *testing.T) {
	path := filepath.Join("testdata", "many_problems.json")
	_, err := Load(path)
	got := problems(t, err)
	want := []string{
		path + `: accounts.engineering.account_id: "12345" is not a 12-digit AWS account ID`,
		path + `: accounts.marketing.enabled: expected true or false`,
		path + `: resource_types[2]: "ec3" is not a known resource type`,
		path + `: excluded_regions[0]: "ap-south2" is not an AWS region name`,
		path + `: collection_settings.parallel_regionz: unknown key, did you mean "parallel_regions"?`,
		path + `: collection_settings.timeout_seconds: 1200 is too long`,
		path + `: cost_thresholds.idle_resource_days: 0 is not allowed`,
		path + `: notifications.sns_topic_arn: "topic" is not an SNS topic ARN`,
		path + `: organization.exclude_ous[0]: "ou-1" is not an organizational unit or root ID`,
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("missing problem %q", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
}

func TestMissingFileNamesTheFileAndTheExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "accounts.json")
	_, err := Load(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, path+": ") || !strings.Contains(msg, "accounts.json.example") {
		t.Errorf("error %q does not name the file and the example to copy", msg)
	}
}

func TestByteOrderMarkIsIgnored(t *testing.T) {
	if _, err := Parse(source, append([]byte("\xef\xbb\xbf"), withAccount("")...)); err != nil {
		t.Errorf("Parse with a BOM: %v", err)
	}
}

func TestExpandType(t *testing.T) {
	tests := []struct {
		name string
		want []string
		ok   bool
	}{
		{"ec2", []string{inventory.EC2Instance, inventory.EBSVolume, inventory.ElasticIP, inventory.SecurityGroup,
			inventory.EBSSnapshot, inventory.EBSDefaultEncryption}, true},
		{"rds", []string{inventory.RDSInstance, inventory.RDSCluster, inventory.RDSSnapshot}, true},
		{"s3", []string{inventory.S3Bucket, inventory.S3AccountPublicAccessBlock}, true},
		{"iam", []string{inventory.IAMAccount, inventory.IAMUser}, true},
		{"lambda", []string{inventory.LambdaFunction}, true},
		{"ebs_volume", []string{inventory.EBSVolume}, true},
		{"EC2", nil, false},
		{"dynamodb", nil, false},
	}
	for _, tt := range tests {
		got, ok := ExpandType(tt.name)
		if ok != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("ExpandType(%q) = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCollectorTypesExpandDeduplicateAndKeepCanonicalOrder(t *testing.T) {
	tests := []struct {
		types []string
		want  []string
	}{
		{nil, KnownTypes()},
		{[]string{}, KnownTypes()},
		{[]string{"lambda", "s3_bucket", "rds"}, []string{inventory.RDSInstance, inventory.RDSCluster, inventory.S3Bucket, inventory.LambdaFunction, inventory.RDSSnapshot}},
		{[]string{"ebs_volume", "ec2", "ec2_instance"}, []string{inventory.EC2Instance, inventory.EBSVolume, inventory.ElasticIP, inventory.SecurityGroup,
			inventory.EBSSnapshot, inventory.EBSDefaultEncryption}},
	}
	for _, tt := range tests {
		c := &Config{ResourceTypes: tt.types}
		if got := c.CollectorTypes(); !slices.Equal(got, tt.want) {
			t.Errorf("CollectorTypes(%v) = %v, want %v", tt.types, got, tt.want)
		}
	}
}

func TestKnownTypesIsACopy(t *testing.T) {
	KnownTypes()[0] = "mutated"
	if KnownTypes()[0] != inventory.EC2Instance {
		t.Error("changing KnownTypes' result changed the package's list")
	}
}

func TestExternalIDFallsBackToTheEnvironment(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == ExternalIDEnv {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name string
		org  *Organization
		env  string
		want string
	}{
		{"file wins", &Organization{ExternalID: "from-file"}, "from-env", "from-file"},
		{"empty in file", &Organization{}, "from-env", "from-env"},
		{"no organization block", nil, "from-env", "from-env"},
		{"neither", nil, "", ""},
	}
	for _, tt := range tests {
		c := &Config{Organization: tt.org}
		if got := c.ExternalID(env(tt.env)); got != tt.want {
			t.Errorf("%s: ExternalID = %q, want %q", tt.name, got, tt.want)
		}
	}
	t.Run("nil getenv reads the process environment", func(t *testing.T) {
		t.Setenv(ExternalIDEnv, "process-env")
		if got := (&Config{}).ExternalID(nil); got != "process-env" {
			t.Errorf("ExternalID(nil) = %q, want process-env", got)
		}
	})
}

func TestRoleNamePrecedence(t *testing.T) {
	tests := []struct {
		name    string
		account Account
		org     *Organization
		want    string
	}{
		{"account's own", Account{RoleName: "Own"}, &Organization{MemberRoleName: "Member"}, "Own"},
		{"organization's member role", Account{}, &Organization{MemberRoleName: "Member"}, "Member"},
		{"default", Account{}, nil, DefaultRoleName},
	}
	for _, tt := range tests {
		c := &Config{Organization: tt.org}
		if got := c.RoleName(tt.account); got != tt.want {
			t.Errorf("%s: RoleName = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestOrganizationBlockDefaults(t *testing.T) {
	c, err := Parse(source, []byte(`{"organization": {}}`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !c.Organization.DiscoveryEnabled() {
		t.Error("an organization block without discover should discover accounts")
	}
	if c.Organization.MemberRoleName != DefaultRoleName {
		t.Errorf("member_role_name = %q, want %q", c.Organization.MemberRoleName, DefaultRoleName)
	}
	var none *Organization
	if none.DiscoveryEnabled() {
		t.Error("a nil organization should not discover")
	}
}

func TestEnabledAccountsAreSortedAndSkipDisabled(t *testing.T) {
	c, err := Parse(source, []byte(`{"accounts": {
		"zeta": {"account_id": "333333333333"},
		"alpha": {"account_id": "111111111111", "tags": {"Department": "Finance"}},
		"off": {"account_id": "222222222222", "enabled": false}}}`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	got := c.EnabledAccounts()
	if len(got) != 2 || got[0].Name != "alpha" || got[1].Name != "zeta" {
		t.Fatalf("EnabledAccounts = %+v, want alpha, zeta", got)
	}
	if got[0].Department() != "Finance" || got[1].Department() != "" {
		t.Errorf("Departments = %q, %q; want Finance and empty", got[0].Department(), got[1].Department())
	}
}

// Marshalling a Config must give a file Parse accepts and reads back the
// same, which keeps the struct tags and the accepted keys in step.
func TestMarshalledConfigParsesBackUnchanged(t *testing.T) {
	yes := true
	c := Default()
	c.Accounts["engineering"] = Account{AccountID: "123456789012", RoleName: "Reader", Enabled: &yes, Tags: map[string]string{"Department": "Eng"}}
	c.ResourceTypes = []string{"ec2", "s3_bucket"}
	c.Regions = []string{"us-east-1"}
	c.ExcludedRegions = []string{"eu-west-1"}
	c.CollectionSettings.MemoryMB = 512
	c.Notifications = Notifications{SNSTopicARN: "arn:aws:sns:us-east-1:123456789012:t", EmailOnFailure: true,
		SlackWebhookURL: "https://hooks.slack.com/x", SecurityFindingsThreshold: 3}
	c.Organization = &Organization{Discover: &yes, ManagementRoleARN: "arn:aws:iam::123456789012:role/Org",
		IncludeOUs: []string{"r-ab12"}, ExcludeOUs: []string{"ou-ab12-abcdefgh"}, IncludeAccounts: []string{"111111111111"},
		ExcludeAccounts: []string{"222222222222"}, MemberRoleName: "Member", ExternalID: "ext-id"}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(source, data)
	if err != nil {
		t.Fatalf("Parse(Marshal(c)): %v\n%s", err, data)
	}
	if !reflect.DeepEqual(back, c) {
		t.Errorf("round trip changed the config:\n got %+v\nwant %+v", back, c)
	}
}

func TestValidateChecksConfigsBuiltInCode(t *testing.T) {
	c := Default()
	c.Accounts["demo"] = Account{AccountID: "42"}
	err := c.Validate()
	got := problems(t, err)
	want := `accounts.demo.account_id: "42" is not a 12-digit AWS account ID`
	if len(got) != 1 || got[0] != want {
		t.Errorf("Validate = %q, want [%q]", got, want)
	}
	c.Accounts["demo"] = Account{AccountID: "123456789012"}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate of a valid config: %v", err)
	}
}

func TestRunFailuresAreEmailedUnlessTurnedOff(t *testing.T) {
	if !Default().Notifications.EmailOnFailure {
		t.Fatal("a config without notifications.email_on_failure must e-mail failed runs")
	}
}

func TestSecurityBlockRequiresKMS(t *testing.T) {
	path := filepath.Join(t.TempDir(), "accounts.json")
	os.WriteFile(path, []byte(`{"accounts": {"a": {"account_id": "123456789012"}}, "security": {"require_kms_encryption": true}}`), 0o644)
	c, err := Load(path)
	if err != nil || !c.Security.RequireKMSEncryption {
		t.Fatalf("security.require_kms_encryption: %+v, %v", c.Security, err)
	}
	os.WriteFile(path, []byte(`{"accounts": {"a": {"account_id": "123456789012"}}, "security": {"require_kms": true}}`), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "security.require_kms") {
		t.Fatalf("unknown key in security: err = %v, want it named", err)
	}
}
