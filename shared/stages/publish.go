package stages

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cloudinv/aws-inventory/shared/blob"
	"github.com/cloudinv/aws-inventory/shared/cost"
	"github.com/cloudinv/aws-inventory/shared/emf"
	"github.com/cloudinv/aws-inventory/shared/notify"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/report"
	"github.com/cloudinv/aws-inventory/shared/security"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// ExecutionRef is the Step Functions execution a stage runs in; the state
// machine's first state adds it to the state as $.execution.
type ExecutionRef struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
}

// jobState is the whole execution state Report and Notify receive. Every
// part is optional: a cost or security job has no plan and no summary, and
// an Analyze branch that failed leaves analysis out.
type jobState struct {
	Action    string            `json:"action"`
	Execution *ExecutionRef     `json:"execution"`
	Plan      *PlanResult       `json:"plan"`
	Summary   *pipeline.Summary `json:"summary"`
	// Analysis is the Parallel state's output: [cost, security].
	Analysis []json.RawMessage `json:"analysis"`
	Cost     *CostResult       `json:"cost"`
	Security *SecurityResult   `json:"security"`
	Report   *ReportResult     `json:"report"`
}

func decodeJob(stage string, in json.RawMessage) (jobState, error) {
	var st jobState
	if err := decodeLoose(stage+" input", in, &st); err != nil {
		return st, err
	}
	if len(st.Analysis) > 0 && st.Cost == nil {
		if err := json.Unmarshal(st.Analysis[0], &st.Cost); err != nil {
			return st, &InvalidInput{Message: fmt.Sprintf("%s input: analysis[0] is not a cost result: %v", stage, err)}
		}
	}
	if len(st.Analysis) > 1 && st.Security == nil {
		if err := json.Unmarshal(st.Analysis[1], &st.Security); err != nil {
			return st, &InvalidInput{Message: fmt.Sprintf("%s input: analysis[1] is not a security result: %v", stage, err)}
		}
	}
	return st, nil
}

func (st jobState) runID() string {
	switch {
	case st.Summary != nil:
		return st.Summary.RunID
	case st.Plan != nil:
		return st.Plan.RunID
	}
	return ""
}

func (st jobState) executionARN() string {
	switch {
	case st.Execution != nil:
		return st.Execution.ARN
	case st.Plan != nil && st.Plan.Execution != nil:
		return st.Plan.Execution.ARN
	}
	return ""
}

// CostReportFile is the finance CSV a run with a cost analysis leaves.
const CostReportFile = "cost-report.csv"

// ReportResult says where the reports went.
type ReportResult struct {
	Bucket string   `json:"bucket"`
	Keys   []string `json:"keys"`
	// HTML is the s3:// URI of report.html, for alerts and the CLI.
	HTML string `json:"html,omitempty"`
}

func reportStage(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	st, err := decodeJob("report", in)
	if err != nil {
		return nil, err
	}
	if d.Env == nil || d.Reports == nil {
		return nil, errors.New("report: the store and the reports bucket must be configured (DYNAMODB_TABLE_NAME, REPORT_BUCKET)")
	}
	recs, err := d.Env.Store.Query(ctx, store.Filter{})
	if err != nil {
		return nil, storeErr(err)
	}
	ri := report.Input{
		RunID: st.runID(), GeneratedAt: time.Now().UTC(), Action: st.Action, Summary: st.Summary,
		Records: recs, ExecutionARN: st.executionARN(),
	}
	if d.Env.Now != nil {
		ri.GeneratedAt = d.Env.Now().UTC()
	}
	// Typed nils would show as "null" sections; leave absent results out.
	// The stages' outputs are short lists (state size); the report shows
	// the whole analysis, recomputed from the same inventory.
	var full *cost.Analysis
	if st.Cost != nil {
		a, err := d.analyzeCost(ctx, recs)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		full, ri.Cost = &a, &a
	}
	if st.Security != nil {
		// The stage's output lists only the worst findings (state size);
		// the report lists all, from the same pure checks over the same
		// inventory.
		full := *st.Security
		full.Report = security.EvaluateWith(recs, d.securityOptions())
		full.FindingsOmitted, full.AccountsOmitted, full.DepartmentsOmitted = 0, 0, 0
		ri.Security = &full
	}
	keys, err := report.Write(ctx, d.Reports, ri)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if full != nil {
		// The finance CSV (one row per resource with its estimate, basis,
		// owner and any idle or rightsizing saving) beside the others.
		var buf bytes.Buffer
		if err := cost.WriteReport(&buf, recs, *full, nil); err != nil {
			return nil, fmt.Errorf("report: cost report: %w", err)
		}
		prefix, err := report.Prefix(ri)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		key := prefix + CostReportFile
		if err := d.Reports.Put(ctx, key, buf.Bytes(), "text/csv"); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		keys = append(keys, key)
	}
	res := ReportResult{Bucket: d.Reports.Bucket(), Keys: keys}
	for _, k := range keys {
		if isHTML(k) {
			res.HTML = blob.URI(res.Bucket, k)
			break
		}
	}
	return res, nil
}

func isHTML(key string) bool {
	return len(key) > len(report.HTMLFile) && key[len(key)-len(report.HTMLFile)-1:] == "/"+report.HTMLFile
}

// NotifyResult lists the alerts raised and where they went.
type NotifyResult struct {
	Alerts []notify.Alert    `json:"alerts"`
	Sent   []notify.Delivery `json:"sent"`
	Errors []string          `json:"errors,omitempty"`
}

func notifyStage(ctx context.Context, d *Deps, in json.RawMessage) (any, error) {
	st, err := decodeJob("notify", in)
	if err != nil {
		return nil, err
	}
	ni := notify.Input{Action: st.Action, RunID: st.runID(), ExecutionARN: st.executionARN(), Summary: st.Summary}
	if ni.Action == "" {
		ni.Action = "collect"
	}
	if st.Cost != nil {
		ni.Cost = st.Cost.forNotify()
	}
	if st.Security != nil {
		ni.Security = st.Security.forNotify()
	}
	if st.Report != nil {
		ni.Report = st.Report.HTML
	}
	alerts := notify.Evaluate(ni, d.Thresholds)
	res := NotifyResult{Alerts: alerts, Sent: []notify.Delivery{}}
	if res.Alerts == nil {
		res.Alerts = []notify.Alert{}
	}
	sent, err := notify.Send(ctx, alerts, d.Senders...)
	res.Sent = append(res.Sent, sent...)
	d.emit(ctx, nil, emf.Metric{Name: "AlertsSent", Value: float64(len(sent)), Unit: emf.Count})
	if err != nil {
		// Nothing got through: fail, so the state machine retries. When
		// one channel worked, retrying would repeat its alerts; the failure
		// is reported in the output and the logs instead.
		if len(sent) == 0 {
			return nil, fmt.Errorf("notify: %w", err)
		}
		res.Errors = append(res.Errors, err.Error())
		d.logger().ErrorContext(ctx, "some alerts were not delivered", "error", err.Error())
	}
	return res, nil
}

func (c *CostResult) forNotify() *notify.CostResult {
	out := &notify.CostResult{RunID: c.RunID, TotalMonthly: c.TotalMonthly, Priced: c.Priced, Unpriced: c.Unpriced,
		PotentialSavings: c.PotentialSavings, ByDepartment: c.ByDepartment}
	// The most expensive resources, from which notify picks those over
	// expensive_resource_monthly.
	for _, r := range c.Top {
		out.Top = append(out.Top, notify.CostedResource{
			ResourceType: r.ResourceType, ResourceID: r.ResourceID, Name: r.Name, AccountID: r.AccountID, AccountName: r.AccountName,
			Region: r.Region, Department: r.Department, Monthly: r.Monthly,
		})
	}
	return out
}

func (s *SecurityResult) forNotify() *notify.SecurityResult {
	out := &notify.SecurityResult{
		RunID: s.RunID, Findings: s.Failed, ComplianceScore: s.ComplianceScore,
		HighSeverity: s.BySeverity[security.High] + s.BySeverity[security.Critical],
		Unencrypted:  s.UnencryptedResources, Public: s.PublicResources,
		// Only findings never alerted on before: the stage's history
		// marks them alerted, so the next check does not repeat them.
		NewHigh:     s.NewHigh,
		NewFindings: s.NewFindings, PreviousOpen: s.PreviousOpen,
	}
	for _, f := range s.NewHighFindings {
		out.NewHighFindings = append(out.NewHighFindings, notify.Finding{
			Check: f.CheckID, Severity: string(f.Severity), ResourceType: f.ResourceType, ResourceID: f.ResourceID,
			AccountID: f.AccountID, AccountName: f.AccountName, Region: f.Region, Detail: f.Evidence,
		})
	}
	return out
}
