// Package ec2 collects the EC2 family in one account region: instances, EBS
// volumes, Elastic IPs and security groups, one collector per file.
package ec2

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
)

// service is the SDK ServiceID of EC2, used for rate-limit buckets.
const service = "EC2"

// ActionFor maps an operation as the SDK names it ("EC2.DescribeInstances",
// "CloudWatch.GetMetricData") to the IAM action that grants it, for the
// operations of this package's collectors; "" for any other service. The
// IAM names of EC2 and CloudWatch equal their operation names.
func ActionFor(operation string) string {
	svc, op, ok := strings.Cut(operation, ".")
	if !ok || op == "" {
		return ""
	}
	switch svc {
	case "EC2":
		return "ec2:" + op
	case "CloudWatch":
		return "cloudwatch:" + op
	}
	return ""
}

// arn builds an EC2 resource ARN. DescribeInstances and DescribeAddresses
// return none, so all four types build theirs the same way.
func arn(t collect.Target, kind, id string) string {
	partition := "aws"
	switch {
	case strings.HasPrefix(t.Region, "cn-"):
		partition = "aws-cn"
	case strings.HasPrefix(t.Region, "us-gov-"):
		partition = "aws-us-gov"
	}
	return fmt.Sprintf("arn:%s:ec2:%s:%s:%s/%s", partition, t.Region, t.AccountID, kind, id)
}

func tagMap(tags []ec2types.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, tg := range tags {
		out[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return out
}

// nameTag is the Name tag's value, nil when the resource has none.
func nameTag(tags []ec2types.Tag) *string {
	for _, tg := range tags {
		if aws.ToString(tg.Key) == "Name" {
			return tg.Value
		}
	}
	return nil
}

// ids lists the non-empty IDs pick finds in xs; never nil, so an empty
// list reads as [] rather than null.
func ids[T any](xs []T, pick func(T) *string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if id := aws.ToString(pick(x)); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// setString adds a string attribute only when AWS returned a value: an
// absent attribute means "none" or "unknown", never an empty string.
func setString(attrs map[string]any, key string, v *string) {
	if s := aws.ToString(v); s != "" {
		attrs[key] = s
	}
}

func setTime(attrs map[string]any, key string, v *time.Time) {
	if v != nil {
		attrs[key] = v.UTC().Format(time.RFC3339)
	}
}

// failed wraps an AWS error with the call and the target it failed in.
func failed(t collect.Target, call string, err error) error {
	return fmt.Errorf("%s in account %s region %s: %w", call, t.AccountID, t.Region, err)
}
