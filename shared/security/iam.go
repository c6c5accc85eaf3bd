package security

import (
	"fmt"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// CIS AWS Foundations v3.0.0 thresholds.
const (
	accessKeyMaxAgeDays     = 90 // 1.14
	credentialUnusedDays    = 45 // 1.12
	minPasswordLength       = 14 // 1.8
	passwordReusePrevention = 24 // 1.9
)

// accountChecks judge the one iam_account record per account (IAM account
// summary, password policy, CloudTrail status seen from the account).
func accountChecks() []Check {
	return []Check{
		{
			ID: "account-root-mfa", Title: "Root user has MFA", Severity: Critical, Kind: Identity,
			ResourceType: inventory.IAMAccount, CIS: "1.5", Prowler: []string{"iam_root_mfa_enabled"},
			Remediation: "Sign in as the root user and assign an MFA device (a hardware key for production accounts); in an organization, consider centralized root access management.",
			Eval:        onAttrs(boolCheck("root_mfa_enabled", true, "root user has MFA", "root user has no MFA")),
		},
		{
			ID: "account-root-access-keys", Title: "Root user has no access keys", Severity: Critical, Kind: Identity,
			ResourceType: inventory.IAMAccount, CIS: "1.4", Prowler: []string{"iam_no_root_access_key"},
			Remediation: "Sign in as the root user, deactivate and delete its access keys (Security credentials), and use IAM roles instead.",
			Eval: onAttrs(func(a map[string]any) Result {
				v, ok := truthy(a, "root_access_keys")
				switch {
				case !ok:
					return unknown(missing(a, "root_access_keys"))
				case v:
					return fail("root user has access keys")
				}
				return pass("root user has no access keys")
			}),
		},
		{
			ID: "account-password-policy-length", Title: "IAM password policy requires at least 14 characters", Severity: Medium, Kind: Identity,
			ResourceType: inventory.IAMAccount, CIS: "1.8", Prowler: []string{"iam_password_policy_minimum_length_14"},
			Remediation: "aws iam update-account-password-policy --minimum-password-length 14 (with the other settings you keep: the call replaces the policy).",
			Eval:        onAttrs(passwordPolicy("min_length", minPasswordLength, "minimum length", false)),
		},
		{
			ID: "account-password-policy-reuse", Title: "IAM password policy prevents reuse of the last 24 passwords", Severity: Medium, Kind: Identity,
			ResourceType: inventory.IAMAccount, CIS: "1.9", Prowler: []string{"iam_password_policy_reuse_24"},
			Remediation: "aws iam update-account-password-policy --password-reuse-prevention 24 (with the other settings you keep: the call replaces the policy).",
			Eval:        onAttrs(passwordPolicy("reuse_prevention", passwordReusePrevention, "passwords remembered", true)),
		},
		{
			ID: "account-cloudtrail-multi-region", Title: "A multi-region CloudTrail trail is logging", Severity: High, Kind: Logging,
			ResourceType: inventory.IAMAccount, CIS: "3.1", Prowler: []string{"cloudtrail_multi_region_enabled"},
			Remediation: "Create a multi-region trail (or an organization trail from the management account) with management events, and start logging: " +
				"aws cloudtrail create-trail --is-multi-region-trail ... && aws cloudtrail start-logging --name NAME.",
			Eval: onAttrs(func(a map[string]any) Result {
				v, ok := boolAttr(a, "multi_region_logging_trail")
				if !ok {
					return unknown(missing(a, "multi_region_logging_trail"))
				}
				if !v {
					n, _ := numberAttr(a, "trails")
					return fail(fmt.Sprintf("no multi-region trail is logging (%s visible to the account)", plural(int(n), "trail", "trails")))
				}
				return pass("a multi-region trail is logging")
			}),
		},
	}
}

// passwordPolicy fails without a password policy or when key is below min.
// unsetIsZero: the collector leaves the setting out of a policy that does
// not set it (PasswordReusePrevention: reuse is not prevented).
func passwordPolicy(key string, min int, what string, unsetIsZero bool) func(map[string]any) Result {
	return func(a map[string]any) Result {
		has, ok := boolAttr(a, "password_policy")
		switch {
		case !ok:
			return unknown(missing(a, "password_policy"))
		case !has:
			return fail("no account password policy (IAM defaults apply)")
		}
		v, ok := numberAttr(a, key)
		switch {
		case !ok && unsetIsZero && a[key] == nil:
			return fail(what + " not set, want " + fmt.Sprint(min) + " or more")
		case !ok:
			return unknown(missing(a, key))
		}
		if int(v) < min {
			return fail(fmt.Sprintf("%s %d, want %d or more", what, int(v), min))
		}
		return pass(fmt.Sprintf("%s %d", what, int(v)))
	}
}

// userChecks judge the iam_user records of the credential report.
func userChecks() []Check {
	return []Check{
		{
			ID: "iam-user-console-mfa", Title: "IAM user with a console password has MFA", Severity: High, Kind: Identity,
			ResourceType: inventory.IAMUser, CIS: "1.10", Prowler: []string{"iam_user_mfa_enabled_console_access"},
			Remediation: "Assign an MFA device to the user (or remove the console password); require MFA with an IAM policy condition; prefer IAM Identity Center users.",
			Eval: onAttrs(func(a map[string]any) Result {
				pw, ok := boolAttr(a, "password_enabled")
				if !ok {
					return unknown(missing(a, "password_enabled"))
				}
				if !pw {
					return notApplicable("no console password")
				}
				mfa, ok := boolAttr(a, "mfa_active")
				switch {
				case !ok:
					return unknown(missing(a, "mfa_active"))
				case !mfa:
					return fail("console password without MFA")
				}
				return pass("console password with MFA")
			}),
		},
		{
			ID: "iam-user-access-keys-rotated", Title: "IAM user's active access keys are rotated within 90 days", Severity: Medium, Kind: Identity,
			ResourceType: inventory.IAMUser, CIS: "1.14", Prowler: []string{"iam_rotate_access_key_90_days"},
			Remediation: "Create a new access key, move its users to it, deactivate the old key, then delete it (aws iam create-access-key / update-access-key / delete-access-key); prefer roles over long-term keys.",
			Eval:        keysRotated,
		},
		{
			ID: "iam-user-unused-credentials", Title: "IAM user has no credentials unused for 45 days", Severity: Medium, Kind: Identity,
			ResourceType: inventory.IAMUser, CIS: "1.12", Prowler: []string{"iam_user_console_access_unused", "iam_user_accesskey_unused"},
			Remediation: "Remove the console password of users who no longer sign in (aws iam delete-login-profile) and deactivate access keys " +
				"that are not used (aws iam update-access-key --status Inactive), then delete them.",
			Eval: unusedCredentials,
		},
		{
			ID: "iam-user-single-active-key", Title: "IAM user has at most one active access key", Severity: Low, Kind: Identity,
			ResourceType: inventory.IAMUser, CIS: "1.13", Prowler: []string{"iam_user_two_active_access_key"},
			Remediation: "Deactivate the key that is no longer used (aws iam update-access-key --status Inactive), then delete it.",
			Eval: onAttrs(func(a map[string]any) Result {
				active, r, ok := activeKeys(a)
				if !ok {
					return r
				}
				switch len(active) {
				case 0:
					return notApplicable("no active access keys")
				case 1:
					return pass("one active access key")
				}
				return fail("two active access keys")
			}),
		},
	}
}

// activeKeys returns which of the two credential-report keys are active.
func activeKeys(a map[string]any) (active []int, r Result, ok bool) {
	for _, n := range []int{1, 2} {
		k := fmt.Sprintf("access_key_%d_active", n)
		v, ok := boolAttr(a, k)
		if !ok {
			return nil, unknown(missing(a, k)), false
		}
		if v {
			active = append(active, n)
		}
	}
	return active, Result{}, true
}

func keysRotated(r inventory.Record, ix *Index) Result {
	a := r.Attributes
	active, res, ok := activeKeys(a)
	if !ok {
		return res
	}
	if len(active) == 0 {
		return notApplicable("no active access keys")
	}
	now := ix.Now()
	var old, fresh []string
	for _, n := range active {
		k := fmt.Sprintf("access_key_%d_last_rotated", n)
		at, ok := timeAttr(a, k)
		if !ok {
			return unknown(fmt.Sprintf("access key %d is active but its rotation date is not known", n))
		}
		days := int(now.Sub(at) / (24 * time.Hour))
		desc := fmt.Sprintf("key %d rotated %d days ago", n, days)
		if days > accessKeyMaxAgeDays {
			old = append(old, desc)
		} else {
			fresh = append(fresh, desc)
		}
	}
	if len(old) > 0 {
		return fail(strings.Join(old, ", "))
	}
	return pass(strings.Join(fresh, ", "))
}

// lastUse is when a credential was last used, falling back as CIS 1.12's
// audit does: a password never used (or used before IAM tracked it) counts
// from its last change, a key never used from its creation (last
// rotation), and either from the user's creation.
func lastUse(a map[string]any, keys ...string) (time.Time, string, bool) {
	for _, k := range keys {
		if t, ok := timeAttr(a, k); ok {
			return t, k, true
		}
	}
	return time.Time{}, "", false
}

func unusedCredentials(r inventory.Record, ix *Index) Result {
	a := r.Attributes
	pw, ok := boolAttr(a, "password_enabled")
	if !ok {
		return unknown(missing(a, "password_enabled"))
	}
	active, res, ok := activeKeys(a)
	if !ok {
		return res
	}
	if !pw && len(active) == 0 {
		return notApplicable("no console password and no active access key")
	}
	now := ix.Now()
	var stale, used []string
	judge := func(what string, keys ...string) bool {
		t, from, ok := lastUse(a, keys...)
		if !ok {
			return false
		}
		days := int(now.Sub(t) / (24 * time.Hour))
		desc := fmt.Sprintf("%s: %d days since %s", what, days, strings.ReplaceAll(from, "_", " "))
		if days > credentialUnusedDays {
			stale = append(stale, desc)
		} else {
			used = append(used, desc)
		}
		return true
	}
	if pw && !judge("console password", "password_last_used", "password_last_changed", "user_creation_time") {
		return unknown("console password enabled but no use, change or creation date collected")
	}
	for _, n := range active {
		if !judge(fmt.Sprintf("access key %d", n), fmt.Sprintf("access_key_%d_last_used_date", n), fmt.Sprintf("access_key_%d_last_rotated", n), "user_creation_time") {
			return unknown(fmt.Sprintf("access key %d is active but no use or rotation date was collected", n))
		}
	}
	if len(stale) > 0 {
		return fail(strings.Join(stale, "; "))
	}
	return pass(strings.Join(used, "; "))
}
