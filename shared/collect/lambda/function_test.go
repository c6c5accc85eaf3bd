package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func testSpec() fakeorg.Spec {
	sp := fakeorg.DefaultSpec()
	sp.Now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	sp.Accounts = 12
	return sp
}

// healthy lists the accounts a collector can reach: active, role not denied.
func healthy(o *fakeorg.Org) []*fakeorg.Account {
	denied := map[string]bool{}
	for _, id := range o.DeniedAccounts() {
		denied[id] = true
	}
	var out []*fakeorg.Account
	for _, a := range o.Accounts {
		if a.Status == fakeorg.StatusActive && !denied[a.ID] {
			out = append(out, a)
		}
	}
	return out
}

func target(o *fakeorg.Org, a *fakeorg.Account, region string, retries int) collect.Target {
	cfg := o.MemberConfig(a.ID, region)
	if retries > 0 {
		cfg.RetryMaxAttempts = retries
	}
	return collect.Target{AccountID: a.ID, AccountName: a.Name, Region: region, AWS: cfg}
}

// collector runs at the organization's Now, which the ground truth's
// deprecation flags are computed for.
func collector(o *fakeorg.Org) collect.Collector {
	return functions(func() time.Time { return o.Spec.Now })
}

func collectAll(t *testing.T, run func(collect.Emit) error) []inventory.Record {
	t.Helper()
	var got []inventory.Record
	if err := run(func(r inventory.Record) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

func expectedFunctions(o *fakeorg.Org, accountID, region string) []inventory.Record {
	var out []inventory.Record
	for _, r := range o.Expected() {
		if r.AccountID == accountID && r.Region == region && r.ResourceType == inventory.LambdaFunction {
			out = append(out, r)
		}
	}
	return out
}

// assertSameRecords compares after a JSON round trip (what the store keeps),
// sorted by resource ID, and shows the first differing record.
func assertSameRecords(t *testing.T, got, want []inventory.Record) {
	t.Helper()
	g, w := normalize(t, got), normalize(t, want)
	for i := 0; i < len(g) && i < len(w); i++ {
		if !reflect.DeepEqual(g[i], w[i]) {
			t.Fatalf("record %d differs:\n%s", i, diff(g[i], w[i]))
		}
	}
	if len(g) != len(w) {
		t.Fatalf("got %d records, want %d", len(g), len(w))
	}
}

func normalize(t *testing.T, rs []inventory.Record) []map[string]any {
	t.Helper()
	out := make([]map[string]any, len(rs))
	for i, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]["resource_id"]) < fmt.Sprint(out[j]["resource_id"]) })
	return out
}

func diff(got, want map[string]any) string {
	s := fmt.Sprintf("resource_id %v\n", want["resource_id"])
	ga, _ := got["attributes"].(map[string]any)
	wa, _ := want["attributes"].(map[string]any)
	for _, m := range []struct {
		name string
		g, w map[string]any
	}{{"", got, want}, {"attributes.", ga, wa}} {
		keys := map[string]bool{}
		for k := range m.g {
			keys[k] = true
		}
		for k := range m.w {
			keys[k] = true
		}
		for k := range keys {
			if k != "attributes" && !reflect.DeepEqual(m.g[k], m.w[k]) {
				s += fmt.Sprintf("  %s%s: got %#v, want %#v\n", m.name, k, m.g[k], m.w[k])
			}
		}
	}
	return s
}

func TestFunctionsMatchGroundTruthInEveryRegion(t *testing.T) {
	o := fakeorg.New(testSpec())
	var all []inventory.Record
	for _, a := range healthy(o) {
		for _, r := range a.Regions {
			if !r.Enabled() {
				continue
			}
			got := collectAll(t, func(emit collect.Emit) error {
				return collector(o).Collect(context.Background(), target(o, a, r.Name, 0), emit)
			})
			assertSameRecords(t, got, expectedFunctions(o, a.ID, r.Name))
			all = append(all, got...)
		}
	}
	seen := map[string]bool{}
	for _, r := range all {
		a := r.Attributes
		seen["arch "+a["architecture"].(string)] = true
		seen["package "+a["package_type"].(string)] = true
		seen["deprecated runtime"] = seen["deprecated runtime"] || a["runtime_deprecated"] == true
		seen["supported runtime"] = seen["supported runtime"] || a["runtime_deprecated"] == false
		seen["url NONE"] = seen["url NONE"] || a["function_url_auth_type"] == "NONE"
		seen["url AWS_IAM"] = seen["url AWS_IAM"] || a["function_url_auth_type"] == "AWS_IAM"
		inv, known := a["invocations_30d"].(float64)
		seen["no datapoints"] = seen["no datapoints"] || !known
		seen["unused"] = seen["unused"] || (known && inv < 10)
		seen["errors"] = seen["errors"] || (a["errors_30d"] != nil && a["errors_30d"].(float64) > 0)
		seen["department from account"] = seen["department from account"] || (r.Tags()["Department"] == "" && r.Department == r.AccountName)
	}
	for _, want := range []string{"arch x86_64", "arch arm64", "package Zip", "package Image", "deprecated runtime", "supported runtime",
		"url NONE", "url AWS_IAM", "no datapoints", "unused", "errors", "department from account"} {
		if !seen[want] {
			t.Errorf("no function with %s in %d records", want, len(all))
		}
	}
}

// counting counts ListFunctions pages.
type counting struct {
	functionsAPI
	pages atomic.Int64
}

func (c *counting) ListFunctions(ctx context.Context, in *awslambda.ListFunctionsInput, optFns ...func(*awslambda.Options)) (*awslambda.ListFunctionsOutput, error) {
	c.pages.Add(1)
	return c.functionsAPI.ListFunctions(ctx, in, optFns...)
}

func TestFunctionsArePagedAndSurviveThrottling(t *testing.T) {
	sp := testSpec()
	sp.Scale = 4 // ~24 functions a region: 3 pages, ~50 calls against a burst of 15
	sp.Throttle = true
	o := fakeorg.New(sp)
	a := healthy(o)[0]
	region := a.Regions[0].Name
	tg := target(o, a, region, 10)
	api := &counting{functionsAPI: awslambda.NewFromConfig(tg.AWS)}
	got := collectAll(t, func(emit collect.Emit) error {
		return collectFunctions(context.Background(), tg, api, cloudwatch.NewFromConfig(tg.AWS), sp.Now, emit)
	})
	assertSameRecords(t, got, expectedFunctions(o, a.ID, region))
	if n := api.pages.Load(); n < 2 {
		t.Errorf("ListFunctions pages = %d for %d functions, want several", n, len(got))
	}
	if o.Stats().Throttled == 0 {
		t.Error("no call was throttled; the test does not prove retries")
	}
}

func TestEveryCalledOperationIsADeclaredAction(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := healthy(o)[0]
	collectAll(t, func(emit collect.Emit) error {
		return Functions().Collect(context.Background(), target(o, a, a.Regions[0].Name, 0), emit)
	})
	declared := map[string]bool{}
	for _, act := range Functions().Actions {
		declared[act] = true
	}
	used := map[string]bool{}
	for _, op := range o.Operations() {
		if op == "STS.AssumeRole" { // the pipeline's, from the management account
			continue
		}
		act := ActionFor(op)
		if !declared[act] {
			t.Errorf("%s (action %q) is called but not declared", op, act)
		}
		used[act] = true
	}
	for act := range declared {
		if !used[act] {
			t.Errorf("%s is declared but never called", act)
		}
	}
	if c := Functions(); c.Type != inventory.LambdaFunction || c.Scope != collect.Regional || c.Service != "Lambda" {
		t.Errorf("collector = %s %v %s", c.Type, c.Scope, c.Service)
	}
}

func TestDeprecated(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		runtime, now      string
		deprecated, known bool
		date              string
	}{
		{"python3.8", "2026-01-01", true, true, "2024-10-14"},
		{"nodejs16.x", "2024-06-11", false, true, "2024-06-12"},
		{"nodejs16.x", "2024-06-12", true, true, "2024-06-12"},
		{"go1.x", "2025-01-01", true, true, "2024-01-08"},
		{"provided", "2025-01-01", true, true, "2024-01-08"},
		{"java8", "2025-01-01", true, true, "2024-01-08"},
		{"java8.al2", "2025-01-01", false, true, "2026-06-30"},
		{"nodejs20.x", "2026-04-29", false, true, "2026-04-30"},
		{"nodejs20.x", "2026-05-01", true, true, "2026-04-30"},
		{"python3.13", "2026-11-01", false, true, "2029-06-30"},
		{"dotnet6", "2025-01-01", true, true, "2024-12-20"},
		{"cobol85", "2026-01-01", false, false, ""},
	} {
		t.Run(tc.runtime+"@"+tc.now, func(t *testing.T) {
			dep, date, known := Deprecated(tc.runtime, day(tc.now))
			if dep != tc.deprecated || known != tc.known {
				t.Errorf("deprecated, known = %v, %v; want %v, %v", dep, known, tc.deprecated, tc.known)
			}
			if tc.known && !date.Equal(day(tc.date)) {
				t.Errorf("date = %s, want %s", date.Format(time.DateOnly), tc.date)
			}
		})
	}
}

// vanishing answers ResourceNotFoundException for one function's tags, as
// Lambda does for a function deleted after ListFunctions listed it.
type vanishing struct {
	functionsAPI
	arn string
}

func (v vanishing) ListTags(ctx context.Context, in *awslambda.ListTagsInput, optFns ...func(*awslambda.Options)) (*awslambda.ListTagsOutput, error) {
	if aws.ToString(in.Resource) == v.arn {
		return nil, &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "Function not found: " + v.arn}
	}
	return v.functionsAPI.ListTags(ctx, in, optFns...)
}

func TestFunctionDeletedWhileListedIsSkipped(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := healthy(o)[0]
	region := a.Regions[0].Name
	tg := target(o, a, region, 0)
	want := expectedFunctions(o, a.ID, region)
	gone := want[0]
	api := vanishing{functionsAPI: awslambda.NewFromConfig(tg.AWS), arn: gone.ARN}
	got := collectAll(t, func(emit collect.Emit) error {
		return collectFunctions(context.Background(), tg, api, cloudwatch.NewFromConfig(tg.AWS), o.Spec.Now, emit)
	})
	assertSameRecords(t, got, want[1:])
}
