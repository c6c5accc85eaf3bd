// Package collect defines what a collector is: one resource type, the AWS
// calls it makes, and a function that lists that type in one account and
// region. The planner fans out accounts × regions × collectors; a collector
// never loops over accounts or regions itself (DESIGN §3.3).
package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Scope says how often a collector runs in an account.
type Scope int

const (
	// Regional collectors run once per enabled region.
	Regional Scope = iota
	// Global collectors run once per account (S3 ListBuckets), from the
	// account's home region.
	Global
)

func (s Scope) String() string {
	if s == Global {
		return "global"
	}
	return "regional"
}

// Target is where one collector invocation runs: one account, one region,
// with an AWS config whose credentials are the member role's.
type Target struct {
	AccountID   string
	AccountName string
	// Department is the account-level department (its Department tag in
	// config); resources with their own Department tag override it.
	Department string
	Region     string
	// AWS carries the assumed-role credentials, region, retryer and the
	// client-side rate limiter. Collectors build their clients from it.
	AWS aws.Config
}

// Emit hands one record to the pipeline, which batches it to the store.
// A non-nil error (store failure, cancellation) must stop the collector.
type Emit func(inventory.Record) error

// Collector lists one resource type.
type Collector struct {
	// Type is the resource_type of the records it emits (ec2_instance, …).
	Type string
	// Service is the AWS service's SDK ServiceID (EC2, RDS, S3, Lambda), used
	// for rate-limit buckets and messages.
	Service string
	Scope   Scope
	// Actions are the IAM actions the collector calls. The member-account
	// role policy is derived from them, and tests fail when a collector
	// calls an operation not declared here (DESIGN §3.7).
	Actions []string
	// Collect lists the type in t's account and region and emits each record.
	Collect func(ctx context.Context, t Target, emit Emit) error
}

// Record starts a record with the target's identity fields filled in. The
// department follows the tag → account → name rule of inventory.Department.
func (t Target) Record(resourceType, id, arn string, tags map[string]string, attrs map[string]any) inventory.Record {
	if tags == nil {
		tags = map[string]string{}
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	attrs["tags"] = tags
	return inventory.Record{
		ResourceType: resourceType,
		ResourceID:   id,
		ARN:          arn,
		AccountID:    t.AccountID,
		AccountName:  t.AccountName,
		Department:   inventory.Department(tags, t.Department, t.AccountName),
		Region:       t.Region,
		Attributes:   attrs,
	}
}
