package pipeline

import (
	"errors"
	"fmt"
)

// InputError is a request the pipeline cannot carry out as given (an unknown
// resource type, an account that is neither configured nor in the
// organization, a replay of a run that does not exist). The state machine
// fails such an execution at once instead of retrying it, and the CLI
// reports it as a usage problem.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}

// IsInputError reports whether err (or one it wraps) is an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
