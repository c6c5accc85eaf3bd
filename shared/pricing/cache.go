package pricing

import (
	"context"
	"time"
)

// Cache keeps Price List API answers between runs, so a daily pipeline or
// a CLI user does not ask AWS the same question every time (prices change
// rarely; the API is slow and rate-limited). Bodies are opaque to the
// cache; fetched is when AWS gave the answer, which both decides expiry
// (APIOptions.MaxAge) and dates the Basis ("pricing-api 2026-11-26").
//
// Get reports ok=false for a missing key; err is for a cache that could not
// be read, which the API source treats like a miss.
type Cache interface {
	Get(ctx context.Context, key string) (body []byte, fetched time.Time, ok bool, err error)
	Put(ctx context.Context, key string, body []byte, fetched time.Time) error
}

// DefaultMaxAge is how long a cached API price is trusted: AWS changes
// on-demand prices a few times a year, so a week old is current enough and
// keeps a daily pipeline to one fetch per type a week.
const DefaultMaxAge = 7 * 24 * time.Hour
