package pricing

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspricing "github.com/aws/aws-sdk-go-v2/service/pricing"
)

// PricingAPI is the one Price List API call the live source makes;
// *pricing.Client satisfies it (and it is what the SDK paginator takes).
type PricingAPI interface {
	GetProducts(ctx context.Context, in *awspricing.GetProductsInput, optFns ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error)
}

// PricingRegion is where the client must point: the Price List API has no
// per-region endpoints, it is served from us-east-1 (also ap-south-1 and
// eu-central-1) and answers for every region through the regionCode filter.
const PricingRegion = "us-east-1"

// NewClient returns a Price List API client for cfg's credentials, pinned
// to PricingRegion whatever region cfg is for.
func NewClient(cfg aws.Config, optFns ...func(*awspricing.Options)) *awspricing.Client {
	pin := func(o *awspricing.Options) { o.Region = PricingRegion }
	return awspricing.NewFromConfig(cfg, append([]func(*awspricing.Options){pin}, optFns...)...)
}

// APIOptions tune the live source; the zero value is usable.
type APIOptions struct {
	// MaxAge is how old a persistent-cache entry may be before it is
	// fetched again (default DefaultMaxAge).
	MaxAge time.Duration
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// MaxFailures is how many failed API calls in a row make the source
	// stop calling for the rest of the run and use the fallback directly
	// (default 3): without it a denied or unreachable API would cost every
	// distinct type a round of SDK retries.
	MaxFailures int
	// Logf receives what the Basis cannot carry: full API errors and cache
	// read/write failures. Default: discarded.
	Logf func(format string, args ...any)
}

// apiSource prices EC2 instances and RDS instances from the Price List API
// and everything else from the fallback (see the Prices methods below).
type apiSource struct {
	client   PricingAPI
	fallback Prices
	cache    Cache // may be nil
	opts     APIOptions

	quotes memo[Quote]

	mu       sync.Mutex
	failures int    // consecutive failed calls
	lastFail string // reason of the last one, for the breaker's message
}

// NewAPI returns Prices backed by the live AWS Price List API.
//
// EC2Hourly and RDSInstanceHourly ask GetProducts (per-run memo, then
// cache, then AWS) and answer with Basis "pricing-api <date fetched>".
// When the API fails, has no product or gives an ambiguous answer, the
// fallback answers instead and its Basis says so: "snapshot-2025-11
// (pricing-api: no product)"; a price is never made up and never 0.
//
// The region-level rate tables (EBS, RDS storage, S3, Lambda, IPv4) and the
// listings (InstanceTypes, RDSClasses) come from the fallback: the rates
// are a handful of figures that change about once a year, and listing every
// product in a region through GetProducts means thousands of items per
// region (paged 100 at a time) to learn what the snapshot already lists.
//
// fallback nil means Snapshot(); cache nil means no persistent cache.
func NewAPI(client PricingAPI, fallback Prices, cache Cache, opts APIOptions) Prices {
	if fallback == nil {
		fallback = Snapshot()
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxFailures <= 0 {
		opts.MaxFailures = 3
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	return &apiSource{client: client, fallback: fallback, cache: cache, opts: opts}
}

func (a *apiSource) EC2Hourly(ctx context.Context, region, instanceType string) (Quote, error) {
	q := ec2Query(region, instanceType)
	return a.quotes.do(ctx, q.key, func() (Quote, error) {
		return a.quote(ctx, q, func() (Quote, error) { return a.fallback.EC2Hourly(ctx, region, instanceType) })
	})
}

func (a *apiSource) RDSInstanceHourly(ctx context.Context, region, engine, class string, d Deployment) (Quote, error) {
	if err := checkEngineDeployment(engine, d); err != nil {
		// No point asking AWS (or the fallback) about a combination that
		// has no price by definition.
		return Quote{}, noPrice("RDS "+class+" "+engine+" "+string(d), region, err.Error())
	}
	q := rdsQuery(region, engine, class, d)
	return a.quotes.do(ctx, q.key, func() (Quote, error) {
		return a.quote(ctx, q, func() (Quote, error) { return a.fallback.RDSInstanceHourly(ctx, region, engine, class, d) })
	})
}

// quote answers one instance price: fresh cache entry, else the API, else
// the fallback with the reason in its Basis.
func (a *apiSource) quote(ctx context.Context, q productQuery, fallback func() (Quote, error)) (Quote, error) {
	ans, fetched, err := a.cached(ctx, q.key)
	if err != nil {
		a.opts.Logf("pricing: cache get %s: %v", q.key, err)
	}
	if fetched.IsZero() {
		if a.client == nil {
			return a.fallbackQuote(fallback, "no client")
		}
		if reason, open := a.breakerOpen(); open {
			return a.fallbackQuote(fallback, reason)
		}
		ans, err = a.fetch(ctx, q)
		if err != nil {
			if ctx.Err() != nil {
				return Quote{}, ctx.Err()
			}
			a.opts.Logf("pricing: GetProducts %s: %v", q.key, err)
			return a.fallbackQuote(fallback, a.recordFailure(err))
		}
		a.recordSuccess()
		fetched = a.opts.Now()
		a.store(ctx, q.key, ans, fetched)
	}
	if ans.NoPrice != "" {
		return a.fallbackQuote(fallback, ans.NoPrice)
	}
	return Quote{USD: ans.USD, Basis: apiBasis(fetched)}, nil
}

// apiBasis dates a live price by when AWS gave it (a cached answer keeps
// its original date, so the Basis shows how old it is).
func apiBasis(fetched time.Time) string {
	return "pricing-api " + fetched.UTC().Format("2006-01-02")
}

func (a *apiSource) fallbackQuote(fallback func() (Quote, error), reason string) (Quote, error) {
	q, err := fallback()
	if err != nil {
		return Quote{}, fmt.Errorf("%w (pricing-api: %s)", err, reason)
	}
	q.Basis = withReason(q.Basis, reason)
	return q, nil
}

func withReason(basis, reason string) string {
	return basis + " (pricing-api: " + reason + ")"
}

// The rate tables and listings: from the fallback, see NewAPI.

func (a *apiSource) EBS(ctx context.Context, region string) (EBSRates, error) {
	r, err := a.fallback.EBS(ctx, region)
	if err == nil {
		r.Basis = withReason(r.Basis, "EBS rates not queried")
	}
	return r, err
}

func (a *apiSource) RDSStorage(ctx context.Context, region string) (RDSStorageRates, error) {
	r, err := a.fallback.RDSStorage(ctx, region)
	if err == nil {
		r.Basis = withReason(r.Basis, "RDS storage rates not queried")
	}
	return r, err
}

func (a *apiSource) S3(ctx context.Context, region string) (S3Rates, error) {
	r, err := a.fallback.S3(ctx, region)
	if err == nil {
		r.Basis = withReason(r.Basis, "S3 rates not queried")
	}
	return r, err
}

func (a *apiSource) Lambda(ctx context.Context, region, arch string) (LambdaRates, error) {
	r, err := a.fallback.Lambda(ctx, region, arch)
	if err == nil {
		r.Basis = withReason(r.Basis, "Lambda rates not queried")
	}
	return r, err
}

func (a *apiSource) IPv4(ctx context.Context, region string) (IPv4Rates, error) {
	r, err := a.fallback.IPv4(ctx, region)
	if err == nil {
		r.Basis = withReason(r.Basis, "IPv4 rates not queried")
	}
	return r, err
}

func (a *apiSource) InstanceTypes(ctx context.Context, region string) ([]string, error) {
	return a.fallback.InstanceTypes(ctx, region)
}

func (a *apiSource) RDSClasses(ctx context.Context, region, engine string) ([]string, error) {
	return a.fallback.RDSClasses(ctx, region, engine)
}
