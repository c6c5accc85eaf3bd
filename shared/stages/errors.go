package stages

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

// The Lambda runtime reports a returned error's Go type name as the error
// type, and Step Functions matches Retry and Catch on it. These types are
// therefore part of the state machine's contract: InvalidInput fails an
// execution at once, StoreError is retried.

// InvalidInput is an input the stage cannot act on; retrying cannot help.
type InvalidInput struct{ Message string }

func (e *InvalidInput) Error() string { return e.Message }

// StoreError is a failure to read or write the store (DynamoDB throttling
// beyond the SDK's retries, a network error); the state machine retries it.
type StoreError struct{ Message string }

func (e *StoreError) Error() string { return e.Message }

// ErrorType is the name the Lambda runtime gives err ("InvalidInput",
// "StoreError", or the Go type name of anything else).
func ErrorType(err error) string {
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// classify maps the pipeline's input errors to InvalidInput; other errors
// keep their message under a generic type.
func classify(err error) error {
	var ii *InvalidInput
	var se *StoreError
	switch {
	case errors.As(err, &ii):
		return ii
	case errors.As(err, &se):
		return se
	case pipeline.IsInputError(err):
		return &InvalidInput{Message: err.Error()}
	}
	return err
}

// decodeStrict decodes an execution input or a work item: unknown fields are
// rejected with their name, because a misspelt "acounts" would otherwise
// silently widen a run to the whole organization.
func decodeStrict(what string, in []byte, v any, expected string) error {
	if len(bytes.TrimSpace(in)) == 0 {
		in = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := strings.TrimPrefix(err.Error(), "json: ")
		return &InvalidInput{Message: fmt.Sprintf("%s: %s (expected a JSON object with %s)", what, msg, expected)}
	}
	return nil
}

// decodeLoose decodes the whole execution state the late stages receive
// (plan, map, summary, analysis, …): they read what they need and ignore
// the rest, which grows as stages are added.
func decodeLoose(what string, in []byte, v any) error {
	if len(bytes.TrimSpace(in)) == 0 {
		in = []byte("{}")
	}
	if err := json.Unmarshal(in, v); err != nil {
		return &InvalidInput{Message: fmt.Sprintf("%s: %v", what, err)}
	}
	return nil
}

func storeErr(err error) error {
	if err == nil {
		return nil
	}
	return &StoreError{Message: err.Error()}
}
