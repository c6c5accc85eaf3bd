package notify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

var seedThresholds = Thresholds{MonthlyCost: 10000, ExpensiveResourceMonthly: 100, SecurityFindings: 10}

func summary(status string, items pipeline.ItemCounts, failed ...pipeline.FailedItem) *pipeline.Summary {
	s := &pipeline.Summary{RunID: "run-1", Status: status, Items: items, Accounts: 3, Collected: 120, DurationSeconds: 75, Failed: failed}
	if len(failed) > 0 {
		s.ReplayInput = &pipeline.ReplayInput{Action: "collect", ReplayOf: "run-1"}
		for _, f := range failed {
			s.ReplayInput.Items = append(s.ReplayInput.Items, pipeline.WorkItem{AccountID: f.AccountID, AccountName: f.AccountName,
				RoleName: "AWSInventoryRole", ResourceType: f.ResourceType, Regions: f.FailedRegions})
		}
	}
	return s
}

var denied = pipeline.FailedItem{AccountID: "345678901234", AccountName: "finance", ResourceType: "ec2_instance",
	Status: "failed", Error: "assume role AWSInventoryRole: AccessDenied"}

func kinds(as []Alert) string {
	var k []string
	for _, a := range as {
		k = append(k, a.Severity+"/"+a.Kind)
	}
	return strings.Join(k, ",")
}

func TestEvaluate(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Input
		th   Thresholds
		want string
	}{
		{"clean run, nothing to say", Input{Summary: summary("succeeded", pipeline.ItemCounts{Total: 8, Succeeded: 8})}, seedThresholds, ""},
		{"failed run is critical", Input{Summary: summary("failed", pipeline.ItemCounts{Total: 2, Failed: 2}, denied, denied)}, seedThresholds, "critical/run_failed"},
		{"run with no items failed", Input{Summary: summary("failed", pipeline.ItemCounts{})}, seedThresholds, "critical/run_failed"},
		{"partial run", Input{Summary: summary("partial", pipeline.ItemCounts{Total: 8, Succeeded: 7, Failed: 1}, denied)}, seedThresholds, "warning/run_partial"},
		{"partial run within the tolerated failures", Input{Summary: summary("partial", pipeline.ItemCounts{Total: 8, Succeeded: 6, Failed: 1, Partial: 1}, denied)},
			Thresholds{FailedItems: 2}, ""},
		{"partial run past the tolerated failures", Input{Summary: summary("partial", pipeline.ItemCounts{Total: 8, Succeeded: 5, Failed: 1, Partial: 1, NotRun: 1}, denied)},
			Thresholds{FailedItems: 2}, "warning/run_partial"},
		{"cancelled run", Input{Summary: summary("cancelled", pipeline.ItemCounts{Total: 8, Succeeded: 2, NotRun: 6})}, seedThresholds, "warning/run_cancelled"},
		{"cost at the threshold is fine", Input{Cost: &CostResult{TotalMonthly: 10000}}, seedThresholds, ""},
		{"cost over the threshold", Input{Cost: &CostResult{TotalMonthly: 10000.01}}, seedThresholds, "warning/cost_over_threshold"},
		{"cost alert off without a threshold", Input{Cost: &CostResult{TotalMonthly: 1e9}}, Thresholds{}, ""},
		{"ten findings are fine (seed: more than 10)", Input{Security: &SecurityResult{Findings: 10}}, seedThresholds, ""},
		{"eleven findings", Input{Security: &SecurityResult{Findings: 11}}, seedThresholds, "warning/security_findings_over_threshold"},
		{"new high severity under the findings threshold", Input{Security: &SecurityResult{Findings: 2, HighSeverity: 1, NewHigh: 1}}, seedThresholds, "critical/new_high_severity_findings"},
		{"everything at once, critical first", Input{
			Summary:  summary("partial", pipeline.ItemCounts{Total: 8, Succeeded: 7, Failed: 1}, denied),
			Cost:     &CostResult{TotalMonthly: 20000},
			Security: &SecurityResult{Findings: 40, HighSeverity: 5, NewHigh: 2}}, seedThresholds,
			"critical/new_high_severity_findings,warning/run_partial,warning/cost_over_threshold,warning/security_findings_over_threshold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate(tc.in, tc.th)
			if kinds(got) != tc.want {
				t.Errorf("alerts = %q, want %q", kinds(got), tc.want)
			}
			for _, a := range got {
				if a.Title == "" || a.Text == "" {
					t.Errorf("alert %s has no title or text: %+v", a.Kind, a)
				}
			}
		})
	}
}

func TestRunAlertCarriesFailedItemsAndAReplayInputThatPlanAccepts(t *testing.T) {
	s := summary("partial", pipeline.ItemCounts{Total: 8, Succeeded: 7, Failed: 1}, denied)
	in := Input{Summary: s, ExecutionARN: "arn:aws:states:us-east-1:111122223333:execution:inventory:x", Report: "s3://reports/reports/2026/11/26/run-1/report.html"}
	a := Evaluate(in, seedThresholds)[0]
	for _, want := range []string{"finance (345678901234) / ec2_instance: failed: assume role AWSInventoryRole: AccessDenied",
		"inventory replay --execution arn:aws:states:us-east-1:111122223333:execution:inventory:x"} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, a.Text)
		}
	}
	var replay pipeline.PlanInput
	if err := json.Unmarshal([]byte(a.Code), &replay); err != nil {
		t.Fatalf("code is not a plan input: %v\n%s", err, a.Code)
	}
	if replay.Action != "collect" || replay.ReplayOf != "run-1" || len(replay.Items) != 1 || replay.Items[0].AccountID != "345678901234" {
		t.Errorf("replay input = %+v", replay)
	}
	if a.RunID != "run-1" {
		t.Errorf("RunID = %q", a.RunID)
	}
	if f := a.Fields[len(a.Fields)-1]; f.Name != "Report" || f.Value != in.Report {
		t.Errorf("last field = %+v, want the report", f)
	}
}

func TestLongReplayInputsAreGivenInShortFormAndLocalRunsNameTheRunCommand(t *testing.T) {
	var failed []pipeline.FailedItem
	for range 100 {
		failed = append(failed, denied)
	}
	s := summary("partial", pipeline.ItemCounts{Total: 200, Succeeded: 100, Failed: 100}, failed...)
	a := Evaluate(Input{Summary: s}, seedThresholds)[0]
	if a.Code != `{"action":"collect","replay_of":"run-1"}` {
		t.Errorf("code = %s", a.Code)
	}
	if !strings.Contains(a.Text, "inventory replay --run run-1") || !strings.Contains(a.Text, "short form") {
		t.Errorf("text = %s", a.Text)
	}
	if !strings.Contains(a.Text, "… and 95 more") {
		t.Errorf("the failed list is not capped:\n%s", a.Text)
	}
}

func TestCostAlertNamesResourcesOverTheExpensiveThreshold(t *testing.T) {
	c := &CostResult{TotalMonthly: 12345.678, Priced: 900, Unpriced: 12, PotentialSavings: 1250,
		ByDepartment: map[string]float64{"Engineering": 9000, "Marketing": 3000, "Finance": 345.678},
		Top: []CostedResource{
			{ResourceType: "rds_instance", ResourceID: "db-prod", AccountID: "234567890123", AccountName: "marketing", Region: "us-east-1", Monthly: 1400},
			{ResourceType: "ec2_instance", ResourceID: "i-1", Name: "web", AccountID: "123456789012", Region: "eu-west-1", Monthly: 140.16},
			{ResourceType: "ebs_volume", ResourceID: "vol-1", AccountID: "123456789012", Region: "eu-west-1", Monthly: 40},
		}}
	a := Evaluate(Input{Cost: c}, seedThresholds)[0]
	if a.Title != "Estimated monthly cost $12,345.68 is over the $10,000.00 threshold" {
		t.Errorf("title = %q", a.Title)
	}
	for _, want := range []string{"12 could not be priced", "over $100.00/month", "rds_instance db-prod in marketing (234567890123) us-east-1: $1,400.00/month",
		"ec2_instance i-1 (web) in 123456789012 eu-west-1: $140.16/month"} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, a.Text)
		}
	}
	if strings.Contains(a.Text, "vol-1") {
		t.Error("a resource under the expensive threshold is listed")
	}
	fields := map[string]string{}
	for _, f := range a.Fields {
		fields[f.Name] = f.Value
	}
	if fields["Potential savings"] != "$1,250.00/month" || fields["Largest departments"] != "Engineering $9,000.00, Marketing $3,000.00, Finance $345.68" {
		t.Errorf("fields = %v", fields)
	}
}

func TestSecurityAlertsListNewHighSeverityFindings(t *testing.T) {
	s := &SecurityResult{Findings: 12, HighSeverity: 3, NewHigh: 1, ComplianceScore: 85.333, Unencrypted: 4, Public: 2,
		NewHighFindings: []Finding{{Check: "s3_public", Severity: "high", ResourceType: "s3_bucket", ResourceID: "static-assets",
			AccountID: "234567890123", AccountName: "marketing", Region: "us-east-1", Detail: "bucket policy allows *"}}}
	as := Evaluate(Input{Security: s}, seedThresholds)
	if kinds(as) != "critical/new_high_severity_findings,warning/security_findings_over_threshold" {
		t.Fatalf("alerts = %s", kinds(as))
	}
	if as[0].Title != "1 new high-severity security finding" ||
		!strings.Contains(as[0].Text, "s3_public: s3_bucket static-assets in marketing (234567890123) us-east-1 (bucket policy allows *)") {
		t.Errorf("new-high alert = %+v", as[0])
	}
	if as[1].Title != "12 security findings (threshold 10)" || !strings.Contains(as[1].Text, "Compliance score 85.3%") {
		t.Errorf("findings alert = %+v", as[1])
	}
}

func TestAnExpensiveResourceAlertsEvenUnderTheTotalThreshold(t *testing.T) {
	th := Thresholds{MonthlyCost: 10000, ExpensiveResourceMonthly: 1000}
	c := &CostResult{TotalMonthly: 5000, Priced: 10, Top: []CostedResource{
		{ResourceType: "rds_instance", ResourceID: "db-big", AccountID: "111111111111", Region: "us-east-1", Monthly: 2500},
		{ResourceType: "ec2_instance", ResourceID: "i-small", AccountID: "111111111111", Region: "us-east-1", Monthly: 70},
	}}
	alerts := Evaluate(Input{Action: "cost_analysis", Cost: c}, th)
	if len(alerts) != 1 || alerts[0].Kind != KindExpensiveResources || !strings.Contains(alerts[0].Text, "db-big") || strings.Contains(alerts[0].Text, "i-small") {
		t.Fatalf("alerts = %+v, want one naming only db-big", alerts)
	}
	c.TotalMonthly = 20000
	if alerts := Evaluate(Input{Cost: c}, th); len(alerts) != 1 || alerts[0].Kind != KindCostOver {
		t.Fatalf("over the total: alerts = %+v, want the cost alert alone (it names the expensive ones)", alerts)
	}
	th.ExpensiveResourceMonthly = 0
	c.TotalMonthly = 5000
	if alerts := Evaluate(Input{Cost: c}, th); len(alerts) != 0 {
		t.Fatalf("no per-resource threshold: alerts = %+v", alerts)
	}
}

func TestTheFindingsThresholdAlertsWhenCrossedAndOnNewFindingsOnly(t *testing.T) {
	th := Thresholds{SecurityFindings: 10}
	kinds := func(s SecurityResult) int {
		n := 0
		for _, a := range Evaluate(Input{Action: "security_check", Security: &s}, th) {
			if a.Kind == KindFindingsOver {
				n++
			}
		}
		return n
	}
	if kinds(SecurityResult{Findings: 12, PreviousOpen: 0, NewFindings: 12}) != 1 {
		t.Error("first check over the threshold must alert")
	}
	if kinds(SecurityResult{Findings: 12, PreviousOpen: 12, NewFindings: 0}) != 0 {
		t.Error("the same open findings again must not re-alert")
	}
	if kinds(SecurityResult{Findings: 13, PreviousOpen: 12, NewFindings: 1}) != 1 {
		t.Error("a new finding on top must alert")
	}
	if kinds(SecurityResult{Findings: 9, PreviousOpen: 12}) != 0 {
		t.Error("under the threshold must not alert")
	}
}
