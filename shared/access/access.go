// Package access gives the pipeline AWS credentials: the caller's own from the
// standard chain, member-account roles assumed with an external ID (cached per
// account), account discovery through Organizations, region discovery per
// account, and client-side pacing so a run stays under AWS's rate limits.
package access

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// Options configure an Access.
type Options struct {
	// ExternalID is passed to every member AssumeRole (confused-deputy guard).
	ExternalID string
	// SessionName says who is calling in the member accounts' CloudTrail,
	// e.g. "aws-inventory-cli" or "aws-inventory-collect".
	SessionName string
	// MaxAttempts per API call, including the first (SDK standard retryer).
	MaxAttempts int
	// Limits override DefaultLimits; Unpaced turns pacing off.
	Limits  map[string]Limit
	Unpaced bool
}

// Access hands out per-account AWS configs. Safe for concurrent use.
type Access struct {
	raw     aws.Config // as given, before prepare
	base    aws.Config
	opts    Options
	pacer   *Pacer
	sts     *sts.Client
	creds   sync.Map // role ARN -> aws.CredentialsProvider (cached)
	regions sync.Map // account ID -> *regionEntry
	totals  Counters
}

// LoadDefault loads the caller's credentials and settings from the standard
// chain (environment, shared config and credentials files, profiles, SSO,
// container and instance roles; AWS_REGION; AWS_ENDPOINT_URL[_SERVICE]).
// region is used only when the chain names none.
func LoadDefault(ctx context.Context, region string) (aws.Config, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = region
	}
	return cfg, nil
}

// New wraps a base config (the caller's credentials) for a run.
func New(base aws.Config, opts Options) *Access {
	if opts.SessionName == "" {
		opts.SessionName = "aws-inventory"
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	a := &Access{opts: opts, raw: base}
	if !opts.Unpaced {
		a.pacer = NewPacer(opts.Limits)
	}
	a.base = a.prepare(base, "caller")
	a.sts = sts.NewFromConfig(a.base)
	return a
}

// prepare copies cfg with the retryer and pacing this tool wants.
func (a *Access) prepare(cfg aws.Config, account string) aws.Config {
	cfg = cfg.Copy()
	attempts := a.opts.MaxAttempts
	cfg.Retryer = func() aws.Retryer {
		// Client-side retry quota off: the pacer keeps throttling rare, and
		// the quota would otherwise fail calls outright under a throttling
		// storm instead of backing off (DESIGN §5).
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.MaxBackoff = 20 * time.Second
			o.RateLimiter = ratelimit.None
		})
	}
	// Pacing goes first in the list but inserts itself right after the
	// retryer, so it sits inside retries whatever comes later.
	cfg.APIOptions = append([]func(*middleware.Stack) error{pacingMiddleware(a.pacer, account, &a.totals)}, cfg.APIOptions...)
	return cfg
}

// Base is the caller's config (for Organizations and the store).
func (a *Access) Base() aws.Config { return a.base }

// Totals returns API calls and throttled answers of every config handed out.
func (a *Access) Totals() (calls, throttled int64) {
	return a.totals.Calls.Load(), a.totals.Throttled.Load()
}

// RoleARN is the member role of an account.
func RoleARN(partition, accountID, roleName string) string {
	if partition == "" {
		partition = "aws"
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, accountID, roleName)
}

// Member returns a config for an account's member role in region. The role's
// credentials are assumed lazily on first use and cached (refreshed before
// they expire); a failed AssumeRole is not cached, so a replay after the
// role is fixed succeeds.
func (a *Access) Member(accountID, roleName, region string) aws.Config {
	return a.assumed(RoleARN("aws", accountID, roleName), accountID, region)
}

func (a *Access) assumed(arn, accountID, region string) aws.Config {
	prov, ok := a.creds.Load(arn)
	if !ok {
		p := stscreds.NewAssumeRoleProvider(a.sts, arn, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = a.opts.SessionName
			if a.opts.ExternalID != "" {
				o.ExternalID = aws.String(a.opts.ExternalID)
			}
			o.Duration = time.Hour
		})
		prov, _ = a.creds.LoadOrStore(arn, aws.NewCredentialsCache(p))
	}
	cfg := a.prepare(a.raw, accountID)
	cfg.Region = region
	cfg.Credentials = prov.(aws.CredentialsProvider)
	return cfg
}
