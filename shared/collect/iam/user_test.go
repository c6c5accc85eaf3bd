package iam

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// fast polls without real waits.
var fast = polling{first: time.Millisecond, max: 4 * time.Millisecond, attempts: 12}

// counting counts the report calls that pass through.
type counting struct {
	ReportAPI
	generate, get atomic.Int64
}

func (c *counting) GenerateCredentialReport(ctx context.Context, in *awsiam.GenerateCredentialReportInput, opt ...func(*awsiam.Options)) (*awsiam.GenerateCredentialReportOutput, error) {
	c.generate.Add(1)
	return c.ReportAPI.GenerateCredentialReport(ctx, in, opt...)
}

func (c *counting) GetCredentialReport(ctx context.Context, in *awsiam.GetCredentialReportInput, opt ...func(*awsiam.Options)) (*awsiam.GetCredentialReportOutput, error) {
	c.get.Add(1)
	return c.ReportAPI.GetCredentialReport(ctx, in, opt...)
}

func collectWith(t *testing.T, tg collect.Target, api ReportAPI, p polling) []inventory.Record {
	t.Helper()
	return collecttest.Emitted(t, func(emit collect.Emit) error { return collectUsers(context.Background(), tg, api, p, emit) })
}

func TestUsersMatchGroundTruthInEveryAccount(t *testing.T) {
	o := fakeorg.New(testSpec())
	now := o.Spec.Now
	seen := map[string]bool{}
	for _, a := range collecttest.Accounts(o) {
		tg := homeTarget(o, a)
		got := collectWith(t, tg, awsiam.NewFromConfig(tg.AWS), fast)
		collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, "", userType))
		for _, r := range got {
			at := r.Attributes
			if r.ResourceID == rootUser || r.Region != inventory.GlobalRegion {
				t.Fatalf("record %s in %s", r.ResourceID, r.Region)
			}
			seen["console user without MFA"] = seen["console user without MFA"] || (at["password_enabled"] == true && at["mfa_active"] == false)
			seen["console user with MFA"] = seen["console user with MFA"] || at["mfa_active"] == true
			seen["password never used"] = seen["password never used"] || (at["password_enabled"] == true && at["password_last_used"] == nil)
			seen["inactive key"] = seen["inactive key"] || (at["access_key_1_active"] == false && at["access_key_1_last_rotated"] != nil)
			seen["second key"] = seen["second key"] || at["access_key_2_active"] == true
			seen["no key"] = seen["no key"] || at["access_key_1_last_rotated"] == nil
			seen["path"] = seen["path"] || strings.Contains(r.ARN, ":user/service/")
			if s, ok := at["access_key_1_last_rotated"].(string); ok && at["access_key_1_active"] == true {
				rotated, _ := time.Parse(time.RFC3339, s)
				seen["active key older than 90 days"] = seen["active key older than 90 days"] || now.Sub(rotated) > 90*24*time.Hour
				seen["recent key"] = seen["recent key"] || now.Sub(rotated) < 90*24*time.Hour
			}
		}
	}
	for _, a := range o.Reachable() {
		for _, u := range a.IAM.Users {
			seen["no_information"] = seen["no_information"] || u.PasswordNoInformation
		}
	}
	for _, want := range []string{"console user without MFA", "console user with MFA", "password never used", "inactive key", "second key",
		"no key", "path", "active key older than 90 days", "recent key", "no_information"} {
		if !seen[want] {
			t.Errorf("no user with %s: the comparison does not cover it", want)
		}
	}
}

// TestUsersWaitWhileTheReportIsInProgress: IAM answers ReportInProgress
// until the report is built; the collector polls, and a second collection
// finds the report ready.
func TestUsersWaitWhileTheReportIsInProgress(t *testing.T) {
	o := fakeorg.New(testSpec())
	var a *fakeorg.Account
	for _, x := range o.Reachable() {
		if x.IAM.ReportLag == 2 {
			a = x
			break
		}
	}
	if a == nil {
		t.Fatal("no account whose report takes two polls")
	}
	tg := homeTarget(o, a)
	api := &counting{ReportAPI: awsiam.NewFromConfig(tg.AWS)}
	collecttest.AssertRecords(t, collectWith(t, tg, api, fast), o.ExpectedFor(a.ID, "", userType))
	if g, n := api.generate.Load(), api.get.Load(); g != 1 || n != 3 {
		t.Errorf("GenerateCredentialReport %d, GetCredentialReport %d calls; want 1 and 3 (two in progress)", g, n)
	}
	api = &counting{ReportAPI: awsiam.NewFromConfig(tg.AWS)}
	collecttest.AssertRecords(t, collectWith(t, tg, api, fast), o.ExpectedFor(a.ID, "", userType))
	if g, n := api.generate.Load(), api.get.Load(); g != 1 || n != 1 {
		t.Errorf("second run: GenerateCredentialReport %d, GetCredentialReport %d calls; want 1 and 1", g, n)
	}
}

// scripted answers GetCredentialReport with the errors in order, then the
// report.
type scripted struct {
	errs              []string
	report            []byte
	generateErr       error
	generate, get     int
	generateAfterGets []int
}

func (s *scripted) GenerateCredentialReport(context.Context, *awsiam.GenerateCredentialReportInput, ...func(*awsiam.Options)) (*awsiam.GenerateCredentialReportOutput, error) {
	s.generate++
	s.generateAfterGets = append(s.generateAfterGets, s.get)
	if s.generateErr != nil {
		return nil, s.generateErr
	}
	return &awsiam.GenerateCredentialReportOutput{State: "STARTED"}, nil
}

func (s *scripted) GetCredentialReport(context.Context, *awsiam.GetCredentialReportInput, ...func(*awsiam.Options)) (*awsiam.GetCredentialReportOutput, error) {
	s.get++
	if s.get <= len(s.errs) {
		return nil, &smithy.GenericAPIError{Code: s.errs[s.get-1], Message: "scripted"}
	}
	return &awsiam.GetCredentialReportOutput{Content: s.report}, nil
}

const sampleReport = `user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2014-01-06T18:49:06+00:00,not_supported,2026-10-01T09:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
old.admin,arn:aws:iam::123456789012:user/old.admin,2013-05-02T10:00:00+00:00,true,no_information,2013-05-02T10:05:00+00:00,N/A,false,true,2015-01-01T00:00:00+00:00,2026-10-30T12:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
ci,arn:aws:iam::123456789012:user/service/ci,2024-02-29T23:59:59+00:00,false,N/A,N/A,N/A,false,false,2024-03-01T00:00:00+00:00,N/A,N/A,N/A,true,2026-09-01T08:30:00+00:00,2026-10-31T23:00:00+00:00,eu-west-1,sts,false,N/A,false,N/A
`

func TestParseReportReadsAWSValues(t *testing.T) {
	tg := collect.Target{AccountID: "123456789012", AccountName: "acct", Region: "us-east-1"}
	got := collectWith(t, tg, &scripted{report: []byte(sampleReport)}, fast)
	want := []inventory.Record{
		{ResourceType: userType, ResourceID: "old.admin", ARN: "arn:aws:iam::123456789012:user/old.admin", AccountID: "123456789012",
			AccountName: "acct", Department: "acct", Region: "global", Attributes: map[string]any{
				"name": "old.admin", "user_creation_time": "2013-05-02T10:00:00Z", "password_enabled": true,
				"password_last_changed": "2013-05-02T10:05:00Z", "mfa_active": false,
				"access_key_1_active": true, "access_key_1_last_rotated": "2015-01-01T00:00:00Z", "access_key_1_last_used_date": "2026-10-30T12:00:00Z",
				"access_key_2_active": false, "tags": map[string]string{}}},
		{ResourceType: userType, ResourceID: "ci", ARN: "arn:aws:iam::123456789012:user/service/ci", AccountID: "123456789012",
			AccountName: "acct", Department: "acct", Region: "global", Attributes: map[string]any{
				"name": "ci", "user_creation_time": "2024-02-29T23:59:59Z", "password_enabled": false, "mfa_active": false,
				"access_key_1_active": false, "access_key_1_last_rotated": "2024-03-01T00:00:00Z",
				"access_key_2_active": true, "access_key_2_last_rotated": "2026-09-01T08:30:00Z", "access_key_2_last_used_date": "2026-10-31T23:00:00Z",
				"tags": map[string]string{}}},
	}
	collecttest.AssertRecords(t, got, want)

	// Columns are found by name: a report with fewer columns, in another
	// order, still reads.
	short := "arn,user,mfa_active\narn:aws:iam::123456789012:user/x,x,true\n"
	got = collectWith(t, tg, &scripted{report: []byte(short)}, fast)
	if len(got) != 1 || got[0].ResourceID != "x" || got[0].Attributes["mfa_active"] != true || len(got[0].Attributes) != 3 {
		t.Fatalf("short report: %+v", got)
	}
	for name, bad := range map[string]string{"no user column": "arn,mfa_active\nx,true\n", "empty": "", "bad quoting": "user,arn\n\"x,y\n"} {
		err := collectUsers(context.Background(), tg, &scripted{report: []byte(bad)}, fast, func(inventory.Record) error { return nil })
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestUsersRegenerateAMissingOrExpiredReport(t *testing.T) {
	tg := collect.Target{AccountID: "123456789012", Region: "us-east-1"}
	s := &scripted{errs: []string{"ReportInProgress", "ReportNotPresent", "ReportExpired"}, report: []byte(sampleReport)}
	if got := collectWith(t, tg, s, fast); len(got) != 2 {
		t.Fatalf("%d records", len(got))
	}
	if s.get != 4 || s.generate != 3 || s.generateAfterGets[1] != 2 || s.generateAfterGets[2] != 3 {
		t.Fatalf("get %d, generate %d after gets %v; want 4 gets and a new report after each missing one", s.get, s.generate, s.generateAfterGets)
	}
}

func TestUsersGiveUpAfterBoundedAttempts(t *testing.T) {
	tg := collect.Target{AccountID: "123456789012", Region: "us-east-1"}
	s := &scripted{errs: []string{"ReportInProgress", "ReportInProgress", "ReportInProgress", "ReportInProgress"}}
	err := collectUsers(context.Background(), tg, s, polling{first: time.Millisecond, max: time.Millisecond, attempts: 3},
		func(inventory.Record) error { t.Fatal("a record was emitted"); return nil })
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ReportInProgress" || s.get != 3 {
		t.Fatalf("err = %v after %d calls; want ReportInProgress after 3", err, s.get)
	}
}

func TestUsersStopWaitingWhenTheContextEnds(t *testing.T) {
	tg := collect.Target{AccountID: "123456789012", Region: "us-east-1"}
	s := &scripted{errs: []string{"ReportInProgress", "ReportInProgress"}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := collectUsers(ctx, tg, s, polling{first: time.Hour, max: time.Hour, attempts: 5}, func(inventory.Record) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

// TestUsersFailWhenTheReportIsDenied: the report is the only source of
// users, so a denied call fails the account's collection rather than
// reporting it without users.
func TestUsersFailWhenTheReportIsDenied(t *testing.T) {
	tg := collect.Target{AccountID: "123456789012", Region: "us-east-1"}
	for name, s := range map[string]*scripted{
		"generate": {generateErr: denied},
		"get":      {errs: []string{"AccessDenied"}},
	} {
		err := collectUsers(context.Background(), tg, s, fast, func(inventory.Record) error { t.Fatal("a record was emitted"); return nil })
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || !strings.Contains(err.Error(), "123456789012") {
			t.Errorf("%s denied: err = %v", name, err)
		}
	}
}

func TestCollectorsCallOnlyTheActionsTheyDeclare(t *testing.T) {
	for _, c := range []collect.Collector{Account(), Users()} {
		t.Run(c.Type, func(t *testing.T) {
			o := fakeorg.New(testSpec())
			for _, a := range o.Reachable()[:12] {
				tg := homeTarget(o, a)
				if c.Type == userType {
					collectWith(t, tg, awsiam.NewFromConfig(tg.AWS), fast)
					continue
				}
				collecttest.Collect(t, c, tg)
			}
			collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), c.Actions)
		})
	}
}

func TestCollectorShape(t *testing.T) {
	for _, c := range []collect.Collector{Account(), Users()} {
		if c.Scope != collect.Global || c.Service != "IAM" || c.Collect == nil {
			t.Errorf("%s: %v %s", c.Type, c.Scope, c.Service)
		}
	}
	if Account().Type != "iam_account" || Users().Type != "iam_user" {
		t.Error("types")
	}
}

// TestAccountSurvivesThrottling: collections at once in one account
// drain IAM's bucket of 20 calls; the SDK retryer rides it out.
func TestAccountSurvivesThrottling(t *testing.T) {
	sp := testSpec()
	sp.Throttle = true
	o := fakeorg.New(sp)
	a := o.Reachable()[0]
	tg := homeTarget(o, a)
	tg.AWS.RetryMaxAttempts = 10
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			errs <- Account().Collect(context.Background(), tg, func(r inventory.Record) error {
				if r.Attributes["unreadable"] != nil {
					return errors.New("unreadable: " + strings.Join(r.Attributes["unreadable"].([]string), ","))
				}
				return nil
			})
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if o.Stats().Throttled == 0 {
		t.Error("no call was throttled; the test does not prove retries")
	}
}
