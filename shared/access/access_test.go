package access_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
)

func spec() fakeorg.Spec {
	sp := fakeorg.DefaultSpec()
	sp.Accounts, sp.Suspended, sp.Denied, sp.OptOut = 14, 2, 1, 2
	sp.Now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	return sp
}

func TestDiscoverAccountsSkipsInactiveWithReasonAndHonoursSelection(t *testing.T) {
	org := fakeorg.New(spec())
	api := organizations.NewFromConfig(org.Config())
	ctx := context.Background()

	found, skipped, err := access.DiscoverAccounts(ctx, api, access.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if want := 14 - 2 + 1; len(found) != want { // members less suspended, plus management
		t.Fatalf("found %d accounts, want %d", len(found), want)
	}
	if len(skipped) != 2 {
		t.Fatalf("skipped %+v, want the 2 inactive accounts", skipped)
	}
	for _, s := range skipped {
		if s.Reason != "account status SUSPENDED" && s.Reason != "account status PENDING_CLOSURE" {
			t.Errorf("skip reason %q", s.Reason)
		}
	}

	var prod string
	for _, ou := range org.OUs {
		if ou.Name == "Prod" {
			prod = ou.ID
		}
	}
	inProd, _, err := access.DiscoverAccounts(ctx, api, access.Selection{IncludeOUs: []string{prod}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range inProd {
		acct, _ := org.Account(a.ID)
		if acct.OUID != prod {
			t.Errorf("account %s from OU %s listed under Prod", a.ID, acct.OUID)
		}
	}
	if len(inProd) == 0 || len(inProd) >= len(found) {
		t.Fatalf("Prod OU gave %d of %d accounts", len(inProd), len(found))
	}

	excluded := found[0].ID
	rest, skipped2, err := access.DiscoverAccounts(ctx, api, access.Selection{ExcludeAccounts: []string{excluded}})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(rest, func(a access.Account) bool { return a.ID == excluded }) ||
		!slices.ContainsFunc(skipped2, func(s access.Skipped) bool { return s.AccountID == excluded }) {
		t.Fatalf("excluded account %s still collected or not reported skipped", excluded)
	}
}

func TestMemberRoleIsAssumedOncePerAccountAndFailuresAreNotCached(t *testing.T) {
	sp := spec()
	org := fakeorg.New(sp)
	acc := access.New(org.Config(), access.Options{ExternalID: sp.ExternalID, SessionName: "test"})
	ctx := context.Background()
	acct := org.Accounts[0].ID
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := sts.NewFromConfig(acc.Member(acct, sp.MemberRole, "eu-west-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil || *out.Account != acct {
				t.Errorf("GetCallerIdentity = %v, %v", out, err)
			}
		}()
	}
	wg.Wait()
	if n := org.Stats().Buckets[fakeorg.BucketKey{Account: org.Management.ID, Region: "global", Class: "STS"}]; n != 1 {
		t.Fatalf("AssumeRole called %d times for one account, want 1 (cached)", n)
	}

	denied := org.DeniedAccounts()[0]
	if _, err := acc.Regions(ctx, denied, sp.MemberRole, "us-east-1"); err == nil {
		t.Fatal("denied account: want an error")
	}
	org.Allow()
	ar, err := acc.Regions(ctx, denied, sp.MemberRole, "us-east-1")
	if err != nil {
		t.Fatalf("after the role is fixed: %v (a failed AssumeRole must not be cached)", err)
	}
	if len(ar.Enabled) != sp.Regions || len(ar.NotOptedIn) != sp.OptOut {
		t.Fatalf("regions %+v, want %d enabled and %d not opted in", ar, sp.Regions, sp.OptOut)
	}
}

// TestPacingKeepsARunUnderAWSLimits sends more EC2 calls than AWS's bucket
// holds from one account and region: unpaced, AWS throttles; paced, nothing is.
func TestPacingKeepsARunUnderAWSLimits(t *testing.T) {
	for _, tc := range []struct {
		name          string
		unpaced       bool
		wantThrottled bool
	}{{"unpaced", true, true}, {"paced", false, false}} {
		t.Run(tc.name, func(t *testing.T) {
			sp := spec()
			sp.Throttle = true
			org := fakeorg.New(sp)
			acc := access.New(org.Config(), access.Options{ExternalID: sp.ExternalID, Unpaced: tc.unpaced, MaxAttempts: 1})
			client := ec2.NewFromConfig(acc.Member(org.Accounts[0].ID, sp.MemberRole, "us-east-1"))
			var wg sync.WaitGroup
			sem := make(chan struct{}, 16)
			for range 150 {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					_, _ = client.DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{}) // throttles are counted below
				}()
			}
			wg.Wait()
			calls, throttled := acc.Totals()
			if (throttled > 0) != tc.wantThrottled || calls < 150 {
				t.Fatalf("%d calls, %d throttled; want throttled=%v", calls, throttled, tc.wantThrottled)
			}
		})
	}
}
