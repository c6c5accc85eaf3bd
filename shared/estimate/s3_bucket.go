package estimate

import (
	"context"
	"fmt"
	"sort"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// bytesPerGB is the GB S3 bills by (a GiB: the Price List API's tier
// boundaries are 51,200 and 512,000 GB, i.e. 50 and 500 × 1,024).
const bytesPerGB = 1 << 30

// s3Bucket prices a bucket's storage per class, from the daily
// BucketSizeBytes averages the collector records in
// size_bytes_by_storage_class (keyed by CloudWatch StorageType). STANDARD
// is tiered (first 50 TB, next 450 TB, over 500 TB), applied to the bucket
// alone; the other classes are flat. A class without a price
// (Intelligent-Tiering, Reduced Redundancy, anything new) makes the whole
// bucket unpriced. Requests, retrievals, transfer and Intelligent-Tiering
// monitoring are not collected, so the estimate is storage only.
func s3Bucket(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error) {
	a := attrs(r.Attributes)
	if r.Region == "" || r.Region == inventory.GlobalRegion {
		return Estimate{}, noPrice("S3 bucket "+r.ResourceID, "an unknown region", "the bucket's region could not be read")
	}
	sizes, ok := a.numbers("size_bytes_by_storage_class")
	if !ok {
		// S3 publishes no BucketSizeBytes for an empty bucket; a bucket
		// with objects but no size metric is unknown, not free.
		if n, ok := a.num("object_count"); ok && n > 0 {
			return Estimate{}, noPrice("S3 bucket "+r.ResourceID, r.Region, "no BucketSizeBytes metrics for a bucket with objects")
		}
		var b builder
		b.part("storage", 0, "$0: no storage metrics (S3 publishes none for an empty bucket)")
		return b.estimate(), nil
	}
	rates, err := p.S3(ctx, r.Region)
	if err != nil {
		return Estimate{}, err
	}
	classes := make([]string, 0, len(sizes))
	for c := range sizes {
		classes = append(classes, c)
	}
	// Hottest class first, as a reader expects; unknown names last.
	sort.Slice(classes, func(i, j int) bool {
		oi, oj := s3ClassOrder(classes[i]), s3ClassOrder(classes[j])
		if oi != oj {
			return oi < oj
		}
		return classes[i] < classes[j]
	})
	var b builder
	b.source(rates.Basis)
	for _, c := range classes {
		gb := sizes[c] / bytesPerGB
		if gb <= 0 {
			continue
		}
		cost, err := rates.Monthly(c, gb)
		if err != nil {
			return Estimate{}, err
		}
		detail := fmt.Sprintf("%.3f GB × %s/GB-month", gb, usd(cost/gb))
		if c == "StandardStorage" {
			detail = fmt.Sprintf("%.3f GB at the STANDARD tier rates (tiers applied to this bucket alone), %s/GB-month on average", gb, usd(cost/gb))
		}
		b.part("storage "+c, cost, detail)
	}
	if len(b.parts) == 0 {
		b.part("storage", 0, "$0: the bucket holds no bytes")
	}
	b.note("storage only (requests, retrievals and transfer not collected)")
	return b.estimate(), nil
}

// s3ClassOrder ranks CloudWatch storage types from hot to cold.
func s3ClassOrder(c string) int {
	for i, k := range []string{"StandardStorage", "IntelligentTieringFAStorage", "StandardIAStorage", "OneZoneIAStorage",
		"GlacierInstantRetrievalStorage", "GlacierStorage", "DeepArchiveStorage"} {
		if k == c {
			return i
		}
	}
	return 100
}
