package storetest

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// BenchPutRecords measures a backend's upsert throughput (records/s) in the
// batch sizes the collectors use, from one goroutine and then from
// `goroutines` at once for each of parallelBatches. Each iteration writes one
// batch of new records (one account, region and type, as a collector's), so
// the store grows as the benchmark runs. open gives a fresh store that the
// benchmark's cleanup closes.
func BenchPutRecords(b *testing.B, open func(testing.TB) store.Store, goroutines int, parallelBatches ...int) {
	for _, batch := range []int{25, 100, 500} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := open(b)
			tmpl := benchBatch(batch)
			b.ResetTimer()
			for i := range b.N {
				if err := s.PutRecords(context.Background(), withIDs(tmpl, i)); err != nil {
					b.Fatal(err)
				}
			}
			reportThroughput(b, batch)
		})
	}
	for _, batch := range parallelBatches {
		b.Run(fmt.Sprintf("goroutines=%d/batch=%d", goroutines, batch), func(b *testing.B) {
			s := open(b)
			tmpl := benchBatch(batch)
			var next atomic.Int64
			// RunParallel starts parallelism × GOMAXPROCS goroutines.
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((goroutines + procs - 1) / procs)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := s.PutRecords(context.Background(), withIDs(tmpl, int(next.Add(1)-1))); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportThroughput(b, batch)
		})
	}
}

// benchRecord is an EC2 instance record of realistic size (~1 KB of JSON).
func benchRecord(i int, collected time.Time) inventory.Record {
	cost := 70.08
	return inventory.Record{
		ResourceType: inventory.EC2Instance,
		ResourceID:   fmt.Sprintf("i-%017x", i),
		ARN:          fmt.Sprintf("arn:aws:ec2:us-east-1:%012d:instance/i-%017x", i%1000, i),
		AccountID:    fmt.Sprintf("%012d", i%1000),
		AccountName:  fmt.Sprintf("account-%d", i%1000),
		Department:   []string{"platform", "data", "finance", "marketing"}[i%4],
		Region:       []string{"us-east-1", "eu-west-1", "ap-south-1"}[i%3],
		CollectedAt:  collected,
		Attributes: map[string]any{
			"name":              fmt.Sprintf("web-%d", i),
			"state":             "running",
			"instance_type":     "m7g.large",
			"platform":          "Linux/UNIX",
			"launch_time":       "2025-01-02T03:04:05Z",
			"vpc_id":            "vpc-0123456789abcdef0",
			"subnet_id":         "subnet-0123456789abcdef0",
			"private_ip":        "10.1.2.3",
			"public_ip":         nil,
			"ebs_optimized":     true,
			"monitoring":        "disabled",
			"security_groups":   []string{"sg-0123456789abcdef0", "sg-0fedcba9876543210"},
			"block_devices":     []any{map[string]any{"volume_id": "vol-0123456789abcdef0", "device": "/dev/xvda", "encrypted": true}},
			"avg_cpu_14d":       3.2,
			"imdsv2_required":   false,
			"iam_instance_role": "arn:aws:iam::123456789012:instance-profile/web",
			"tags": map[string]string{
				"Name": fmt.Sprintf("web-%d", i), "Env": "prod", "Team": "core",
				"Department": "platform", "aws:cloudformation:stack-name": "web-stack",
			},
		},
		EstimatedMonthlyCost: &cost,
		CostBasis:            "on_demand m7g.large us-east-1",
		RunID:                "run-bench",
	}
}

func benchBatch(size int) []inventory.Record {
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	out := make([]inventory.Record, size)
	for i := range out {
		out[i] = benchRecord(i, at)
	}
	return out
}

// withIDs copies the template batch for iteration n: like a collector's
// batch, all of it is one account, region and type, and its resource IDs are
// new, so every iteration inserts rows. Copying shares the attribute maps,
// which the store only reads; it costs well under 1% of a put.
func withIDs(tmpl []inventory.Record, n int) []inventory.Record {
	acct := fmt.Sprintf("%012d", 100000000000+n%1000)
	region := []string{"us-east-1", "eu-west-1", "ap-south-1"}[n%3]
	out := make([]inventory.Record, len(tmpl))
	for i, r := range tmpl {
		r.AccountID, r.Region = acct, region
		r.ResourceID = fmt.Sprintf("i-%08x%09x", n, i)
		r.ARN = "arn:aws:ec2:" + region + ":" + acct + ":instance/" + r.ResourceID
		out[i] = r
	}
	return out
}

func reportThroughput(b *testing.B, batch int) {
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/record")
}
