package config

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Patterns are AWS's own where AWS documents one (IAM names, ExternalId,
// Organizations IDs), so a config that passes here is not rejected by an API
// call hours into a run.
const regionPattern = `[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+`

var (
	accountIDRe = regexp.MustCompile(`^\d{12}$`)
	regionRe    = regexp.MustCompile(`^` + regionPattern + `$`)
	roleNameRe  = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	// RE2 caps repeat counts at 1000, so ExternalId's 2-1224 length is
	// checked separately.
	externalIDRe = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	ouIDRe       = regexp.MustCompile(`^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$`)
	// Partitions: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, ...
	roleARNRe = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)
	snsARNRe  = regexp.MustCompile(`^arn:aws(-[a-z]+)*:sns:` + regionPattern + `:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
)

const (
	lambdaMaxTimeoutSeconds = 900
	lambdaMinMemoryMB       = 128
	lambdaMaxMemoryMB       = 10240
)

// validator checks values; the decoder has already checked JSON types.
type validator struct {
	problems []problem
}

func (v *validator) addf(path, format string, args ...any) {
	v.problems = append(v.problems, problem{path: path, msg: fmt.Sprintf(format, args...)})
}

func (c *Config) validate() []problem {
	v := &validator{}
	v.accounts(c.Accounts)
	v.resourceTypes(c.ResourceTypes)
	v.regions(c.Regions, c.ExcludedRegions)
	v.collectionSettings(c.CollectionSettings)
	v.costThresholds(c.CostThresholds)
	v.notifications(c.Notifications)
	if c.Organization != nil {
		v.organization(*c.Organization)
	}
	v.somethingToCollect(c)
	return v.problems
}

func (v *validator) accounts(accounts map[string]Account) {
	firstByID := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(accounts)) {
		a := accounts[name]
		path := joinKey("accounts", name)
		if strings.TrimSpace(name) == "" {
			v.addf(path, `account name is empty (expected a name such as "engineering"; it becomes account_name in the inventory)`)
		}
		if v.accountID(joinKey(path, "account_id"), a.AccountID) {
			if first, dup := firstByID[a.AccountID]; dup {
				v.addf(joinKey(path, "account_id"), "%q is already listed as %s (expected each account once)", a.AccountID, first)
			} else {
				firstByID[a.AccountID] = path
			}
		}
		if a.RoleName != "" {
			v.roleName(joinKey(path, "role_name"), a.RoleName)
		}
	}
}

// accountID reports whether id is a valid account ID, recording why not.
func (v *validator) accountID(path, id string) bool {
	switch {
	case id == "":
		v.addf(path, "missing (expected a 12-digit AWS account ID)")
	case !accountIDRe.MatchString(id):
		v.addf(path, "%q is not a 12-digit AWS account ID", id)
	default:
		return true
	}
	return false
}

func (v *validator) roleName(path, name string) {
	if !roleNameRe.MatchString(name) {
		v.addf(path, "%q is not a valid IAM role name (expected 1-64 letters, digits or + = , . @ _ -)", name)
	}
}

func (v *validator) resourceTypes(names []string) {
	accepted := acceptedTypeNames()
	for i, name := range names {
		if _, ok := ExpandType(name); !ok {
			v.addf(joinIndex("resource_types", i), "%q is not a known resource type%s (expected one of: %s)",
				name, didYouMean(name, accepted), strings.Join(accepted, ", "))
		}
	}
}

func (v *validator) regions(allowed, excluded []string) {
	for _, l := range []struct {
		key     string
		regions []string
	}{{"regions", allowed}, {"excluded_regions", excluded}} {
		for i, r := range l.regions {
			if !regionRe.MatchString(r) {
				v.addf(joinIndex(l.key, i), "%q is not an AWS region name (expected a name such as us-east-1, ap-southeast-4 or us-gov-west-1)", r)
			}
		}
	}
	for i, r := range excluded {
		if slices.Contains(allowed, r) {
			v.addf(joinIndex("excluded_regions", i), "%q is also listed in regions (expected a region in regions or excluded_regions, not both)", r)
		}
	}
}

func (v *validator) atLeastOne(path string, n int) {
	if n < 1 {
		v.addf(path, "%d is not allowed (expected a whole number of at least 1; leave the key out for the default)", n)
	}
}

func (v *validator) collectionSettings(s CollectionSettings) {
	const p = "collection_settings"
	v.atLeastOne(p+".parallel_regions", s.ParallelRegions)
	v.atLeastOne(p+".timeout_seconds", s.TimeoutSeconds)
	if s.TimeoutSeconds > lambdaMaxTimeoutSeconds {
		v.addf(p+".timeout_seconds", "%d is too long (expected at most %d, the AWS Lambda timeout limit)", s.TimeoutSeconds, lambdaMaxTimeoutSeconds)
	}
	v.atLeastOne(p+".retry_attempts", s.RetryAttempts)
	v.atLeastOne(p+".batch_size", s.BatchSize)
	v.atLeastOne(p+".concurrency", s.Concurrency)
	// Zero means "not set": memory_mb is optional and has no default here.
	if s.MemoryMB != 0 && (s.MemoryMB < lambdaMinMemoryMB || s.MemoryMB > lambdaMaxMemoryMB) {
		v.addf(p+".memory_mb", "%d is out of range (expected %d-%d, the AWS Lambda memory limits)", s.MemoryMB, lambdaMinMemoryMB, lambdaMaxMemoryMB)
	}
}

func (v *validator) costThresholds(t CostThresholds) {
	const p = "cost_thresholds"
	for _, m := range []struct {
		key string
		usd float64
	}{{"expensive_resource_monthly", t.ExpensiveResourceMonthly}, {"total_monthly_alert", t.TotalMonthlyAlert}} {
		if m.usd <= 0 {
			v.addf(p+"."+m.key, "%g is not allowed (expected a USD amount above 0; leave the key out for the default)", m.usd)
		}
	}
	v.atLeastOne(p+".idle_resource_days", t.IdleResourceDays)
	v.atLeastOne(p+".stale_resource_days", t.StaleResourceDays)
	percentsOK := true
	for _, m := range []struct {
		key     string
		percent float64
	}{{"low_cpu_percent", t.LowCPUPercent}, {"rightsize_max_cpu_percent", t.RightsizeMaxCPUPercent}} {
		if m.percent <= 0 || m.percent > 100 {
			v.addf(p+"."+m.key, "%g is out of range (expected a percentage above 0 and at most 100)", m.percent)
			percentsOK = false
		}
	}
	// An instance idle by the low-CPU rule is also under the rightsizing
	// bound; the other way round, idle findings would swallow rightsizing.
	if percentsOK && t.LowCPUPercent >= t.RightsizeMaxCPUPercent {
		v.addf(p+".low_cpu_percent", "%g is not below rightsize_max_cpu_percent (%g) (expected the idle threshold below the rightsizing threshold)",
			t.LowCPUPercent, t.RightsizeMaxCPUPercent)
	}
}

func (v *validator) notifications(n Notifications) {
	const p = "notifications"
	if n.SNSTopicARN != "" && !snsARNRe.MatchString(n.SNSTopicARN) {
		v.addf(p+".sns_topic_arn", `%q is not an SNS topic ARN (expected arn:aws:sns:REGION:ACCOUNT_ID:TOPIC, or "" for none)`, n.SNSTopicARN)
	}
	if n.SlackWebhookURL != "" {
		// The URL itself is a credential, so messages never repeat it.
		u, err := url.Parse(n.SlackWebhookURL)
		switch {
		case err != nil || u.Host == "":
			v.addf(p+".slack_webhook_url", `value is not a URL (expected https://hooks.slack.com/services/..., or "" for none)`)
		case u.Scheme != "https":
			v.addf(p+".slack_webhook_url", `URL uses %q (expected an https:// URL: the webhook URL is a secret and must not travel unencrypted)`, u.Scheme)
		}
	}
	v.atLeastOne(p+".security_findings_threshold", n.SecurityFindingsThreshold)
}

func (v *validator) organization(o Organization) {
	const p = "organization"
	if o.ManagementRoleARN != "" && !roleARNRe.MatchString(o.ManagementRoleARN) {
		v.addf(p+".management_role_arn", `%q is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME, or "" to use the caller's credentials)`, o.ManagementRoleARN)
	}
	for _, l := range []struct {
		key string
		ids []string
	}{{"include_ous", o.IncludeOUs}, {"exclude_ous", o.ExcludeOUs}} {
		for i, id := range l.ids {
			if !ouIDRe.MatchString(id) {
				v.addf(joinIndex(p+"."+l.key, i), "%q is not an organizational unit or root ID (expected ou-xxxx-yyyyyyyy or r-xxxx)", id)
			}
		}
	}
	for _, l := range []struct {
		key string
		ids []string
	}{{"include_accounts", o.IncludeAccounts}, {"exclude_accounts", o.ExcludeAccounts}} {
		for i, id := range l.ids {
			v.accountID(joinIndex(p+"."+l.key, i), id)
		}
	}
	v.bothLists(p, "include_ous", o.IncludeOUs, "exclude_ous", o.ExcludeOUs)
	v.bothLists(p, "include_accounts", o.IncludeAccounts, "exclude_accounts", o.ExcludeAccounts)
	if o.MemberRoleName != "" {
		v.roleName(p+".member_role_name", o.MemberRoleName)
	}
	if n := len(o.ExternalID); n != 0 && (n < 2 || n > 1224 || !externalIDRe.MatchString(o.ExternalID)) {
		v.addf(p+".external_id", "%q is not a valid external ID (expected 2-1224 letters, digits or + = , . @ : / _ -)", o.ExternalID)
	}
}

// bothLists reports IDs that are both included and excluded: which one wins
// would be a guess.
func (v *validator) bothLists(p, includeKey string, include []string, excludeKey string, exclude []string) {
	for i, id := range exclude {
		if id != "" && slices.Contains(include, id) {
			v.addf(joinIndex(p+"."+excludeKey, i), "%q is also listed in %s (expected an ID in %s or %s, not both)", id, includeKey, includeKey, excludeKey)
		}
	}
}

// somethingToCollect rejects a config that would run and find nothing, which
// a scheduled job would otherwise report as a successful empty inventory.
func (v *validator) somethingToCollect(c *Config) {
	if len(c.EnabledAccounts()) > 0 || c.Organization.DiscoveryEnabled() {
		return
	}
	discovery := `add "organization": {"discover": true} to discover accounts with AWS Organizations`
	if c.Organization != nil {
		discovery = `set organization.discover to true to discover accounts with AWS Organizations`
	}
	if len(c.Accounts) == 0 {
		v.addf("accounts", `no accounts to inventory (expected an account such as "engineering": {"account_id": "123456789012"}, or %s)`, discovery)
		return
	}
	disabled := fmt.Sprintf("all %d accounts are disabled", len(c.Accounts))
	if len(c.Accounts) == 1 {
		disabled = "the only account is disabled"
	}
	v.addf("accounts", `%s and organization discovery is off (expected "enabled": true on at least one account, or %s)`, disabled, discovery)
}

// ValidRegion reports whether name looks like an AWS region (us-east-1,
// us-gov-west-1, …); flags use it to reject typos before a run starts.
func ValidRegion(name string) bool { return regionRe.MatchString(name) }

// ValidAccountID reports whether id is a 12-digit AWS account ID.
func ValidAccountID(id string) bool { return accountIDRe.MatchString(id) }
