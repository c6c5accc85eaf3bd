// Package rds collects RDS DB instances (including Aurora cluster members,
// which are billed per instance) and Aurora/Multi-AZ DB clusters.
package rds

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// ActionFor maps an operation as the SDK names it ("RDS.DescribeDBInstances",
// "CloudWatch.GetMetricData") to the IAM action that grants it, or "" for an
// operation this package never calls. RDS and CloudWatch action names equal
// the operation names.
func ActionFor(operation string) string {
	service, op, ok := strings.Cut(operation, ".")
	if !ok {
		return ""
	}
	switch service {
	case "RDS":
		return "rds:" + op
	case "CloudWatch":
		return "cloudwatch:" + op
	}
	return ""
}

func tagMap(tags []rdstypes.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// attrs fills a record's attributes, leaving out fields RDS did not report:
// an absent field is unknown, never a zero.
type attrs map[string]any

func (a attrs) str(k string, v *string) {
	if v != nil && *v != "" {
		a[k] = *v
	}
}

func (a attrs) boolean(k string, v *bool) {
	if v != nil {
		a[k] = *v
	}
}

func (a attrs) integer(k string, v *int32) {
	if v != nil {
		a[k] = int64(*v)
	}
}

func (a attrs) float(k string, v *float64) {
	if v != nil {
		a[k] = *v
	}
}

func (a attrs) timestamp(k string, v *time.Time) {
	if v != nil {
		a[k] = v.UTC().Format(time.RFC3339)
	}
}
