package main

import (
	"fmt"
	"strings"
)

// usageError is a bad flag value or combination: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// itemsFailedError means the run finished but some items failed: exit 3.
// The summary and the replay hint are already printed.
type itemsFailedError struct{ runID string }

func (e itemsFailedError) Error() string { return "some items failed in run " + e.runID }

// isCobraUsageError recognises cobra's own flag and argument errors, which
// it returns as plain errors.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "required flag", "if any flags in the group"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
