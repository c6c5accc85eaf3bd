package estimate

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// The figures below are computed by hand from the bundled snapshot
// (snapshot-2025-11), us-east-1 unless stated:
//
//	EC2 m5.large 0.096/h; RDS postgres db.m5.large 0.178 single / 0.356 multi;
//	mysql db.t3.medium 0.068 single; aurora-postgresql db.r6g.large 0.26
//	standard / 0.338 io_optimized; EBS gp2 0.10, gp3 0.08 + 0.005/IOPS +
//	0.04/MiB/s, io1 0.125 + 0.065/IOPS, st1 0.045, sc1 0.015, standard 0.05;
//	RDS gp2/gp3 0.115 single / 0.23 multi, gp3 IOPS 0.02 single, io1 0.125
//	+ 0.10/IOPS single; Aurora storage 0.10 standard / 0.225 I/O-Optimized;
//	S3 standard 0.023/0.022/0.021, standard_ia 0.0125, glacier 0.0036,
//	deep archive 0.00099; Lambda arm64 0.0000133334/GB-s, x86_64
//	0.0000166667/GB-s, 0.20 per million requests; IPv4 0.005/h.

type want struct {
	monthly float64
	parts   map[string]float64 // checked when set
	basis   []string           // substrings of Basis
}

type pinCase struct {
	name string
	rec  inventory.Record
	want want
}

func rec(typ, region string, a map[string]any) inventory.Record {
	return inventory.Record{ResourceType: typ, ResourceID: "id-" + typ, Region: region, Attributes: a}
}

const gib = 1 << 30

func pinned() []pinCase {
	return []pinCase{
		{"EC2 m5.large Linux running all month = 0.096 × 730",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "running", "platform": "linux", "platform_details": "Linux/UNIX", "lifecycle": "on-demand", "tenancy": "default"}),
			want{monthly: 70.08, parts: map[string]float64{"compute": 70.08}, basis: []string{"snapshot-2025-11", "$0.096/h × 730 h"}}},
		{"EC2 pending counts as running",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "pending"}),
			want{monthly: 70.08}},
		{"EC2 stopped m5.large has no compute cost and says volumes are billed separately",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "stopped"}),
			want{monthly: 0, parts: map[string]float64{"compute": 0}, basis: []string{"stopped", "EBS volumes are billed separately"}}},
		{"EC2 stopped Windows instance is also $0: no instance hours whatever the licence",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "stopped", "platform": "windows"}),
			want{monthly: 0}},
		{"EC2 terminated has no compute cost",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "terminated"}),
			want{monthly: 0, basis: []string{"terminated"}}},
		{"EC2 m5.large in eu-west-1 uses that region's rate (0.107 × 730)",
			rec(inventory.EC2Instance, "eu-west-1", map[string]any{"instance_type": "m5.large", "state": "running"}),
			want{monthly: 78.11}},

		{"EBS gp3 500 GB 6000 IOPS 250 MiB/s = 500×0.08 + 3000×0.005 + 125×0.04",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "gp3", "size_gb": 500, "iops": 6000, "throughput_mibps": 250, "attached": true}),
			want{monthly: 60.00, parts: map[string]float64{"storage": 40, "iops": 15, "throughput": 5}, basis: []string{"3000 IOPS above the 3000 included"}}},
		{"EBS gp3 at its 3000/125 baseline pays for size only",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "gp3", "size_gb": 100, "iops": 3000, "throughput_mibps": 125}),
			want{monthly: 8, parts: map[string]float64{"storage": 8}}},
		{"EBS gp2 100 GB = 100 × 0.10 (IOPS come with the size)",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "gp2", "size_gb": 100, "iops": 300}),
			want{monthly: 10}},
		{"EBS io1 100 GB 1000 IOPS = 100×0.125 + 1000×0.065",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "io1", "size_gb": 100, "iops": 1000}),
			want{monthly: 77.5, parts: map[string]float64{"storage": 12.5, "iops": 65}}},
		{"EBS st1 500 GB = 500 × 0.045",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "st1", "size_gb": 500}),
			want{monthly: 22.5}},
		{"EBS sc1 500 GB = 500 × 0.015",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "sc1", "size_gb": 500}),
			want{monthly: 7.5}},
		{"EBS magnetic (standard) 10 GB = 10 × 0.05",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "standard", "size_gb": 10}),
			want{monthly: 0.5}},
		{"EBS unattached volume is billed like an attached one",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "gp2", "size_gb": 100, "attached": false, "state": "available"}),
			want{monthly: 10}},

		{"Elastic IP associated = 0.005 × 730 (public IPv4 is charged in use too)",
			rec(inventory.ElasticIP, "us-east-1", map[string]any{"associated": true}),
			want{monthly: 3.65, parts: map[string]float64{"public_ipv4": 3.65}, basis: []string{"in use", "whether associated or idle"}}},
		{"Elastic IP idle = 0.005 × 730",
			rec(inventory.ElasticIP, "us-east-1", map[string]any{"associated": false}),
			want{monthly: 3.65, basis: []string{"idle"}}},
		{"security group is free: $0 with a basis, not unpriced",
			rec(inventory.SecurityGroup, "us-east-1", map[string]any{}),
			want{monthly: 0, basis: []string{"no charge (security groups are free)"}}},

		{"RDS Multi-AZ db.m5.large postgres + 100 GB gp2 = 0.356×730 + 100×0.23",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "postgres", "instance_class": "db.m5.large", "multi_az": true, "storage_type": "gp2", "allocated_storage_gb": 100, "state": "available"}),
			want{monthly: 282.88, parts: map[string]float64{"compute": 259.88, "storage": 23}, basis: []string{"multi_az $0.356/h", "100 GB gp2 multi_az × $0.23/GB-month"}}},
		{"RDS Single-AZ db.m5.large postgres + 100 GB gp2 = 0.178×730 + 100×0.115",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "postgres", "instance_class": "db.m5.large", "multi_az": false, "storage_type": "gp2", "allocated_storage_gb": 100}),
			want{monthly: 141.44}},
		{"RDS stopped instance: no instance hours, storage still billed",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "postgres", "instance_class": "db.m5.large", "storage_type": "gp2", "allocated_storage_gb": 100, "state": "stopped"}),
			want{monthly: 11.5, parts: map[string]float64{"compute": 0, "storage": 11.5}, basis: []string{"stopped"}}},
		{"RDS gp3 500 GB at its 12000-IOPS baseline (striped above 400 GB) pays for size only",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "mysql", "instance_class": "db.t3.medium", "storage_type": "gp3", "allocated_storage_gb": 500, "iops": 12000, "storage_throughput": 500}),
			want{monthly: 0.068*730 + 500*0.115}},
		{"RDS gp3 500 GB with 15000 IOPS pays 3000 above the 12000 baseline × 0.02",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "mysql", "instance_class": "db.t3.medium", "storage_type": "gp3", "allocated_storage_gb": 500, "iops": 15000, "storage_throughput": 500}),
			want{monthly: 0.068*730 + 500*0.115 + 3000*0.02, parts: map[string]float64{"iops": 60}, basis: []string{"above the 12000-IOPS baseline"}}},
		{"RDS gp3 100 GB with 4000 IOPS pays 1000 above the 3000 baseline (under 400 GB)",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "mysql", "instance_class": "db.t3.medium", "storage_type": "gp3", "allocated_storage_gb": 100, "iops": 4000, "storage_throughput": 125}),
			want{monthly: 0.068*730 + 100*0.115 + 1000*0.02, parts: map[string]float64{"iops": 20}}},
		{"RDS io1 200 GB 2000 IOPS single-AZ = 200×0.125 + 2000×0.10 plus the instance",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "mysql", "instance_class": "db.t3.medium", "storage_type": "io1", "allocated_storage_gb": 200, "iops": 2000}),
			want{monthly: 0.068*730 + 25 + 200, parts: map[string]float64{"storage": 25, "iops": 200}}},
		{"RDS magnetic (standard) storage uses the magnetic rate",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "mysql", "instance_class": "db.t3.medium", "storage_type": "standard", "allocated_storage_gb": 100}),
			want{monthly: 0.068*730 + 100*0.1}},
		{"Aurora instance Standard (storage_type aurora): compute only, storage is on the cluster",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "aurora-postgresql", "instance_class": "db.r6g.large", "storage_type": "aurora", "allocated_storage_gb": 1, "cluster_id": "c1"}),
			want{monthly: 189.8, parts: map[string]float64{"compute": 189.8}, basis: []string{"Aurora Standard", "priced on the rds_cluster record"}}},
		{"Aurora instance I/O-Optimized (storage_type aurora-iopt1) = 0.338 × 730",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "aurora-postgresql", "instance_class": "db.r6g.large", "storage_type": "aurora-iopt1", "cluster_id": "c1"}),
			want{monthly: 246.74, basis: []string{"I/O-Optimized"}}},
		{"Aurora instance without a storage type: Standard, and the basis says it was assumed",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "aurora-postgresql", "instance_class": "db.r6g.large"}),
			want{monthly: 189.8, basis: []string{"Aurora Standard assumed"}}},
		{"Aurora cluster Standard: storage only, 1 GB as reported × 0.10",
			rec(inventory.RDSCluster, "us-east-1", map[string]any{"engine": "aurora-mysql", "engine_mode": "provisioned", "storage_type": "aurora", "allocated_storage_gb": 1, "members": []string{"a", "b"}}),
			want{monthly: 0.10, parts: map[string]float64{"storage": 0.10}, basis: []string{"cluster storage only", "I/O requests not collected"}}},
		{"Aurora cluster I/O-Optimized 100 GB × 0.225",
			rec(inventory.RDSCluster, "us-east-1", map[string]any{"engine": "aurora-postgresql", "storage_type": "aurora-iopt1", "allocated_storage_gb": 100}),
			want{monthly: 22.5}},

		{"S3 mixed classes: 100 GB standard + 200 standard_ia + 1000 glacier + 500 deep archive",
			rec(inventory.S3Bucket, "us-east-1", map[string]any{"size_bytes_by_storage_class": map[string]any{
				"StandardStorage": 100.0 * gib, "StandardIAStorage": 200.0 * gib, "GlacierStorage": 1000.0 * gib, "DeepArchiveStorage": 500.0 * gib}}),
			want{monthly: 2.3 + 2.5 + 3.6 + 0.495, parts: map[string]float64{"storage StandardStorage": 2.3, "storage StandardIAStorage": 2.5, "storage GlacierStorage": 3.6, "storage DeepArchiveStorage": 0.495},
				basis: []string{"storage only"}}},
		{"S3 STANDARD over 50 TB: 60 TB = 51200×0.023 + 10240×0.022",
			rec(inventory.S3Bucket, "us-east-1", map[string]any{"size_bytes_by_storage_class": map[string]float64{"StandardStorage": 60 * 1024.0 * gib}}),
			want{monthly: 51200*0.023 + 10240*0.022}},
		{"S3 STANDARD over 500 TB uses all three tiers",
			rec(inventory.S3Bucket, "us-east-1", map[string]any{"size_bytes_by_storage_class": map[string]float64{"StandardStorage": 600 * 1024.0 * gib}}),
			want{monthly: 51200*0.023 + (512000-51200)*0.022 + (614400-512000)*0.021}},
		{"S3 empty bucket (zero bytes) costs nothing",
			rec(inventory.S3Bucket, "us-east-1", map[string]any{"size_bytes_by_storage_class": map[string]any{"StandardStorage": 0.0}, "object_count": 0.0}),
			want{monthly: 0}},
		{"S3 bucket with no size metrics and no objects: $0, S3 publishes none for an empty bucket",
			rec(inventory.S3Bucket, "us-east-1", map[string]any{}),
			want{monthly: 0, basis: []string{"empty bucket"}}},

		{"Lambda arm64 1M invocations × 200 ms × 1024 MB, 30 days scaled to 730 h",
			rec(inventory.LambdaFunction, "us-east-1", map[string]any{"architecture": "arm64", "memory_mb": 1024, "invocations_30d": 1e6, "duration_avg_ms_30d": 200.0}),
			want{monthly: 1e6 * 730 / 720 * (0.2/1e6 + 0.2*0.0000133334),
				parts: map[string]float64{"requests": 0.202778, "duration": 2.703717}, basis: []string{"arm64", "730/720", "free tier"}}},
		{"Lambda x86_64 same workload costs more per GB-s",
			rec(inventory.LambdaFunction, "us-east-1", map[string]any{"architecture": "x86_64", "memory_mb": 1024, "invocations_30d": 1e6, "duration_avg_ms_30d": 200.0}),
			want{monthly: 1e6 * 730 / 720 * (0.2/1e6 + 0.2*0.0000166667)}},
		{"Lambda without architecture is x86_64 (Lambda's default)",
			rec(inventory.LambdaFunction, "us-east-1", map[string]any{"memory_mb": 1024, "invocations_30d": 1e6, "duration_avg_ms_30d": 200.0}),
			want{monthly: 1e6 * 730 / 720 * (0.2/1e6 + 0.2*0.0000166667)}},
		{"Lambda never invoked (no Invocations metric) costs nothing",
			rec(inventory.LambdaFunction, "us-east-1", map[string]any{"architecture": "arm64", "memory_mb": 128}),
			want{monthly: 0}},
		{"Lambda ephemeral storage above 512 MB is named as not priced",
			rec(inventory.LambdaFunction, "us-east-1", map[string]any{"architecture": "arm64", "memory_mb": 1024, "invocations_30d": 1e6, "duration_avg_ms_30d": 200.0, "ephemeral_storage_mb": 2048}),
			want{monthly: 1e6 * 730 / 720 * (0.2/1e6 + 0.2*0.0000133334), basis: []string{"ephemeral storage above 512 MB (2048 MB configured) not priced"}}},
	}
}

func TestRecordPinsHandComputedFigures(t *testing.T) {
	ctx := context.Background()
	p := pricing.Snapshot()
	for _, c := range pinned() {
		t.Run(c.name, func(t *testing.T) {
			e, err := Record(ctx, p, c.rec)
			if err != nil {
				t.Fatalf("Record: %v", err)
			}
			checkEstimate(t, e, c.want)
		})
	}
}

// A record read back from the store has float64 numbers and map[string]any
// maps; it must price exactly as the collector's record did.
func TestRecordPricesTheSameAfterAJSONRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := pricing.Snapshot()
	for _, c := range pinned() {
		t.Run(c.name, func(t *testing.T) {
			raw, err := json.Marshal(c.rec)
			if err != nil {
				t.Fatal(err)
			}
			var back inventory.Record
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatal(err)
			}
			e, err := Record(ctx, p, back)
			if err != nil {
				t.Fatalf("Record: %v", err)
			}
			checkEstimate(t, e, c.want)
		})
	}
}

func checkEstimate(t *testing.T, e Estimate, w want) {
	t.Helper()
	if !near(e.Monthly, w.monthly) {
		t.Errorf("Monthly = %v, want %v (basis %q)", e.Monthly, w.monthly, e.Basis)
	}
	var sum float64
	got := map[string]float64{}
	for _, p := range e.Parts {
		sum += p.Monthly
		got[p.Name] = p.Monthly
	}
	if !near(sum, e.Monthly) {
		t.Errorf("parts sum to %v, Monthly is %v", sum, e.Monthly)
	}
	for name, v := range w.parts {
		if g, ok := got[name]; !ok || !near(g, v) {
			t.Errorf("part %q = %v (present %v), want %v; parts %+v", name, g, ok, v, e.Parts)
		}
	}
	for _, s := range w.basis {
		if !strings.Contains(e.Basis, s) {
			t.Errorf("Basis %q does not contain %q", e.Basis, s)
		}
	}
}

// near compares money to a millionth of a dollar relative (figures are
// rounded to 1e-6 USD).
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestUnpricedIsAnErrorNeverAZero(t *testing.T) {
	ctx := context.Background()
	p := pricing.Snapshot()
	cases := []struct {
		name   string
		rec    inventory.Record
		reason string // substring of the error
	}{
		{"EC2 Windows is not priced as Linux",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "running", "platform": "windows", "platform_details": "Windows"}),
			"Linux only"},
		{"EC2 Red Hat (platform linux, licensed) is not priced as Linux",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "running", "platform": "linux", "platform_details": "Red Hat Enterprise Linux"}),
			"Red Hat Enterprise Linux"},
		{"EC2 spot: prices vary, not in the data",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "running", "lifecycle": "spot"}),
			"spot prices vary"},
		{"EC2 dedicated tenancy is not priced as shared",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "running", "tenancy": "dedicated"}),
			"shared tenancy only"},
		{"EC2 type missing from the data",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m99.huge", "state": "running"}),
			"no price for EC2 m99.huge in us-east-1"},
		{"EC2 unknown state is not guessed",
			rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large"}),
			"state"},
		{"EC2 region missing from the data",
			rec(inventory.EC2Instance, "xx-nowhere-1", map[string]any{"instance_type": "m5.large", "state": "running"}),
			"xx-nowhere-1"},
		{"EBS io2: the snapshot has no io2 IOPS prices, so the whole volume is unpriced",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "io2", "size_gb": 100, "iops": 3000}),
			"io2 IOPS"},
		{"EBS in a region without EBS data (ap-east-2)",
			rec(inventory.EBSVolume, "ap-east-2", map[string]any{"volume_type": "gp3", "size_gb": 100}),
			"ap-east-2"},
		{"EBS unknown volume type",
			rec(inventory.EBSVolume, "us-east-1", map[string]any{"volume_type": "gp9", "size_gb": 100}),
			"gp9"},
		{"RDS mariadb is not priced as MySQL",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "mariadb", "instance_class": "db.m5.large", "storage_type": "gp2", "allocated_storage_gb": 20}),
			"no price for RDS db.m5.large mariadb in us-east-1"},
		{"RDS SQL Server, stopped: still unpriced, not $0",
			rec(inventory.RDSInstance, "eu-west-1", map[string]any{"engine": "sqlserver-se", "instance_class": "db.x1e.xlarge", "state": "stopped", "storage_type": "gp2", "allocated_storage_gb": 20}),
			"no price for RDS db.x1e.xlarge sqlserver-se in eu-west-1"},
		{"RDS oracle-se2",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "oracle-se2", "instance_class": "db.m5.large"}),
			"engine not in the price data"},
		{"Aurora Serverless v2 instance: no ACU prices",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "aurora-mysql", "instance_class": "db.serverless", "storage_type": "aurora"}),
			"ACU"},
		{"RDS gp3 throughput above the baseline has no price",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "mysql", "instance_class": "db.t3.medium", "storage_type": "gp3", "allocated_storage_gb": 100, "iops": 3000, "storage_throughput": 250}),
			"throughput"},
		{"RDS io2 IOPS have no price in the snapshot",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "mysql", "instance_class": "db.t3.medium", "storage_type": "io2", "allocated_storage_gb": 100, "iops": 3000}),
			"io2 IOPS"},
		{"RDS Multi-AZ DB cluster member is not priced per instance",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "postgres", "instance_class": "db.m6gd.large", "cluster_id": "pg-cluster", "storage_type": "io1", "allocated_storage_gb": 100, "iops": 1000}),
			"Multi-AZ DB cluster"},
		{"RDS class missing from the data",
			rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "postgres", "instance_class": "db.z9.huge", "storage_type": "gp2", "allocated_storage_gb": 20}),
			"db.z9.huge"},
		{"RDS region without RDS data (ap-east-2)",
			rec(inventory.RDSInstance, "ap-east-2", map[string]any{"engine": "postgres", "instance_class": "db.m5.large", "storage_type": "gp2", "allocated_storage_gb": 20}),
			"ap-east-2"},
		{"non-Aurora cluster storage is not priced",
			rec(inventory.RDSCluster, "us-east-1", map[string]any{"engine": "postgres", "storage_type": "io1", "allocated_storage_gb": 100}),
			"Multi-AZ DB cluster storage"},
		{"S3 Intelligent-Tiering has no price: the whole bucket is unpriced",
			rec(inventory.S3Bucket, "us-east-1", map[string]any{"size_bytes_by_storage_class": map[string]any{"StandardStorage": 10.0 * gib, "IntelligentTieringFAStorage": 5.0 * gib}}),
			"IntelligentTieringFAStorage"},
		{"S3 bucket in an unknown (global) region",
			rec(inventory.S3Bucket, inventory.GlobalRegion, map[string]any{"unreadable": []string{"GetBucketLocation"}}),
			"region could not be read"},
		{"S3 bucket with objects but no size metrics is not free",
			rec(inventory.S3Bucket, "us-east-1", map[string]any{"object_count": 12.0}),
			"no BucketSizeBytes"},
		{"Lambda without memory",
			rec(inventory.LambdaFunction, "us-east-1", map[string]any{"invocations_30d": 10.0, "duration_avg_ms_30d": 5.0}),
			"memory_mb"},
		{"Lambda invoked but without a duration metric",
			rec(inventory.LambdaFunction, "us-east-1", map[string]any{"memory_mb": 128, "invocations_30d": 10.0}),
			"duration"},
		{"Lambda unknown architecture",
			rec(inventory.LambdaFunction, "us-east-1", map[string]any{"memory_mb": 128, "architecture": "riscv64"}),
			"riscv64"},
		{"unknown resource type",
			rec("nat_gateway", "us-east-1", map[string]any{}),
			"no estimator"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Record(ctx, p, c.rec)
			if err == nil {
				t.Fatalf("priced at %v (%q), want unpriced", e.Monthly, e.Basis)
			}
			if !errors.Is(err, pricing.ErrNoPrice) {
				t.Errorf("error %v does not wrap pricing.ErrNoPrice", err)
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Errorf("error %q does not say %q", err, c.reason)
			}

			recs := []inventory.Record{c.rec}
			priced, unpriced := Apply(ctx, p, recs)
			if priced != 0 || unpriced != 1 {
				t.Errorf("Apply counted priced %d unpriced %d, want 0 and 1", priced, unpriced)
			}
			if recs[0].EstimatedMonthlyCost != nil {
				t.Errorf("EstimatedMonthlyCost = %v, want nil", *recs[0].EstimatedMonthlyCost)
			}
			if want := "unpriced: " + err.Error(); recs[0].CostBasis != want {
				t.Errorf("CostBasis = %q, want %q", recs[0].CostBasis, want)
			}
		})
	}
}

func TestApplySetsCostAndBasisAndCounts(t *testing.T) {
	ctx := context.Background()
	stale := 1.0
	recs := []inventory.Record{
		rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "running"}),
		rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "stopped"}),
		rec(inventory.SecurityGroup, "us-east-1", nil),
		rec(inventory.RDSInstance, "us-east-1", map[string]any{"engine": "mariadb", "instance_class": "db.m5.large"}),
	}
	// A record priced before and unpriced now loses its old figure.
	recs[3].EstimatedMonthlyCost, recs[3].CostBasis = &stale, "old"
	priced, unpriced := Apply(ctx, pricing.Snapshot(), recs)
	if priced != 3 || unpriced != 1 {
		t.Fatalf("priced %d unpriced %d, want 3 and 1", priced, unpriced)
	}
	for i, w := range []struct {
		cost  *float64
		basis string
	}{
		{ptr(70.08), "snapshot-2025-11: compute m5.large Linux on-demand $0.096/h × 730 h"},
		{ptr(0), "compute $0: instance stopped"},
		{ptr(0), "no charge (security groups are free)"},
		{nil, "unpriced: no price for RDS db.m5.large mariadb in us-east-1"},
	} {
		got := recs[i].EstimatedMonthlyCost
		switch {
		case (got == nil) != (w.cost == nil):
			t.Errorf("record %d: cost %v, want %v", i, got, w.cost)
		case got != nil && !near(*got, *w.cost):
			t.Errorf("record %d: cost %v, want %v", i, *got, *w.cost)
		}
		if !strings.HasPrefix(recs[i].CostBasis, w.basis) {
			t.Errorf("record %d: CostBasis %q, want prefix %q", i, recs[i].CostBasis, w.basis)
		}
	}
}

func TestDeletedRecordCostsNothingAndSaysWhy(t *testing.T) {
	when := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := rec(inventory.EC2Instance, "us-east-1", map[string]any{"instance_type": "m5.large", "state": "running"})
	r.DeletedAt = &when
	e, err := Record(context.Background(), pricing.Snapshot(), r)
	if err != nil || e.Monthly != 0 || e.Basis != "deleted 2026-03-01: no longer billed" {
		t.Fatalf("got %+v, %v", e, err)
	}
}

func ptr(f float64) *float64 { return &f }
