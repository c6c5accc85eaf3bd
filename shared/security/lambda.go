package security

import (
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func lambdaChecks() []Check {
	return []Check{
		{
			ID: "lambda-runtime-supported", Title: "Lambda function runs on a supported runtime", Severity: Medium, Kind: Hardening,
			ResourceType: inventory.LambdaFunction, Prowler: []string{"awslambda_function_using_supported_runtimes"},
			Remediation: "Move the function to a supported runtime version; deprecated runtimes get no security patches.",
			Eval: onAttrs(func(a map[string]any) Result {
				rt, ok := stringAttr(a, "runtime")
				if !ok {
					if pt, _ := stringAttr(a, "package_type"); pt == "Image" {
						return notApplicable("container image: no managed runtime")
					}
					return unknown(missing(a, "runtime"))
				}
				dep, ok := boolAttr(a, "runtime_deprecated")
				if !ok {
					return unknown("deprecation of runtime " + rt + " is not known")
				}
				if dep {
					return fail("runtime " + rt + " is deprecated")
				}
				return pass("runtime " + rt + " is supported")
			}),
		},
		{
			ID: "lambda-url-requires-auth", Title: "Lambda function URL requires IAM authentication", Severity: High, Kind: Exposure,
			ResourceType: inventory.LambdaFunction, Prowler: []string{"awslambda_function_url_public"},
			Remediation: "Set the function URL's auth type to AWS_IAM, or remove the URL and front the function with API Gateway and an authorizer.",
			Eval: onAttrs(func(a map[string]any) Result {
				// The collector fails the function's record when it cannot
				// list URL configs, so an absent auth type means no URL.
				v, present := a["function_url_auth_type"]
				auth, _ := v.(string)
				switch {
				case !present:
					return notApplicable("no function URL")
				case auth == "NONE":
					return fail("function URL is callable by anyone (auth type NONE)")
				case auth == "":
					return unknown(fmt.Sprintf("function URL auth type %v is not understood", v))
				}
				return pass("function URL auth type " + auth)
			}),
		},
		{
			ID: "lambda-policy-not-public", Title: "Lambda function's resource policy does not allow any principal", Severity: Critical, Kind: Exposure,
			ResourceType: inventory.LambdaFunction, Prowler: []string{"awslambda_function_not_publicly_accessible"},
			Remediation: "Remove the policy statements with Principal \"*\", or restrict them with aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID conditions (aws lambda remove-permission).",
			Eval: onAttrs(func(a map[string]any) Result {
				if has, ok := boolAttr(a, "has_resource_policy"); ok && !has {
					return pass("no resource policy")
				}
				pub, ok := boolAttr(a, "policy_public")
				switch {
				case !ok:
					return unknown(missing(a, "policy_public"))
				case pub:
					return fail("resource policy allows any principal without a restricting condition")
				}
				return pass("resource policy does not allow any principal")
			}),
		},
	}
}
