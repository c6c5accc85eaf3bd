package estimate

import (
	"context"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// free prices an account or region setting, which AWS does not bill: a zero
// with a basis, not unpriced, because nothing is missing from the data.
func free(what string) estimator {
	return func(context.Context, pricing.Prices, inventory.Record) (Estimate, error) {
		return Estimate{Basis: "no charge (" + what + ")", Parts: []Part{{Name: "setting", Detail: "no charge"}}}, nil
	}
}

// unbillable says why a resource billed by usage the inventory does not
// collect stays unpriced, rather than guessing a figure.
func unbillable(what, why string) estimator {
	return func(_ context.Context, _ pricing.Prices, r inventory.Record) (Estimate, error) {
		return Estimate{}, noPrice(what+" "+r.ResourceID, r.Region, why)
	}
}

// guardDuty: a detector that is off costs nothing; one that is on is billed
// by the events and data it analyses, which are not collected.
func guardDuty(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error) {
	if !attrs(r.Attributes).boolean("enabled") {
		return free("GuardDuty is not enabled")(ctx, p, r)
	}
	return unbillable("GuardDuty detector", "billed by analysed events and data volume, which are not collected")(ctx, p, r)
}
