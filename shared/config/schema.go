package config

import (
	"encoding/json"
)

// This file maps the file's keys onto Config. It only decodes: JSON types,
// unknown and duplicate keys. What values are allowed is validate.go's job,
// so configs built in code get the same checks.

func (d *decoder) config(data []byte, c *Config) {
	d.object("", data, "a JSON object", []field{
		{"accounts", func(p string, v json.RawMessage) { d.accounts(p, v, c) }},
		{"resource_types", func(p string, v json.RawMessage) {
			c.ResourceTypes = d.stringList(p, v, "resource type names")
		}},
		{"regions", func(p string, v json.RawMessage) {
			c.Regions = d.stringList(p, v, "region names")
		}},
		{"excluded_regions", func(p string, v json.RawMessage) {
			c.ExcludedRegions = d.stringList(p, v, "region names")
		}},
		{"collection_settings", func(p string, v json.RawMessage) { d.collectionSettings(p, v, &c.CollectionSettings) }},
		{"cost_thresholds", func(p string, v json.RawMessage) { d.costThresholds(p, v, &c.CostThresholds) }},
		{"notifications", func(p string, v json.RawMessage) { d.notifications(p, v, &c.Notifications) }},
		{"security", func(p string, v json.RawMessage) {
			d.object(p, v, "an object", []field{
				{"require_kms_encryption", func(p string, v json.RawMessage) {
					c.Security.RequireKMSEncryption, _ = d.boolean(p, v)
				}},
			})
		}},
		{"organization", func(p string, v json.RawMessage) {
			// Kept even when malformed, so a config relying on discovery
			// is not also told it has no accounts.
			c.Organization = &Organization{}
			d.organization(p, v, c.Organization)
		}},
	})

	// An unknown top-level key is most likely a misspelt accounts or
	// organization; claiming there is nothing to collect as well would send
	// the user after the wrong problem.
	if d.unknownTopLevel {
		d.failed = append(d.failed, "accounts")
	}
}

func (d *decoder) accounts(path string, raw json.RawMessage, c *Config) {
	members, _ := d.members(path, raw, `an object of named accounts, such as {"engineering": {"account_id": "123456789012"}}`)
	for _, m := range members {
		var a Account
		// An account that is not an object is still listed, so that it is
		// not also reported as "no enabled accounts"; its own problem is
		// already recorded and the config is rejected anyway.
		d.account(joinKey(path, m.key), m.value, &a)
		c.Accounts[m.key] = a
	}
}

func (d *decoder) account(path string, raw json.RawMessage, a *Account) {
	d.object(path, raw, `an account object, such as {"account_id": "123456789012"}`, []field{
		{"account_id", func(p string, v json.RawMessage) {
			a.AccountID, _ = d.str(p, v, `a 12-digit account ID in quotes, such as "012345678901"`)
		}},
		{"role_name", func(p string, v json.RawMessage) {
			a.RoleName, _ = d.str(p, v, "an IAM role name")
		}},
		{"enabled", func(p string, v json.RawMessage) {
			if b, ok := d.boolean(p, v); ok {
				a.Enabled = &b
			}
		}},
		{"tags", func(p string, v json.RawMessage) {
			members, _ := d.members(p, v, `an object of tag names to values, such as {"Department": "Engineering"}`)
			for _, m := range members {
				if s, ok := d.str(joinKey(p, m.key), m.value, "a string tag value"); ok {
					if a.Tags == nil {
						a.Tags = map[string]string{}
					}
					a.Tags[m.key] = s
				}
			}
		}},
	})
}

// positive decodes a whole number that must be above zero. Zero is checked
// here rather than in validate because only the decoder can tell an explicit
// zero from an absent key for optional settings such as memory_mb.
func (d *decoder) positive(dst *int) func(string, json.RawMessage) {
	return func(p string, v json.RawMessage) {
		if n, ok := d.integer(p, v); ok {
			*dst = n
			if n == 0 {
				d.fail(p, "0 is not allowed (expected a whole number of at least 1; leave the key out for the default)")
			}
		}
	}
}

func (d *decoder) collectionSettings(path string, raw json.RawMessage, s *CollectionSettings) {
	d.object(path, raw, "an object", []field{
		{"parallel_regions", d.positive(&s.ParallelRegions)},
		{"timeout_seconds", d.positive(&s.TimeoutSeconds)},
		{"retry_attempts", d.positive(&s.RetryAttempts)},
		{"batch_size", d.positive(&s.BatchSize)},
		{"concurrency", d.positive(&s.Concurrency)},
		{"memory_mb", d.positive(&s.MemoryMB)},
	})
}

func (d *decoder) costThresholds(path string, raw json.RawMessage, t *CostThresholds) {
	number := func(dst *float64) func(string, json.RawMessage) {
		return func(p string, v json.RawMessage) {
			if f, ok := d.number(p, v); ok {
				*dst = f
			}
		}
	}
	d.object(path, raw, "an object", []field{
		{"expensive_resource_monthly", number(&t.ExpensiveResourceMonthly)},
		{"idle_resource_days", d.positive(&t.IdleResourceDays)},
		{"stale_resource_days", d.positive(&t.StaleResourceDays)},
		{"total_monthly_alert", number(&t.TotalMonthlyAlert)},
		{"low_cpu_percent", number(&t.LowCPUPercent)},
		{"rightsize_max_cpu_percent", number(&t.RightsizeMaxCPUPercent)},
	})
}

func (d *decoder) notifications(path string, raw json.RawMessage, n *Notifications) {
	d.object(path, raw, "an object", []field{
		{"sns_topic_arn", func(p string, v json.RawMessage) {
			n.SNSTopicARN, _ = d.str(p, v, "an SNS topic ARN string")
		}},
		{"email_on_failure", func(p string, v json.RawMessage) {
			n.EmailOnFailure, _ = d.boolean(p, v)
		}},
		{"slack_webhook_url", func(p string, v json.RawMessage) {
			n.SlackWebhookURL, _ = d.str(p, v, "an https:// URL string")
		}},
		{"security_findings_threshold", d.positive(&n.SecurityFindingsThreshold)},
	})
}

func (d *decoder) organization(path string, raw json.RawMessage, o *Organization) {
	d.object(path, raw, "an object", []field{
		{"discover", func(p string, v json.RawMessage) {
			if b, ok := d.boolean(p, v); ok {
				o.Discover = &b
			}
		}},
		{"management_role_arn", func(p string, v json.RawMessage) {
			o.ManagementRoleARN, _ = d.str(p, v, "an IAM role ARN string")
		}},
		{"include_ous", func(p string, v json.RawMessage) {
			o.IncludeOUs = d.stringList(p, v, "OU or root IDs")
		}},
		{"exclude_ous", func(p string, v json.RawMessage) {
			o.ExcludeOUs = d.stringList(p, v, "OU or root IDs")
		}},
		{"include_accounts", func(p string, v json.RawMessage) {
			o.IncludeAccounts = d.stringList(p, v, "12-digit account IDs in quotes")
		}},
		{"exclude_accounts", func(p string, v json.RawMessage) {
			o.ExcludeAccounts = d.stringList(p, v, "12-digit account IDs in quotes")
		}},
		{"member_role_name", func(p string, v json.RawMessage) {
			o.MemberRoleName, _ = d.str(p, v, "an IAM role name")
		}},
		{"external_id", func(p string, v json.RawMessage) {
			o.ExternalID, _ = d.str(p, v, "an external ID string")
		}},
	})
}
