// Package config loads config/accounts.json: the accounts to inventory, the
// resource types and regions to collect, collection settings, cost thresholds,
// notifications and optional AWS Organizations discovery.
//
// The file format is the seed's, so existing files load unchanged. Loading is
// strict: unknown keys, wrong JSON types and invalid values are all reported
// at once, each naming the file, the key path and what was expected, because
// a typo in a scheduled job's config otherwise surfaces hours later as a
// silently incomplete inventory.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
)

// DefaultRoleName is the member-account role assumed when neither the account
// nor the organization block names one (the seed's role name).
const DefaultRoleName = "AWSInventoryRole"

// ExternalIDEnv is the seed's environment variable for the sts:ExternalId
// used when assuming member roles.
const ExternalIDEnv = "EXTERNAL_ID"

// Config is the parsed configuration file.
type Config struct {
	// Accounts maps an account name (used as account_name in records) to the account.
	Accounts map[string]Account `json:"accounts"`
	// ResourceTypes holds the entries as written: seed short names (ec2, rds,
	// s3, lambda) or full type names. CollectorTypes expands them.
	ResourceTypes []string `json:"resource_types"`
	// Regions is an optional allow-list; empty means every enabled region.
	Regions            []string           `json:"regions"`
	ExcludedRegions    []string           `json:"excluded_regions"`
	CollectionSettings CollectionSettings `json:"collection_settings"`
	CostThresholds     CostThresholds     `json:"cost_thresholds"`
	Notifications      Notifications      `json:"notifications"`
	Security           Security           `json:"security"`
	// Organization is nil when the file has no organization block.
	Organization *Organization `json:"organization,omitempty"`
}

// Account is one member account listed by name.
type Account struct {
	AccountID string `json:"account_id"`
	// RoleName overrides the member role for this account; empty falls back
	// to organization.member_role_name, then DefaultRoleName.
	RoleName string `json:"role_name,omitempty"`
	// Enabled is nil when the key is absent, which means enabled: the seed
	// treated a missing "enabled" as true.
	Enabled *bool             `json:"enabled,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
}

// IsEnabled reports whether the account is collected.
func (a Account) IsEnabled() bool {
	return a.Enabled == nil || *a.Enabled
}

// Department is the account's Department tag; records fall back to it when a
// resource has no Department tag of its own.
func (a Account) Department() string {
	return a.Tags["Department"]
}

// CollectionSettings tune a collection run.
type CollectionSettings struct {
	// ParallelRegions bounds the regions collected at once within one item.
	ParallelRegions int `json:"parallel_regions"`
	// TimeoutSeconds bounds one work item; at most 900, the Lambda limit.
	TimeoutSeconds int `json:"timeout_seconds"`
	// RetryAttempts is the total number of attempts per AWS call, including the first.
	RetryAttempts int `json:"retry_attempts"`
	// BatchSize is the number of records written to the store per batch.
	BatchSize int `json:"batch_size"`
	// Concurrency bounds the work items (account × resource type) collected
	// at once by the local runner.
	Concurrency int `json:"concurrency"`
	// MemoryMB is the collector Lambda's memory. The seed's tuning example
	// sets it; zero means the deployment's own setting.
	MemoryMB int `json:"memory_mb,omitempty"`
}

// CostThresholds drive cost analysis and alerts. Money is USD per month.
type CostThresholds struct {
	ExpensiveResourceMonthly float64 `json:"expensive_resource_monthly"`
	IdleResourceDays         int     `json:"idle_resource_days"`
	StaleResourceDays        int     `json:"stale_resource_days"`
	TotalMonthlyAlert        float64 `json:"total_monthly_alert"`
	// LowCPUPercent is the average CPU below which a running resource is idle.
	LowCPUPercent float64 `json:"low_cpu_percent"`
	// RightsizeMaxCPUPercent is the peak CPU below which a resource is oversized.
	RightsizeMaxCPUPercent float64 `json:"rightsize_max_cpu_percent"`
}

// Security tunes the security checks.
type Security struct {
	// RequireKMSEncryption makes S3 buckets with only SSE-S3 default
	// encryption fail the s3-bucket-kms-encryption check.
	RequireKMSEncryption bool `json:"require_kms_encryption"`
}

// Notifications say where alerts go. Empty strings mean "not configured".
type Notifications struct {
	SNSTopicARN               string `json:"sns_topic_arn"`
	EmailOnFailure            bool   `json:"email_on_failure"`
	SlackWebhookURL           string `json:"slack_webhook_url"`
	SecurityFindingsThreshold int    `json:"security_findings_threshold"`
}

// Organization configures account discovery with AWS Organizations.
type Organization struct {
	// Discover is nil when absent: a present organization block discovers
	// accounts unless it says "discover": false.
	Discover *bool `json:"discover,omitempty"`
	// ManagementRoleARN is assumed for Organizations calls (management or
	// delegated-administrator account); empty uses the caller's credentials.
	ManagementRoleARN string `json:"management_role_arn,omitempty"`
	// IncludeOUs limits discovery to these OUs or roots (and their
	// descendants); empty means the whole organization.
	IncludeOUs []string `json:"include_ous,omitempty"`
	ExcludeOUs []string `json:"exclude_ous,omitempty"`
	// IncludeAccounts and ExcludeAccounts are 12-digit account IDs.
	IncludeAccounts []string `json:"include_accounts,omitempty"`
	ExcludeAccounts []string `json:"exclude_accounts,omitempty"`
	// MemberRoleName is the role assumed in discovered accounts; Parse sets
	// it to DefaultRoleName when the block leaves it out.
	MemberRoleName string `json:"member_role_name,omitempty"`
	// ExternalID is passed as sts:ExternalId when assuming member roles.
	ExternalID string `json:"external_id,omitempty"`
}

// DiscoveryEnabled reports whether accounts are discovered with
// Organizations. It is safe to call on a nil *Organization.
func (o *Organization) DiscoveryEnabled() bool {
	return o != nil && (o.Discover == nil || *o.Discover)
}

// NamedAccount is an account together with its name in the config.
type NamedAccount struct {
	Name string
	Account
}

// Default returns the defaults the seed used, with no accounts.
func Default() *Config {
	return &Config{
		Accounts: map[string]Account{},
		CollectionSettings: CollectionSettings{
			ParallelRegions: 10,
			TimeoutSeconds:  300,
			RetryAttempts:   3,
			BatchSize:       25,
			Concurrency:     16,
		},
		CostThresholds: CostThresholds{
			ExpensiveResourceMonthly: 100,
			IdleResourceDays:         30,
			StaleResourceDays:        90,
			TotalMonthlyAlert:        10000,
			LowCPUPercent:            5,
			RightsizeMaxCPUPercent:   40,
		},
		Notifications: Notifications{
			// Failed runs are e-mailed unless the config says otherwise: a
			// collection that silently stops is the failure users fear most.
			EmailOnFailure:            true,
			SecurityFindingsThreshold: 10,
		},
	}
}

// Load reads and parses the configuration file at path. Every error names
// the file; validation problems come back as a *ValidationError.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		// The path leads the message already; keep only the OS reason.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: cannot read config (copy config/accounts.json.example to start one): %w", path, err)
		}
		return nil, fmt.Errorf("%s: cannot read config: %w", path, err)
	}
	return Parse(path, data)
}

// Parse parses and validates a configuration file's contents. source names
// the file in messages. Keys that are absent or null take their defaults.
// On failure it returns a *ValidationError listing every problem found.
func Parse(source string, data []byte) (*Config, error) {
	if source == "" {
		source = "config"
	}
	// Editors on Windows save a byte order mark that JSON does not allow.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if line, col, msg, ok := syntaxError(data); !ok {
		// file:line:column is the form editors and terminals jump to.
		where := source
		if line > 0 {
			where = fmt.Sprintf("%s:%d:%d", source, line, col)
		}
		return nil, &ValidationError{Source: source, Problems: []string{where + ": " + msg}}
	}
	c := Default()
	d := &decoder{}
	d.config(data, c)
	if c.Organization != nil && c.Organization.MemberRoleName == "" {
		c.Organization.MemberRoleName = DefaultRoleName
	}
	problems := d.problems
	for _, p := range c.validate() {
		// A key that already failed to decode kept its default, so a value
		// check on it would only repeat the first complaint.
		if !d.failedAt(p.path) {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return nil, newValidationError(source, problems)
	}
	return c, nil
}

// Validate checks a Config built or changed in code with the same rules
// Parse applies to a file. Problems name key paths but no file.
func (c *Config) Validate() error {
	if problems := c.validate(); len(problems) > 0 {
		return newValidationError("", problems)
	}
	return nil
}

// EnabledAccounts returns the enabled accounts sorted by name.
func (c *Config) EnabledAccounts() []NamedAccount {
	var out []NamedAccount
	for name, a := range c.Accounts {
		if a.IsEnabled() {
			out = append(out, NamedAccount{Name: name, Account: a})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ExternalID returns organization.external_id, else the EXTERNAL_ID
// environment variable the seed's Lambda used. getenv is usually os.Getenv;
// nil means os.Getenv.
func (c *Config) ExternalID(getenv func(string) string) string {
	if c.Organization != nil && c.Organization.ExternalID != "" {
		return c.Organization.ExternalID
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	return getenv(ExternalIDEnv)
}

// RoleName returns the role to assume in a's account: its own role_name,
// else organization.member_role_name, else DefaultRoleName.
func (c *Config) RoleName(a Account) string {
	if a.RoleName != "" {
		return a.RoleName
	}
	if c.Organization != nil && c.Organization.MemberRoleName != "" {
		return c.Organization.MemberRoleName
	}
	return DefaultRoleName
}
