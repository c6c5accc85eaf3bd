package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// Aggregate closes a run: for every item that completed in a region, the
// records of that account, type and region the run did not see are marked
// deleted (kept, with the time); it then counts the inventory, lists failed
// items with a replay input, and stores the summary on the run.
func Aggregate(ctx context.Context, env *Env, in AggregateInput) (Summary, error) {
	run, err := env.Store.GetRun(ctx, in.RunID)
	if err != nil {
		return Summary{}, fmt.Errorf("aggregate run %s: %w", in.RunID, err)
	}
	outcomes, err := env.Store.ItemOutcomes(ctx, in.RunID)
	if err != nil {
		return Summary{}, fmt.Errorf("aggregate run %s: item outcomes: %w", in.RunID, err)
	}
	now := env.now()
	s := Summary{
		RunID: run.ID, ReplayOf: run.ReplayOf, StartedAt: run.StartedAt, FinishedAt: now,
		DurationSeconds: now.Sub(run.StartedAt).Seconds(), SkippedAccounts: in.Skipped,
	}
	accounts := map[string]bool{}
	var replay []WorkItem
	for _, o := range outcomes {
		accounts[o.AccountID] = true
		s.Items.Total++
		s.Collected += o.Resources
		s.APICalls += o.APICalls
		s.Throttled += o.Throttled
		var okRegions, failedRegions []string
		for _, r := range o.Regions {
			switch r.Status {
			case store.RegionOK:
				okRegions = append(okRegions, r.Region)
			case store.RegionFailed:
				failedRegions = append(failedRegions, r.Region)
			case store.RegionSkipped:
				s.SkippedRegions++
			}
		}
		switch o.Status {
		case store.ItemSucceeded:
			s.Items.Succeeded++
		case store.ItemPartial:
			s.Items.Partial++
		case store.ItemPending:
			s.Items.NotRun++
		default:
			s.Items.Failed++
		}
		if outcomeOK(o.Status) && len(okRegions) > 0 {
			n, err := env.Store.MarkDeleted(ctx, deletionScope(env, o, okRegions), run.ID, now)
			if err != nil {
				return Summary{}, fmt.Errorf("aggregate run %s: mark deleted in %s/%s: %w", run.ID, o.AccountID, o.ResourceType, err)
			}
			s.MarkedDeleted += n
		}
		if o.Status != store.ItemSucceeded {
			f := FailedItem{AccountID: o.AccountID, AccountName: o.AccountName, ResourceType: o.ResourceType,
				Status: o.Status, Error: o.Error, FailedRegions: failedRegions}
			if o.Status == store.ItemPending {
				f.Error = "the run stopped before this item ran"
			}
			s.Failed = append(s.Failed, f)
		}
		if it, ok := replayItem(o); ok {
			replay = append(replay, it)
		}
	}
	s.Accounts = len(accounts)
	switch {
	case in.Cancelled:
		s.Status = store.RunCancelled
	case s.Items.Total > 0 && s.Items.Succeeded == s.Items.Total:
		s.Status = store.RunSucceeded
	case s.Items.Succeeded+s.Items.Partial > 0:
		s.Status = store.RunPartial
	default:
		s.Status = store.RunFailed
	}
	if len(replay) > 0 {
		s.ReplayInput = &ReplayInput{Action: "collect", ReplayOf: run.ID, Items: replay}
	}
	if s.Inventory, err = breakdown(ctx, env, accounts); err != nil {
		return Summary{}, fmt.Errorf("aggregate run %s: %w", run.ID, err)
	}
	// The stored summary is compacted like the state's: a DynamoDB item
	// holds 400 KB, which ~800 failed items would pass. Every failed item
	// stays in the run's item outcomes, and a compacted replay input is
	// rebuilt from them.
	body, err := json.Marshal(s.Compact(CompactFailedItems, CompactReplayItems))
	if err != nil {
		return Summary{}, err
	}
	run.Status, run.FinishedAt, run.Summary = s.Status, now, body
	if err := env.Store.PutRun(ctx, run); err != nil {
		return Summary{}, fmt.Errorf("aggregate run %s: save run: %w", run.ID, err)
	}
	return s, nil
}

// deletionScope is the part of the inventory a completed item vouches for.
// A global collector (S3) lists everything the account has whatever the
// bucket's region, so its scope is every region, or the regions the item
// was narrowed to.
func deletionScope(env *Env, o store.ItemOutcome, okRegions []string) store.Scope {
	sc := store.Scope{AccountID: o.AccountID, ResourceType: o.ResourceType, Regions: okRegions}
	if c, ok := env.Collectors[o.ResourceType]; ok && c.Scope == collect.Global {
		sc.Regions, sc.AllRegions = o.RequestedRegions, len(o.RequestedRegions) == 0
	}
	return sc
}

// breakdown counts the live inventory of the run's accounts. The filter
// names every collected type as well: a store can then read exactly those
// account × type partitions with consistent reads (DynamoDB), rather than an
// index that may lag the writes Collect has just made.
func breakdown(ctx context.Context, env *Env, accounts map[string]bool) (Breakdown, error) {
	b := Breakdown{ByType: map[string]int{}, ByAccount: map[string]int{}, ByRegion: map[string]int{}, ByDepartment: map[string]int{}}
	if len(accounts) == 0 {
		return b, nil
	}
	ids := make([]string, 0, len(accounts))
	for id := range accounts {
		ids = append(ids, id)
	}
	types := make([]string, 0, len(env.Collectors))
	for t := range env.Collectors {
		types = append(types, t)
	}
	recs, err := env.Store.Query(ctx, store.Filter{Accounts: ids, ResourceTypes: types})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return b, fmt.Errorf("count inventory: %w", err)
	}
	for _, r := range recs {
		count(&b, r)
	}
	return b, nil
}

func count(b *Breakdown, r inventory.Record) {
	b.Total++
	b.ByType[r.ResourceType]++
	b.ByAccount[r.AccountID]++
	b.ByRegion[r.Region]++
	b.ByDepartment[r.Department]++
}
