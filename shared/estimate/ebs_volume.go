package estimate

import (
	"context"
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// io2TierIOPS is where io2's first IOPS price tier ends: IOPS above it are
// billed at lower rates that the price data does not carry.
const io2TierIOPS = 32000

// ebsVolume prices a volume by type and size, plus what is provisioned
// beyond the size: gp3 IOPS above 3,000 and throughput above 125 MiB/s
// (the baseline included in its GB price), and every io1/io2 IOPS. A volume
// is billed whether attached or not, so the attachment does not matter.
//
// A volume one of whose parts has no price (io2 IOPS in the snapshot) is
// unpriced as a whole: a partial figure would look complete.
func ebsVolume(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error) {
	a := attrs(r.Attributes)
	typ := a.str("volume_type")
	if typ == "" {
		return Estimate{}, noPrice("EBS volume "+r.ResourceID, r.Region, "no volume_type attribute")
	}
	size, ok := a.num("size_gb")
	if !ok {
		return Estimate{}, noPrice("EBS "+typ+" volume "+r.ResourceID, r.Region, "no size_gb attribute")
	}
	rates, err := p.EBS(ctx, r.Region)
	if err != nil {
		return Estimate{}, err
	}
	perGB, err := rates.GBMonth(typ)
	if err != nil {
		return Estimate{}, err
	}
	var b builder
	b.source(rates.Basis)
	b.part("storage", size*perGB, fmt.Sprintf("%s GB %s × %s/GB-month", trimFloat(size), typ, usd(perGB)))

	iops, hasIOPS := a.num("iops")
	switch typ {
	case "gp3":
		if extra := iops - pricing.GP3IncludedIOPS; hasIOPS && extra > 0 {
			rate, err := rates.IOPSMonth(typ)
			if err != nil {
				return Estimate{}, err
			}
			b.part("iops", extra*rate, fmt.Sprintf("%s IOPS above the %d included × %s/IOPS-month",
				trimFloat(extra), pricing.GP3IncludedIOPS, usd(rate)))
		}
		if tp, ok := a.num("throughput_mibps"); ok && tp > pricing.GP3IncludedThroughputMiB {
			extra := tp - pricing.GP3IncludedThroughputMiB
			rate, err := rates.ThroughputMiBpsMonth()
			if err != nil {
				return Estimate{}, err
			}
			b.part("throughput", extra*rate, fmt.Sprintf("%s MiB/s above the %d included × %s/MiB/s-month",
				trimFloat(extra), pricing.GP3IncludedThroughputMiB, usd(rate)))
		}
	case "io1", "io2":
		if !hasIOPS {
			return Estimate{}, noPrice("EBS "+typ+" volume "+r.ResourceID, r.Region, "no provisioned iops attribute")
		}
		rate, err := rates.IOPSMonth(typ)
		if err != nil {
			return Estimate{}, err
		}
		// One io2 rate covers only the first tier; beyond it AWS charges
		// lower rates the price data does not carry.
		if typ == "io2" && iops > io2TierIOPS {
			return Estimate{}, noPrice(fmt.Sprintf("EBS io2 %s IOPS", trimFloat(iops)), r.Region,
				fmt.Sprintf("IOPS above %d are billed at tier rates not in %s", io2TierIOPS, rates.Basis))
		}
		b.part("iops", iops*rate, fmt.Sprintf("%s provisioned IOPS × %s/IOPS-month", trimFloat(iops), usd(rate)))
	}
	// gp2, st1, sc1 and standard (magnetic) are billed by size alone.
	return b.estimate(), nil
}
