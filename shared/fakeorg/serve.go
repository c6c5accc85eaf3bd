package fakeorg

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"golang.org/x/time/rate"
)

// The fake sits in the middle of the SDK's middleware stack: it records the
// operation input at Initialize and answers at the very end of Finalize, after
// the retryer, signing and any client-side rate limiter, so everything above
// it runs as against AWS. It never opens a socket.

// Call is one API call as the fake sees it.
type Call struct {
	Service   string // SDK ServiceID: EC2, STS, RDS, S3, Lambda, CloudWatch, Organizations
	Operation string
	Region    string
	AccountID string // the caller's account, from the signing access key
	Input     any
}

type handler func(o *Org, c *Call) (any, error)

type inputKey struct{}

// Config returns an aws.Config whose clients are answered by the fake, with
// the management account's static credentials and region us-east-1. Nothing
// from the machine's AWS configuration is read.
func (o *Org) Config() aws.Config {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: aws.NewCredentialsCache(staticCreds{key: AccessKeyFor(o.Management.ID)}),
		HTTPClient:  noNetwork{},
	}
	o.Install(&cfg)
	return cfg
}

// Install appends the fake to cfg's API options. It must be the last option
// added, so nothing after it expects a real HTTP response.
func (o *Org) Install(cfg *aws.Config) {
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		if err := st.Initialize.Add(middleware.InitializeMiddlewareFunc("fakeorg.capture",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				ctx = middleware.WithStackValue(ctx, inputKey{}, in.Parameters)
				return next.HandleInitialize(ctx, in)
			}), middleware.Before); err != nil {
			return err
		}
		return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("fakeorg.answer",
			func(ctx context.Context, in middleware.FinalizeInput, _ middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				out, err := o.answer(ctx, in)
				return middleware.FinalizeOutput{Result: out}, middleware.Metadata{}, err
			}), middleware.After)
	})
}

// AccessKeyFor is the access key ID the fake issues for an account's
// credentials; the fake learns the caller's account from it.
func AccessKeyFor(accountID string) string { return "ASIAFAKE" + accountID }

var credentialRE = regexp.MustCompile(`Credential=ASIAFAKE(\d{12})/`)

func (o *Org) answer(ctx context.Context, in middleware.FinalizeInput) (any, error) {
	c := &Call{
		Service:   awsmiddleware.GetServiceID(ctx),
		Operation: awsmiddleware.GetOperationName(ctx),
		Region:    awsmiddleware.GetRegion(ctx),
		Input:     middleware.GetStackValue(ctx, inputKey{}),
	}
	if req, ok := in.Request.(*smithyhttp.Request); ok {
		if m := credentialRE.FindStringSubmatch(req.Header.Get("Authorization")); m != nil {
			c.AccountID = m[1]
		}
	}
	op := c.Service + "." + c.Operation
	o.recordedOps.Store(op, true)
	o.counts.calls.Add(1)
	if o.Spec.Latency > 0 {
		t := time.NewTimer(o.Spec.Latency)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	if c.AccountID == "" {
		return nil, apiError("InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if code, ok := o.throttle.take(c); !ok {
		o.counts.throttled.Add(1)
		return nil, apiError(code, "Rate exceeded")
	}
	h, ok := o.handlers()[op]
	if !ok {
		return nil, apiError("UnsupportedOperation", fmt.Sprintf("fakeorg does not implement %s", op))
	}
	return h(o, c)
}

func (o *Org) handlers() map[string]handler {
	handlersOnce.Do(func() {
		all := map[string]handler{}
		for _, m := range []map[string]handler{coreHandlers(), ec2Handlers(), rdsHandlers(), s3Handlers(), lambdaHandlers(), cloudwatchHandlers(), ec2SecurityHandlers(), rdsSnapshotHandlers(), s3ControlHandlers(), iamHandlers(), cloudtrailHandlers(), guarddutyHandlers()} {
			for k, v := range m {
				all[k] = v
			}
		}
		handlerTable = all
	})
	return handlerTable
}

var (
	handlersOnce sync.Once
	handlerTable map[string]handler
)

func apiError(code, msg string) error {
	fault := smithy.FaultClient
	if code == "InternalError" || code == "ServiceUnavailable" {
		fault = smithy.FaultServer
	}
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: fault}
}

// Stats counts what the fake answered.
type Stats struct {
	Calls     int64
	Throttled int64
	// Buckets is the number of calls per throttle bucket (account, region,
	// API class), for computing the lower bound of a run (DESIGN §7).
	Buckets map[BucketKey]int64
}

type callCounts struct {
	calls, throttled atomic.Int64
}

// Stats returns counts since the org was created (or ResetStats).
func (o *Org) Stats() Stats {
	return Stats{Calls: o.counts.calls.Load(), Throttled: o.counts.throttled.Load(), Buckets: o.throttle.counts()}
}

// ResetStats zeroes the counters (not the token buckets).
func (o *Org) ResetStats() {
	o.counts.calls.Store(0)
	o.counts.throttled.Store(0)
	o.throttle.resetCounts()
}

// Operations lists every "Service.Operation" called so far, sorted.
func (o *Org) Operations() []string {
	var out []string
	o.recordedOps.Range(func(k, _ any) bool {
		out = append(out, k.(string))
		return true
	})
	sort.Strings(out)
	return out
}

// Limit is an AWS-like token bucket: Burst tokens, refilled at Rate per second.
type Limit struct {
	Burst int
	Rate  float64
	// Code is the error code AWS answers with when the bucket is empty.
	Code string
}

// Limits models AWS's published or observed API rate limits per account and
// region, by API class (DESIGN §5).
var Limits = map[string]Limit{
	"EC2.Describe":         {Burst: 100, Rate: 20, Code: "RequestLimitExceeded"},
	"RDS":                  {Burst: 300, Rate: 12, Code: "Throttling"},
	"Lambda":               {Burst: 15, Rate: 15, Code: "TooManyRequestsException"},
	"CloudWatch.GetMetric": {Burst: 50, Rate: 50, Code: "Throttling"},
	"S3":                   {Burst: 200, Rate: 100, Code: "SlowDown"},
	"STS":                  {Burst: 100, Rate: 50, Code: "Throttling"},
	"Organizations":        {Burst: 20, Rate: 10, Code: "TooManyRequestsException"},
	"IAM":                  {Burst: 20, Rate: 20, Code: "Throttling"},
	"CloudTrail":           {Burst: 10, Rate: 10, Code: "ThrottlingException"},
	"GuardDuty":            {Burst: 10, Rate: 10, Code: "TooManyRequestsException"},
}

// APIClass names the throttle bucket an operation draws from.
func APIClass(service, operation string) string {
	switch service {
	case "EC2":
		return "EC2.Describe"
	case "CloudWatch":
		return "CloudWatch.GetMetric"
	}
	return service
}

// BucketKey identifies one token bucket.
type BucketKey struct {
	Account, Region, Class string
}

type throttler struct {
	on      bool
	mu      sync.Mutex
	buckets map[BucketKey]*rate.Limiter
	n       map[BucketKey]int64
}

func newThrottler(on bool) *throttler {
	return &throttler{on: on, buckets: map[BucketKey]*rate.Limiter{}, n: map[BucketKey]int64{}}
}

// take draws a token for the call; false means throttled, with AWS's code.
func (t *throttler) take(c *Call) (string, bool) {
	class := APIClass(c.Service, c.Operation)
	region := c.Region
	if c.Service == "STS" || c.Service == "Organizations" || c.Service == "IAM" || (c.Service == "S3" && c.Operation == "ListBuckets") {
		region = "global"
	}
	k := BucketKey{Account: c.AccountID, Region: region, Class: class}
	lim, known := Limits[class]
	t.mu.Lock()
	t.n[k]++
	b := t.buckets[k]
	if b == nil && known {
		b = rate.NewLimiter(rate.Limit(lim.Rate), lim.Burst)
		t.buckets[k] = b
	}
	t.mu.Unlock()
	if !t.on || b == nil {
		return "", true
	}
	if b.Allow() {
		return "", true
	}
	return lim.Code, false
}

func (t *throttler) counts() map[BucketKey]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[BucketKey]int64, len(t.n))
	for k, v := range t.n {
		out[k] = v
	}
	return out
}

func (t *throttler) resetCounts() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n = map[BucketKey]int64{}
}

type staticCreds struct{ key string }

func (s staticCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: s.key, SecretAccessKey: "fake-secret", Source: "fakeorg"}, nil
}

// noNetwork fails any request that gets past the fake (a bug: an option
// installed after the fake, or a client built without it).
type noNetwork struct{}

func (noNetwork) Do(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("fakeorg: request to %s reached the network layer", r.URL.Host)
}
