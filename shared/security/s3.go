package security

import (
	"fmt"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// pabSettings are the four S3 Block Public Access settings.
var pabSettings = []string{"block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"}

func s3Checks() []Check {
	return []Check{
		{
			ID: "s3-bucket-encrypted", Title: "S3 bucket has default encryption", Severity: High, Kind: Encryption,
			ResourceType: inventory.S3Bucket, Prowler: []string{"s3_bucket_default_encryption"},
			Remediation: "Set default encryption on the bucket: SSE-KMS with a bucket key (aws s3api put-bucket-encryption), or at least SSE-S3.",
			Eval: bucketAttr("encryption", func(a map[string]any) Result {
				enc, _ := stringAttr(a, "encryption")
				if enc == "" || enc == "none" {
					return fail("no default encryption")
				}
				return pass("default encryption " + enc)
			}),
		},
		{
			ID: "s3-bucket-kms-encryption", Title: "S3 bucket encrypts with KMS (where the configuration requires it)", Severity: Medium, Kind: Encryption,
			ResourceType: inventory.S3Bucket, Prowler: []string{"s3_bucket_kms_encryption"},
			Remediation: "Change the bucket's default encryption to SSE-KMS with a customer managed key and a bucket key; re-encrypt existing objects with S3 Batch Operations if they must be covered.",
			Eval: func(r inventory.Record, ix *Index) Result {
				if !ix.Options().RequireKMS {
					return notApplicable("the configuration does not require KMS")
				}
				return bucketAttr("encryption", func(a map[string]any) Result {
					switch enc, _ := stringAttr(a, "encryption"); enc {
					case "aws:kms", "aws:kms:dsse":
						return pass("default encryption " + enc)
					case "", "none":
						return fail("no default encryption; KMS is required")
					default:
						return fail("default encryption " + enc + " (SSE-S3); KMS is required")
					}
				})(r, ix)
			},
		},
		{
			ID: "s3-bucket-public-access-block", Title: "S3 bucket blocks public access (bucket or account settings)", Severity: High, Kind: Exposure,
			ResourceType: inventory.S3Bucket, CIS: "2.1.4", Prowler: []string{"s3_bucket_level_public_access_block"},
			Remediation: "Turn on all four Block Public Access settings on the bucket (aws s3api put-public-access-block), or once for every bucket on the account.",
			Eval:        bucketPublicAccessBlock,
		},
		{
			ID: "s3-account-public-access-block", Title: "S3 Block Public Access is on for the account", Severity: High, Kind: Exposure,
			ResourceType: inventory.S3AccountPublicAccessBlock, CIS: "2.1.4", Prowler: []string{"s3_account_level_public_access_blocks"},
			Remediation: "aws s3control put-public-access-block --account-id ID --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true " +
				"(after moving public content behind CloudFront with origin access control).",
			Eval: onAttrs(accountPublicAccessBlock),
		},
		{
			ID: "s3-bucket-policy-not-public", Title: "S3 bucket policy does not make it public", Severity: Critical, Kind: Exposure,
			ResourceType: inventory.S3Bucket, Prowler: []string{"s3_bucket_public_access", "s3_bucket_policy_public_write_access"},
			Remediation: "Remove the policy statements that grant access to any principal, or serve the content through CloudFront with origin access control.",
			Eval: bucketAttr("policy_is_public", func(a map[string]any) Result {
				if v, _ := boolAttr(a, "policy_is_public"); v {
					return fail("bucket policy is public")
				}
				return pass("bucket policy is not public")
			}),
		},
		{
			ID: "s3-bucket-versioning", Title: "S3 bucket keeps object versions", Severity: Low, Kind: Resilience,
			ResourceType: inventory.S3Bucket, Prowler: []string{"s3_bucket_object_versioning"},
			Remediation: "Enable versioning, with a lifecycle rule expiring noncurrent versions.",
			Eval: bucketAttr("versioning", func(a map[string]any) Result {
				if v, _ := stringAttr(a, "versioning"); v != "Enabled" {
					return fail("versioning " + strings.ToLower(v))
				}
				return pass("versioning enabled")
			}),
		},
		{
			ID: "s3-bucket-mfa-delete", Title: "S3 bucket requires MFA to delete versions", Severity: Low, Kind: Resilience,
			ResourceType: inventory.S3Bucket, CIS: "2.1.2", Prowler: []string{"s3_bucket_no_mfa_delete"},
			Remediation: "As the root user with its MFA device: aws s3api put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa 'SERIAL CODE' (for buckets holding data that must not be deleted).",
			Eval: bucketAttr("mfa_delete", func(a map[string]any) Result {
				if v, _ := stringAttr(a, "mfa_delete"); v != "Enabled" {
					return fail("MFA delete " + strings.ToLower(v))
				}
				return pass("MFA delete enabled")
			}),
		},
		{
			ID: "s3-bucket-access-logging", Title: "S3 bucket logs server access", Severity: Low, Kind: Logging,
			ResourceType: inventory.S3Bucket, Prowler: []string{"s3_bucket_server_access_logging_enabled"},
			Remediation: "Enable server access logging to a dedicated log bucket, or CloudTrail data events for the bucket.",
			Eval:        bucketAttr("logging_enabled", boolCheck("logging_enabled", true, "access logging on", "access logging off")),
		},
		{
			ID: "s3-bucket-lifecycle-rules", Title: "S3 bucket has lifecycle rules", Severity: Low, Kind: Hygiene,
			ResourceType: inventory.S3Bucket, Prowler: []string{"s3_bucket_lifecycle_enabled"},
			Remediation: "Add lifecycle rules: transition infrequently read data to cheaper storage classes, expire temporary objects, noncurrent versions and incomplete multipart uploads.",
			Eval: bucketAttr("lifecycle_rules", func(a map[string]any) Result {
				n, ok := numberAttr(a, "lifecycle_rules")
				if !ok {
					return unknown(missing(a, "lifecycle_rules"))
				}
				if n == 0 {
					return fail("no lifecycle rules")
				}
				return pass(plural(int(n), "lifecycle rule", "lifecycle rules"))
			}),
		},
	}
}

// bucketAttr is unknown when the attribute is missing (the collector could
// not read that configuration: it is then named in "unreadable").
func bucketAttr(key string, f func(map[string]any) Result) func(inventory.Record, *Index) Result {
	return func(r inventory.Record, _ *Index) Result {
		if _, ok := r.Attributes[key]; !ok {
			return unknown(missing(r.Attributes, key))
		}
		return f(r.Attributes)
	}
}

// offSettings lists the Block Public Access settings that are not on;
// ok is false when one was not collected.
func offSettings(a map[string]any) (off []string, ok bool) {
	for _, k := range pabSettings {
		v, ok := boolAttr(a, k)
		if !ok {
			return nil, false
		}
		if !v {
			off = append(off, k)
		}
	}
	return off, true
}

// bucketPublicAccessBlock passes when the bucket's own four settings are
// on, or when the account-level block (which S3 applies to every bucket)
// is fully on.
func bucketPublicAccessBlock(r inventory.Record, ix *Index) Result {
	off, ok := offSettings(r.Attributes)
	if ok && len(off) == 0 {
		return pass("all four settings on")
	}
	for _, acct := range ix.OfType(r.AccountID, inventory.S3AccountPublicAccessBlock) {
		if aoff, aok := offSettings(acct.Attributes); aok && len(aoff) == 0 {
			if configured, _ := boolAttr(acct.Attributes, "configured"); configured {
				return pass("blocked by the account-level Block Public Access")
			}
		}
	}
	if !ok {
		return unknown(missing(r.Attributes, "block_public_acls"))
	}
	return fail("off on the bucket and not blocked by the account: " + strings.Join(off, ", "))
}

func accountPublicAccessBlock(a map[string]any) Result {
	configured, ok := boolAttr(a, "configured")
	if !ok {
		return unknown(missing(a, "configured"))
	}
	if !configured {
		return fail("no account-level Block Public Access configuration")
	}
	off, ok := offSettings(a)
	if !ok {
		return unknown("account-level Block Public Access settings were not collected")
	}
	if len(off) > 0 {
		return fail(fmt.Sprintf("off on the account: %s", strings.Join(off, ", ")))
	}
	return pass("all four settings on for the account")
}
