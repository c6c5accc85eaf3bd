package access

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// Limit is a client-side token bucket: Burst calls at once, then Rate per
// second.
type Limit struct {
	Burst int
	Rate  float64
}

// DefaultLimits paces calls per account, region and API class a little under
// AWS's own token buckets (EC2 Describe*: burst 100, refill 20/s; RDS: 300,
// 12/s; Lambda control plane: 15/s; CloudWatch GetMetricData: 50/s), so a run
// does not throttle itself: once AWS throttles, the SDK's backoff costs far
// more than waiting for a token here, and sustained throttling drains the
// retryer and fails calls outright.
var DefaultLimits = map[string]Limit{
	"EC2":           {Burst: 100, Rate: 19},
	"RDS":           {Burst: 300, Rate: 11.5},
	"Lambda":        {Burst: 15, Rate: 14},
	"CloudWatch":    {Burst: 50, Rate: 48},
	"S3":            {Burst: 200, Rate: 95},
	"STS":           {Burst: 100, Rate: 48},
	"Organizations": {Burst: 20, Rate: 9.5},
	// IAM's control plane is one endpoint for the account; CloudTrail and
	// GuardDuty describe calls are a few per account-region per run.
	"IAM":        {Burst: 15, Rate: 9.5},
	"CloudTrail": {Burst: 10, Rate: 4.5},
	"GuardDuty":  {Burst: 10, Rate: 9.5},
}

// globalOps are calls whose AWS limit is per account, not per region.
func bucketRegion(service, operation, region string) string {
	if service == "STS" || service == "Organizations" || service == "IAM" || (service == "S3" && operation == "ListBuckets") {
		return "global"
	}
	return region
}

type bucketKey struct{ account, region, class string }

// Pacer hands out tokens per (account, region, API class).
type Pacer struct {
	limits  map[string]Limit
	mu      sync.Mutex
	buckets map[bucketKey]*rate.Limiter
}

// NewPacer builds a pacer; nil limits means DefaultLimits. A class without a
// limit is not paced.
func NewPacer(limits map[string]Limit) *Pacer {
	if limits == nil {
		limits = DefaultLimits
	}
	return &Pacer{limits: limits, buckets: map[bucketKey]*rate.Limiter{}}
}

func (p *Pacer) wait(ctx context.Context, account, service, operation, region string) error {
	lim, ok := p.limits[service]
	if !ok {
		return nil
	}
	k := bucketKey{account, bucketRegion(service, operation, region), service}
	p.mu.Lock()
	b := p.buckets[k]
	if b == nil {
		b = rate.NewLimiter(rate.Limit(lim.Rate), lim.Burst)
		p.buckets[k] = b
	}
	p.mu.Unlock()
	return b.Wait(ctx)
}

// Counters count API attempts and throttled answers. A pipeline stage puts
// one in the context (WithCounters) to learn what one work item cost.
type Counters struct {
	Calls     atomic.Int64
	Throttled atomic.Int64
}

type countersKey struct{}

// WithCounters returns a context whose AWS calls are counted in c.
func WithCounters(ctx context.Context, c *Counters) context.Context {
	return context.WithValue(ctx, countersKey{}, c)
}

// pacingMiddleware sits right after the retryer, so every attempt (retries
// included) waits for a token and is counted.
func pacingMiddleware(p *Pacer, account string, totals *Counters) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Finalize.Insert(middleware.FinalizeMiddlewareFunc("inventory.pacing",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
				if p != nil {
					if err := p.wait(ctx, account, service, op, awsmiddleware.GetRegion(ctx)); err != nil {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, err
					}
				}
				out, md, err := next.HandleFinalize(ctx, in)
				item, _ := ctx.Value(countersKey{}).(*Counters)
				throttled := err != nil && isThrottle(err)
				for _, c := range []*Counters{item, totals} {
					if c == nil {
						continue
					}
					c.Calls.Add(1)
					if throttled {
						c.Throttled.Add(1)
					}
				}
				return out, md, err
			}), "Retry", middleware.After)
	}
}

func isThrottle(err error) bool {
	var ec interface{ ErrorCode() string }
	if !errors.As(err, &ec) {
		return false
	}
	_, ok := retry.DefaultThrottleErrorCodes[ec.ErrorCode()]
	return ok
}
