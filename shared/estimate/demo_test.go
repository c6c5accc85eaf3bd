package estimate_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/estimate"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// raw is the snapshot read with encoding/json into plain maps: the
// recomputation below shares no code with pricing or estimate.
type raw map[string]any

func (r raw) at(path ...string) (float64, bool) {
	var v any = map[string]any(r)
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return 0, false
		}
		v = m[p]
	}
	f, ok := v.(float64)
	return f, ok
}

func num(a map[string]any, k string) float64 {
	switch v := a[k].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	case int32:
		return float64(v)
	case int64:
		return float64(v)
	}
	return 0
}

// independent prices the plain cases by hand from the snapshot: running
// Linux on-demand EC2, gp2/gp3/st1/sc1 volumes, Elastic IPs, single- and
// Multi-AZ MySQL/PostgreSQL with gp2/gp3 storage, S3 Standard buckets and
// Lambda. ok is false for anything else (those are pinned in
// estimate_test.go instead).
func independent(snap raw, r inventory.Record) (float64, bool) {
	a, reg := r.Attributes, r.Region
	switch r.ResourceType {
	case inventory.EC2Instance:
		if a["state"] != "running" || a["platform"] != "linux" || a["lifecycle"] != "on-demand" ||
			(a["platform_details"] != nil && a["platform_details"] != "Linux/UNIX") || (a["tenancy"] != nil && a["tenancy"] != "default") {
			return 0, false
		}
		h, ok := snap.at("ec2", reg, a["instance_type"].(string))
		cost := h * 730
		if a["public_ip_type"] == "auto-assigned" {
			ip, _ := snap.at("ipv4", reg, "in_use_per_hour")
			cost += ip * 730
		}
		return cost, ok
	case inventory.EBSVolume:
		typ, _ := a["volume_type"].(string)
		if typ != "gp2" && typ != "gp3" && typ != "st1" && typ != "sc1" {
			return 0, false
		}
		gb, ok := snap.at("ebs", reg, typ)
		cost := num(a, "size_gb") * gb
		if typ == "gp3" {
			iops, _ := snap.at("ebs", reg, "gp3_iops_per_iops_month")
			tp, _ := snap.at("ebs", reg, "gp3_throughput_per_mibps_month")
			cost += math.Max(0, num(a, "iops")-3000)*iops + math.Max(0, num(a, "throughput_mibps")-125)*tp
		}
		return cost, ok
	case inventory.ElasticIP:
		h, ok := snap.at("ipv4", reg, "idle_per_hour")
		return h * 730, ok
	case inventory.RDSInstance:
		engine, _ := a["engine"].(string)
		st, _ := a["storage_type"].(string)
		if (engine != "mysql" && engine != "postgres") || (st != "gp2" && st != "gp3") || a["state"] != "available" ||
			num(a, "iops") > 3000 || a["cluster_id"] != nil {
			return 0, false
		}
		dep := "single_az"
		if a["multi_az"] == true {
			dep = "multi_az"
		}
		h, ok1 := snap.at("rds", "instances", reg, engine, a["instance_class"].(string), dep)
		gb, ok2 := snap.at("rds", "storage", reg, st, dep)
		return h*730 + num(a, "allocated_storage_gb")*gb, ok1 && ok2
	case inventory.S3Bucket:
		classes, _ := a["size_bytes_by_storage_class"].(map[string]any)
		if len(classes) != 1 || classes["StandardStorage"] == nil {
			return 0, false
		}
		gb := num(classes, "StandardStorage") / (1 << 30)
		if gb > 50*1024 {
			return 0, false
		}
		rate, ok := snap.at("s3", reg, "standard_first_50tb")
		return gb * rate, ok
	case inventory.LambdaFunction:
		arch, _ := a["architecture"].(string)
		inv := num(a, "invocations_30d") * 730 / 720
		gbs, ok1 := snap.at("lambda", reg, arch, "gb_second")
		req, ok2 := snap.at("lambda", reg, arch, "requests_per_million")
		if a["ephemeral_storage_mb"] != nil && num(a, "ephemeral_storage_mb") > 512 {
			return 0, false
		}
		return inv/1e6*req + inv*num(a, "duration_avg_ms_30d")/1000*num(a, "memory_mb")/1024*gbs, ok1 && ok2
	}
	return 0, false
}

func TestDemoEstimatesMatchAnIndependentRecomputationFromTheSnapshot(t *testing.T) {
	body, err := os.ReadFile("../pricing/data/aws-prices-snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	var snap raw
	if err := json.Unmarshal(body, &snap); err != nil {
		t.Fatal(err)
	}
	recs := fakeorg.New(fakeorg.DefaultSpec()).Expected()
	estimate.Apply(context.Background(), pricing.Snapshot(), recs)
	type sum struct {
		ours, theirs float64
		n            int
	}
	byType := map[string]*sum{}
	for _, r := range recs {
		want, ok := independent(snap, r)
		if !ok {
			continue
		}
		if r.EstimatedMonthlyCost == nil {
			t.Errorf("%s %s is unpriced (%s), but the snapshot prices it at %.2f", r.ResourceType, r.ResourceID, r.CostBasis, want)
			continue
		}
		s := byType[r.ResourceType]
		if s == nil {
			s = &sum{}
			byType[r.ResourceType] = s
		}
		s.ours += *r.EstimatedMonthlyCost
		s.theirs += want
		s.n++
	}
	for _, typ := range []string{inventory.EC2Instance, inventory.EBSVolume, inventory.ElasticIP, inventory.RDSInstance, inventory.S3Bucket, inventory.LambdaFunction} {
		s := byType[typ]
		if s == nil || s.n == 0 {
			t.Errorf("%s: no demo resource was recomputed; the comparison proves nothing", typ)
			continue
		}
		if diff := math.Abs(s.ours-s.theirs) / math.Max(s.theirs, 0.01); diff > 0.005 {
			t.Errorf("%s: estimates total %.2f over %d resources, independent recomputation %.2f (%.2f%% apart, allowed 0.5%%)",
				typ, s.ours, s.n, s.theirs, 100*diff)
		}
		t.Logf("%-16s %4d resources: %12.2f vs %12.2f", typ, s.n, s.ours, s.theirs)
	}
}
