package security

import (
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func lambdaChecks() []Check {
	return []Check{
		{
			ID: "lambda-runtime-supported", Title: "Lambda function runs on a supported runtime", Severity: Medium, Kind: Hygiene,
			ResourceType: inventory.LambdaFunction,
			Remediation:  "Move the function to a supported runtime version; deprecated runtimes get no security patches.",
			Eval: onAttrs(func(a map[string]any) Result {
				if _, ok := stringAttr(a, "runtime"); !ok {
					return pass("container image or no managed runtime")
				}
				dep, ok := boolAttr(a, "runtime_deprecated")
				if !ok {
					return unknown("runtime deprecation is not known for this runtime")
				}
				rt, _ := stringAttr(a, "runtime")
				if dep {
					return fail("runtime " + rt + " is deprecated")
				}
				return pass("runtime " + rt + " is supported")
			}),
		},
		{
			ID: "lambda-url-requires-auth", Title: "Lambda function URL requires IAM authentication", Severity: High, Kind: Exposure,
			ResourceType: inventory.LambdaFunction,
			Remediation:  "Set the function URL's auth type to AWS_IAM, or remove the URL and front the function with API Gateway and an authorizer.",
			Eval: onAttrs(func(a map[string]any) Result {
				auth, ok := stringAttr(a, "function_url_auth_type")
				switch {
				case !ok:
					return pass("no function URL")
				case auth == "NONE":
					return fail("function URL is callable by anyone (auth type NONE)")
				}
				return pass("function URL auth type " + auth)
			}),
		},
	}
}
