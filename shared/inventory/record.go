// Package inventory defines the resource record: the one shape every collector
// emits, every store keeps and every report reads. Field names follow the seed's
// JSON and CSV contract so that existing jq and spreadsheet habits keep working.
package inventory

import (
	"fmt"
	"sort"
	"time"
)

// Resource types collected today. The string values are part of the public
// contract (JSON, CSV, store keys, config), never rename them.
const (
	EC2Instance    = "ec2_instance"
	EBSVolume      = "ebs_volume"
	ElasticIP      = "elastic_ip"
	SecurityGroup  = "security_group"
	RDSInstance    = "rds_instance"
	RDSCluster     = "rds_cluster"
	S3Bucket       = "s3_bucket"
	LambdaFunction = "lambda_function"
	// Security posture: snapshots and account or region settings.
	EBSSnapshot                = "ebs_snapshot"
	EBSDefaultEncryption       = "ebs_default_encryption"
	RDSSnapshot                = "rds_snapshot"
	S3AccountPublicAccessBlock = "s3_account_public_access_block"
	IAMAccount                 = "iam_account"
	IAMUser                    = "iam_user"
	CloudTrailTrail            = "cloudtrail_trail"
	GuardDutyDetector          = "guardduty_detector"
)

// GlobalRegion is the region recorded for resources listed once per account
// (S3 buckets are listed globally but each record carries its bucket region).
const GlobalRegion = "global"

// Record is one resource as last seen by the inventory.
type Record struct {
	ResourceType string         `json:"resource_type"`
	ResourceID   string         `json:"resource_id"`
	ARN          string         `json:"arn"`
	AccountID    string         `json:"account_id"`
	AccountName  string         `json:"account_name"`
	Department   string         `json:"department"`
	Region       string         `json:"region"`
	CollectedAt  time.Time      `json:"collected_at"`
	FirstSeen    time.Time      `json:"first_seen"`
	LastSeen     time.Time      `json:"last_seen"`
	Attributes   map[string]any `json:"attributes"`
	// EstimatedMonthlyCost is nil until a cost estimator has priced the
	// resource; CostBasis then says which price source was used.
	EstimatedMonthlyCost *float64 `json:"estimated_monthly_cost"`
	CostBasis            string   `json:"cost_basis,omitempty"`
	// RunID is the collection run that last wrote the record.
	RunID string `json:"run_id"`
	// DeletedAt is set when a complete collection of the record's account,
	// type and region no longer found it. Deleted records are kept, not dropped.
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
}

// Key identifies a resource across runs.
type Key struct {
	AccountID    string
	Region       string
	ResourceType string
	ResourceID   string
}

// Key returns the record's identity.
func (r Record) Key() Key {
	return Key{AccountID: r.AccountID, Region: r.Region, ResourceType: r.ResourceType, ResourceID: r.ResourceID}
}

// String renders the key as account/region/type/id, the form used in logs and errors.
func (k Key) String() string {
	return fmt.Sprintf("%s/%s/%s/%s", k.AccountID, k.Region, k.ResourceType, k.ResourceID)
}

// Name returns the resource's display name attribute, if any.
func (r Record) Name() string {
	s, _ := r.Attributes["name"].(string)
	return s
}

// Tags returns the resource's tags as a string map (attributes.tags).
func (r Record) Tags() map[string]string {
	switch t := r.Attributes["tags"].(type) {
	case map[string]string:
		return t
	case map[string]any:
		out := make(map[string]string, len(t))
		for k, v := range t {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
		return out
	}
	return nil
}

// Department picks the record's department: the resource's own Department
// tag, else the account's Department tag from config, else the account name.
func Department(resourceTags map[string]string, accountDepartment, accountName string) string {
	for _, k := range []string{"Department", "department"} {
		if v := resourceTags[k]; v != "" {
			return v
		}
	}
	if accountDepartment != "" {
		return accountDepartment
	}
	return accountName
}

// SortRecords orders records by account, region, type and id, so outputs are
// stable and diffable.
func SortRecords(rs []Record) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i].Key(), rs[j].Key()
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.ResourceType != b.ResourceType {
			return a.ResourceType < b.ResourceType
		}
		return a.ResourceID < b.ResourceID
	})
}
