package pricing

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

var fetchDay = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// clock is a settable Now for cache-age tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newAPI(client PricingAPI, cache Cache, clk *clock) Prices {
	if clk == nil {
		clk = &clock{t: fetchDay}
	}
	return NewAPI(client, Snapshot(), cache, APIOptions{Now: clk.now})
}

func TestAPIEC2PriceAndFilters(t *testing.T) {
	fake, client := newFakePriceList(t,
		ec2Product("us-east-1", "m5.large", "0.0970000000"),
		ec2Product("us-east-1", "m5.large", "0.1880000000", "operatingSystem", "Windows"), // decoys the
		ec2Product("us-east-1", "m5.large", "0.1010000000", "tenancy", "Dedicated"),       // filters must
		ec2Product("us-east-1", "m5.large", "0.0000000000", "capacitystatus", "UnusedCapacityReservation"),
		ec2Product("eu-west-1", "m5.large", "0.1070000000"), // leave out
	)
	q, err := newAPI(client, nil, nil).EC2Hourly(context.Background(), "us-east-1", "m5.large")
	if err != nil || !near(q.USD, 0.097) || q.Basis != "pricing-api 2026-11-26" {
		t.Fatalf("EC2Hourly = %+v, %v; want 0.097 from pricing-api 2026-11-26", q, err)
	}
	req := fake.last()
	if req.ServiceCode != "AmazonEC2" || req.FormatVersion != "aws_v1" {
		t.Errorf("request = %+v", req)
	}
	for field, want := range map[string]string{
		"instanceType": "m5.large", "regionCode": "us-east-1", "operatingSystem": "Linux", "tenancy": "Shared",
		"preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required",
	} {
		if got := req.filter(field); got != want {
			t.Errorf("filter %s = %q, want %q", field, got, want)
		}
	}
	for _, f := range req.Filters {
		if f.Type != "TERM_MATCH" {
			t.Errorf("filter %s has type %s", f.Field, f.Type)
		}
	}
}

func TestAPIRDSFilters(t *testing.T) {
	fake, client := newFakePriceList(t,
		rdsProduct("us-east-1", "MySQL", "db.m5.large", "Single-AZ", "EBS Only", "0.171"),
		rdsProduct("us-east-1", "MySQL", "db.m5.large", "Multi-AZ", "EBS Only", "0.342"),
		rdsProduct("us-east-1", "PostgreSQL", "db.m6gd.large", "Multi-AZ (readable standbys)", "EBS Only", "0.522"),
		rdsProduct("us-east-1", "Aurora MySQL", "db.r6g.large", "Single-AZ", "EBS Only", "0.26"),
		rdsProduct("us-east-1", "Aurora MySQL", "db.r6g.large", "Single-AZ", "Aurora IO Optimization Mode", "0.338"),
	)
	p, ctx := newAPI(client, nil, nil), context.Background()
	for _, c := range []struct {
		engine, class string
		d             Deployment
		want          float64
	}{
		{"mysql", "db.m5.large", SingleAZ, 0.171},
		{"mysql", "db.m5.large", MultiAZ, 0.342},
		{"postgres", "db.m6gd.large", MultiAZCluster, 0.522},
		{"aurora-mysql", "db.r6g.large", AuroraStandard, 0.26},
		{"aurora-mysql", "db.r6g.large", AuroraIOOpt, 0.338},
	} {
		q, err := p.RDSInstanceHourly(ctx, "us-east-1", c.engine, c.class, c.d)
		if err != nil || !near(q.USD, c.want) || !strings.HasPrefix(q.Basis, "pricing-api ") {
			t.Errorf("RDS %s %s %s = %+v, %v; want %v", c.engine, c.class, c.d, q, err, c.want)
		}
		if r := fake.last(); r.ServiceCode != "AmazonRDS" || r.filter("productFamily") != "Database Instance" ||
			r.filter("licenseModel") != "No license required" {
			t.Errorf("RDS request = %+v", r)
		}
	}
	// A combination with no price by definition is refused without a call.
	before := fake.calls()
	if _, err := p.RDSInstanceHourly(ctx, "us-east-1", "mariadb", "db.m5.large", SingleAZ); !errors.Is(err, ErrNoPrice) {
		t.Errorf("mariadb err = %v", err)
	}
	if fake.calls() != before {
		t.Error("an unpriced engine was sent to the API")
	}
}

func TestAPIPagination(t *testing.T) {
	// Two products survive the filters (say, the same price under two SKUs)
	// and the page holds one: the second page must be asked for with the
	// token, and both read.
	fake, client := newFakePriceList(t,
		ec2Product("us-east-1", "m5.large", "0.096", "operation", "RunInstances"),
		ec2Product("us-east-1", "m5.large", "0.096", "operation", "RunInstances:0000"),
	)
	fake.pageSize = 1
	q, err := newAPI(client, nil, nil).EC2Hourly(context.Background(), "us-east-1", "m5.large")
	if err != nil || !near(q.USD, 0.096) || !strings.HasPrefix(q.Basis, "pricing-api") {
		t.Fatalf("EC2Hourly = %+v, %v", q, err)
	}
	if fake.calls() != 2 || fake.last().NextToken != "1" {
		t.Errorf("calls = %d, last token %q; want 2 calls, the second with token 1", fake.calls(), fake.last().NextToken)
	}

	// Products on different pages that disagree: no guess, the fallback
	// answers and says why.
	fake.products[1] = ec2Product("us-east-1", "m5.large", "0.120", "operation", "RunInstances:0000")
	q, err = newAPI(client, nil, nil).EC2Hourly(context.Background(), "us-east-1", "m5.large")
	if err != nil || q.USD != 0.096 || q.Basis != "snapshot-2025-11 (pricing-api: ambiguous, 2 different prices)" {
		t.Errorf("ambiguous = %+v, %v", q, err)
	}
}

func TestAPIRunCacheSingleFlight(t *testing.T) {
	fake, client := newFakePriceList(t, ec2Product("us-east-1", "m5.large", "0.096"))
	p := newAPI(client, nil, nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if q, err := p.EC2Hourly(context.Background(), "us-east-1", "m5.large"); err != nil || !near(q.USD, 0.096) {
				t.Errorf("EC2Hourly = %+v, %v", q, err)
			}
		})
	}
	wg.Wait()
	p.EC2Hourly(context.Background(), "us-east-1", "m5.large")
	if fake.calls() != 1 {
		t.Errorf("calls = %d, want 1 for one key in one run", fake.calls())
	}
}

func TestAPIPersistentCacheAge(t *testing.T) {
	fake, client := newFakePriceList(t, ec2Product("us-east-1", "m5.large", "0.096"))
	cache, clk, ctx := NewFileCache(t.TempDir()), &clock{t: fetchDay}, context.Background()

	if q, _ := newAPI(client, cache, clk).EC2Hourly(ctx, "us-east-1", "m5.large"); q.Basis != "pricing-api 2026-11-26" {
		t.Fatalf("first run basis = %q", q.Basis)
	}
	// Next run, six days on: the cached answer, dated when it was fetched.
	clk.add(6 * 24 * time.Hour)
	q, err := newAPI(client, cache, clk).EC2Hourly(ctx, "us-east-1", "m5.large")
	if err != nil || !near(q.USD, 0.096) || q.Basis != "pricing-api 2026-11-26" || fake.calls() != 1 {
		t.Errorf("within max age: %+v, %v, calls %d; want the cached price and no call", q, err, fake.calls())
	}
	// Eight days after the fetch it is too old: fetched again and redated.
	clk.add(2 * 24 * time.Hour)
	fake.products[0] = ec2Product("us-east-1", "m5.large", "0.090")
	q, err = newAPI(client, cache, clk).EC2Hourly(ctx, "us-east-1", "m5.large")
	if err != nil || !near(q.USD, 0.090) || q.Basis != "pricing-api 2026-12-04" || fake.calls() != 2 {
		t.Errorf("expired: %+v, %v, calls %d; want a new fetch", q, err, fake.calls())
	}
	// "No product" is an answer too, cached like a price.
	for range 2 {
		q, err = newAPI(client, cache, clk).EC2Hourly(ctx, "eu-west-1", "m5.large")
		if err != nil || q.Basis != "snapshot-2025-11 (pricing-api: no product)" {
			t.Errorf("no product: %+v, %v", q, err)
		}
	}
	if fake.calls() != 3 {
		t.Errorf("calls = %d; want the no-product answer cached", fake.calls())
	}
}

func TestAPIFallbackOnError(t *testing.T) {
	fake, client := newFakePriceList(t)
	fake.failWith = "AccessDeniedException"
	var logged []string
	var mu sync.Mutex
	p := NewAPI(client, nil, NewFileCache(t.TempDir()), APIOptions{Logf: func(f string, a ...any) {
		mu.Lock()
		logged = append(logged, f)
		mu.Unlock()
	}})
	ctx := context.Background()
	q, err := p.EC2Hourly(ctx, "us-east-1", "m5.large")
	if err != nil || !near(q.USD, 0.096) || q.Basis != "snapshot-2025-11 (pricing-api: AccessDeniedException)" {
		t.Errorf("on error = %+v, %v", q, err)
	}
	if len(logged) == 0 {
		t.Error("the full API error was not logged")
	}
	// Three failures in a row: the rest of the run stops calling.
	p.EC2Hourly(ctx, "us-east-1", "m5.xlarge")
	p.EC2Hourly(ctx, "us-east-1", "t3.micro")
	calls := fake.calls()
	q, err = p.RDSInstanceHourly(ctx, "us-east-1", "mysql", "db.m5.large", MultiAZ)
	if err != nil || !near(q.USD, 0.342) || fake.calls() != calls ||
		q.Basis != "snapshot-2025-11 (pricing-api: unavailable after 3 errors, last AccessDeniedException)" {
		t.Errorf("after the breaker: %+v, %v, calls %d→%d", q, err, calls, fake.calls())
	}
	// Unknown to both: ErrNoPrice, with both reasons.
	_, err = p.EC2Hourly(ctx, "us-east-1", "m99.large")
	if !errors.Is(err, ErrNoPrice) || !strings.Contains(err.Error(), "pricing-api: unavailable") {
		t.Errorf("unknown everywhere: err = %v", err)
	}
}

func TestAPIFallbackOnNoProduct(t *testing.T) {
	_, client := newFakePriceList(t,
		ec2Product("us-east-1", "m5.large", "0.0000000000"), // a zero is not a price
	)
	p, ctx := newAPI(client, nil, nil), context.Background()
	q, err := p.EC2Hourly(ctx, "us-east-1", "m5.large")
	if err != nil || !near(q.USD, 0.096) || q.Basis != "snapshot-2025-11 (pricing-api: no on-demand hourly price)" {
		t.Errorf("zero price = %+v, %v", q, err)
	}
	q, err = p.EC2Hourly(ctx, "eu-west-1", "m5.large")
	if err != nil || !near(q.USD, 0.107) || q.Basis != "snapshot-2025-11 (pricing-api: no product)" {
		t.Errorf("no product = %+v, %v", q, err)
	}
	_, err = p.EC2Hourly(ctx, "us-east-1", "m99.large")
	if !errors.Is(err, ErrNoPrice) || !strings.Contains(err.Error(), "type not in snapshot-2025-11") ||
		!strings.Contains(err.Error(), "pricing-api: no product") {
		t.Errorf("unknown type: err = %v", err)
	}
}

func TestAPIRatesFromFallback(t *testing.T) {
	fake, client := newFakePriceList(t)
	p, ctx := newAPI(client, nil, nil), context.Background()
	ebs, err := p.EBS(ctx, "us-east-1")
	if err != nil || ebs.PerGBMonth["gp3"] != 0.08 || ebs.Basis != "snapshot-2025-11 (pricing-api: EBS rates not queried)" {
		t.Errorf("EBS = %+v, %v", ebs, err)
	}
	if l, err := p.Lambda(ctx, "us-east-1", "arm64"); err != nil || !strings.HasPrefix(l.Basis, "snapshot-2025-11 (pricing-api:") {
		t.Errorf("Lambda = %+v, %v", l, err)
	}
	if _, err := p.EBS(ctx, "mx-central-1"); !errors.Is(err, ErrNoPrice) {
		t.Errorf("EBS gap err = %v", err)
	}
	types, err := p.InstanceTypes(ctx, "us-east-1")
	if err != nil || len(types) != 1031 {
		t.Errorf("InstanceTypes = %d, %v", len(types), err)
	}
	if fake.calls() != 0 {
		t.Errorf("rate tables and listings made %d API calls", fake.calls())
	}
}

func TestAPICanceledIsNotRemembered(t *testing.T) {
	fake, client := newFakePriceList(t, ec2Product("us-east-1", "m5.large", "0.096"))
	p := newAPI(client, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.EC2Hourly(ctx, "us-east-1", "m5.large"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled err = %v", err)
	}
	q, err := p.EC2Hourly(context.Background(), "us-east-1", "m5.large")
	if err != nil || q.Basis != "pricing-api 2026-11-26" || fake.calls() != 1 {
		t.Errorf("after cancel: %+v, %v, calls %d", q, err, fake.calls())
	}
}

func TestAPINilClientFallsBack(t *testing.T) {
	q, err := NewAPI(nil, nil, nil, APIOptions{}).EC2Hourly(context.Background(), "us-east-1", "m5.large")
	if err != nil || !near(q.USD, 0.096) || q.Basis != "snapshot-2025-11 (pricing-api: no client)" {
		t.Errorf("nil client = %+v, %v", q, err)
	}
}
