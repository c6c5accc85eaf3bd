package pipeline

import (
	"context"
	"fmt"
	"sync"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// Progress hears about a local run as it goes. Calls come from many
// goroutines; implementations synchronise themselves.
type Progress interface {
	Planned(p PlanOutput)
	ItemDone(o store.ItemOutcome)
}

// Runner executes the stages in-process: Plan, then Collect for the items
// with at most Concurrency at once, then Aggregate. It is the local
// counterpart of the state machine and has no logic of its own beyond
// scheduling.
type Runner struct {
	Env         *Env
	Concurrency int
	Progress    Progress
}

// Run performs one collection. When ctx is cancelled (Ctrl-C) no new item
// starts, running items stop at their next call, every batch already written
// stays, and the run is still aggregated and saved as cancelled, with the
// unfinished items in its replay input.
func (r *Runner) Run(ctx context.Context, in PlanInput) (Summary, error) {
	planned, err := Plan(ctx, r.Env, in)
	if err != nil {
		return Summary{}, err
	}
	if r.Progress != nil {
		r.Progress.Planned(planned)
	}
	items := make(chan WorkItem)
	var wg sync.WaitGroup
	var storeErr error
	var once sync.Once
	for range max(r.Concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range items {
				o, err := Collect(ctx, r.Env, it)
				if err != nil {
					once.Do(func() { storeErr = err })
				}
				if r.Progress != nil {
					r.Progress.ItemDone(o)
				}
			}
		}()
	}
feed:
	for _, it := range planned.Items {
		select {
		case items <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(items)
	wg.Wait()
	// Aggregate even after Ctrl-C, so the run is closed and replayable.
	sum, err := Aggregate(context.WithoutCancel(ctx), r.Env, AggregateInput{
		RunID: planned.RunID, Cancelled: ctx.Err() != nil, Skipped: planned.Skipped,
	})
	if err != nil {
		return sum, err
	}
	if storeErr != nil {
		return sum, fmt.Errorf("run %s: %w", planned.RunID, storeErr)
	}
	return sum, nil
}
