package s3

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func TestAccountBlockMatchesGroundTruthInEveryAccount(t *testing.T) {
	sp := testSpec()
	sp.Accounts = 80 // the rarer settings (all off) need a few dozen accounts
	o := fakeorg.New(sp)
	seen := map[string]int{}
	for _, a := range o.Reachable() {
		got := collecttest.Collect(t, AccountPublicAccessBlock(), homeTarget(o, a))
		collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, "", inventory.S3AccountPublicAccessBlock))
		r := got[0]
		on := 0
		for _, k := range []string{"block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"} {
			if r.Attributes[k] == true {
				on++
			}
		}
		switch {
		case r.Attributes["configured"] == false:
			seen["not configured"]++
		case on == 4:
			seen["all on"]++
		case on == 0:
			seen["configured, all off"]++
		default:
			seen["partly on"]++
		}
		if r.Region != inventory.GlobalRegion || r.ResourceID != a.ID || r.Department != a.Name {
			t.Errorf("record %s in %s, department %q", r.ResourceID, r.Region, r.Department)
		}
	}
	for _, want := range []string{"not configured", "all on", "configured, all off", "partly on"} {
		if seen[want] == 0 {
			t.Errorf("no account is %s: %v", want, seen)
		}
	}
	t.Logf("%d accounts: %v", len(o.Reachable()), seen)
	if seen["all on"]*2 < len(o.Reachable()) {
		t.Errorf("most accounts should block public access: %v", seen)
	}
}

func TestAccountBlockDeclaresExactlyTheActionsItCalls(t *testing.T) {
	o := fakeorg.New(testSpec())
	c := AccountPublicAccessBlock()
	for _, a := range o.Reachable()[:3] {
		collecttest.Collect(t, c, homeTarget(o, a))
	}
	collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), c.Actions)
	if c.Type != "s3_account_public_access_block" || c.Scope != collect.Global || c.Service != "S3 Control" {
		t.Errorf("collector = %s %v %s", c.Type, c.Scope, c.Service)
	}
	if got := ActionFor("S3 Control.GetPublicAccessBlock"); got != "s3:GetAccountPublicAccessBlock" {
		t.Errorf("ActionFor = %q", got)
	}
}

// failingControl answers GetPublicAccessBlock with an error code.
type failingControl struct{ code string }

func (f failingControl) GetPublicAccessBlock(context.Context, *s3control.GetPublicAccessBlockInput, ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	return nil, &smithy.GenericAPIError{Code: f.code, Message: f.code}
}

func TestAccountBlockDeniedIsUnreadableAndOtherErrorsFail(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[0]
	tg := homeTarget(o, a)
	got := collecttest.Emitted(t, func(e collect.Emit) error {
		return collectAccountBlock(context.Background(), tg, failingControl{"AccessDenied"}, e)
	})
	want := o.ExpectedFor(a.ID, "", inventory.S3AccountPublicAccessBlock)
	want[0].Attributes = map[string]any{"unreadable": []string{"GetPublicAccessBlock"}, "tags": map[string]string{}}
	collecttest.AssertRecords(t, got, want)

	err := collectAccountBlock(context.Background(), tg, failingControl{"InternalError"}, func(inventory.Record) error {
		t.Fatal("a record was emitted")
		return nil
	})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InternalError" {
		t.Fatalf("err = %v, want InternalError wrapped", err)
	}
}

// TestAccountBlockWithACustomEndpoint calls a local stand-in over HTTP: the
// request must reach the endpoint as given (no account label in front of
// its host), name the account in x-amz-account-id, and both answers must
// decode.
func TestAccountBlockWithACustomEndpoint(t *testing.T) {
	const account = "123456789012"
	configured := true
	var hosts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts = append(hosts, r.Host)
		if r.Method != http.MethodGet || r.URL.Path != "/v20180820/configuration/publicAccessBlock" || r.Header.Get("X-Amz-Account-Id") != account {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path+" account "+r.Header.Get("X-Amz-Account-Id"), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		if !configured {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Code>NoSuchPublicAccessBlockConfiguration</Code><Message>The public access block configuration was not found</Message></Error><RequestId>R1</RequestId><HostId>H1</HostId></ErrorResponse>`))
			return
		}
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	tg := collect.Target{AccountID: account, AccountName: "local", Region: "eu-west-1", AWS: aws.Config{
		Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: aws.AnonymousCredentials{},
	}}
	for _, tc := range []struct {
		configured bool
		want       map[string]any
	}{
		{true, map[string]any{"configured": true, "block_public_acls": true, "ignore_public_acls": true, "block_public_policy": false, "restrict_public_buckets": true}},
		{false, map[string]any{"configured": false, "block_public_acls": false, "ignore_public_acls": false, "block_public_policy": false, "restrict_public_buckets": false}},
	} {
		configured = tc.configured
		got := collecttest.Collect(t, AccountPublicAccessBlock(), tg)
		want := tg.Record(accountBlockType, account, "", nil, tc.want)
		want.Region = inventory.GlobalRegion
		collecttest.AssertRecords(t, got, []inventory.Record{want})
	}
	for _, h := range hosts {
		if h != u.Host {
			t.Errorf("request to host %q, want %q", h, u.Host)
		}
	}
	if len(hosts) != 2 {
		t.Errorf("%d requests, want 2", len(hosts))
	}
}
