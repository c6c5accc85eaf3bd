// Package stages exposes each pipeline stage as a JSON-in, JSON-out handler:
// the Lambda functions (functions/<stage>) and the local invoke entry point
// (functions/localinvoke) call these and nothing else, so the deployed state
// machine and its local execution run the same code. A handler decodes its
// input, calls shared/pipeline (or cost, security, report, notify), emits its
// metrics and returns a small JSON-serialisable result.
package stages

import (
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	"time"

	"github.com/cloudinv/aws-inventory/shared/blob"
	"github.com/cloudinv/aws-inventory/shared/emf"
	"github.com/cloudinv/aws-inventory/shared/notify"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

// Bucket is an object store that knows its bucket name (Plan hands the name
// to the Distributed Map's ItemReader).
type Bucket interface {
	blob.Store
	Bucket() string
}

// Deps are what the handlers use. A stage needs only some of them; a handler
// whose dependency is missing fails with an error naming it.
type Deps struct {
	Env     *pipeline.Env
	Work    Bucket // Map items (runs/<run>/items.json)
	Reports Bucket // reports/<date>/<run>/...
	Senders []notify.Sender
	// Thresholds decide alerts (and the cost stage's over-threshold flag).
	Thresholds notify.Thresholds
	Metrics    *emf.Logger
	Log        *slog.Logger
	Settings   Settings
}

// Settings are deployment settings that are not part of the accounts config.
type Settings struct {
	// MaxConcurrency and ToleratedFailurePercentage are handed to the
	// Distributed Map through Plan's output (MaxConcurrencyPath,
	// ToleratedFailurePercentagePath), so the ASL file stays plain JSON.
	MaxConcurrency             int
	ToleratedFailurePercentage float64
	// RetentionDays: cleanup purges deleted records and runs older than this.
	RetentionDays int
}

// MetricsNamespace is where every stage's EMF metrics go.
const MetricsNamespace = "AWSInventory"

// Defaults for Settings.
const (
	DefaultMaxConcurrency             = 100
	DefaultToleratedFailurePercentage = 10
	DefaultRetentionDays              = 90
)

// Handler runs one stage on its JSON input.
type Handler func(ctx context.Context, d *Deps, in json.RawMessage) (any, error)

var handlers = map[string]Handler{
	"plan":          plan,
	"collect":       collectItem,
	"recordfailure": recordFailure,
	"aggregate":     aggregate,
	"cost":          costStage,
	"security":      securityCheck,
	"report":        reportStage,
	"notify":        notifyStage,
	"cleanup":       cleanup,
}

// Get returns the handler of a stage.
func Get(name string) (Handler, bool) {
	h, ok := handlers[name]
	return h, ok
}

// Names lists the stages, sorted.
func Names() []string {
	out := make([]string, 0, len(handlers))
	for n := range handlers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Invoke runs a stage and encodes its result. Errors are classified (see
// errors.go) so the state machine can tell bad input from a retryable store
// failure.
func Invoke(ctx context.Context, d *Deps, name string, in []byte) ([]byte, error) {
	h, ok := Get(name)
	if !ok {
		return nil, &InvalidInput{Message: "unknown stage " + name}
	}
	start := time.Now()
	out, err := h(ctx, d, in)
	if err != nil {
		err = classify(err)
		d.logger().ErrorContext(ctx, "stage failed", "error", err.Error(), "error_type", ErrorType(err),
			"duration_ms", time.Since(start).Milliseconds())
		return nil, err
	}
	d.logger().InfoContext(ctx, "stage done", "duration_ms", time.Since(start).Milliseconds())
	return json.Marshal(out)
}

func (d *Deps) logger() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.New(slog.DiscardHandler)
}

// emit writes metrics when a metrics logger is configured; a metric that
// cannot be written is logged, never fails the stage.
func (d *Deps) emit(ctx context.Context, dims map[string]string, ms ...emf.Metric) {
	if d.Metrics == nil {
		return
	}
	if err := d.Metrics.Emit(dims, ms...); err != nil {
		d.logger().WarnContext(ctx, "metrics not written", "error", err.Error())
	}
}
