package lambda

import (
	"context"
	"errors"
	"strings"
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
		seen["no policy"] = seen["no policy"] || a["has_resource_policy"] == false
		seen["private policy"] = seen["private policy"] || (a["has_resource_policy"] == true && a["policy_public"] == false)
		seen["public policy"] = seen["public policy"] || (a["policy_public"] == true && a["function_url_auth_type"] != "NONE")
		if a["function_url_auth_type"] == "NONE" && a["policy_public"] != true {
			t.Errorf("%s: a URL with auth type NONE comes with a public policy statement, policy_public = %v", r.ResourceID, a["policy_public"])
		}
	}
	for _, want := range []string{"arch x86_64", "arch arm64", "package Zip", "package Image", "deprecated runtime", "supported runtime",
		"url NONE", "url AWS_IAM", "no datapoints", "unused", "errors", "department from account", "no policy", "private policy", "public policy"} {
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

func TestPolicyPublic(t *testing.T) {
	const fn = "arn:aws:lambda:eu-west-1:123456789012:function:f"
	stmt := func(principal, condition string) string {
		s := `{"Sid":"s","Effect":"Allow","Principal":` + principal + `,"Action":"lambda:InvokeFunction","Resource":"` + fn + `"`
		if condition != "" {
			s += `,"Condition":` + condition
		}
		return s + "}"
	}
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Id":"default","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	for _, tc := range []struct {
		name   string
		doc    string
		public bool
	}{
		{"star", doc(stmt(`"*"`, "")), true},
		{"AWS star", doc(stmt(`{"AWS":"*"}`, "")), true},
		{"AWS star list", doc(stmt(`{"AWS":["*"]}`, "")), true},
		{"one statement, not a list", `{"Version":"2012-10-17","Statement":` + stmt(`"*"`, "") + `}`, true},
		{"URL auth NONE", doc(stmt(`"*"`, `{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}`)), true},
		{"URL auth AWS_IAM", doc(stmt(`"*"`, `{"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}`)), false},
		{"source ARN", doc(stmt(`"*"`, `{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}`)), false},
		{"source account", doc(stmt(`{"AWS":"*"}`, `{"StringEquals":{"aws:SourceAccount":"123456789012"}}`)), false},
		{"organization", doc(stmt(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`)), false},
		{"source ARN any", doc(stmt(`"*"`, `{"ArnLike":{"AWS:SourceArn":"*"}}`)), true},
		{"IfExists does not narrow", doc(stmt(`"*"`, `{"StringEqualsIfExists":{"AWS:SourceAccount":"123456789012"}}`)), true},
		{"negated does not narrow", doc(stmt(`"*"`, `{"StringNotEquals":{"aws:SourceAccount":"123456789012"}}`)), true},
		{"other key does not narrow", doc(stmt(`"*"`, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`)), true},
		{"ForAnyValue source account", doc(stmt(`"*"`, `{"ForAnyValue:StringEquals":{"aws:SourceAccount":["123456789012"]}}`)), false},
		{"service without condition", doc(stmt(`{"Service":"events.amazonaws.com"}`, "")), false},
		{"another account", doc(stmt(`{"AWS":"arn:aws:iam::210987654321:root"}`, "")), false},
		{"deny star", doc(strings.Replace(stmt(`"*"`, ""), "Allow", "Deny", 1)), false},
		{"one public among private", doc(stmt(`{"Service":"s3.amazonaws.com"}`, `{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}`), stmt(`"*"`, "")), true},
	} {
		got, err := policyPublic(tc.doc)
		if err != nil || got != tc.public {
			t.Errorf("%s: public = %v, %v; want %v", tc.name, got, err, tc.public)
		}
	}
	if _, err := policyPublic("{not json"); err == nil {
		t.Error("a broken document parsed")
	}
}

// policyFaults answers GetPolicy with an error code for chosen functions.
type policyFaults struct {
	functionsAPI
	codes map[string]string // function ARN -> error code
}

func (p policyFaults) GetPolicy(ctx context.Context, in *awslambda.GetPolicyInput, optFns ...func(*awslambda.Options)) (*awslambda.GetPolicyOutput, error) {
	if code, ok := p.codes[aws.ToString(in.FunctionName)]; ok {
		return nil, &smithy.GenericAPIError{Code: code, Message: code}
	}
	return p.functionsAPI.GetPolicy(ctx, in, optFns...)
}

func TestGetPolicyDeniedIsUnreadableAndOtherErrorsFail(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[0]
	region := a.Regions[0].Name
	tg := collecttest.Target(o, a, region)
	want := o.ExpectedFor(a.ID, region, inventory.LambdaFunction)
	api := policyFaults{functionsAPI: awslambda.NewFromConfig(tg.AWS), codes: map[string]string{want[0].ARN: "AccessDeniedException"}}
	got := collecttest.Emitted(t, func(emit collect.Emit) error {
		return collectFunctions(context.Background(), tg, api, cloudwatch.NewFromConfig(tg.AWS), o.Spec.Now, emit)
	})
	w := append([]inventory.Record(nil), want...)
	w[0].Attributes = map[string]any{}
	for k, v := range want[0].Attributes {
		w[0].Attributes[k] = v
	}
	delete(w[0].Attributes, "has_resource_policy")
	delete(w[0].Attributes, "policy_public")
	w[0].Attributes["unreadable"] = []string{"GetPolicy"}
	collecttest.AssertRecords(t, got, w)

	api.codes[want[0].ARN] = "ServiceException"
	err := collectFunctions(context.Background(), tg, api, cloudwatch.NewFromConfig(tg.AWS), o.Spec.Now, func(inventory.Record) error { return nil })
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ServiceException" {
		t.Fatalf("err = %v, want ServiceException wrapped", err)
	}
}
