package security

import (
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// loggingChecks judge CloudTrail trails and GuardDuty detectors.
func loggingChecks() []Check {
	return []Check{
		{
			ID: "cloudtrail-trail-logging", Title: "CloudTrail trail is logging", Severity: High, Kind: Logging,
			ResourceType: inventory.CloudTrailTrail, Prowler: []string{"cloudtrail_multi_region_enabled"},
			Remediation: "aws cloudtrail start-logging --name NAME (or delete the trail if another one covers the account).",
			Eval:        onAttrs(boolCheck("logging", true, "trail is logging", "trail exists but is not logging")),
		},
		{
			ID: "cloudtrail-log-file-validation", Title: "CloudTrail trail validates log files", Severity: Medium, Kind: Logging,
			ResourceType: inventory.CloudTrailTrail, CIS: "3.2", Prowler: []string{"cloudtrail_log_file_validation_enabled"},
			Remediation: "aws cloudtrail update-trail --name NAME --enable-log-file-validation",
			Eval:        onAttrs(boolCheck("log_file_validation", true, "log file validation on", "log file validation off")),
		},
		{
			ID: "cloudtrail-kms-encryption", Title: "CloudTrail trail encrypts logs with a KMS key", Severity: Medium, Kind: Encryption,
			ResourceType: inventory.CloudTrailTrail, CIS: "3.5", Prowler: []string{"cloudtrail_kms_encryption_enabled"},
			Remediation: "Create a KMS key whose policy lets CloudTrail encrypt and your auditors decrypt, then aws cloudtrail update-trail --name NAME --kms-key-id KEY.",
			Eval: onAttrs(func(a map[string]any) Result {
				if _, ok := a["kms_key_id"]; !ok {
					// The collector leaves kms_key_id out when the trail
					// has none, as DescribeTrails does: decide on a trail
					// whose description was collected.
					if r, ok := needs(a, "log_file_validation"); !ok {
						return r
					}
					return fail("logs are encrypted with SSE-S3 only, not a KMS key")
				}
				if k, _ := stringAttr(a, "kms_key_id"); k == "" {
					return fail("logs are encrypted with SSE-S3 only, not a KMS key")
				}
				return pass("logs encrypted with a KMS key")
			}),
		},
		{
			ID: "cloudtrail-bucket-access-logging", Title: "CloudTrail trail's S3 bucket logs server access", Severity: Low, Kind: Logging,
			ResourceType: inventory.CloudTrailTrail, CIS: "3.4", Prowler: []string{"cloudtrail_logs_s3_bucket_access_logging_enabled"},
			Remediation: "Enable server access logging on the trail's bucket, to a separate log bucket.",
			Eval:        trailBucketLogging,
		},
		{
			ID: "guardduty-enabled", Title: "GuardDuty is enabled in the region", Severity: Medium, Kind: Logging,
			ResourceType: inventory.GuardDutyDetector, Prowler: []string{"guardduty_is_enabled"},
			Remediation: "Enable GuardDuty in every region, preferably organization-wide from a delegated administrator account with auto-enable for new accounts.",
			Eval: onAttrs(func(a map[string]any) Result {
				on, ok := boolAttr(a, "enabled")
				if !ok {
					return unknown(missing(a, "enabled"))
				}
				if !on {
					if s, _ := stringAttr(a, "status"); s != "" {
						return fail("detector " + s)
					}
					return fail("no GuardDuty detector in the region")
				}
				return pass("detector enabled")
			}),
		},
	}
}

func trailBucketLogging(r inventory.Record, ix *Index) Result {
	name, _ := stringAttr(r.Attributes, "s3_bucket")
	if name == "" {
		return unknown(missing(r.Attributes, "s3_bucket"))
	}
	b, ok := ix.Bucket(name)
	if !ok {
		return unknown("bucket " + name + " is not in the inventory (an account that is not collected?)")
	}
	on, ok := boolAttr(b.Attributes, "logging_enabled")
	switch {
	case !ok:
		return unknown("access logging of bucket " + name + " was not collected")
	case !on:
		return fail("bucket " + name + " (account " + b.AccountID + ") has access logging off")
	}
	return pass("bucket " + name + " logs server access")
}
