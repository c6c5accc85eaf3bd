package estimate

import (
	"context"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// securityGroup: security groups are free. A zero with a basis, not
// unpriced: nothing is missing from the price data.
func securityGroup(context.Context, pricing.Prices, inventory.Record) (Estimate, error) {
	return Estimate{Basis: "no charge (security groups are free)", Parts: []Part{{Name: "security_group", Detail: "no charge"}}}, nil
}
