package lambda

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// functionsAPI is the Lambda calls the function collector makes.
type functionsAPI interface {
	awslambda.ListFunctionsAPIClient
	awslambda.ListFunctionUrlConfigsAPIClient
	ListTags(ctx context.Context, in *awslambda.ListTagsInput, optFns ...func(*awslambda.Options)) (*awslambda.ListTagsOutput, error)
	GetPolicy(ctx context.Context, in *awslambda.GetPolicyInput, optFns ...func(*awslambda.Options)) (*awslambda.GetPolicyOutput, error)
}

// functionMetrics are read over 30 days: usage finds unused functions,
// errors the broken ones, and duration prices the rest.
var functionMetrics = []struct{ attr, metric, stat string }{
	{"invocations_30d", "Invocations", "Sum"},
	{"errors_30d", "Errors", "Sum"},
	{"duration_avg_ms_30d", "Duration", "Average"},
}

// lastModifiedLayout is the format of Lambda's LastModified field.
const lastModifiedLayout = "2006-01-02T15:04:05.000-0700"

// Functions lists the region's functions ($LATEST of each).
func Functions() collect.Collector { return functions(time.Now) }

// functions takes the clock that decides whether a runtime is deprecated.
func functions(clock func() time.Time) collect.Collector {
	return collect.Collector{
		Type: inventory.LambdaFunction, Service: awslambda.ServiceID, Scope: collect.Regional,
		Actions: []string{"cloudwatch:GetMetricData", "lambda:GetPolicy", "lambda:ListFunctionUrlConfigs", "lambda:ListFunctions", "lambda:ListTags"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectFunctions(ctx, t, awslambda.NewFromConfig(t.AWS), cloudwatch.NewFromConfig(t.AWS), clock(), emit)
		},
	}
}

// collectFunctions lists functions page by page. The per-function calls
// run one after the other: Lambda's control plane allows 15 calls a second
// per account and region, which sequential calls already come close to.
func collectFunctions(ctx context.Context, t collect.Target, api functionsAPI, cw collect.MetricDataAPI, now time.Time, emit collect.Emit) error {
	p := awslambda.NewListFunctionsPaginator(api, &awslambda.ListFunctionsInput{MaxItems: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("lambda ListFunctions in account %s region %s: %w", t.AccountID, t.Region, err)
		}
		recs := make([]inventory.Record, 0, len(page.Functions))
		qs := make([]collect.MetricQuery, 0, len(page.Functions)*len(functionMetrics))
		for _, fn := range page.Functions {
			rec, ok, err := describeFunction(ctx, t, api, fn, now)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			recs = append(recs, rec)
			for _, m := range functionMetrics {
				qs = append(qs, collect.MetricQuery{
					Key: rec.ResourceID + "/" + m.attr, Namespace: "AWS/Lambda", Metric: m.metric,
					Dimensions: map[string]string{"FunctionName": rec.ResourceID}, Stat: m.stat, Window: 30 * 24 * time.Hour,
				})
			}
		}
		vals, err := collect.FetchMetrics(ctx, cw, now, qs)
		if err != nil {
			return fmt.Errorf("lambda function metrics in account %s region %s: %w", t.AccountID, t.Region, err)
		}
		for _, r := range recs {
			for _, m := range functionMetrics {
				if v, ok := vals[r.ResourceID+"/"+m.attr]; ok {
					r.Attributes[m.attr] = v
				}
			}
			if err := emit(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// describeFunction reads the function's tags, URL auth type and resource
// policy and builds its record; ok is false for a function deleted since it
// was listed.
func describeFunction(ctx context.Context, t collect.Target, api functionsAPI, fn lambdatypes.FunctionConfiguration, now time.Time) (inventory.Record, bool, error) {
	name, arn := aws.ToString(fn.FunctionName), aws.ToString(fn.FunctionArn)
	tags, err := api.ListTags(ctx, &awslambda.ListTagsInput{Resource: fn.FunctionArn})
	if notFound(err) {
		return inventory.Record{}, false, nil
	} else if err != nil {
		return inventory.Record{}, false, fmt.Errorf("lambda ListTags %s in account %s region %s: %w", name, t.AccountID, t.Region, err)
	}
	attrs := functionAttrs(fn, now)
	urls := awslambda.NewListFunctionUrlConfigsPaginator(api, &awslambda.ListFunctionUrlConfigsInput{FunctionName: fn.FunctionArn})
	for urls.HasMorePages() {
		page, err := urls.NextPage(ctx)
		if notFound(err) {
			return inventory.Record{}, false, nil
		} else if err != nil {
			return inventory.Record{}, false, fmt.Errorf("lambda ListFunctionUrlConfigs %s in account %s region %s: %w", name, t.AccountID, t.Region, err)
		}
		if len(page.FunctionUrlConfigs) > 0 {
			attrs["function_url_auth_type"] = string(page.FunctionUrlConfigs[0].AuthType)
			break
		}
	}
	// The unqualified function's policy: what invoking the function by name
	// or ARN (and its URL) is checked against.
	pol, err := api.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: fn.FunctionArn})
	switch {
	case err == nil:
		policyAttrs(attrs, aws.ToString(pol.Policy))
	case notFound(err): // no policy (or the function is gone: it was listed)
		attrs["has_resource_policy"], attrs["policy_public"] = false, false
	case denied(err):
		attrs["unreadable"] = []string{"GetPolicy"}
	default:
		return inventory.Record{}, false, fmt.Errorf("lambda GetPolicy %s in account %s region %s: %w", name, t.AccountID, t.Region, err)
	}
	return t.Record(inventory.LambdaFunction, name, arn, tags.Tags, attrs), true, nil
}
