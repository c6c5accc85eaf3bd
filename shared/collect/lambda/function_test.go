package lambda

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func testSpec() fakeorg.Spec {
	sp := collecttest.Spec()
	sp.Accounts = 12
	return sp
}

// collector runs at the organization's Now, which the ground truth's
// deprecation flags are computed for.
func collector(o *fakeorg.Org) collect.Collector {
	return functions(func() time.Time { return o.Spec.Now })
}

func TestFunctionsMatchGroundTruthInEveryRegion(t *testing.T) {
	o := fakeorg.New(testSpec())
	var all []inventory.Record
	for _, a := range o.Reachable() {
		for _, region := range a.EnabledRegions() {
			got := collecttest.Collect(t, collector(o), collecttest.Target(o, a, region))
			collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, region, inventory.LambdaFunction))
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
	a := o.Reachable()[0]
	region := a.Regions[0].Name
	tg := collecttest.Target(o, a, region)
	tg.AWS.RetryMaxAttempts = 10
	api := &counting{functionsAPI: awslambda.NewFromConfig(tg.AWS)}
	got := collecttest.Emitted(t, func(emit collect.Emit) error {
		return collectFunctions(context.Background(), tg, api, cloudwatch.NewFromConfig(tg.AWS), sp.Now, emit)
	})
	collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, region, inventory.LambdaFunction))
	if n := api.pages.Load(); n < 2 {
		t.Errorf("ListFunctions pages = %d for %d functions, want several", n, len(got))
	}
	if o.Stats().Throttled == 0 {
		t.Error("no call was throttled; the test does not prove retries")
	}
}

func TestEveryCalledOperationIsADeclaredAction(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[0]
	collecttest.Collect(t, Functions(), collecttest.Target(o, a, a.Regions[0].Name))
	collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), Functions().Actions)
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
	a := o.Reachable()[0]
	region := a.Regions[0].Name
	tg := collecttest.Target(o, a, region)
	want := o.ExpectedFor(a.ID, region, inventory.LambdaFunction)
	gone := want[0]
	api := vanishing{functionsAPI: awslambda.NewFromConfig(tg.AWS), arn: gone.ARN}
	got := collecttest.Emitted(t, func(emit collect.Emit) error {
		return collectFunctions(context.Background(), tg, api, cloudwatch.NewFromConfig(tg.AWS), o.Spec.Now, emit)
	})
	collecttest.AssertRecords(t, got, want[1:])
}
