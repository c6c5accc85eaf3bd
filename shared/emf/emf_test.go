package emf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

// emfLine is the document structure of the specification, decoded strictly
// enough to catch a misspelt member.
type emfLine struct {
	AWS struct {
		Timestamp         int64 `json:"Timestamp"`
		CloudWatchMetrics []struct {
			Namespace  string     `json:"Namespace"`
			Dimensions [][]string `json:"Dimensions"`
			Metrics    []struct {
				Name string `json:"Name"`
				Unit string `json:"Unit"`
			} `json:"Metrics"`
		} `json:"CloudWatchMetrics"`
	} `json:"_aws"`
}

func parseLines(t *testing.T, out string) ([]emfLine, []map[string]any) {
	t.Helper()
	var docs []emfLine
	var roots []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d emfLine
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("line is not an EMF document: %v\n%s", err, sc.Text())
		}
		var root map[string]any
		if err := json.Unmarshal(sc.Bytes(), &root); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
		roots = append(roots, root)
	}
	return docs, roots
}

func fixedLogger(buf *bytes.Buffer) *Logger {
	l := New(buf, Namespace)
	l.now = func() time.Time { return time.Date(2026, 11, 26, 6, 30, 0, 123e6, time.UTC) }
	return l
}

func TestEmitWritesOneSpecConformingLineWithValuesAsTopLevelMembers(t *testing.T) {
	var buf bytes.Buffer
	l := fixedLogger(&buf)
	err := l.Emit(map[string]string{"ResourceType": "ec2_instance"},
		Metric{Name: "Resources", Value: 42, Unit: Count},
		Metric{Name: "RunDurationSeconds", Value: 12.5, Unit: Seconds},
		Metric{Name: "Ratio", Value: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(buf.String(), "\n") != 1 {
		t.Fatalf("want exactly one line, got:\n%s", buf.String())
	}
	docs, roots := parseLines(t, buf.String())
	d := docs[0]
	if d.AWS.Timestamp != time.Date(2026, 11, 26, 6, 30, 0, 123e6, time.UTC).UnixMilli() {
		t.Errorf("Timestamp = %d, want milliseconds since the epoch", d.AWS.Timestamp)
	}
	if len(d.AWS.CloudWatchMetrics) != 1 {
		t.Fatalf("CloudWatchMetrics = %+v", d.AWS.CloudWatchMetrics)
	}
	dir := d.AWS.CloudWatchMetrics[0]
	if dir.Namespace != "AWSInventory" {
		t.Errorf("Namespace = %q", dir.Namespace)
	}
	if fmt.Sprint(dir.Dimensions) != "[[ResourceType]]" {
		t.Errorf("Dimensions = %v", dir.Dimensions)
	}
	want := map[string]string{"Resources": "Count", "RunDurationSeconds": "Seconds", "Ratio": "None"}
	if len(dir.Metrics) != len(want) {
		t.Fatalf("Metrics = %+v", dir.Metrics)
	}
	for _, m := range dir.Metrics {
		if want[m.Name] != m.Unit {
			t.Errorf("metric %s unit %q, want %q", m.Name, m.Unit, want[m.Name])
		}
	}
	// Every referenced member is on the root node (a spec MUST).
	root := roots[0]
	if root["ResourceType"] != "ec2_instance" || root["Resources"] != 42.0 || root["RunDurationSeconds"] != 12.5 || root["Ratio"] != 0.5 {
		t.Errorf("root members = %v", root)
	}
}

func TestEmitWithoutDimensionsUsesOneEmptyDimensionSet(t *testing.T) {
	var buf bytes.Buffer
	if err := fixedLogger(&buf).Emit(nil, Metric{Name: "RunSucceeded", Value: 1, Unit: Count}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"Dimensions":[[]]`) {
		t.Errorf("want Dimensions [[]] (publish without dimensions), got %s", buf.String())
	}
}

func TestEmitSplitsMoreThan100MetricsOverLines(t *testing.T) {
	var buf bytes.Buffer
	var ms []Metric
	for i := range 250 {
		ms = append(ms, Metric{Name: fmt.Sprintf("M%03d", i), Value: float64(i), Unit: Count})
	}
	if err := fixedLogger(&buf).Emit(map[string]string{"Stage": "aggregate"}, ms...); err != nil {
		t.Fatal(err)
	}
	docs, roots := parseLines(t, buf.String())
	if len(docs) != 3 {
		t.Fatalf("%d lines, want 3", len(docs))
	}
	seen := map[string]bool{}
	for i, d := range docs {
		defs := d.AWS.CloudWatchMetrics[0].Metrics
		if len(defs) > MaxMetricsPerLine {
			t.Errorf("line %d has %d metrics", i, len(defs))
		}
		if roots[i]["Stage"] != "aggregate" {
			t.Errorf("line %d lacks the dimension value", i)
		}
		for _, m := range defs {
			if _, ok := roots[i][m.Name]; !ok {
				t.Errorf("line %d defines %s without its value", i, m.Name)
			}
			seen[m.Name] = true
		}
	}
	if len(seen) != 250 {
		t.Errorf("%d distinct metrics published, want 250", len(seen))
	}
}

func TestEmitRejectsInvalidInputWithoutWriting(t *testing.T) {
	tooMany := map[string]string{}
	for i := range 31 {
		tooMany[fmt.Sprintf("D%d", i)] = "v"
	}
	ok := Metric{Name: "X", Value: 1, Unit: Count}
	for _, tc := range []struct {
		name    string
		ns      string
		dims    map[string]string
		metrics []Metric
		want    string
	}{
		{"31 dimensions", Namespace, tooMany, []Metric{ok}, "at most 30"},
		{"empty dimension value", Namespace, map[string]string{"A": ""}, []Metric{ok}, "dimension A value"},
		{"non-ASCII dimension value", Namespace, map[string]string{"A": "café"}, []Metric{ok}, "printable ASCII"},
		{"dimension name with colon", Namespace, map[string]string{":A": "v"}, []Metric{ok}, "colon"},
		{"reserved dimension", Namespace, map[string]string{"_aws": "v"}, []Metric{ok}, "reserved"},
		{"empty metric name", Namespace, nil, []Metric{{Name: "", Value: 1}}, "metric name"},
		{"control character", Namespace, nil, []Metric{{Name: "a\nb", Value: 1}}, "control"},
		{"duplicate metric", Namespace, nil, []Metric{ok, ok}, "twice"},
		{"metric named like a dimension", Namespace, map[string]string{"X": "v"}, []Metric{ok}, "name of a dimension"},
		{"unknown unit", Namespace, nil, []Metric{{Name: "X", Value: 1, Unit: "USD"}}, "not a CloudWatch unit"},
		{"NaN", Namespace, nil, []Metric{{Name: "X", Value: math.NaN()}}, "finite"},
		{"infinity", Namespace, nil, []Metric{{Name: "X", Value: math.Inf(1)}}, "finite"},
		{"bad namespace", "AWS Inventory", nil, []Metric{ok}, "namespace"},
		{"empty namespace", "", nil, []Metric{ok}, "namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := New(&buf, tc.ns)
			err := l.Emit(tc.dims, tc.metrics...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Emit = %v, want an error containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %q despite the error", buf.String())
			}
		})
	}
}

func TestEmitWithNoMetricsWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	if err := New(&buf, Namespace).Emit(map[string]string{"A": "b"}); err != nil || buf.Len() != 0 {
		t.Fatalf("Emit() = %v, wrote %q", err, buf.String())
	}
}

// lockedWriter fails the test if two Writes overlap.
type lockedWriter struct {
	mu    sync.Mutex
	busy  bool
	buf   bytes.Buffer
	clash bool
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.busy {
		w.clash = true
	}
	w.busy = true
	w.mu.Unlock()
	time.Sleep(10 * time.Microsecond)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.busy = false
	return w.buf.Write(p)
}

func TestEmitIsSafeForConcurrentUseAndNeverInterleavesLines(t *testing.T) {
	w := &lockedWriter{}
	l := New(w, Namespace)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if err := l.Emit(map[string]string{"Worker": fmt.Sprint(g)}, Metric{Name: "ItemResources", Value: float64(i), Unit: Count}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if w.clash {
		t.Error("two Emit calls wrote at the same time")
	}
	docs, _ := parseLines(t, w.buf.String())
	if len(docs) != 400 {
		t.Errorf("%d lines, want 400", len(docs))
	}
}
