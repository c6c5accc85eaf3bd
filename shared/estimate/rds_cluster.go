package estimate

import (
	"context"
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// rdsCluster prices an Aurora cluster's storage, and only that: its
// instances are rds_instance records priced by class, so adding them here
// would count them twice. The size is allocated_storage_gb as Aurora
// reports it (Aurora bills the storage used, which DescribeDBClusters does
// not report; the figure is what the inventory has). Storage is billed
// whether the cluster is running or stopped. Aurora Standard's I/O
// requests are not collected, so they are not included, and the basis says so.
func rdsCluster(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error) {
	a := attrs(r.Attributes)
	engine := a.str("engine")
	if !isAurora(engine) {
		return Estimate{}, noPrice("RDS cluster "+engine, r.Region,
			"only Aurora cluster storage is priced (Multi-AZ DB cluster storage is not in the price data)")
	}
	if mode := a.str("engine_mode"); mode == "serverless" {
		return Estimate{}, noPrice("Aurora Serverless v1 cluster "+engine, r.Region, "billed per ACU-hour; no ACU prices in the price data")
	}
	gb, ok := a.num("allocated_storage_gb")
	if !ok {
		return Estimate{}, noPrice("Aurora storage of "+r.ResourceID, r.Region, "no allocated_storage_gb attribute")
	}
	mode, modeName, note := pricing.AuroraStandard, "Aurora Standard", ""
	switch st := a.str("storage_type"); st {
	case "aurora-iopt1":
		mode, modeName = pricing.AuroraIOOpt, "Aurora I/O-Optimized"
	case "aurora":
	default:
		note = fmt.Sprintf("Aurora Standard assumed (storage_type %q does not say)", st)
	}
	rates, err := p.RDSStorage(ctx, r.Region)
	if err != nil {
		return Estimate{}, err
	}
	perGB, err := rates.AuroraStorageGBMonth(mode)
	if err != nil {
		return Estimate{}, err
	}
	var b builder
	b.source(rates.Basis)
	b.part("storage", gb*perGB, fmt.Sprintf("%s GB (as Aurora reports) %s × %s/GB-month", trimFloat(gb), modeName, usd(perGB)))
	if note != "" {
		b.note(note)
	}
	if mode == pricing.AuroraStandard {
		b.note("I/O requests not collected, not included")
	}
	b.note("cluster storage only: its instances are priced as rds_instance records")
	return b.estimate(), nil
}
