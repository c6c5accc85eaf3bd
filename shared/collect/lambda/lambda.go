// Package lambda collects Lambda functions with their runtime's deprecation
// status, function URLs and 30 days of invocation metrics.
package lambda

import "strings"

// ActionFor maps an operation as the SDK names it ("Lambda.ListTags",
// "CloudWatch.GetMetricData") to the IAM action that grants it, or "" for an
// operation this package never calls. Lambda and CloudWatch action names
// equal the operation names.
func ActionFor(operation string) string {
	service, op, ok := strings.Cut(operation, ".")
	if !ok {
		return ""
	}
	switch service {
	case "Lambda":
		return "lambda:" + op
	case "CloudWatch":
		return "cloudwatch:" + op
	}
	return ""
}
