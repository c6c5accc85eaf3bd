package estimate

import (
	"context"
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// elasticIP prices an Elastic IP all month. Since 2024-02-01 every public
// IPv4 address is charged by the hour, in use or idle ($0.005/h in every
// region of the snapshot), so associating an address no longer makes it
// free: the estimate is the same either way and only the rate's name
// differs. The charge for an associated address is here, on the address,
// not on the instance it is attached to.
func elasticIP(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error) {
	rates, err := p.IPv4(ctx, r.Region)
	if err != nil {
		return Estimate{}, err
	}
	rate, state := rates.IdleHourly, "idle (not associated)"
	if attrs(r.Attributes).boolean("associated") {
		rate, state = rates.InUseHourly, "in use (associated)"
	}
	var b builder
	b.source(rates.Basis)
	b.part("public_ipv4", rate*HoursPerMonth, fmt.Sprintf("%s %s/h × %d h; public IPv4 is charged whether associated or idle", state, usd(rate), HoursPerMonth))
	return b.estimate(), nil
}
