package main

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// costOutput is the part of `inventory cost --format json` the tests read.
type costOutput struct {
	Resources  int     `json:"resources"`
	Priced     int     `json:"priced"`
	MonthlyUSD float64 `json:"monthly_usd"`
	YearlyUSD  float64 `json:"yearly_usd"`
	Bases      []string
	Breakdowns []struct {
		By   string `json:"by"`
		Rows []struct {
			Key        string  `json:"key"`
			MonthlyUSD float64 `json:"monthly_usd"`
			Resources  int     `json:"resources"`
		} `json:"rows"`
	} `json:"breakdowns"`
	Top      []map[string]any `json:"top"`
	Unpriced struct {
		Count  int `json:"count"`
		Groups []struct {
			Reason string `json:"reason"`
		} `json:"groups"`
	} `json:"unpriced"`
	Idle        []finding `json:"idle"`
	Rightsizing []finding `json:"rightsizing"`
	Savings     struct {
		MonthlyUSD float64 `json:"monthly_usd"`
	} `json:"savings"`
}

type finding struct {
	Kind     string   `json:"kind"`
	Saving   *float64 `json:"monthly_savings_usd"`
	Commands []string `json:"commands"`
	Counted  bool     `json:"counted"`
}

func costJSONOf(t *testing.T, dir string, args ...string) costOutput {
	t.Helper()
	r := mustInv(t, dir, 0, append([]string{"cost", "--format", "json"}, args...)...)
	var c costOutput
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatalf("cost --format json: %v\n%s", err, r.stdout)
	}
	return c
}

func TestCostCommands(t *testing.T) {
	dir := collected(t)
	live := len(queryJSON(t, dir))

	c := costJSONOf(t, dir)
	t.Run("json", func(t *testing.T) {
		if c.Resources != live || c.Priced == 0 || c.MonthlyUSD <= 0 || math.Abs(c.YearlyUSD-12*c.MonthlyUSD) > 0.01 {
			t.Errorf("resources %d (live %d), priced %d, monthly %v, yearly %v", c.Resources, live, c.Priced, c.MonthlyUSD, c.YearlyUSD)
		}
		if c.Priced+c.Unpriced.Count != c.Resources {
			t.Errorf("priced %d + unpriced %d != %d", c.Priced, c.Unpriced.Count, c.Resources)
		}
		dims := map[string]bool{}
		for _, b := range c.Breakdowns {
			dims[b.By] = true
			sum := 0.0
			for _, r := range b.Rows {
				sum += r.MonthlyUSD
			}
			if math.Abs(sum-c.MonthlyUSD) > 0.05 {
				t.Errorf("breakdown by %s sums to %v, total %v", b.By, sum, c.MonthlyUSD)
			}
		}
		for _, d := range []string{"account", "department", "region", "type"} {
			if !dims[d] {
				t.Errorf("no breakdown by %s", d)
			}
		}
		if len(c.Top) != 10 || len(c.Idle) == 0 || len(c.Rightsizing) == 0 || c.Savings.MonthlyUSD <= 0 {
			t.Errorf("top %d, idle %d, rightsizing %d, savings %v", len(c.Top), len(c.Idle), len(c.Rightsizing), c.Savings.MonthlyUSD)
		}
		for _, f := range append(append([]finding{}, c.Idle...), c.Rightsizing...) {
			if len(f.Commands) < 2 || !strings.HasPrefix(f.Commands[0], "# account ") || !strings.Contains(strings.Join(f.Commands, "\n"), "--region ") {
				t.Errorf("%s finding without account comment or --region: %q", f.Kind, f.Commands)
			}
		}
	})

	t.Run("table", func(t *testing.T) {
		r := mustInv(t, dir, 0, "cost")
		for _, want := range []string{"Monthly total:", "Yearly projection:", "Potential savings:", "By account:", "By resource type:",
			"Top 10 most expensive resources:", "Idle Resources (", "Rightsizing (", "Total Potential Savings:", "Save $", "inventory optimize"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("cost output lacks %q:\n%s", want, r.stdout)
			}
		}
		if c.Unpriced.Count > 0 && !strings.Contains(r.stdout, "Unpriced (") {
			t.Errorf("%d unpriced resources not listed:\n%s", c.Unpriced.Count, r.stdout)
		}
	})

	t.Run("group by tag", func(t *testing.T) {
		r := mustInv(t, dir, 0, "cost", "--group-by", "tag:CostCenter", "--top", "3")
		if !strings.Contains(r.stdout, "By tag:CostCenter:") || !strings.Contains(r.stdout, "(untagged)") || !strings.Contains(r.stdout, "Top 3 most expensive") {
			t.Errorf("tag breakdown without its untagged row:\n%s", r.stdout)
		}
		mustInv(t, dir, 2, "cost", "--group-by", "owner")
		mustInv(t, dir, 2, "cost", "--prices", "guess")
		mustInv(t, dir, 2, "cost", "--top", "0")
	})

	t.Run("cost-report", func(t *testing.T) {
		out := filepath.Join(dir, "costs.csv")
		mustInv(t, dir, 0, "cost-report", "--output", out)
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows)-1 != live {
			t.Errorf("%d rows, %d live resources", len(rows)-1, live)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, h := range []string{"account_id", "department", "region", "estimated_monthly_cost", "cost_basis", "unpriced_reason",
			"idle_finding", "rightsizing_target", "potential_monthly_savings", "recommended_action", "tags", "tag:CostCenter"} {
			if _, ok := col[h]; !ok {
				t.Errorf("no column %s in %v", h, rows[0])
			}
		}
		total, savings, unpriced := 0.0, 0.0, 0
		for _, r := range rows[1:] {
			if v := r[col["estimated_monthly_cost"]]; v != "" {
				f, _ := strconv.ParseFloat(v, 64)
				total += f
			} else if r[col["unpriced_reason"]] == "" {
				t.Errorf("row %v: no cost and no reason", r)
			} else {
				unpriced++
			}
			if v := r[col["potential_monthly_savings"]]; v != "" {
				f, _ := strconv.ParseFloat(v, 64)
				savings += f
			}
		}
		if math.Abs(total-c.MonthlyUSD) > 0.5 || math.Abs(savings-c.Savings.MonthlyUSD) > 0.05 || unpriced != c.Unpriced.Count {
			t.Errorf("report total %v savings %v unpriced %d; analysis %v, %v, %d", total, savings, unpriced, c.MonthlyUSD, c.Savings.MonthlyUSD, c.Unpriced.Count)
		}
	})

	t.Run("optimize", func(t *testing.T) {
		r := mustInv(t, dir, 0, "optimize", "--dry-run", "--min-savings", "50")
		for _, want := range []string{"dry run: nothing is changed", "1. ", "# account ", "aws ", "--region "} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("optimize output lacks %q:\n%s", want, r.stdout)
			}
		}
		r = mustInv(t, dir, 0, "optimize", "--format", "json", "--min-savings", "50")
		var o struct {
			DryRun  bool `json:"dry_run"`
			Actions []struct {
				Saving   *float64 `json:"monthly_savings_usd"`
				Commands []string `json:"commands"`
				Summary  string   `json:"summary"`
			} `json:"actions"`
			Monthly float64 `json:"monthly_savings_usd"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &o); err != nil {
			t.Fatalf("optimize --format json: %v\n%s", err, r.stdout)
		}
		if !o.DryRun || len(o.Actions) == 0 {
			t.Fatalf("optimize: dry run %v, %d actions", o.DryRun, len(o.Actions))
		}
		prev := math.Inf(1)
		for _, a := range o.Actions {
			if a.Saving == nil || *a.Saving < 50 || *a.Saving > prev {
				t.Errorf("action %q: saving %v after %v: below the bar or out of order", a.Summary, a.Saving, prev)
			}
			if a.Saving != nil {
				prev = *a.Saving
			}
		}
		all := mustInv(t, dir, 0, "optimize", "--format", "json")
		var everything struct {
			Monthly float64 `json:"monthly_savings_usd"`
		}
		json.Unmarshal([]byte(all.stdout), &everything)
		if math.Abs(everything.Monthly-c.Savings.MonthlyUSD) > 0.05 {
			t.Errorf("all actions save %v, cost says %v", everything.Monthly, c.Savings.MonthlyUSD)
		}
		r = mustInv(t, dir, 2, "optimize", "--dry-run=false")
		if !strings.Contains(r.stderr, "out of scope") {
			t.Errorf("--dry-run=false: %s", r.stderr)
		}
	})
}

// A store written before records were priced (cost_basis empty, no cost):
// the commands price those records now, say so, and give the same totals.
func TestCostOnUnpricedStore(t *testing.T) {
	dir := collected(t)
	before := costJSONOf(t, dir)
	db, err := sql.Open("sqlite", filepath.Join(dir, "inventory.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE resources SET estimated_monthly_cost = NULL, cost_basis = ''`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := mustInv(t, dir, 0, "cost", "--format", "json")
	if !strings.Contains(r.stderr, "stored without an estimate") {
		t.Errorf("no note that records were priced now: %q", r.stderr)
	}
	var after costOutput
	if err := json.Unmarshal([]byte(r.stdout), &after); err != nil {
		t.Fatal(err)
	}
	if math.Abs(after.MonthlyUSD-before.MonthlyUSD) > 0.01 || after.Unpriced.Count != before.Unpriced.Count || after.Savings.MonthlyUSD != before.Savings.MonthlyUSD {
		t.Errorf("priced now: %v/%d/%v, at collection: %v/%d/%v", after.MonthlyUSD, after.Unpriced.Count, after.Savings.MonthlyUSD,
			before.MonthlyUSD, before.Unpriced.Count, before.Savings.MonthlyUSD)
	}
}

// --actual reads Cost Explorer through the SDK's standard endpoint
// override, here a stand-in speaking its JSON 1.1 protocol.
func TestCostActual(t *testing.T) {
	dir := collected(t)
	acct := queryJSON(t, dir, "--resource-type", "ec2_instance")[0].str("account_id")
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Header.Get("X-Amz-Target") != "AWSInsightsIndexService.GetCostAndUsage" {
			t.Errorf("X-Amz-Target %q", r.Header.Get("X-Amz-Target"))
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"ResultsByTime":[{"TimePeriod":{"Start":"2026-10-01","End":"2026-11-01"},"Estimated":false,"Groups":[
			{"Keys":["`+acct+`","Amazon Elastic Compute Cloud - Compute"],"Metrics":{"UnblendedCost":{"Amount":"1234.5","Unit":"USD"}}},
			{"Keys":["`+acct+`","AWS Key Management Service"],"Metrics":{"UnblendedCost":{"Amount":"17","Unit":"USD"}}}]}]}`)
	}))
	defer srv.Close()
	env := []string{"AWS_ENDPOINT_URL_COST_EXPLORER=" + srv.URL, "AWS_ACCESS_KEY_ID=AKIDINVENTORYTEST", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_CONFIG_FILE=" + nullFile, "AWS_SHARED_CREDENTIALS_FILE=" + nullFile}
	r := invEnv(t, dir, env, "cost", "--actual", "--top", "50")
	if r.code != 0 {
		t.Fatalf("cost --actual: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Actual spend ", "1 request(s) at $0.01 = $0.01", "ESTIMATED", "ACTUAL", "DIFFERENCE", "AWS Key Management Service", "$1,234.50"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("cost --actual lacks %q:\n%s", want, r.stdout)
		}
	}
	r = invEnv(t, dir, env, "cost", "--actual", "--format", "json")
	var out struct {
		Actual struct {
			Services []struct {
				AccountID string   `json:"account_id"`
				Service   string   `json:"service"`
				Estimated *float64 `json:"estimated_usd"`
				Actual    *float64 `json:"actual_usd"`
				Diff      *float64 `json:"difference_usd"`
			} `json:"services"`
		} `json:"actual"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	found := false
	for _, l := range out.Actual.Services {
		if l.AccountID == acct && l.Service == "Amazon Elastic Compute Cloud - Compute" {
			found = l.Estimated != nil && l.Actual != nil && *l.Actual == 1234.5 && math.Abs(*l.Diff-(1234.5-*l.Estimated)) < 0.011
		}
	}
	if !found || calls != 2 {
		t.Errorf("EC2 line of %s not compared (calls %d): %+v", acct, calls, out.Actual.Services)
	}
	if r := mustInv(t, dir, 0, "cost", "--help"); !strings.Contains(r.stdout, "$0.01") {
		t.Errorf("cost --help does not say what --actual costs:\n%s", r.stdout)
	}
}
