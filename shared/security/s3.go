package security

import (
	"slices"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func s3Checks() []Check {
	return []Check{
		{
			ID: "s3-bucket-encrypted", Title: "S3 bucket has default encryption", Severity: High, Kind: Encryption,
			ResourceType: inventory.S3Bucket,
			Remediation:  "Set default encryption (SSE-KMS with a bucket key, or at least SSE-S3) on the bucket.",
			Eval: bucketAttr("encryption", func(a map[string]any) Result {
				enc, _ := stringAttr(a, "encryption")
				if enc == "" || enc == "none" {
					return fail("no default encryption")
				}
				return pass("default encryption " + enc)
			}),
		},
		{
			ID: "s3-bucket-public-access-block", Title: "S3 bucket blocks public access", Severity: High, Kind: Exposure,
			ResourceType: inventory.S3Bucket, CIS: "2.1.4",
			Remediation: "Turn on all four Block Public Access settings on the bucket (and on the account).",
			Eval:        bucketAttr("block_public_acls", publicAccessBlock),
		},
		{
			ID: "s3-bucket-policy-not-public", Title: "S3 bucket policy does not make it public", Severity: Critical, Kind: Exposure,
			ResourceType: inventory.S3Bucket,
			Remediation:  "Remove the policy statements that grant access to any principal, or put CloudFront with origin access control in front.",
			Eval: bucketAttr("policy_is_public", func(a map[string]any) Result {
				if v, _ := boolAttr(a, "policy_is_public"); v {
					return fail("bucket policy is public")
				}
				return pass("bucket policy is not public")
			}),
		},
		{
			ID: "s3-bucket-versioning", Title: "S3 bucket keeps object versions", Severity: Low, Kind: Resilience,
			ResourceType: inventory.S3Bucket,
			Remediation:  "Enable versioning (with a lifecycle rule expiring noncurrent versions).",
			Eval: bucketAttr("versioning", func(a map[string]any) Result {
				if v, _ := stringAttr(a, "versioning"); v != "Enabled" {
					return fail("versioning " + strings.ToLower(v))
				}
				return pass("versioning enabled")
			}),
		},
		{
			ID: "s3-bucket-access-logging", Title: "S3 bucket logs server access", Severity: Low, Kind: Hygiene,
			ResourceType: inventory.S3Bucket,
			Remediation:  "Enable server access logging to a dedicated log bucket, or CloudTrail data events.",
			Eval:         bucketAttr("logging_enabled", boolCheck("logging_enabled", true, "access logging on", "access logging off")),
		},
	}
}

// bucketAttr is unknown when the attribute is missing (the collector could
// not read that configuration: it is then named in "unreadable").
func bucketAttr(key string, f func(map[string]any) Result) func(inventory.Record) Result {
	return func(r inventory.Record) Result {
		if _, ok := r.Attributes[key]; !ok {
			if u, _ := stringList(r.Attributes, "unreadable"); len(u) > 0 {
				return unknown("could not read " + strings.Join(u, ", "))
			}
			return unknown(key + " was not collected")
		}
		return f(r.Attributes)
	}
}

func publicAccessBlock(a map[string]any) Result {
	var off []string
	for _, k := range []string{"block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"} {
		if v, _ := boolAttr(a, k); !v {
			off = append(off, k)
		}
	}
	if len(off) > 0 {
		slices.Sort(off)
		return fail("off: " + strings.Join(off, ", "))
	}
	return pass("all four settings on")
}
