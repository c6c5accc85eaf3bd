package rds

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// instancesAPI is the RDS call the instance collector makes.
type instancesAPI interface {
	DescribeDBInstances(ctx context.Context, in *awsrds.DescribeDBInstancesInput, optFns ...func(*awsrds.Options)) (*awsrds.DescribeDBInstancesOutput, error)
}

// instanceMetrics are read per instance for rightsizing and idle detection:
// CPU and connections over 14 days, and the 7-day connection peak that marks
// an instance nobody uses any more.
var instanceMetrics = []struct {
	attr, metric, stat string
	window             time.Duration
}{
	{"cpu_avg_14d", "CPUUtilization", "Average", 14 * 24 * time.Hour},
	{"cpu_max_14d", "CPUUtilization", "Maximum", 14 * 24 * time.Hour},
	{"connections_avg_14d", "DatabaseConnections", "Average", 14 * 24 * time.Hour},
	{"connections_max_14d", "DatabaseConnections", "Maximum", 14 * 24 * time.Hour},
	{"connections_max_7d", "DatabaseConnections", "Maximum", 7 * 24 * time.Hour},
}

// Instances lists DB instances, Aurora cluster members included (each is
// billed as an instance), with their CloudWatch utilization.
func Instances() collect.Collector {
	return collect.Collector{
		Type:    inventory.RDSInstance,
		Service: awsrds.ServiceID,
		Scope:   collect.Regional,
		Actions: []string{"rds:DescribeDBInstances", "cloudwatch:GetMetricData"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectInstances(ctx, t, awsrds.NewFromConfig(t.AWS), cloudwatch.NewFromConfig(t.AWS), time.Now(), emit)
		},
	}
}

// collectInstances lists the target's DB instances page by page, reading each
// page's metrics in one batch before emitting its records.
func collectInstances(ctx context.Context, t collect.Target, api instancesAPI, cw collect.MetricDataAPI, now time.Time, emit collect.Emit) error {
	p := awsrds.NewDescribeDBInstancesPaginator(api, &awsrds.DescribeDBInstancesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("rds DescribeDBInstances in account %s region %s: %w", t.AccountID, t.Region, err)
		}
		recs := make([]inventory.Record, 0, len(page.DBInstances))
		qs := make([]collect.MetricQuery, 0, len(page.DBInstances)*len(instanceMetrics))
		for _, db := range page.DBInstances {
			id := aws.ToString(db.DBInstanceIdentifier)
			recs = append(recs, t.Record(inventory.RDSInstance, id, aws.ToString(db.DBInstanceArn), tagMap(db.TagList), instanceAttrs(db)))
			for _, m := range instanceMetrics {
				qs = append(qs, collect.MetricQuery{
					Key: id + "/" + m.attr, Namespace: "AWS/RDS", Metric: m.metric,
					Dimensions: map[string]string{"DBInstanceIdentifier": id}, Stat: m.stat, Window: m.window,
				})
			}
		}
		vals, err := collect.FetchMetrics(ctx, cw, now, qs)
		if err != nil {
			return fmt.Errorf("rds instance metrics in account %s region %s: %w", t.AccountID, t.Region, err)
		}
		for _, r := range recs {
			for _, m := range instanceMetrics {
				if v, ok := vals[r.ResourceID+"/"+m.attr]; ok {
					r.Attributes[m.attr] = v
				}
			}
			if err := emit(r); err != nil {
				return fmt.Errorf("emit rds_instance %s: %w", r.ResourceID, err)
			}
		}
	}
	return nil
}

func instanceAttrs(db rdstypes.DBInstance) map[string]any {
	a := attrs{}
	a.str("name", db.DBInstanceIdentifier)
	a.str("engine", db.Engine)
	a.str("engine_version", db.EngineVersion)
	a.str("instance_class", db.DBInstanceClass)
	a.str("storage_type", db.StorageType)
	a.integer("allocated_storage_gb", db.AllocatedStorage)
	a.integer("iops", db.Iops)
	a.integer("storage_throughput", db.StorageThroughput)
	a.boolean("encrypted", db.StorageEncrypted)
	a.str("kms_key_id", db.KmsKeyId)
	a.boolean("multi_az", db.MultiAZ)
	a.boolean("publicly_accessible", db.PubliclyAccessible)
	a.integer("backup_retention_days", db.BackupRetentionPeriod)
	a.boolean("deletion_protection", db.DeletionProtection)
	a.boolean("auto_minor_version_upgrade", db.AutoMinorVersionUpgrade)
	a.str("state", db.DBInstanceStatus)
	a.timestamp("create_time", db.InstanceCreateTime)
	a.str("availability_zone", db.AvailabilityZone)
	a.str("cluster_id", db.DBClusterIdentifier)
	a.str("license_model", db.LicenseModel)
	a.boolean("performance_insights_enabled", db.PerformanceInsightsEnabled)
	a.boolean("iam_auth_enabled", db.IAMDatabaseAuthenticationEnabled)
	a.str("ca_certificate", db.CACertificateIdentifier)
	return a
}
