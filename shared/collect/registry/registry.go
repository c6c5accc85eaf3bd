// Package registry lists every collector in one place. Adding a resource type
// means adding its constructor here; nothing registers itself.
package registry

import (
	"sort"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/cloudtrail"
	"github.com/cloudinv/aws-inventory/shared/collect/ec2"
	"github.com/cloudinv/aws-inventory/shared/collect/guardduty"
	"github.com/cloudinv/aws-inventory/shared/collect/iam"
	"github.com/cloudinv/aws-inventory/shared/collect/lambda"
	"github.com/cloudinv/aws-inventory/shared/collect/rds"
	"github.com/cloudinv/aws-inventory/shared/collect/s3"
)

// All returns every collector, in the canonical type order.
func All() []collect.Collector {
	return []collect.Collector{
		ec2.Instances(),
		ec2.Volumes(),
		ec2.ElasticIPs(),
		ec2.SecurityGroups(),
		rds.Instances(),
		rds.Clusters(),
		s3.Buckets(),
		lambda.Functions(),
		ec2.Snapshots(),
		ec2.DefaultEncryption(),
		rds.Snapshots(),
		s3.AccountPublicAccessBlock(),
		iam.Account(),
		iam.Users(),
		cloudtrail.Trails(),
		guardduty.Detectors(),
	}
}

// ByType indexes All by resource type.
func ByType() map[string]collect.Collector {
	m := map[string]collect.Collector{}
	for _, c := range All() {
		m[c.Type] = c
	}
	return m
}

// Actions is the union of the IAM actions every collector declares, sorted:
// the member-account role's policy (DESIGN §3.7), plus what the pipeline
// itself calls in member accounts (region discovery).
func Actions() []string {
	set := map[string]bool{"ec2:DescribeRegions": true}
	for _, c := range All() {
		for _, a := range c.Actions {
			set[a] = true
		}
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}
