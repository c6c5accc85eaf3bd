package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// validateRequest checks the parts of a request Plan does not look up
// anywhere, so a typo fails the run at once with the field it is in.
func validateRequest(in PlanInput) error {
	for _, id := range in.Accounts {
		if !config.ValidAccountID(id) {
			return inputErrorf("plan: accounts: %q is not a 12-digit AWS account ID", id)
		}
	}
	for _, r := range in.Regions {
		if !config.ValidRegion(r) {
			return inputErrorf("plan: regions: %q is not an AWS region name (expected e.g. us-east-1)", r)
		}
	}
	if len(in.Items) > 0 && (len(in.Accounts) > 0 || len(in.ResourceTypes) > 0 || len(in.Regions) > 0) {
		return inputErrorf("plan: items cannot be combined with accounts, resource_types or regions: a replay collects exactly its items")
	}
	if in.ReplayOf == "" && len(in.Items) > 0 {
		return inputErrorf("plan: items need replay_of, the run they come from")
	}
	return nil
}

// replayItemsOf rebuilds a run's replay input from its stored item outcomes.
// It lets a replay be started with just {"action":"collect","replay_of":ID}:
// the execution output of a large failed run carries only that, because its
// items would not fit in a Step Functions payload (256 KiB).
func replayItemsOf(ctx context.Context, env *Env, runID string) ([]WorkItem, error) {
	if _, err := env.Store.GetRun(ctx, runID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, inputErrorf("plan: replay_of: run %q does not exist", runID)
		}
		return nil, fmt.Errorf("plan: replay_of %s: %w", runID, err)
	}
	outcomes, err := env.Store.ItemOutcomes(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("plan: replay_of %s: item outcomes: %w", runID, err)
	}
	var items []WorkItem
	for _, o := range outcomes {
		if it, ok := replayItem(o); ok {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return nil, inputErrorf("plan: replay_of: run %s has no failed items: nothing to replay", runID)
	}
	return items, nil
}

// replayItem is the work item that re-collects what an outcome missed: the
// whole item, or only the failed regions of a partial one.
func replayItem(o store.ItemOutcome) (WorkItem, bool) {
	if o.Status == store.ItemSucceeded {
		return WorkItem{}, false
	}
	it := WorkItem{AccountID: o.AccountID, AccountName: o.AccountName, Department: o.Department,
		RoleName: o.RoleName, ResourceType: o.ResourceType, Regions: o.RequestedRegions}
	if o.Status == store.ItemPartial {
		it.Regions = nil
		for _, r := range o.Regions {
			if r.Status == store.RegionFailed {
				it.Regions = append(it.Regions, r.Region)
			}
		}
	}
	return it, true
}

// RecordFailure stores a failed outcome for an item whose Collect never
// returned (the Lambda timed out, ran out of memory or could not be
// invoked). errMsg is what the orchestrator reported.
func RecordFailure(ctx context.Context, env *Env, it WorkItem, errMsg string) (store.ItemOutcome, error) {
	o := outcomeOf(it)
	o.Status, o.Error, o.StartedAt = store.ItemFailed, strings.TrimSpace(errMsg), env.now()
	if o.Error == "" {
		o.Error = "collect failed without an error message"
	}
	if err := env.Store.PutItemOutcome(ctx, it.RunID, o); err != nil {
		return o, fmt.Errorf("record failure of %s/%s: %w", it.AccountID, it.ResourceType, err)
	}
	return o, nil
}
