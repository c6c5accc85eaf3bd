package config

import (
	"cmp"
	"errors"
	"slices"
	"strings"
)

// ValidationError lists every problem found in a configuration, so a user
// can fix them all in one pass. Its message is one problem per line, the
// same text errors.Join would produce.
type ValidationError struct {
	// Source is the file name the problems refer to ("" for Validate).
	Source string
	// Problems are complete lines: "file: key.path: what is wrong (expected …)".
	Problems []string
}

func (e *ValidationError) Error() string {
	return strings.Join(e.Problems, "\n")
}

// Unwrap exposes each problem as its own error, as errors.Join does.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = errors.New(p)
	}
	return errs
}

// problem is one finding at a key path ("" for the whole document).
type problem struct {
	path string
	msg  string
}

func newValidationError(source string, problems []problem) *ValidationError {
	// Type problems are found while decoding and value problems afterwards;
	// ordering by key path puts each part of the file's problems together.
	problems = slices.Clone(problems)
	slices.SortStableFunc(problems, func(a, b problem) int { return cmp.Compare(a.path, b.path) })
	e := &ValidationError{Source: source}
	for _, p := range problems {
		parts := make([]string, 0, 3)
		for _, s := range []string{source, p.path, p.msg} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		e.Problems = append(e.Problems, strings.Join(parts, ": "))
	}
	return e
}
