package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// progress shows a run as it goes: a live bar on a terminal (items done of
// total, resources, throttled calls, failures, ETA), plain lines otherwise
// (CI logs, pipes), at most one every few seconds plus one per failed item.
type progress struct {
	g         *globals
	mu        sync.Mutex
	tty       bool
	bar       *progressbar.ProgressBar
	total     int
	done      int
	resources int
	throttled int64
	failed    int
	lastLine  time.Time
	start     time.Time
}

func newProgress(g *globals, plain bool) *progress {
	p := &progress{g: g, start: time.Now()}
	if !plain && g.errFile != nil && term.IsTerminal(int(g.errFile.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) Planned(pl pipeline.PlanOutput) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = len(pl.Items)
	if p.tty {
		p.bar = progressbar.NewOptions(p.total,
			progressbar.OptionSetWriter(p.g.errFile),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetDescription(p.describe()),
		)
		return
	}
	fmt.Fprintf(p.g.stderr, "run %s: %d work items (%d accounts skipped)\n", pl.RunID, p.total, len(pl.Skipped))
}

func (p *progress) describe() string {
	return fmt.Sprintf("items · %d resources · %d throttled · %d failed", p.resources, p.throttled, p.failed)
}

func (p *progress) ItemDone(o store.ItemOutcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.resources += o.Resources
	p.throttled += o.Throttled
	if o.Status != store.ItemSucceeded {
		p.failed++
	}
	if p.bar != nil {
		p.bar.Describe(p.describe())
		_ = p.bar.Add(1) // a render error on the terminal is not worth stopping the run
		return
	}
	if o.Status != store.ItemSucceeded {
		fmt.Fprintf(p.g.stderr, "  %s %s/%s (%s): %s\n", o.Status, o.AccountID, o.ResourceType, o.AccountName, o.Error)
	}
	if time.Since(p.lastLine) > 5*time.Second || p.done == p.total {
		p.lastLine = time.Now()
		fmt.Fprintf(p.g.stderr, "  %d/%d items, %d resources, %d throttled, %d failed, %s elapsed\n",
			p.done, p.total, p.resources, p.throttled, p.failed, time.Since(p.start).Round(time.Second))
	}
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.g.errFile)
	}
}
