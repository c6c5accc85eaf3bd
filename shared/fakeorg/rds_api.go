package fakeorg

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

func rdsHandlers() map[string]handler {
	return map[string]handler{
		"RDS.DescribeDBInstances": rdsDescribeDBInstances,
		"RDS.DescribeDBClusters":  rdsDescribeDBClusters,
	}
}

// rdsDefaultPage is RDS's default MaxRecords; 20..100 is all it accepts.
const rdsDefaultPage = 100

func rdsCheckMaxRecords(max *int32) error {
	if max != nil && (*max < 20 || *max > 100) {
		return apiError("InvalidParameterValue", fmt.Sprintf("Invalid value %d for MaxRecords. Must be between 20 and 100", *max))
	}
	return nil
}

// rdsFilter compiles RDS Filters over the fields each filter name reads. A
// resource matches when every filter matches one of its values (identifiers
// and ARNs compare case-insensitively, as RDS does).
func rdsFilter[T any](filters []rdstypes.Filter, fields map[string]func(T) []string) (func(T) bool, error) {
	for _, f := range filters {
		if _, ok := fields[aws.ToString(f.Name)]; !ok {
			return nil, apiError("InvalidParameterValue", "Unrecognized filter name: "+aws.ToString(f.Name))
		}
	}
	return func(x T) bool {
		for _, f := range filters {
			have := fields[aws.ToString(f.Name)](x)
			ok := false
			for _, want := range f.Values {
				for _, h := range have {
					ok = ok || (h != "" && strings.EqualFold(h, want))
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}, nil
}

func rdsClusterARN(region, account, id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", region, account, id)
}

func rdsDescribeDBInstances(o *Org, c *Call) (any, error) {
	a, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*awsrds.DescribeDBInstancesInput)
	if err := rdsCheckMaxRecords(in.MaxRecords); err != nil {
		return nil, err
	}
	match, err := rdsFilter(in.Filters, map[string]func(*RDSInstance) []string{
		"db-instance-id": func(db *RDSInstance) []string { return []string{db.ID, db.ARN} },
		"db-cluster-id": func(db *RDSInstance) []string {
			return []string{db.ClusterID, rdsClusterARN(r.Name, a.ID, db.ClusterID)}
		},
		"dbi-resource-id": func(db *RDSInstance) []string { return []string{db.ResourceID} },
		"engine":          func(db *RDSInstance) []string { return []string{db.Engine} },
	})
	if err != nil {
		return nil, err
	}
	want := aws.ToString(in.DBInstanceIdentifier)
	var all []rdstypes.DBInstance
	found := false
	for _, db := range r.RDS.Instances {
		if want != "" && !strings.EqualFold(want, db.ID) && want != db.ARN {
			continue
		}
		found = true
		if match(db) {
			all = append(all, rdsInstanceOutput(r, db))
		}
	}
	if want != "" && !found {
		return nil, apiError("DBInstanceNotFound", fmt.Sprintf("DBInstance %s not found.", want))
	}
	items, next, err := page(all, in.Marker, in.MaxRecords, rdsDefaultPage)
	if err != nil {
		return nil, err
	}
	return &awsrds.DescribeDBInstancesOutput{DBInstances: items, Marker: next}, nil
}

func rdsDescribeDBClusters(o *Org, c *Call) (any, error) {
	_, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*awsrds.DescribeDBClustersInput)
	if err := rdsCheckMaxRecords(in.MaxRecords); err != nil {
		return nil, err
	}
	match, err := rdsFilter(in.Filters, map[string]func(*RDSCluster) []string{
		"db-cluster-id":          func(cl *RDSCluster) []string { return []string{cl.ID, cl.ARN} },
		"db-cluster-resource-id": func(cl *RDSCluster) []string { return []string{cl.ResourceID} },
		"engine":                 func(cl *RDSCluster) []string { return []string{cl.Engine} },
	})
	if err != nil {
		return nil, err
	}
	want := aws.ToString(in.DBClusterIdentifier)
	var all []rdstypes.DBCluster
	found := false
	for _, cl := range r.RDS.Clusters {
		if want != "" && !strings.EqualFold(want, cl.ID) && want != cl.ARN {
			continue
		}
		found = true
		if match(cl) {
			all = append(all, rdsClusterOutput(r, cl))
		}
	}
	if want != "" && !found {
		return nil, apiError("DBClusterNotFoundFault", fmt.Sprintf("DBCluster %s not found.", want))
	}
	items, next, err := page(all, in.Marker, in.MaxRecords, rdsDefaultPage)
	if err != nil {
		return nil, err
	}
	return &awsrds.DescribeDBClustersOutput{DBClusters: items, Marker: next}, nil
}

func rdsTagList(t map[string]string) []rdstypes.Tag {
	out := make([]rdstypes.Tag, 0, len(t))
	for k, v := range t {
		out = append(out, rdstypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	sort.Slice(out, func(i, j int) bool { return *out[i].Key < *out[j].Key })
	return out
}

func rdsOptString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func rdsOptInt(n int32) *int32 {
	if n == 0 {
		return nil
	}
	return aws.Int32(n)
}

func rdsInstanceOutput(r *Region, db *RDSInstance) rdstypes.DBInstance {
	out := rdstypes.DBInstance{
		DBInstanceIdentifier: aws.String(db.ID),
		DBInstanceArn:        aws.String(db.ARN),
		DbiResourceId:        aws.String(db.ResourceID),
		DBInstanceClass:      aws.String(db.Class),
		Engine:               aws.String(db.Engine),
		EngineVersion:        aws.String(db.EngineVersion),
		DBInstanceStatus:     aws.String(db.Status),
		MasterUsername:       aws.String(db.MasterUser),
		DBName:               rdsOptString(db.DBName),
		Endpoint: &rdstypes.Endpoint{
			Address: aws.String(fmt.Sprintf("%s.%s.%s.rds.amazonaws.com", db.ID, r.RDS.endpointID, r.Name)),
			Port:    aws.Int32(db.Port),
		},
		AllocatedStorage:                 aws.Int32(db.AllocatedGB),
		InstanceCreateTime:               aws.Time(db.Created),
		PreferredBackupWindow:            aws.String("03:00-04:00"),
		PreferredMaintenanceWindow:       aws.String("sun:05:00-sun:06:00"),
		BackupRetentionPeriod:            aws.Int32(db.BackupRetention),
		AvailabilityZone:                 aws.String(db.AZ),
		SecondaryAvailabilityZone:        rdsOptString(db.SecondaryAZ),
		MultiAZ:                          aws.Bool(db.MultiAZ),
		PubliclyAccessible:               aws.Bool(db.Public),
		StorageType:                      aws.String(db.StorageType),
		Iops:                             rdsOptInt(db.IOPS),
		StorageThroughput:                rdsOptInt(db.Throughput),
		StorageEncrypted:                 aws.Bool(db.Encrypted),
		KmsKeyId:                         rdsOptString(db.KMSKeyID),
		DeletionProtection:               aws.Bool(db.DeletionProtection),
		AutoMinorVersionUpgrade:          aws.Bool(db.AutoMinorUpgrade),
		LicenseModel:                     aws.String(db.LicenseModel),
		PerformanceInsightsEnabled:       aws.Bool(db.PerformanceInsights),
		IAMDatabaseAuthenticationEnabled: aws.Bool(db.IAMAuth),
		CACertificateIdentifier:          aws.String(db.CACert),
		DBClusterIdentifier:              rdsOptString(db.ClusterID),
		CopyTagsToSnapshot:               aws.Bool(true),
		TagList:                          rdsTagList(db.Tags),
	}
	if db.ClusterID == "" {
		out.DbInstancePort = aws.Int32(0) // RDS reports 0 outside clusters
	}
	return out
}

func rdsClusterOutput(r *Region, cl *RDSCluster) rdstypes.DBCluster {
	host := func(kind string) *string {
		return aws.String(fmt.Sprintf("%s.%s%s.%s.rds.amazonaws.com", cl.ID, kind, r.RDS.endpointID, r.Name))
	}
	out := rdstypes.DBCluster{
		DBClusterIdentifier:              aws.String(cl.ID),
		DBClusterArn:                     aws.String(cl.ARN),
		DbClusterResourceId:              aws.String(cl.ResourceID),
		Engine:                           aws.String(cl.Engine),
		EngineVersion:                    aws.String(cl.EngineVersion),
		EngineMode:                       aws.String(cl.EngineMode),
		Status:                           aws.String(cl.Status),
		StorageEncrypted:                 aws.Bool(cl.Encrypted),
		KmsKeyId:                         rdsOptString(cl.KMSKeyID),
		BackupRetentionPeriod:            aws.Int32(cl.BackupRetention),
		DeletionProtection:               aws.Bool(cl.DeletionProtection),
		MultiAZ:                          aws.Bool(cl.MultiAZ),
		StorageType:                      rdsOptString(cl.StorageType),
		AllocatedStorage:                 rdsOptInt(cl.AllocatedGB),
		ClusterCreateTime:                aws.Time(cl.Created),
		IAMDatabaseAuthenticationEnabled: aws.Bool(cl.IAMAuth),
		AvailabilityZones:                append([]string(nil), cl.AZs...),
		Endpoint:                         host("cluster-"),
		ReaderEndpoint:                   host("cluster-ro-"),
		Port:                             aws.Int32(cl.Port),
		MasterUsername:                   aws.String(cl.MasterUser),
		DatabaseName:                     rdsOptString(cl.DBName),
		CopyTagsToSnapshot:               aws.Bool(true),
		TagList:                          rdsTagList(cl.Tags),
	}
	if cl.Serverless {
		out.ServerlessV2ScalingConfiguration = &rdstypes.ServerlessV2ScalingConfigurationInfo{
			MinCapacity: aws.Float64(cl.MinACU), MaxCapacity: aws.Float64(cl.MaxACU),
		}
	}
	for i, m := range cl.Members {
		out.DBClusterMembers = append(out.DBClusterMembers, rdstypes.DBClusterMember{
			DBInstanceIdentifier:          aws.String(m),
			IsClusterWriter:               aws.Bool(i == 0),
			PromotionTier:                 aws.Int32(1),
			DBClusterParameterGroupStatus: aws.String("in-sync"),
		})
	}
	return out
}
