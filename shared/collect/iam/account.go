package iam

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// SummaryAPI is the IAM calls Account makes.
type SummaryAPI interface {
	GetAccountSummary(ctx context.Context, in *awsiam.GetAccountSummaryInput, optFns ...func(*awsiam.Options)) (*awsiam.GetAccountSummaryOutput, error)
	GetAccountPasswordPolicy(ctx context.Context, in *awsiam.GetAccountPasswordPolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.GetAccountPasswordPolicyOutput, error)
}

// TrailStatusAPI is the CloudTrail calls Account makes in the home region.
type TrailStatusAPI interface {
	DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
}

// Account collects one iam_account record per account (resource_id = the
// account ID, region global): the root user's MFA and access keys, the
// password policy, and whether CloudTrail logs every region.
//
// Each of the four reads stands alone: one that fails (AccessDenied, retries
// exhausted) leaves its attributes out and is named in "unreadable", and the
// record is still emitted, so a check on those attributes says unknown
// rather than pass. A missing password policy (NoSuchEntity) is a value:
// password_policy false.
func Account() collect.Collector {
	return collect.Collector{
		Type: accountType, Service: service, Scope: collect.Global,
		Actions: sorted("iam:GetAccountSummary", "iam:GetAccountPasswordPolicy", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectAccount(ctx, t, awsiam.NewFromConfig(t.AWS), cloudtrail.NewFromConfig(t.AWS), emit)
		},
	}
}

func collectAccount(ctx context.Context, t collect.Target, api SummaryAPI, trails TrailStatusAPI, emit collect.Emit) error {
	attrs := map[string]any{}
	var unreadable []string
	if sum, err := api.GetAccountSummary(ctx, &awsiam.GetAccountSummaryInput{}); err != nil {
		unreadable = append(unreadable, "GetAccountSummary")
	} else {
		m := sum.SummaryMap
		if v, ok := m["AccountMFAEnabled"]; ok {
			attrs["root_mfa_enabled"] = v == 1
		}
		if v, ok := m["AccountAccessKeysPresent"]; ok {
			attrs["root_access_keys"] = v > 0
		}
		if v, ok := m["Users"]; ok {
			attrs["users"] = int(v)
		}
	}
	pp, err := api.GetAccountPasswordPolicy(ctx, &awsiam.GetAccountPasswordPolicyInput{})
	switch {
	case err == nil:
		passwordPolicy(attrs, pp.PasswordPolicy)
	case errorCode(err) == "NoSuchEntity":
		attrs["password_policy"] = false
	default:
		unreadable = append(unreadable, "GetAccountPasswordPolicy")
	}
	unreadable = append(unreadable, trailSummary(ctx, trails, attrs)...)
	if err := ctx.Err(); err != nil {
		return failed(t, "iam account", err)
	}
	if len(unreadable) > 0 {
		sort.Strings(unreadable)
		attrs["unreadable"] = unreadable
	}
	rec := t.Record(accountType, t.AccountID, "arn:aws:iam::"+t.AccountID+":root", nil, attrs)
	rec.Region = inventory.GlobalRegion
	return emit(rec)
}

// passwordPolicy records the policy's settings. max_age_days and
// reuse_prevention are left out when the policy does not set them
// (passwords never expire, reuse is not prevented).
func passwordPolicy(attrs map[string]any, p *iamtypes.PasswordPolicy) {
	attrs["password_policy"] = p != nil
	if p == nil {
		return
	}
	if p.MinimumPasswordLength != nil {
		attrs["min_length"] = int(*p.MinimumPasswordLength)
	}
	attrs["require_symbols"] = p.RequireSymbols
	attrs["require_numbers"] = p.RequireNumbers
	attrs["require_uppercase"] = p.RequireUppercaseCharacters
	attrs["require_lowercase"] = p.RequireLowercaseCharacters
	attrs["allow_users_to_change_password"] = p.AllowUsersToChangePassword
	attrs["expire"] = p.ExpirePasswords
	if p.HardExpiry != nil {
		attrs["hard_expiry"] = *p.HardExpiry
	}
	if v := aws.ToInt32(p.MaxPasswordAge); v > 0 {
		attrs["max_age_days"] = int(v)
	}
	if v := aws.ToInt32(p.PasswordReusePrevention); v > 0 {
		attrs["reuse_prevention"] = int(v)
	}
}

// trailSummary records what CloudTrail covers, seen from the home region:
// DescribeTrails with shadow trails lists the trails homed there and every
// multi-region trail (homed anywhere); GetTrailStatus, by ARN as CloudTrail
// requires for a shadow, says whether each multi-region trail logs.
//
//   - trails: how many trails DescribeTrails lists;
//   - multi_region_logging_trail: some multi-region trail is logging;
//   - trail_log_validation: such a logging multi-region trail also has log
//     file validation on.
//
// A status that cannot be read makes the two booleans unknown (left out)
// unless another trail already decides them true. It returns the reads
// that failed.
func trailSummary(ctx context.Context, api TrailStatusAPI, attrs map[string]any) []string {
	out, err := api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		return []string{"DescribeTrails"}
	}
	attrs["trails"] = len(out.TrailList)
	known, logging, validated := true, false, false
	for _, tr := range out.TrailList {
		if !aws.ToBool(tr.IsMultiRegionTrail) {
			continue
		}
		ref := tr.TrailARN
		if aws.ToString(ref) == "" {
			ref = tr.Name
		}
		st, err := api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: ref})
		if err != nil {
			known = false
			continue
		}
		if aws.ToBool(st.IsLogging) {
			logging = true
			validated = validated || aws.ToBool(tr.LogFileValidationEnabled)
		}
	}
	if logging || known {
		attrs["multi_region_logging_trail"] = logging
	}
	if validated || known {
		attrs["trail_log_validation"] = validated
	}
	if !known {
		return []string{"GetTrailStatus"}
	}
	return nil
}
