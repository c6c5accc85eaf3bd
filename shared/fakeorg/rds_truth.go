package fakeorg

import (
	"sort"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// rdsInstanceMetrics are the CloudWatch statistics the rds_instance
// collector reads, by attribute (AWS/RDS, dimension DBInstanceIdentifier).
var rdsInstanceMetrics = []struct{ attr, metric, stat string }{
	{"cpu_avg_14d", "CPUUtilization", "Average"},
	{"cpu_max_14d", "CPUUtilization", "Maximum"},
	{"connections_avg_14d", "DatabaseConnections", "Average"},
	{"connections_max_14d", "DatabaseConnections", "Maximum"},
	// The metric store keeps one value per statistic for any window, so
	// the 7-day peak equals the 14-day one here.
	{"connections_max_7d", "DatabaseConnections", "Maximum"},
}

// expectedRDS is the ground truth of the rds_instance and rds_cluster
// collectors for one account region, built from the model and the metric
// store (so metrics a test changes with SetMetric are reflected).
func (o *Org) expectedRDS(a *Account, r *Region) []inventory.Record {
	var out []inventory.Record
	for _, db := range r.RDS.Instances {
		attrs := map[string]any{
			"name":                         db.ID,
			"engine":                       db.Engine,
			"engine_version":               db.EngineVersion,
			"instance_class":               db.Class,
			"storage_type":                 db.StorageType,
			"allocated_storage_gb":         int64(db.AllocatedGB),
			"encrypted":                    db.Encrypted,
			"multi_az":                     db.MultiAZ,
			"publicly_accessible":          db.Public,
			"backup_retention_days":        int64(db.BackupRetention),
			"deletion_protection":          db.DeletionProtection,
			"auto_minor_version_upgrade":   db.AutoMinorUpgrade,
			"state":                        db.Status,
			"create_time":                  db.Created.UTC().Format(time.RFC3339),
			"availability_zone":            db.AZ,
			"license_model":                db.LicenseModel,
			"performance_insights_enabled": db.PerformanceInsights,
			"iam_auth_enabled":             db.IAMAuth,
			"ca_certificate":               db.CACert,
		}
		if db.IOPS != 0 {
			attrs["iops"] = int64(db.IOPS)
		}
		if db.Throughput != 0 {
			attrs["storage_throughput"] = int64(db.Throughput)
		}
		if db.KMSKeyID != "" {
			attrs["kms_key_id"] = db.KMSKeyID
		}
		if db.ClusterID != "" {
			attrs["cluster_id"] = db.ClusterID
		}
		dims := map[string]string{"DBInstanceIdentifier": db.ID}
		for _, m := range rdsInstanceMetrics {
			if v, ok := o.Metric(a.ID, r.Name, "AWS/RDS", m.metric, dims, m.stat); ok {
				attrs[m.attr] = v
			}
		}
		out = append(out, truthRecord(a, r.Name, inventory.RDSInstance, db.ID, db.ARN, rdsCopyTags(db.Tags), attrs))
	}
	for _, cl := range r.RDS.Clusters {
		members := append([]string{}, cl.Members...)
		sort.Strings(members)
		attrs := map[string]any{
			"name":                  cl.ID,
			"engine":                cl.Engine,
			"engine_version":        cl.EngineVersion,
			"engine_mode":           cl.EngineMode,
			"state":                 cl.Status,
			"members":               members,
			"encrypted":             cl.Encrypted,
			"backup_retention_days": int64(cl.BackupRetention),
			"deletion_protection":   cl.DeletionProtection,
			"multi_az":              cl.MultiAZ,
			"create_time":           cl.Created.UTC().Format(time.RFC3339),
			"iam_auth_enabled":      cl.IAMAuth,
		}
		if w := cl.Writer(); w != "" {
			attrs["writer_instance"] = w
		}
		if cl.KMSKeyID != "" {
			attrs["kms_key_id"] = cl.KMSKeyID
		}
		if cl.StorageType != "" {
			attrs["storage_type"] = cl.StorageType
		}
		if cl.AllocatedGB != 0 {
			attrs["allocated_storage_gb"] = int64(cl.AllocatedGB)
		}
		if cl.Serverless {
			attrs["serverless_v2_min_acu"] = cl.MinACU
			attrs["serverless_v2_max_acu"] = cl.MaxACU
		}
		out = append(out, truthRecord(a, r.Name, inventory.RDSCluster, cl.ID, cl.ARN, rdsCopyTags(cl.Tags), attrs))
	}
	return out
}
