package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/blob"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

var generated = time.Date(2026, 11, 26, 6, 42, 7, 0, time.UTC)

func cost(f float64) *float64 { return &f }

func sampleRecords() []inventory.Record {
	seen := time.Date(2026, 11, 26, 6, 31, 0, 0, time.UTC)
	deleted := seen.Add(-time.Hour)
	return []inventory.Record{
		{ResourceType: "ec2_instance", ResourceID: "i-0abc", ARN: "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
			AccountID: "123456789012", AccountName: "engineering", Department: "Engineering", Region: "us-east-1",
			CollectedAt: seen, FirstSeen: seen.Add(-48 * time.Hour), LastSeen: seen, RunID: "run-1",
			Attributes:           map[string]any{"name": "web-1", "state": "running", "instance_type": "m5.xlarge", "tags": map[string]any{"Env": "prod", "Team": "web"}},
			EstimatedMonthlyCost: cost(140.16), CostBasis: "snapshot"},
		{ResourceType: "rds_instance", ResourceID: "db-1", ARN: "arn:aws:rds:eu-west-1:234567890123:db:db-1",
			AccountID: "234567890123", AccountName: "marketing", Department: "Marketing", Region: "eu-west-1",
			CollectedAt: seen, FirstSeen: seen, LastSeen: seen, RunID: "run-1",
			Attributes:           map[string]any{"name": "<b>crm</b>", "state": "available"},
			EstimatedMonthlyCost: cost(1234.5), CostBasis: "snapshot"},
		{ResourceType: "s3_bucket", ResourceID: "logs", AccountID: "234567890123", AccountName: "marketing",
			Department: "Marketing", Region: "eu-west-1", CollectedAt: seen, FirstSeen: seen, LastSeen: seen, RunID: "run-1",
			Attributes: map[string]any{}},
		{ResourceType: "ebs_volume", ResourceID: "vol-gone", AccountID: "123456789012", AccountName: "engineering",
			Department: "Engineering", Region: "us-east-1", CollectedAt: deleted, FirstSeen: deleted, LastSeen: deleted,
			DeletedAt: &seen, Attributes: map[string]any{"state": "available"}, EstimatedMonthlyCost: cost(8)},
	}
}

func partialSummary() *pipeline.Summary {
	item := pipeline.WorkItem{AccountID: "345678901234", AccountName: "finance", RoleName: "AWSInventoryRole", ResourceType: "ec2_instance"}
	return &pipeline.Summary{
		RunID: "run-20261126T063000Z-1a2b3c", Status: "partial",
		StartedAt: generated.Add(-12 * time.Minute), FinishedAt: generated.Add(-time.Minute), DurationSeconds: 660,
		Items:    pipeline.ItemCounts{Total: 9, Succeeded: 8, Failed: 1},
		Accounts: 3, Collected: 3, MarkedDeleted: 1, APICalls: 420, Throttled: 7,
		Inventory: pipeline.Breakdown{Total: 3,
			ByType:       map[string]int{"ec2_instance": 1, "rds_instance": 1, "s3_bucket": 1},
			ByAccount:    map[string]int{"engineering (123456789012)": 1, "marketing (234567890123)": 2},
			ByRegion:     map[string]int{"us-east-1": 1, "eu-west-1": 2},
			ByDepartment: map[string]int{"Engineering": 1, "Marketing": 2}},
		Failed: []pipeline.FailedItem{{AccountID: "345678901234", AccountName: "finance", ResourceType: "ec2_instance",
			Status: "failed", Error: `assume role: AccessDenied <script>alert("x")</script>`}},
		SkippedAccounts: []access.Skipped{{AccountID: "456789012345", AccountName: "sandbox", Reason: "suspended"}},
		ReplayInput:     &pipeline.ReplayInput{Action: "collect", ReplayOf: "run-20261126T063000Z-1a2b3c", Items: []pipeline.WorkItem{item}},
	}
}

type costResult struct {
	TotalMonthlyCost float64            `json:"total_monthly_cost"`
	PricedResources  int                `json:"priced_resources"`
	CostByDepartment map[string]float64 `json:"cost_by_department"`
	TopResources     []map[string]any   `json:"top_resources"`
}

func TestWriteStoresDatedAndLatestCopiesOfEveryFile(t *testing.T) {
	d, err := blob.NewDir(t.TempDir(), "reports-bucket")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := Input{RunID: "run-20261126T063000Z-1a2b3c", GeneratedAt: generated, Action: "collect", Summary: partialSummary(),
		Cost:     costResult{TotalMonthlyCost: 1374.66, PricedResources: 2, CostByDepartment: map[string]float64{"Marketing": 1234.5}},
		Security: map[string]any{"compliance_score": 85, "findings": 2}, Records: sampleRecords()}
	keys, err := Write(ctx, d, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"reports/2026/11/26/run-20261126T063000Z-1a2b3c/inventory.csv",
		"reports/2026/11/26/run-20261126T063000Z-1a2b3c/inventory.json",
		"reports/2026/11/26/run-20261126T063000Z-1a2b3c/report.html",
		"reports/2026/11/26/run-20261126T063000Z-1a2b3c/summary.json",
		"reports/latest/collect/inventory.csv",
		"reports/latest/collect/inventory.json",
		"reports/latest/collect/report.html",
		"reports/latest/collect/summary.json",
	}
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Fatalf("keys:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	for i := range 4 {
		a, _ := d.Get(ctx, keys[i])
		b, _ := d.Get(ctx, keys[i+4])
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from %s", keys[i+4], keys[i])
		}
	}

	var doc struct {
		RunID       string            `json:"run_id"`
		Action      string            `json:"action"`
		GeneratedAt time.Time         `json:"generated_at"`
		Summary     *pipeline.Summary `json:"summary"`
		Cost        costResult        `json:"cost"`
		Security    map[string]any    `json:"security"`
		Resources   int               `json:"resources"`
	}
	body, _ := d.Get(ctx, want[3])
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.RunID != in.RunID || doc.Action != "collect" || !doc.GeneratedAt.Equal(generated) || doc.Resources != 4 {
		t.Errorf("summary.json header = %+v", doc)
	}
	if doc.Summary == nil || doc.Summary.ReplayInput == nil || len(doc.Summary.ReplayInput.Items) != 1 {
		t.Errorf("summary.json lost the run summary or its replay input: %+v", doc.Summary)
	}
	if doc.Cost.TotalMonthlyCost != 1374.66 || doc.Security["compliance_score"] != 85.0 {
		t.Errorf("summary.json cost/security = %+v / %v", doc.Cost, doc.Security)
	}

	body, _ = d.Get(ctx, want[1])
	var recs []inventory.Record
	if err := json.Unmarshal(body, &recs); err != nil || len(recs) != 4 {
		t.Fatalf("inventory.json: %d records, %v", len(recs), err)
	}
	body, _ = d.Get(ctx, want[0])
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("inventory.csv: %d rows, %v", len(rows), err)
	}
}

func TestPrefixNamesJobsWithoutARunByActionAndTime(t *testing.T) {
	p, err := Prefix(Input{Action: "cost_analysis", GeneratedAt: time.Date(2026, 11, 26, 8, 0, 3, 0, time.FixedZone("CET", 3600))})
	if err != nil {
		t.Fatal(err)
	}
	if p != "reports/2026/11/26/cost_analysis-20261126T070003Z/" {
		t.Errorf("Prefix = %q", p)
	}
	l, err := LatestPrefix(Input{Action: "security_check"})
	if err != nil || l != "reports/latest/security_check/" {
		t.Errorf("LatestPrefix = %q, %v", l, err)
	}
	l, err = LatestPrefix(Input{})
	if err != nil || l != "reports/latest/collect/" {
		t.Errorf("LatestPrefix of a collection = %q, %v", l, err)
	}
}

func TestWriteRefusesInputsThatCannotNameAFolder(t *testing.T) {
	d, err := blob.NewDir(t.TempDir(), "b")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []Input{
		{RunID: "run-1"},
		{RunID: "../etc", GeneratedAt: generated},
		{RunID: "a/b", GeneratedAt: generated},
		{Action: "../x", GeneratedAt: generated},
	} {
		if keys, err := Write(context.Background(), d, in); err == nil {
			t.Errorf("Write(%+v) = %v, want an error", in, keys)
		}
	}
}

type failingStore struct{ after int }

func (f *failingStore) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if f.after == 0 {
		return errors.New("AccessDenied")
	}
	f.after--
	return nil
}

func (f *failingStore) Get(ctx context.Context, key string) ([]byte, error) {
	return nil, blob.ErrNotFound
}

func TestWriteStopsAtTheFirstFailedPutAndNamesTheKey(t *testing.T) {
	keys, err := Write(context.Background(), &failingStore{after: 2}, Input{RunID: "run-1", GeneratedAt: generated})
	if err == nil || !strings.Contains(err.Error(), "reports/2026/11/26/run-1/report.html") {
		t.Fatalf("err = %v", err)
	}
	if len(keys) != 2 {
		t.Errorf("keys written before the failure = %v", keys)
	}
}

func TestCostOnlyReportHasNoRunSectionAndEmptyInventoryFiles(t *testing.T) {
	d, err := blob.NewDir(t.TempDir(), "b")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	keys, err := Write(ctx, d, Input{Action: "cost_analysis", GeneratedAt: generated, Cost: map[string]any{"total_monthly_cost": 12}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := d.Get(ctx, keys[1])
	if strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("inventory.json of no records = %q, want []", body)
	}
	page, _ := d.Get(ctx, keys[2])
	if strings.Contains(string(page), `id="run"`) {
		t.Error("a cost-only report shows a run section")
	}
	if !strings.Contains(string(page), "$12.00") {
		t.Error("cost result not shown as money")
	}
}

func TestWriteJSONAndCSVKeepTheSeedFieldNames(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, nil); err != nil || buf.String() != "[]\n" {
		t.Fatalf("WriteJSON(nil) = %q, %v", buf.String(), err)
	}
	buf.Reset()
	if err := WriteJSON(&buf, sampleRecords()[:1]); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"resource_type", "resource_id", "arn", "account_id", "account_name", "department", "region",
		"collected_at", "first_seen", "last_seen", "attributes", "estimated_monthly_cost"} {
		if !strings.Contains(buf.String(), `"`+f+`":`) {
			t.Errorf("inventory.json lacks %s", f)
		}
	}
	buf.Reset()
	if err := WriteCSV(&buf, sampleRecords()[:1]); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Errorf("header = %v", rows[0])
	}
	row := map[string]string{}
	for i, h := range rows[0] {
		row[h] = rows[1][i]
	}
	for k, want := range map[string]string{"name": "web-1", "state": "running", "estimated_monthly_cost": "140.16",
		"tags": "Env=prod;Team=web", "collected_at": "2026-11-26T06:31:00Z", "deleted_at": ""} {
		if row[k] != want {
			t.Errorf("column %s = %q, want %q", k, row[k], want)
		}
	}
}
