// Package report builds the files a run leaves for the people who read it:
// summary.json (the run summary with the cost and security results),
// inventory.csv and inventory.json (the records, with the seed's field
// names) and report.html (a self-contained page), under
// reports/YYYY/MM/DD/<run>/ and again under reports/latest/<action>/.
package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/blob"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

// File names inside a report folder.
const (
	SummaryFile = "summary.json"
	CSVFile     = "inventory.csv"
	JSONFile    = "inventory.json"
	HTMLFile    = "report.html"
)

// Input is what a report is built from.
type Input struct {
	// RunID names the collection run; empty for cost or security jobs that
	// ran outside a collection.
	RunID       string
	GeneratedAt time.Time
	// Action is the job: collect, cost_analysis, security_check. Empty
	// means collect.
	Action string
	// Summary is the collection's summary; nil for cost/security-only jobs.
	Summary *pipeline.Summary
	// Cost and Security are the analysis results as the stages returned
	// them; nil when not run. They are written to summary.json as given and
	// shown generically in the HTML.
	Cost     any
	Security any
	// Records are the inventory the report lists (live and deleted alike;
	// deleted ones are left out of counts and costs).
	Records []inventory.Record
	// ExecutionARN is the Step Functions execution, when there is one; the
	// HTML then names the exact replay command.
	ExecutionARN string
}

// Prefix returns the folder a report is written to:
// reports/YYYY/MM/DD/<run-id>/, or reports/YYYY/MM/DD/<action>-<time>/ for a
// job without a run.
func Prefix(in Input) (string, error) {
	if in.GeneratedAt.IsZero() {
		return "", errors.New("report: GeneratedAt is required")
	}
	at := in.GeneratedAt.UTC()
	name := in.RunID
	if name == "" {
		name = action(in) + "-" + at.Format("20060102T150405Z")
	}
	if err := checkSegment("run ID", name); err != nil {
		return "", err
	}
	return "reports/" + at.Format("2006/01/02") + "/" + name + "/", nil
}

// LatestPrefix returns the folder overwritten by every report of the
// action, reports/latest/<action>/: a stable address for bookmarks and
// scripts. It is per action so that the weekly security job does not
// replace the collection's inventory.csv.
func LatestPrefix(in Input) (string, error) {
	a := action(in)
	if err := checkSegment("action", a); err != nil {
		return "", err
	}
	return "reports/latest/" + a + "/", nil
}

func action(in Input) string {
	if in.Action == "" {
		return "collect"
	}
	return in.Action
}

// checkSegment keeps names that become one key segment to one segment.
func checkSegment(what, s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/\`) {
		return fmt.Errorf("report: %s %q cannot name a folder", what, s)
	}
	return nil
}

// summaryDoc is summary.json.
type summaryDoc struct {
	RunID       string            `json:"run_id,omitempty"`
	Action      string            `json:"action"`
	GeneratedAt time.Time         `json:"generated_at"`
	Summary     *pipeline.Summary `json:"summary,omitempty"`
	Cost        any               `json:"cost,omitempty"`
	Security    any               `json:"security,omitempty"`
	// Resources counts the records in inventory.csv and inventory.json.
	Resources int `json:"resources"`
}

type file struct {
	name, contentType string
	body              []byte
}

// Write renders the report and stores it in the dated folder, then in the
// latest folder, and returns the keys written in that order. The dated copy
// goes first so that a failure never leaves latest pointing past it; a
// failure part-way through latest leaves it mixing two runs until the next
// report, which is why summary.json (naming the run) is written last.
func Write(ctx context.Context, b blob.Store, in Input) ([]string, error) {
	dated, err := Prefix(in)
	if err != nil {
		return nil, err
	}
	latest, err := LatestPrefix(in)
	if err != nil {
		return nil, err
	}
	files, err := render(in)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, prefix := range []string{dated, latest} {
		for _, f := range files {
			key := prefix + f.name
			if err := b.Put(ctx, key, f.body, f.contentType); err != nil {
				return keys, fmt.Errorf("report %s: %w", key, err)
			}
			keys = append(keys, key)
		}
	}
	return keys, nil
}

// render builds every file in memory first, so a rendering error writes
// nothing at all.
func render(in Input) ([]file, error) {
	var csvBuf, jsonBuf, htmlBuf bytes.Buffer
	if err := WriteCSV(&csvBuf, in.Records); err != nil {
		return nil, fmt.Errorf("report: %s: %w", CSVFile, err)
	}
	if err := WriteJSON(&jsonBuf, in.Records); err != nil {
		return nil, fmt.Errorf("report: %s: %w", JSONFile, err)
	}
	if err := WriteHTML(&htmlBuf, in); err != nil {
		return nil, fmt.Errorf("report: %s: %w", HTMLFile, err)
	}
	doc := summaryDoc{RunID: in.RunID, Action: action(in), GeneratedAt: in.GeneratedAt.UTC(),
		Summary: in.Summary, Cost: in.Cost, Security: in.Security, Resources: len(in.Records)}
	sum, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: %s: %w", SummaryFile, err)
	}
	return []file{
		{CSVFile, "text/csv; charset=utf-8", csvBuf.Bytes()},
		{JSONFile, "application/json", jsonBuf.Bytes()},
		{HTMLFile, "text/html; charset=utf-8", htmlBuf.Bytes()},
		{SummaryFile, "application/json", append(sum, '\n')},
	}, nil
}
