package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

func renderPage(t *testing.T, in Input) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTMLShowsRunFailedItemsReplayCountsCostAndSecurity(t *testing.T) {
	in := Input{RunID: "run-20261126T063000Z-1a2b3c", GeneratedAt: generated, Summary: partialSummary(),
		ExecutionARN: "arn:aws:states:us-east-1:111122223333:execution:inventory:abc",
		Cost:         costResult{TotalMonthlyCost: 1374.66, PricedResources: 2, TopResources: []map[string]any{{"resource_id": "db-1", "estimated_monthly_cost": 1234.5}}},
		Security:     map[string]any{"compliance_score": 85.5, "public_resources": []any{map[string]any{"type": "s3", "id": "static-assets", "risk": "low"}}},
		Records:      sampleRecords()}
	page := renderPage(t, in)
	for _, want := range []string{
		`<span class="badge warn">partial</span>`,
		"9 total: 8 succeeded, 0 partial, 1 failed, 0 not run",
		"finance", "345678901234", // the failed item
		"sandbox", "suspended", // the skipped account
		"inventory replay --execution arn:aws:states:us-east-1:111122223333:execution:inventory:abc",
		"&#34;replay_of&#34;: &#34;run-20261126T063000Z-1a2b3c&#34;", // the replay input, escaped inside <pre>
		"By resource type", "By department", "By account", "By region", "marketing (234567890123)",
		"$1,374.66",                // records' own estimates: 140.16 + 1234.50, the deleted volume left out
		"Most expensive resources", // top list
		"Total monthly cost",       // generic cost result, labelled
		"$1,234.50",                // money column of the generic table
		"Compliance score", "85.5", // generic security result
		"static-assets",
		"4 resources, 1 of them no longer found",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestHTMLEscapesEverythingAndLoadsNothingFromOutside(t *testing.T) {
	page := renderPage(t, Input{RunID: "run-1", GeneratedAt: generated, Summary: partialSummary(), Records: sampleRecords(),
		Security: map[string]any{"note": `<img src=x onerror=alert(1)>`}})
	for _, bad := range []string{"<script", "<b>crm</b>", "<img", "<link", "<iframe", "url(", "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	// The only links are to the page's own sections.
	for _, m := range regexp.MustCompile(`<[^>]*\s(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("page refers to %q", m[1])
		}
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Error("the failed item's error text is not shown escaped")
	}
}

func TestHTMLCapsTheReplayInputAndSaysHowToReplayInShort(t *testing.T) {
	s := partialSummary()
	item := s.ReplayInput.Items[0]
	for range 2000 {
		s.ReplayInput.Items = append(s.ReplayInput.Items, item)
	}
	page := renderPage(t, Input{RunID: s.RunID, GeneratedAt: generated, Summary: s})
	if !strings.Contains(page, `{&#34;action&#34;:&#34;collect&#34;,&#34;replay_of&#34;:&#34;run-20261126T063000Z-1a2b3c&#34;}`) {
		t.Error("a long replay input is not replaced by its short form")
	}
	if !strings.Contains(page, "inventory replay --run run-20261126T063000Z-1a2b3c") {
		t.Error("without an execution the page does not name the local replay command")
	}
	if len(page) > 200<<10 {
		t.Errorf("page is %d bytes", len(page))
	}
}

func TestHTMLCountsFailedItemsAggregateLeftOutOfItsList(t *testing.T) {
	s := partialSummary()
	s.Items = pipeline.ItemCounts{Total: 900, Succeeded: 600, Failed: 250, NotRun: 50}
	page := renderPage(t, Input{RunID: s.RunID, GeneratedAt: generated, Summary: s})
	if !regexp.MustCompile(`and 299 more not listed`).MatchString(page) {
		t.Error("the page does not say how many failed items are not listed")
	}
}

func TestTreeKeepsFieldOrderAndTabulatesFlatLists(t *testing.T) {
	n, err := treeOf(struct {
		Zeta  int              `json:"zeta"`
		Alpha string           `json:"alpha"`
		Rows  []map[string]any `json:"rows"`
		Deep  map[string]any   `json:"deep"`
	}{Zeta: 1234567, Alpha: "a", Rows: []map[string]any{{"id": "x", "monthly_cost": 3.5}, {"id": "y", "regions": []string{"a", "b"}}},
		Deep: map[string]any{"ok": true}})
	if err != nil {
		t.Fatal(err)
	}
	if n.Kind != "object" || n.Fields[0].Label != "Zeta" || n.Fields[1].Label != "Alpha" {
		t.Fatalf("fields = %+v", n.Fields)
	}
	if n.Fields[0].Value.Text != "1,234,567" {
		t.Errorf("count = %q", n.Fields[0].Value.Text)
	}
	rows := n.Fields[2].Value
	if rows.Kind != "table" || strings.Join(rows.Columns, "|") != "Id|Monthly cost|Regions" {
		t.Fatalf("rows = %+v", rows)
	}
	if rows.Rows[0][1] != "$3.50" || rows.Rows[1][2] != "a, b" || rows.Rows[1][1] != "" {
		t.Errorf("table rows = %v", rows.Rows)
	}
	if n.Fields[3].Value.Kind != "object" || n.Fields[3].Value.Fields[0].Value.Text != "yes" {
		t.Errorf("nested = %+v", n.Fields[3].Value)
	}
	if none, _ := treeOf(nil); none != nil {
		t.Error("treeOf(nil) is not nil")
	}
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct{ got, want string }{

		{number(999), "999"}, {number(1000), "1,000"}, {number(-1234), "-1,234"}, {number(85.5), "85.5"}, {number(1234.567), "1,234.57"},
		{percent(1, 3), "33.3%"}, {percent(1, 0), "–"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestTreeShowsMoneyOnlyWhereTheKeySaysSo(t *testing.T) {
	n, err := treeOf(map[string]any{"priced_resources": 2, "cost_by_department": map[string]any{"Engineering": 140.16}, "potential_savings": 50})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]node{}
	for _, f := range n.Fields {
		got[f.Label] = f.Value
	}
	if got["Priced resources"].Text != "2" {
		t.Errorf("priced_resources = %q, want a count", got["Priced resources"].Text)
	}
	if got["Potential savings"].Text != "$50.00" {
		t.Errorf("potential_savings = %q", got["Potential savings"].Text)
	}
	if dept := got["Cost by department"]; dept.Kind != "object" || dept.Fields[0].Value.Text != "$140.16" {
		t.Errorf("cost_by_department members = %+v, want USD", dept)
	}
}
