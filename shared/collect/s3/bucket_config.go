package s3

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// configRead is one bucket configuration call. S3 answers a setting that
// was never made with an error code (notConfigured), which is a value, not
// a failure: unset() records it.
type configRead struct {
	op, notConfigured string
	read              func() error
	unset             func()
}

// readConfig makes the bucket's configuration calls into attrs and returns
// its tags. A call that fails otherwise (AccessDenied from a bucket policy,
// exhausted retries) leaves its attributes out and is named in unreadable:
// the bucket is still recorded.
func readConfig(ctx context.Context, api configAPI, name string, attrs map[string]any) map[string]string {
	b := aws.String(name)
	tags := map[string]string{}
	reads := []configRead{
		{"GetBucketEncryption", "ServerSideEncryptionConfigurationNotFoundError", func() error {
			out, err := api.GetBucketEncryption(ctx, &awss3.GetBucketEncryptionInput{Bucket: b})
			if err == nil {
				encryption(attrs, out.ServerSideEncryptionConfiguration)
			}
			return err
		}, func() { attrs["encryption"], attrs["bucket_key_enabled"] = "none", false }},
		{"GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration", func() error {
			out, err := api.GetPublicAccessBlock(ctx, &awss3.GetPublicAccessBlockInput{Bucket: b})
			if err == nil {
				publicAccessBlock(attrs, true, out.PublicAccessBlockConfiguration)
			}
			return err
		}, func() { publicAccessBlock(attrs, false, nil) }},
		{"GetBucketPolicyStatus", "NoSuchBucketPolicy", func() error {
			out, err := api.GetBucketPolicyStatus(ctx, &awss3.GetBucketPolicyStatusInput{Bucket: b})
			if err == nil {
				attrs["policy_is_public"] = out.PolicyStatus != nil && aws.ToBool(out.PolicyStatus.IsPublic)
			}
			return err
		}, func() { attrs["policy_is_public"] = false }},
		{"GetBucketVersioning", "", func() error {
			out, err := api.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: b})
			if err == nil {
				// A bucket whose versioning was never set answers no status.
				attrs["versioning"], attrs["mfa_delete"] = "Disabled", "Disabled"
				if out.Status != "" {
					attrs["versioning"] = string(out.Status)
				}
				if out.MFADelete == s3types.MFADeleteStatusEnabled {
					attrs["mfa_delete"] = "Enabled"
				}
			}
			return err
		}, nil},
		{"GetBucketLifecycleConfiguration", "NoSuchLifecycleConfiguration", func() error {
			out, err := api.GetBucketLifecycleConfiguration(ctx, &awss3.GetBucketLifecycleConfigurationInput{Bucket: b})
			if err == nil {
				attrs["lifecycle_rules"] = len(out.Rules)
			}
			return err
		}, func() { attrs["lifecycle_rules"] = 0 }},
		{"GetBucketLogging", "", func() error {
			out, err := api.GetBucketLogging(ctx, &awss3.GetBucketLoggingInput{Bucket: b})
			if err == nil {
				attrs["logging_enabled"] = out.LoggingEnabled != nil
				if out.LoggingEnabled != nil {
					attrs["logging_target_bucket"] = aws.ToString(out.LoggingEnabled.TargetBucket)
				}
			}
			return err
		}, nil},
		{"GetBucketTagging", "NoSuchTagSet", func() error {
			out, err := api.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: b})
			if err == nil {
				for _, t := range out.TagSet {
					tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			return err
		}, func() {}},
	}
	var unreadable []string
	for _, r := range reads {
		err := r.read()
		switch {
		case err == nil:
		case r.notConfigured != "" && errorCode(err) == r.notConfigured:
			r.unset()
		default:
			unreadable = append(unreadable, r.op)
		}
	}
	if len(unreadable) > 0 {
		sort.Strings(unreadable)
		attrs["unreadable"] = unreadable
	}
	return tags
}

// encryption records the bucket's default encryption from its first rule
// that sets one; S3 allows a single such rule.
func encryption(attrs map[string]any, cfg *s3types.ServerSideEncryptionConfiguration) {
	attrs["encryption"], attrs["bucket_key_enabled"] = "none", false
	if cfg == nil {
		return
	}
	for _, r := range cfg.Rules {
		d := r.ApplyServerSideEncryptionByDefault
		if d == nil {
			continue
		}
		attrs["encryption"], attrs["bucket_key_enabled"] = string(d.SSEAlgorithm), aws.ToBool(r.BucketKeyEnabled)
		if id := aws.ToString(d.KMSMasterKeyID); id != "" {
			attrs["kms_key_id"] = id
		}
		return
	}
}

// publicAccessBlock records the four settings; an unconfigured bucket has
// all of them off.
func publicAccessBlock(attrs map[string]any, configured bool, c *s3types.PublicAccessBlockConfiguration) {
	if c == nil {
		c = &s3types.PublicAccessBlockConfiguration{}
	}
	attrs["public_access_block_configured"] = configured
	attrs["block_public_acls"] = aws.ToBool(c.BlockPublicAcls)
	attrs["ignore_public_acls"] = aws.ToBool(c.IgnorePublicAcls)
	attrs["block_public_policy"] = aws.ToBool(c.BlockPublicPolicy)
	attrs["restrict_public_buckets"] = aws.ToBool(c.RestrictPublicBuckets)
}
