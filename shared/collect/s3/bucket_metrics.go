package s3

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// storageTypes are the BucketSizeBytes storage types summed into size_bytes.
var storageTypes = []string{
	"StandardStorage", "StandardIAStorage", "OneZoneIAStorage", "GlacierInstantRetrievalStorage",
	"GlacierStorage", "DeepArchiveStorage", "IntelligentTieringFAStorage",
}

// addMetrics reads the buckets' storage metrics, one batch per region
// (S3 publishes them daily, in the bucket's region).
func addMetrics(ctx context.Context, bs []*bucket, metricsFor func(string) collect.MetricDataAPI, now time.Time) error {
	byRegion := map[string][]collect.MetricQuery{}
	for _, b := range bs {
		if b.region == inventory.GlobalRegion {
			continue
		}
		query := func(metric, storageType string) collect.MetricQuery {
			return collect.MetricQuery{Key: b.name + "/" + storageType, Namespace: "AWS/S3", Metric: metric,
				Dimensions: map[string]string{"BucketName": b.name, "StorageType": storageType},
				Stat:       "Average", Window: 2 * 24 * time.Hour}
		}
		for _, st := range storageTypes {
			byRegion[b.region] = append(byRegion[b.region], query("BucketSizeBytes", st))
		}
		byRegion[b.region] = append(byRegion[b.region], query("NumberOfObjects", "AllStorageTypes"))
	}
	vals := map[string]float64{}
	for region, qs := range byRegion {
		got, err := collect.FetchMetrics(ctx, metricsFor(region), now, qs)
		if err != nil {
			return fmt.Errorf("region %s: %w", region, err)
		}
		for k, v := range got {
			vals[k] = v
		}
	}
	for _, b := range bs {
		byClass, total := map[string]any{}, 0.0
		for _, st := range storageTypes {
			if v, ok := vals[b.name+"/"+st]; ok {
				byClass[st], total = v, total+v
			}
		}
		if len(byClass) > 0 {
			b.attrs["size_bytes"], b.attrs["size_bytes_by_storage_class"] = total, byClass
		}
		if v, ok := vals[b.name+"/AllStorageTypes"]; ok {
			b.attrs["object_count"] = v
		}
	}
	return nil
}
