package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/estimate"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// Collect runs one work item: it discovers the account's regions, runs the
// item's collector in each (parallel_regions at a time) and writes records to
// the store in batches as pages arrive. The outcome is also stored. A failure
// is an outcome, not an error: the error return is only for a store that
// cannot record the outcome at all.
func Collect(ctx context.Context, env *Env, it WorkItem) (store.ItemOutcome, error) {
	started := env.now()
	var counters access.Counters
	ctx = access.WithCounters(ctx, &counters)
	out := outcomeOf(it)
	out.StartedAt = started
	if secs := env.Config.CollectionSettings.TimeoutSeconds; secs > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(secs)*time.Second)
		defer cancel()
	}

	err := collectItem(ctx, env, it, &out)
	switch {
	case err != nil:
		out.Status, out.Error = store.ItemFailed, err.Error()
	case slices.ContainsFunc(out.Regions, func(r store.RegionResult) bool { return r.Status == store.RegionFailed }):
		out.Status = store.ItemPartial
		out.Error = firstRegionError(out.Regions)
		if !slices.ContainsFunc(out.Regions, func(r store.RegionResult) bool { return r.Status == store.RegionOK }) {
			out.Status = store.ItemFailed
		}
	default:
		out.Status = store.ItemSucceeded
	}
	out.DurationMS = env.now().Sub(started).Milliseconds()
	out.APICalls, out.Throttled = counters.Calls.Load(), counters.Throttled.Load()
	// The outcome is written even when the item's context was cancelled, so
	// the run knows what to replay.
	if perr := env.Store.PutItemOutcome(context.WithoutCancel(ctx), it.RunID, out); perr != nil {
		return out, fmt.Errorf("record outcome of %s/%s: %w", it.AccountID, it.ResourceType, perr)
	}
	return out, nil
}

func collectItem(ctx context.Context, env *Env, it WorkItem, out *store.ItemOutcome) error {
	c, ok := env.Collectors[it.ResourceType]
	if !ok {
		return fmt.Errorf("no collector for resource type %q", it.ResourceType)
	}
	regions, skipped, err := itemRegions(ctx, env, it, c)
	if err != nil {
		return err
	}
	out.Regions = append(out.Regions, skipped...)
	results := make([]store.RegionResult, len(regions))
	parallel := max(env.Config.CollectionSettings.ParallelRegions, 1)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, region := range regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				results[i] = store.RegionResult{Region: region, Status: store.RegionFailed, Reason: ctx.Err().Error()}
				return
			}
			results[i] = collectRegion(ctx, env, it, c, region)
		}()
	}
	wg.Wait()
	for _, r := range results {
		out.Regions = append(out.Regions, r)
		out.Resources += r.Resources
	}
	sort.Slice(out.Regions, func(i, j int) bool { return out.Regions[i].Region < out.Regions[j].Region })
	return nil
}

// itemRegions decides where the item runs: the account's enabled regions,
// narrowed by the item or config, less excluded ones. Regions left out for a
// reason the user should see come back as skipped results. Global collectors
// run once, from the home region.
func itemRegions(ctx context.Context, env *Env, it WorkItem, c collect.Collector) ([]string, []store.RegionResult, error) {
	ar, err := env.Access.Regions(ctx, it.AccountID, it.RoleName, env.home())
	if err != nil {
		return nil, nil, fmt.Errorf("account %s (%s): %s", it.AccountID, it.AccountName, Describe(err))
	}
	if c.Scope == collect.Global {
		return []string{env.home()}, nil, nil
	}
	var skipped []store.RegionResult
	excluded := map[string]bool{}
	for _, r := range env.Config.ExcludedRegions {
		excluded[r] = true
	}
	want := it.Regions
	for _, r := range ar.NotOptedIn {
		if !excluded[r] && (len(want) == 0 || slices.Contains(want, r)) {
			skipped = append(skipped, store.RegionResult{Region: r, Status: store.RegionSkipped, Reason: "region not opted in for this account"})
		}
	}
	var regions []string
	for _, r := range ar.Enabled {
		switch {
		case len(want) > 0 && !slices.Contains(want, r):
		case excluded[r]:
			skipped = append(skipped, store.RegionResult{Region: r, Status: store.RegionSkipped, Reason: "excluded by config excluded_regions"})
		default:
			regions = append(regions, r)
		}
	}
	for _, r := range want {
		if !slices.Contains(ar.Enabled, r) && !slices.Contains(ar.NotOptedIn, r) {
			skipped = append(skipped, store.RegionResult{Region: r, Status: store.RegionSkipped, Reason: "region does not exist in this account"})
		}
	}
	return regions, skipped, nil
}

func collectRegion(ctx context.Context, env *Env, it WorkItem, c collect.Collector, region string) store.RegionResult {
	res := store.RegionResult{Region: region, Status: store.RegionOK}
	if c.Scope == collect.Global {
		res.Region = inventory.GlobalRegion
	}
	t := collect.Target{
		AccountID: it.AccountID, AccountName: it.AccountName, Department: it.Department,
		Region: region, AWS: env.Access.Member(it.AccountID, it.RoleName, region),
	}
	b := batcher{ctx: ctx, store: env.Store, prices: env.Prices, size: max(env.Config.CollectionSettings.BatchSize, 1)}
	// A global collector lists every region at once; a run narrowed to some
	// regions keeps only their records (and reconciles only them).
	narrowed := c.Scope == collect.Global && len(it.Regions) > 0
	err := c.Collect(ctx, t, func(r inventory.Record) error {
		if narrowed && !slices.Contains(it.Regions, r.Region) {
			return nil
		}
		r.RunID = it.RunID
		r.CollectedAt = env.now()
		return b.add(r)
	})
	if err == nil {
		err = b.flush()
	}
	res.Resources = b.written
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "OptInRequired" {
			return store.RegionResult{Region: res.Region, Status: store.RegionSkipped, Resources: b.written, Reason: "region not enabled (OptInRequired)"}
		}
		res.Status, res.Reason = store.RegionFailed, Describe(err)
	}
	return res
}

// batcher writes records in batches of the configured size, so memory holds
// at most one batch per running region.
type batcher struct {
	ctx   context.Context
	store store.Store
	// prices, when set, gives every record its monthly estimate before it
	// is written (a resource without a price stays unpriced, with why).
	prices  pricing.Prices
	size    int
	buf     []inventory.Record
	written int
}

func (b *batcher) add(r inventory.Record) error {
	b.buf = append(b.buf, r)
	if len(b.buf) >= b.size {
		return b.flush()
	}
	return nil
}

func (b *batcher) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	if b.prices != nil {
		estimate.Apply(b.ctx, b.prices, b.buf)
	}
	if err := b.store.PutRecords(b.ctx, b.buf); err != nil {
		return fmt.Errorf("write %d records to the store: %w", len(b.buf), err)
	}
	b.written += len(b.buf)
	b.buf = b.buf[:0]
	return nil
}

func firstRegionError(rs []store.RegionResult) string {
	for _, r := range rs {
		if r.Status == store.RegionFailed {
			return r.Region + ": " + r.Reason
		}
	}
	return ""
}

// outcomeOf starts an item's outcome with the item's own fields, so the
// outcome alone can rebuild the item for a replay.
func outcomeOf(it WorkItem) store.ItemOutcome {
	return store.ItemOutcome{
		AccountID: it.AccountID, AccountName: it.AccountName, ResourceType: it.ResourceType,
		RoleName: it.RoleName, Department: it.Department, RequestedRegions: it.Regions,
	}
}

// Describe shortens an SDK error chain to what an operator acts on: the
// operation, AWS's error code and message ("sts AssumeRole: AccessDenied:
// User … is not authorized …"). Other errors are returned whole.
func Describe(err error) string {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return err.Error()
	}
	var oe *smithy.OperationError
	prefix := ""
	if errors.As(err, &oe) {
		prefix = strings.ToLower(oe.ServiceID) + " " + oe.OperationName + ": "
	}
	return prefix + ae.ErrorCode() + ": " + ae.ErrorMessage()
}
