// Package emf writes CloudWatch Embedded Metric Format lines: JSON log events
// that CloudWatch Logs turns into metrics, so a Lambda publishes metrics by
// printing to stdout instead of calling PutMetricData in the hot path.
//
// The format is the one of the CloudWatch "Specification: Embedded metric
// format": a root object with _aws {Timestamp, CloudWatchMetrics: [{Namespace,
// Dimensions, Metrics}]} and every dimension and metric value as a top-level
// member.
package emf

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// Namespace is the pipeline's metric namespace: the Lambdas publish under
// it and the dashboard and alarms read from it.
const Namespace = "AWSInventory"

// Units used by the pipeline's metrics (CloudWatch StandardUnit names).
const (
	Count        = "Count"
	Seconds      = "Seconds"
	Milliseconds = "Milliseconds"
	Percent      = "Percent"
	None         = "None"
)

// Limits of the specification.
const (
	// MaxMetricsPerLine is the most metric definitions one directive may
	// hold; Emit splits longer lists over several lines.
	MaxMetricsPerLine = 100
	// MaxDimensions is the most keys one dimension set may hold.
	MaxDimensions = 30
)

// Metric is one value to publish.
type Metric struct {
	Name  string
	Value float64
	// Unit is a CloudWatch unit name (Count, Seconds, …); empty means None.
	Unit string
}

// Logger writes EMF lines to w, one Write per line, so that concurrent
// callers never interleave partial lines.
type Logger struct {
	mu        sync.Mutex
	w         io.Writer
	namespace string
	now       func() time.Time
}

// New returns a Logger writing to w under namespace (the pipeline uses
// Namespace).
func New(w io.Writer, namespace string) *Logger {
	return &Logger{w: w, namespace: namespace, now: time.Now}
}

// Emit publishes metrics with the dimensions dims (nil or empty for none).
// It writes one line per MaxMetricsPerLine metrics, and nothing when there
// are no metrics. Invalid names, units or values are an error and nothing
// is written, so one bad metric never publishes half a set.
func (l *Logger) Emit(dims map[string]string, metrics ...Metric) error {
	if l == nil {
		return errors.New("emf: nil Logger")
	}
	if len(metrics) == 0 {
		return nil
	}
	if err := checkNamespace(l.namespace); err != nil {
		return err
	}
	keys, err := checkDimensions(dims)
	if err != nil {
		return err
	}
	if err := checkMetrics(dims, metrics); err != nil {
		return err
	}

	ts := l.now().UnixMilli()
	var lines []byte
	for start := 0; start < len(metrics); start += MaxMetricsPerLine {
		chunk := metrics[start:min(start+MaxMetricsPerLine, len(metrics))]
		line, err := encodeLine(l.namespace, ts, keys, dims, chunk)
		if err != nil {
			return err
		}
		lines = append(lines, line...)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.w.Write(lines); err != nil {
		return fmt.Errorf("emf: write: %w", err)
	}
	return nil
}

type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

type directive struct {
	Namespace  string       `json:"Namespace"`
	Dimensions [][]string   `json:"Dimensions"`
	Metrics    []definition `json:"Metrics"`
}

type definition struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

func encodeLine(namespace string, ts int64, keys []string, dims map[string]string, metrics []Metric) ([]byte, error) {
	root := make(map[string]any, 1+len(dims)+len(metrics))
	defs := make([]definition, len(metrics))
	for i, m := range metrics {
		unit := m.Unit
		if unit == "" {
			unit = None
		}
		defs[i] = definition{Name: m.Name, Unit: unit}
		root[m.Name] = m.Value
	}
	for k, v := range dims {
		root[k] = v
	}
	// One dimension set with every key; with no dimensions the set is
	// empty, which publishes the metric without dimensions.
	root["_aws"] = metadata{Timestamp: ts, CloudWatchMetrics: []directive{{
		Namespace: namespace, Dimensions: [][]string{keys}, Metrics: defs,
	}}}
	line, err := json.Marshal(root)
	if err != nil {
		return nil, fmt.Errorf("emf: encode: %w", err)
	}
	return append(line, '\n'), nil
}

// sortedKeys returns the keys of m in order, never nil (an empty dimension
// set must encode as [], not null).
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
