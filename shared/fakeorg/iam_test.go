package fakeorg

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// securitySpec is large enough for the shares of the distributions to settle.
func securitySpec() Spec {
	sp := testSpec()
	sp.Accounts = 200
	return sp
}

func between(t *testing.T, what string, n, of int, lo, hi float64) {
	t.Helper()
	share := float64(n) / float64(of)
	if share < lo || share > hi {
		t.Errorf("%s: %d of %d (%.2f), want between %.2f and %.2f", what, n, of, share, lo, hi)
	}
}

func TestIAMDistributionsAreRealistic(t *testing.T) {
	o := New(securitySpec())
	now := o.Spec.Now
	var rootMFA, rootKeys, noPolicy, weak, users, console, noMFA, keys, old, inactive int
	for _, a := range o.Accounts {
		ia := a.IAM
		rootMFA += int(iamFlag(ia.RootMFA))
		rootKeys += int(iamFlag(ia.RootKeys[0] != nil))
		switch pp := ia.PasswordPolicy; {
		case pp == nil:
			noPolicy++
		case pp.MinLength < 14:
			weak++
		}
		for _, u := range ia.Users {
			users++
			if u.Created.Before(ia.RootCreated) || u.Created.After(now) {
				t.Errorf("user %s created %v, account %v", u.Name, u.Created, ia.RootCreated)
			}
			if u.Password {
				console++
				noMFA += int(iamFlag(!u.MFA))
			}
			for _, k := range u.Keys {
				if k == nil {
					continue
				}
				keys++
				old += int(iamFlag(now.Sub(k.LastRotated) > 90*24*time.Hour))
				inactive += int(iamFlag(!k.Active))
				if k.LastRotated.Before(u.Created) || (!k.LastUsed.IsZero() && k.LastUsed.Before(k.LastRotated)) {
					t.Errorf("user %s key rotated %v used %v, user created %v", u.Name, k.LastRotated, k.LastUsed, u.Created)
				}
			}
		}
	}
	n := len(o.Accounts)
	between(t, "root MFA on", rootMFA, n, 0.75, 0.97)
	between(t, "root access keys", rootKeys, n, 0.005, 0.1)
	between(t, "no password policy", noPolicy, n, 0.05, 0.3)
	between(t, "weak password policy", weak, n, 0.1, 0.4)
	between(t, "users per account", users, n*5, 0.5, 1.5)
	between(t, "console users without MFA", noMFA, console, 0.1, 0.45)
	between(t, "keys older than 90 days", old, keys, 0.25, 0.6)
	between(t, "inactive keys", inactive, keys, 0.05, 0.3)
}

func TestIAMAnswersAsAWSDoes(t *testing.T) {
	o := New(testSpec())
	ctx := context.Background()
	var noPolicy, lagged *Account
	for _, a := range append([]*Account{o.Management}, o.Reachable()...) {
		if a.IAM.PasswordPolicy == nil && noPolicy == nil {
			noPolicy = a
		}
		if a.IAM.ReportLag > 0 && lagged == nil {
			lagged = a
		}
	}
	if noPolicy == nil || lagged == nil {
		t.Fatal("no account without a password policy, or none whose report lags")
	}
	c := iam.NewFromConfig(o.MemberConfig(noPolicy.ID, "eu-west-1"))
	if _, err := c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{}); errCode(err) != "NoSuchEntity" {
		t.Errorf("GetAccountPasswordPolicy without a policy: err = %v, want NoSuchEntity", err)
	}
	sum, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil || sum.SummaryMap["AccountMFAEnabled"] != iamFlag(noPolicy.IAM.RootMFA) || sum.SummaryMap["Users"] != int32(len(noPolicy.IAM.Users)) {
		t.Errorf("GetAccountSummary = %v, %v", sum, err)
	}

	c = iam.NewFromConfig(o.MemberConfig(lagged.ID, "us-east-1"))
	if _, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{}); errCode(err) != "ReportNotPresent" {
		t.Fatalf("GetCredentialReport before GenerateCredentialReport: err = %v, want ReportNotPresent", err)
	}
	var states []iamtypes.ReportStateType
	for i := 0; i < lagged.IAM.ReportLag+2; i++ {
		out, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, out.State)
	}
	want := []iamtypes.ReportStateType{"STARTED"}
	for i := 0; i < lagged.IAM.ReportLag; i++ {
		want = append(want, "INPROGRESS")
	}
	want = append(want, "COMPLETE")
	if !reflect.DeepEqual(states, want) {
		t.Fatalf("GenerateCredentialReport states %v, want %v", states, want)
	}
	out, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil || out.ReportFormat != iamtypes.ReportFormatTypeTextCsv {
		t.Fatalf("GetCredentialReport: %v, %v", out, err)
	}
	rows, err := csv.NewReader(bytes.NewReader(out.Content)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(CredentialReportHeader, ",") || rows[1][0] != "<root_account>" || len(rows) != len(lagged.IAM.Users)+2 {
		t.Fatalf("report starts %v / %v with %d rows", rows[0], rows[1], len(rows))
	}
	if rows[1][3] != "not_supported" || !strings.HasSuffix(rows[2][2], "+00:00") {
		t.Errorf("root row %v, first user row %v", rows[1], rows[2])
	}
}

func TestIAMReportInProgressAnswersReportInProgress(t *testing.T) {
	o := New(testSpec())
	for _, a := range o.Reachable() {
		if a.IAM.ReportLag == 0 {
			continue
		}
		c := iam.NewFromConfig(o.MemberConfig(a.ID, "us-east-1"))
		ctx := context.Background()
		if _, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < a.IAM.ReportLag; i++ {
			if _, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{}); errCode(err) != "ReportInProgress" {
				t.Fatalf("poll %d: err = %v, want ReportInProgress", i+1, err)
			}
		}
		if _, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{}); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatal("no account whose report lags")
}

// TestSecurityGenerationIsPerAccount: an account's security settings depend
// on the seed and the account, not on how many other accounts there are.
func TestSecurityGenerationIsPerAccount(t *testing.T) {
	small, big := testSpec(), testSpec()
	big.Accounts = 20
	a, b := New(small), New(big)
	for _, x := range a.Accounts {
		if _, ok := b.Account(x.ID); !ok {
			continue
		}
		if !reflect.DeepEqual(a.testExpectedSecurity(x.ID, "", ""), b.testExpectedSecurity(x.ID, "", "")) {
			t.Fatalf("account %s differs between a %d- and a %d-account organization", x.ID, small.Accounts, big.Accounts)
		}
	}
	if !reflect.DeepEqual(a.testExpectedSecurity(a.Management.ID, "", ""), New(small).testExpectedSecurity(a.Management.ID, "", "")) {
		t.Fatal("the same spec generates different security settings")
	}
}
