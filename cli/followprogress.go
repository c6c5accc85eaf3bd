package main

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// deployedProgress shows a deployed execution as it goes, in the style of
// the local run's progress: the state it is in, then a bar of the
// Distributed Map's items on a terminal, plain lines otherwise.
type deployedProgress struct {
	g        *globals
	tty      bool
	bar      *progressbar.ProgressBar
	last     [4]int64 // done, total, running, failed
	lastLine time.Time
}

func newDeployedProgress(g *globals, plain bool) *deployedProgress {
	p := &deployedProgress{g: g}
	if !plain && g.errFile != nil && term.IsTerminal(int(g.errFile.Fd())) {
		p.tty = true
	}
	return p
}

func (p *deployedProgress) enter(state string, started time.Time) {
	p.closeBar()
	fmt.Fprintf(p.g.stderr, "  %s: %s\n", elapsed(started), state)
}

func (p *deployedProgress) note(msg string) {
	p.closeBar()
	fmt.Fprintf(p.g.stderr, "  %s\n", msg)
}

// items shows the Map Run's counts. Child executions succeed even when their
// item failed (the failure is recorded), so "failed" here means a child that
// could not record its outcome either; the summary has the item failures.
func (p *deployedProgress) items(c types.MapRunItemCounts, started time.Time) {
	done := c.Succeeded + c.Failed + c.TimedOut + c.Aborted
	failed := c.Failed + c.TimedOut + c.Aborted
	if p.tty {
		if p.bar == nil && c.Total > 0 {
			p.bar = progressbar.NewOptions64(c.Total,
				progressbar.OptionSetWriter(p.g.errFile),
				progressbar.OptionSetWidth(30),
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionSetElapsedTime(true),
				progressbar.OptionSetRenderBlankState(true),
				progressbar.OptionClearOnFinish(),
			)
		}
		if p.bar != nil {
			// Describe renders at once, so the count goes first.
			_ = p.bar.Set64(done) // a render error on the terminal is not worth stopping
			p.bar.Describe(fmt.Sprintf("items · %d running · %d failed", c.Running, failed))
		}
		return
	}
	now := [4]int64{done, c.Total, c.Running, failed}
	if now == p.last || (time.Since(p.lastLine) < 5*time.Second && done != c.Total) {
		return
	}
	p.last, p.lastLine = now, time.Now()
	fmt.Fprintf(p.g.stderr, "  %s: %d/%d items, %d running, %d failed\n", elapsed(started), done, c.Total, c.Running, failed)
}

func (p *deployedProgress) closeBar() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.g.errFile)
		p.bar = nil
	}
}

func (p *deployedProgress) finish() { p.closeBar() }

func elapsed(since time.Time) string {
	if since.IsZero() {
		return "-"
	}
	return time.Since(since).Round(time.Second).String()
}
