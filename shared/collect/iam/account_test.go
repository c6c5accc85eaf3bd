package iam

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func testSpec() fakeorg.Spec {
	sp := collecttest.Spec()
	sp.Accounts = 100
	return sp
}

// homeTarget is the account's home region, where the pipeline runs global
// collectors.
func homeTarget(o *fakeorg.Org, a *fakeorg.Account) collect.Target {
	return collecttest.Target(o, a, a.Regions[0].Name)
}

var denied = &smithy.GenericAPIError{Code: "AccessDenied", Message: "User is not authorized to perform this action"}

func TestAccountMatchesGroundTruthInEveryAccount(t *testing.T) {
	o := fakeorg.New(testSpec())
	seen := map[string]bool{}
	for _, a := range collecttest.Accounts(o) {
		got := collecttest.Collect(t, Account(), homeTarget(o, a))
		collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, "", accountType))
		at := got[0].Attributes
		seen["root without MFA"] = seen["root without MFA"] || at["root_mfa_enabled"] == false
		seen["root access keys"] = seen["root access keys"] || at["root_access_keys"] == true
		seen["no password policy"] = seen["no password policy"] || at["password_policy"] == false
		seen["weak password policy"] = seen["weak password policy"] || (at["password_policy"] == true && at["min_length"].(int) < 14)
		seen["strong password policy"] = seen["strong password policy"] || at["reuse_prevention"] == 24
		seen["multi-region logging"] = seen["multi-region logging"] || at["multi_region_logging_trail"] == true
		seen["no multi-region logging"] = seen["no multi-region logging"] || at["multi_region_logging_trail"] == false
		seen["logging without validation"] = seen["logging without validation"] || (at["multi_region_logging_trail"] == true && at["trail_log_validation"] == false)
		seen["no trail"] = seen["no trail"] || at["trails"] == 0
		seen["global region"] = got[0].Region == inventory.GlobalRegion
	}
	for _, want := range []string{"root without MFA", "root access keys", "no password policy", "weak password policy", "strong password policy",
		"multi-region logging", "no multi-region logging", "logging without validation", "no trail", "global region"} {
		if !seen[want] {
			t.Errorf("no account with %s: the comparison does not cover it", want)
		}
	}
}

// homedElsewhere finds an account whose multi-region trail lives in another
// region than the home region: its status must be asked for by ARN.
func TestAccountReadsTheStatusOfAShadowTrailByARN(t *testing.T) {
	o := fakeorg.New(testSpec())
	for _, a := range o.Reachable() {
		for _, tr := range a.Trails {
			if tr.MultiRegion && tr.HomeRegion != a.Regions[0].Name {
				got := collecttest.Collect(t, Account(), homeTarget(o, a))
				collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, "", accountType))
				if got[0].Attributes["unreadable"] != nil {
					t.Fatalf("unreadable = %v", got[0].Attributes["unreadable"])
				}
				return
			}
		}
	}
	t.Fatal("no account with a multi-region trail homed outside its home region")
}

// deny wraps the real clients and answers AccessDenied for the named calls.
type denyIAM struct {
	SummaryAPI
	deny map[string]bool
}

func (d denyIAM) GetAccountSummary(ctx context.Context, in *awsiam.GetAccountSummaryInput, opt ...func(*awsiam.Options)) (*awsiam.GetAccountSummaryOutput, error) {
	if d.deny["GetAccountSummary"] {
		return nil, denied
	}
	return d.SummaryAPI.GetAccountSummary(ctx, in, opt...)
}

func (d denyIAM) GetAccountPasswordPolicy(ctx context.Context, in *awsiam.GetAccountPasswordPolicyInput, opt ...func(*awsiam.Options)) (*awsiam.GetAccountPasswordPolicyOutput, error) {
	if d.deny["GetAccountPasswordPolicy"] {
		return nil, denied
	}
	return d.SummaryAPI.GetAccountPasswordPolicy(ctx, in, opt...)
}

type denyTrails struct {
	TrailStatusAPI
	deny map[string]bool
}

func (d denyTrails) DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, opt ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	if d.deny["DescribeTrails"] {
		return nil, denied
	}
	return d.TrailStatusAPI.DescribeTrails(ctx, in, opt...)
}

func (d denyTrails) GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, opt ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	if d.deny["GetTrailStatus"] {
		return nil, denied
	}
	return d.TrailStatusAPI.GetTrailStatus(ctx, in, opt...)
}

// TestAccountRecordsDeniedReadsAsUnreadable: a denied read leaves its
// attributes out and names the call; the record is still emitted, with
// everything the other reads found.
func TestAccountRecordsDeniedReadsAsUnreadable(t *testing.T) {
	o := fakeorg.New(testSpec())
	var a *fakeorg.Account // one with a policy and a single multi-region trail
	for _, x := range o.Reachable() {
		n := 0
		for _, tr := range x.Trails {
			if tr.MultiRegion {
				n++
			}
		}
		if a == nil && n == 1 && x.IAM.PasswordPolicy != nil {
			a = x
		}
	}
	if a == nil {
		t.Fatal("no account with a password policy and one multi-region trail")
	}
	drop := map[string][]string{
		"GetAccountSummary":        {"root_mfa_enabled", "root_access_keys", "users"},
		"GetAccountPasswordPolicy": {"password_policy", "min_length", "require_symbols", "require_numbers", "require_uppercase", "require_lowercase", "allow_users_to_change_password", "expire", "hard_expiry", "max_age_days", "reuse_prevention"},
		"DescribeTrails":           {"trails", "multi_region_logging_trail", "trail_log_validation"},
		"GetTrailStatus":           {"multi_region_logging_trail", "trail_log_validation"},
	}
	for _, tc := range [][]string{{"GetAccountSummary"}, {"GetAccountPasswordPolicy"}, {"DescribeTrails"}, {"GetTrailStatus"},
		{"GetAccountPasswordPolicy", "GetTrailStatus"}} {
		t.Run(strings.Join(tc, "+"), func(t *testing.T) {
			deny := map[string]bool{}
			want := o.ExpectedFor(a.ID, "", accountType)
			for _, op := range tc {
				deny[op] = true
				for _, k := range drop[op] {
					delete(want[0].Attributes, k)
				}
			}
			want[0].Attributes["unreadable"] = tc
			tg := homeTarget(o, a)
			got := collecttest.Emitted(t, func(emit collect.Emit) error {
				return collectAccount(context.Background(), tg, denyIAM{awsiam.NewFromConfig(tg.AWS), deny},
					denyTrails{cloudtrail.NewFromConfig(tg.AWS), deny}, emit)
			})
			collecttest.AssertRecords(t, got, want)
		})
	}
}

// TestAccountKnowsLoggingDespiteAnUnreadableTrail: one logging, validated
// multi-region trail decides both booleans even when another one's status
// cannot be read.
func TestAccountKnowsLoggingDespiteAnUnreadableTrail(t *testing.T) {
	api := &fixedTrails{denyARN: "arn:b"}
	attrs := map[string]any{}
	unreadable := trailSummary(context.Background(), api, attrs)
	if len(unreadable) != 1 || attrs["multi_region_logging_trail"] != true || attrs["trail_log_validation"] != true || attrs["trails"] != 3 {
		t.Fatalf("attrs = %v, unreadable = %v", attrs, unreadable)
	}
	api.logging = map[string]bool{}
	attrs = map[string]any{}
	trailSummary(context.Background(), api, attrs)
	if _, ok := attrs["multi_region_logging_trail"]; ok {
		t.Fatalf("with the other trail not logging, the unreadable one decides: attrs = %v", attrs)
	}
}

type fixedTrails struct {
	denyARN string
	logging map[string]bool
}

func (f *fixedTrails) DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	out := &cloudtrail.DescribeTrailsOutput{}
	for _, arn := range []string{"arn:a", "arn:b", "arn:c"} {
		out.TrailList = append(out.TrailList, trailOf(arn, arn != "arn:c"))
	}
	return out, nil
}

func (f *fixedTrails) GetTrailStatus(_ context.Context, in *cloudtrail.GetTrailStatusInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	if aws.ToString(in.Name) == f.denyARN {
		return nil, denied
	}
	if f.logging == nil {
		f.logging = map[string]bool{"arn:a": true}
	}
	return &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(f.logging[aws.ToString(in.Name)])}, nil
}

func TestAccountFailsOnlyWhenTheContextEnds(t *testing.T) {
	o := fakeorg.New(testSpec())
	tg := homeTarget(o, o.Reachable()[0])
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := collectAccount(ctx, tg, awsiam.NewFromConfig(tg.AWS), cloudtrail.NewFromConfig(tg.AWS),
		func(inventory.Record) error { t.Fatal("a record was emitted"); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
