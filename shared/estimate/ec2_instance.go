package estimate

import (
	"context"
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// ec2Instance prices instance hours: a running (or pending) instance all
// month at its Linux on-demand rate. Stopped, stopping, shutting-down and
// terminated instances accrue no instance hours; their EBS volumes are
// ebs_volume records and are billed there.
//
// The price data is Linux, shared tenancy, on-demand only, so anything else
// is unpriced rather than priced as Linux: Windows and licensed Linux
// (RHEL, SUSE, Ubuntu Pro) cost more, spot prices move by the hour, and
// dedicated tenancy has its own rates.
func ec2Instance(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error) {
	a := attrs(r.Attributes)
	typ := a.str("instance_type")
	what := "EC2 " + typ
	if typ == "" {
		return Estimate{}, noPrice("EC2 instance "+r.ResourceID, r.Region, "no instance_type attribute")
	}
	switch state := a.str("state"); state {
	case "running", "pending":
		// Pending is the start of a running instance: price it as running.
	case "stopped", "stopping", "shutting-down", "terminated":
		// No price lookup: no instance hours are billed whatever the type,
		// platform or purchase option.
		var b builder
		b.part("compute", 0, "$0: instance "+state+", no instance hours (its EBS volumes are billed separately, as ebs_volume records)")
		return b.estimate(), nil
	default:
		return Estimate{}, noPrice(what, r.Region, fmt.Sprintf("instance state %q unknown, cannot tell whether it is billed", state))
	}
	if lc := a.str("lifecycle"); lc != "" && lc != "on-demand" {
		if lc == "spot" {
			return Estimate{}, noPrice(what+" spot", r.Region, "spot prices vary by the hour and are not in the price data (on-demand only)")
		}
		return Estimate{}, noPrice(what+" "+lc, r.Region, "lifecycle "+lc+" not priced (on-demand only)")
	}
	if t := a.str("tenancy"); t != "" && t != "default" {
		return Estimate{}, noPrice(what+" "+t+" tenancy", r.Region, "the price data is shared tenancy only")
	}
	if pl := a.str("platform"); pl != "" && pl != "linux" {
		return Estimate{}, noPrice(what+" "+pl, r.Region, "the price data is Linux only; "+pl+" includes a licence charge")
	}
	// platform says only windows or not; platform_details names licensed
	// Linux (Red Hat Enterprise Linux, SUSE, Ubuntu Pro, SQL Server on Linux).
	if pd := a.str("platform_details"); pd != "" && pd != "Linux/UNIX" {
		return Estimate{}, noPrice(what+" "+pd, r.Region, "the price data is Linux/UNIX only; "+pd+" includes a licence charge")
	}
	var b builder
	if err := addCompute(ctx, p, &b, r.Region, typ); err != nil {
		return Estimate{}, err
	}
	// An auto-assigned public IPv4 address is charged to the instance while
	// it runs (an Elastic IP's charge is on its own record).
	if a.str("public_ip_type") == "auto-assigned" {
		rates, err := p.IPv4(ctx, r.Region)
		if err != nil {
			return Estimate{}, err
		}
		b.source(rates.Basis)
		b.part("public_ipv4", rates.InUseHourly*HoursPerMonth,
			fmt.Sprintf("auto-assigned address %s/h × %d h", usd(rates.InUseHourly), HoursPerMonth))
	}
	return b.estimate(), nil
}

// InstanceMonthly prices an EC2 instance type running all month (Linux,
// shared tenancy, on-demand) in a region: what rightsizing compares a
// current instance with.
func InstanceMonthly(ctx context.Context, p pricing.Prices, region, instanceType string) (Estimate, error) {
	var b builder
	if err := addCompute(ctx, p, &b, region, instanceType); err != nil {
		return Estimate{}, err
	}
	return b.estimate(), nil
}

func addCompute(ctx context.Context, p pricing.Prices, b *builder, region, instanceType string) error {
	q, err := p.EC2Hourly(ctx, region, instanceType)
	if err != nil {
		return err
	}
	b.source(q.Basis)
	b.part("compute", q.USD*HoursPerMonth, fmt.Sprintf("%s Linux on-demand %s/h × %d h", instanceType, usd(q.USD), HoursPerMonth))
	return nil
}
