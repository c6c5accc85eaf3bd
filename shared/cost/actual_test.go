package cost

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// costExplorerStandIn speaks Cost Explorer's wire protocol (AWS JSON 1.1,
// X-Amz-Target AWSInsightsIndexService.GetCostAndUsage) and answers two
// pages, so the real SDK client is exercised end to end: serialisation,
// signing headers, pagination and error decoding.
type costExplorerStandIn struct {
	t        *testing.T
	mu       sync.Mutex
	requests []map[string]any
	fail     bool
}

func (s *costExplorerStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if got := r.Header.Get("X-Amz-Target"); got != "AWSInsightsIndexService.GetCostAndUsage" {
		s.t.Errorf("X-Amz-Target %q", got)
	}
	if got := r.Header.Get("Content-Type"); got != "application/x-amz-json-1.1" {
		s.t.Errorf("Content-Type %q", got)
	}
	if auth := r.Header.Get("Authorization"); !strings.Contains(auth, "/us-east-1/ce/aws4_request") {
		s.t.Errorf("request not signed for ce in us-east-1: %q", auth)
	}
	body, _ := io.ReadAll(r.Body)
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		s.t.Errorf("body %s: %v", body, err)
	}
	s.requests = append(s.requests, in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if s.fail {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"com.amazonaws.costexplorer#AccessDeniedException","message":"User is not authorized to perform ce:GetCostAndUsage"}`)
		return
	}
	group := func(acct, svc, amt string) string {
		return `{"Keys":["` + acct + `","` + svc + `"],"Metrics":{"UnblendedCost":{"Amount":"` + amt + `","Unit":"USD"}}}`
	}
	if in["NextPageToken"] == nil {
		io.WriteString(w, `{"GroupDefinitions":[{"Type":"DIMENSION","Key":"LINKED_ACCOUNT"},{"Type":"DIMENSION","Key":"SERVICE"}],
			"ResultsByTime":[{"TimePeriod":{"Start":"2026-10-01","End":"2026-11-01"},"Estimated":false,"Total":{},"Groups":[`+
			group("111111111111", "Amazon Elastic Compute Cloud - Compute", "150.123456")+","+
			group("111111111111", "EC2 - Other", "25.5")+`]}],
			"DimensionValueAttributes":[{"Value":"111111111111","Attributes":{"description":"prod"}}],
			"NextPageToken":"page-2"}`)
		return
	}
	io.WriteString(w, `{"ResultsByTime":[{"TimePeriod":{"Start":"2026-10-01","End":"2026-11-01"},"Estimated":false,"Total":{},"Groups":[`+
		group("111111111111", "Amazon CloudWatch", "12")+","+
		group("333333333333", "AWS Lambda", "0.004")+`]}],
		"DimensionValueAttributes":[{"Value":"333333333333","Attributes":{"description":"sandbox"}}]}`)
}

func standInClient(t *testing.T, h http.Handler) *costexplorer.Client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		RetryMaxAttempts: 1, BaseEndpoint: aws.String(srv.URL)}
	return NewCostExplorer(cfg)
}

func TestFetchSpendAgainstStandIn(t *testing.T) {
	s := &costExplorerStandIn{t: t}
	spend, err := FetchSpend(context.Background(), standInClient(t, s), time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if spend.Requests != 2 || len(s.requests) != 2 {
		t.Errorf("requests %d (stand-in saw %d), want 2 pages", spend.Requests, len(s.requests))
	}
	in := s.requests[0]
	tp, _ := in["TimePeriod"].(map[string]any)
	if tp["Start"] != "2026-10-01" || tp["End"] != "2026-11-01" || in["Granularity"] != "MONTHLY" {
		t.Errorf("request %v: want last full month, monthly", in)
	}
	gb, _ := json.Marshal(in["GroupBy"])
	if string(gb) != `[{"Key":"LINKED_ACCOUNT","Type":"DIMENSION"},{"Key":"SERVICE","Type":"DIMENSION"}]` {
		t.Errorf("GroupBy %s", gb)
	}
	if s.requests[1]["NextPageToken"] != "page-2" {
		t.Errorf("second request did not pass the page token: %v", s.requests[1])
	}
	if len(spend.Rows) != 4 || *spend.Rows[0].ActualUSD != 150.12 {
		t.Fatalf("rows %+v", spend.Rows)
	}

	recs := []inventory.Record{
		mk(inventory.EC2Instance, "i-1", 140.16, nil),
		mk(inventory.EBSVolume, "vol-1", 20, nil),
		mk(inventory.ElasticIP, "eip-1", 3.65, nil),
		mk(inventory.LambdaFunction, "fn-unpriced", -1, nil),
	}
	c := CompareSpend(recs, spend)
	lines := map[string]SpendLine{}
	for _, l := range c.Services {
		lines[l.AccountID+"/"+l.Service] = l
	}
	check := func(key string, est, act, diff *float64) {
		t.Helper()
		l, ok := lines[key]
		if !ok {
			t.Fatalf("no line %s in %+v", key, c.Services)
		}
		eq := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || near(*a, *b)) }
		if !eq(l.EstimatedUSD, est) || !eq(l.ActualUSD, act) || !eq(l.DiffUSD, diff) {
			t.Errorf("%s: est %v act %v diff %v", key, l.EstimatedUSD, l.ActualUSD, l.DiffUSD)
		}
	}
	check("111111111111/Amazon Elastic Compute Cloud - Compute", ptr(140.16), ptr(150.12), ptr(9.96))
	check("111111111111/EC2 - Other", ptr(20), ptr(25.5), ptr(5.5))
	check("111111111111/Amazon CloudWatch", nil, ptr(12), ptr(12))                 // billed, not inventoried
	check("111111111111/Amazon Virtual Private Cloud", ptr(3.65), nil, ptr(-3.65)) // estimated, not billed
	check("333333333333/AWS Lambda", nil, ptr(0), ptr(0))
	if c.Total.EstimatedUSD == nil || *c.Total.EstimatedUSD != 163.81 || *c.Total.ActualUSD != 187.62 {
		t.Errorf("total %+v", c.Total)
	}
	if len(c.Accounts) != 2 || c.Accounts[1].AccountName != "sandbox" || c.Accounts[0].AccountName != "prod" {
		t.Errorf("accounts %+v", c.Accounts)
	}
}

func TestFetchSpendError(t *testing.T) {
	_, err := FetchSpend(context.Background(), standInClient(t, &costExplorerStandIn{t: t, fail: true}), time.Now())
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("error %v, want the access denial", err)
	}
}

func TestLastFullMonth(t *testing.T) {
	for now, want := range map[string]string{
		"2026-11-26T10:00:00Z": "2026-10-01..2026-11-01",
		"2026-01-01T00:00:00Z": "2025-12-01..2026-01-01",
		"2026-03-31T23:59:59Z": "2026-02-01..2026-03-01",
	} {
		n, _ := time.Parse(time.RFC3339, now)
		s, e := LastFullMonth(n)
		if got := s.Format(time.DateOnly) + ".." + e.Format(time.DateOnly); got != want {
			t.Errorf("LastFullMonth(%s) = %s, want %s", now, got, want)
		}
	}
}
