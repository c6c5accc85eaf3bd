package estimate

import (
	"context"
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// lambdaMonthScale turns the collector's 30-day sums into a 730-hour month
// (30.42 days), the month every other estimate is for.
const lambdaMonthScale = float64(HoursPerMonth) / (30 * 24)

// lambdaIncludedEphemeralMB is the ephemeral storage included in the
// duration price; more is billed separately, at a rate the price data lacks.
const lambdaIncludedEphemeralMB = 512

// lambdaFunction prices a function from its 30-day metrics, scaled to a
// 730-hour month: requests (invocations_30d) and GB-seconds (invocations ×
// duration_avg_ms_30d × memory_mb / 1024) at the architecture's tier-1
// rates (the first 6 billion GB-seconds a month; one function never leaves
// it). No Invocations metric means no invocations: CloudWatch publishes
// none for a function that was not called.
//
// Not included, and the basis says so: the free tier (per account, not per
// function), provisioned concurrency (not collected) and ephemeral storage
// above 512 MB (no rate in the price data).
func lambdaFunction(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error) {
	a := attrs(r.Attributes)
	arch := a.str("architecture")
	if arch == "" {
		arch = "x86_64" // Lambda's default, as the collector records it
	}
	mem, ok := a.num("memory_mb")
	if !ok {
		return Estimate{}, noPrice("Lambda function "+r.ResourceID, r.Region, "no memory_mb attribute")
	}
	inv, _ := a.num("invocations_30d")
	dur, hasDur := a.num("duration_avg_ms_30d")
	if inv > 0 && !hasDur {
		return Estimate{}, noPrice("Lambda function "+r.ResourceID, r.Region, "invocations without a duration_avg_ms_30d metric")
	}
	rates, err := p.Lambda(ctx, r.Region, arch)
	if err != nil {
		return Estimate{}, err
	}
	var b builder
	b.source(rates.Basis)
	if inv <= 0 {
		b.part("requests", 0, "$0: no invocations in 30 days (billed per request and GB-second only)")
		return b.estimate(), nil
	}
	monthly := inv * lambdaMonthScale
	gbSeconds := monthly * dur / 1000 * mem / 1024
	b.part("requests", monthly/1e6*rates.RequestsPerMillion, fmt.Sprintf("%s invocations in 30 d × 730/720 = %s/month × %s per million",
		trimFloat(inv), trimFloat(round(monthly)), usd(rates.RequestsPerMillion)))
	b.part("duration", gbSeconds*rates.GBSecond, fmt.Sprintf("%s/month × %s ms avg × %s MB / 1024 = %s GB-s × %s/GB-s (%s)",
		trimFloat(round(monthly)), trimFloat(dur), trimFloat(mem), trimFloat(round(gbSeconds)), usd(rates.GBSecond), arch))
	b.note("free tier and provisioned concurrency not included")
	if eph, ok := a.num("ephemeral_storage_mb"); ok && eph > lambdaIncludedEphemeralMB {
		b.note(fmt.Sprintf("ephemeral storage above %d MB (%s MB configured) not priced: no rate in the price data", lambdaIncludedEphemeralMB, trimFloat(eph)))
	}
	return b.estimate(), nil
}
