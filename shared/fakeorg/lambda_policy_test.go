package fakeorg

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
)

func TestLambdaGetPolicyAnswersTheDocumentOrResourceNotFound(t *testing.T) {
	o := New(testSpec())
	var with, without, urlNone *LambdaFunction
	var a *Account
	var r *Region
	for _, x := range o.Reachable() {
		for _, xr := range x.Regions {
			for _, f := range xr.Lambda.Functions {
				if len(f.Policy) > 0 && len(f.URLs) > 0 && f.URLs[0].AuthType == "NONE" && urlNone == nil {
					a, r, urlNone = x, xr, f
				}
			}
		}
	}
	if urlNone == nil {
		t.Fatal("no function with a URL of auth type NONE")
	}
	for _, f := range r.Lambda.Functions {
		if len(f.Policy) == 0 && without == nil {
			without = f
		}
		if len(f.Policy) > 0 && f != urlNone && with == nil {
			with = f
		}
	}
	if with == nil || without == nil {
		t.Fatal("need functions with and without a policy in the region")
	}
	client := lambda.NewFromConfig(o.MemberConfig(a.ID, r.Name))
	ctx := context.Background()
	out, err := client.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(urlNone.ARN)})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version, Id string
		Statement   []struct {
			Sid, Effect, Action, Resource string
			Principal                     any
			Condition                     map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
		t.Fatal(err)
	}
	last := doc.Statement[len(doc.Statement)-1]
	if doc.Version != "2012-10-17" || doc.Id != "default" || last.Sid != "FunctionURLAllowPublicAccess" || last.Principal != "*" ||
		last.Resource != urlNone.ARN || last.Condition["StringEquals"]["lambda:FunctionUrlAuthType"] != "NONE" || aws.ToString(out.RevisionId) != urlNone.RevisionID {
		t.Errorf("policy = %s", aws.ToString(out.Policy))
	}
	if _, err := client.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(with.Name)}); err != nil {
		t.Errorf("by name: %v", err)
	}
	for _, tc := range []struct {
		name string
		in   *lambda.GetPolicyInput
	}{
		{"no policy", &lambda.GetPolicyInput{FunctionName: aws.String(without.ARN)}},
		{"unknown function", &lambda.GetPolicyInput{FunctionName: aws.String("no-such-function")}},
		{"unknown qualifier", &lambda.GetPolicyInput{FunctionName: aws.String(with.ARN), Qualifier: aws.String("nope")}},
	} {
		_, err := client.GetPolicy(ctx, tc.in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ResourceNotFoundException" {
			t.Errorf("%s: err = %v, want ResourceNotFoundException", tc.name, err)
		}
	}
}

// The ground truth of a policy (Public) must agree with what the statements
// say, and the share of public functions stay small.
func TestLambdaPoliciesAreMostlyPrivate(t *testing.T) {
	o := New(testSpec())
	n, withPolicy, public := 0, 0, 0
	for _, a := range o.Accounts {
		for _, r := range a.Regions {
			for _, f := range r.Lambda.Functions {
				n++
				if len(f.Policy) > 0 {
					withPolicy++
				}
				if f.PolicyPublic() {
					public++
				}
				urlNone := len(f.URLs) > 0 && f.URLs[0].AuthType == "NONE"
				if urlNone && !f.PolicyPublic() {
					t.Errorf("%s: URL auth NONE without its public statement", f.Name)
				}
				for _, s := range f.Policy {
					if s.Public && s.Principal != "*" {
						if m, ok := s.Principal.(map[string]any); !ok || m["AWS"] == nil {
							t.Errorf("%s: public statement with principal %v", f.Name, s.Principal)
						}
					}
				}
			}
		}
	}
	if public == 0 || withPolicy*4 < n || public*5 > n {
		t.Errorf("%d functions: %d with a policy, %d public", n, withPolicy, public)
	}
	t.Logf("%d functions: %d with a policy, %d public", n, withPolicy, public)
}
