// Command inventory collects, queries and exports the inventory of an AWS
// organization. It runs the same pipeline stages as the deployed Step
// Functions state machine, in one process, with an embedded SQLite store.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses, documented in `inventory --help`.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitItemsFailed = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr *os.File) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ue usageError
	var fe itemsFailedError
	switch {
	case errors.As(err, &fe):
		return exitItemsFailed
	case errors.As(err, &ue) || isCobraUsageError(err):
		fmt.Fprintf(stderr, "inventory: %v\nRun 'inventory --help' for usage.\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "inventory: %v\n", err)
		return exitError
	}
}
