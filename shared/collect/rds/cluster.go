package rds

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// clustersAPI is the RDS call the cluster collector makes.
type clustersAPI interface {
	DescribeDBClusters(ctx context.Context, in *awsrds.DescribeDBClustersInput, optFns ...func(*awsrds.Options)) (*awsrds.DescribeDBClustersOutput, error)
}

// Clusters lists DB clusters. Their instances are priced and measured as
// rds_instance records; the cluster record carries what is set cluster-wide
// (encryption, backups, deletion protection, storage type, Serverless v2 range).
func Clusters() collect.Collector {
	return collect.Collector{
		Type:    inventory.RDSCluster,
		Service: awsrds.ServiceID,
		Scope:   collect.Regional,
		Actions: []string{"rds:DescribeDBClusters"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectClusters(ctx, t, awsrds.NewFromConfig(t.AWS), emit)
		},
	}
}

// collectClusters lists the target's DB clusters page by page.
func collectClusters(ctx context.Context, t collect.Target, api clustersAPI, emit collect.Emit) error {
	p := awsrds.NewDescribeDBClustersPaginator(api, &awsrds.DescribeDBClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("rds DescribeDBClusters in account %s region %s: %w", t.AccountID, t.Region, err)
		}
		for _, c := range page.DBClusters {
			id := aws.ToString(c.DBClusterIdentifier)
			r := t.Record(inventory.RDSCluster, id, aws.ToString(c.DBClusterArn), tagMap(c.TagList), clusterAttrs(c))
			if err := emit(r); err != nil {
				return fmt.Errorf("emit rds_cluster %s: %w", id, err)
			}
		}
	}
	return nil
}

func clusterAttrs(c rdstypes.DBCluster) map[string]any {
	a := attrs{}
	a.str("name", c.DBClusterIdentifier)
	a.str("engine", c.Engine)
	a.str("engine_version", c.EngineVersion)
	a.str("engine_mode", c.EngineMode)
	a.str("state", c.Status)
	members := make([]string, 0, len(c.DBClusterMembers))
	for _, m := range c.DBClusterMembers {
		members = append(members, aws.ToString(m.DBInstanceIdentifier))
		if aws.ToBool(m.IsClusterWriter) {
			a.str("writer_instance", m.DBInstanceIdentifier)
		}
	}
	sort.Strings(members)
	a["members"] = members
	a.boolean("encrypted", c.StorageEncrypted)
	a.str("kms_key_id", c.KmsKeyId)
	a.integer("backup_retention_days", c.BackupRetentionPeriod)
	a.boolean("deletion_protection", c.DeletionProtection)
	a.boolean("multi_az", c.MultiAZ)
	a.str("storage_type", c.StorageType)
	a.integer("allocated_storage_gb", c.AllocatedStorage)
	a.timestamp("create_time", c.ClusterCreateTime)
	if s := c.ServerlessV2ScalingConfiguration; s != nil {
		a.float("serverless_v2_min_acu", s.MinCapacity)
		a.float("serverless_v2_max_acu", s.MaxCapacity)
	}
	a.boolean("iam_auth_enabled", c.IAMDatabaseAuthenticationEnabled)
	return a
}
