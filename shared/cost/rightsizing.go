package cost

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/estimate"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// rightsizing looks at running EC2 instances and available RDS instances
// whose 14-day peak CPU stays under rightsize_max_cpu_percent, and proposes
// (1) the next smaller size of the family and (2) the same size in the
// cheapest Graviton family, each only where the region's price list has the
// target and it is cheaper. Current and target are priced with the same
// Prices, so the saving compares like with like (the record's own estimate
// may rest on another source, or include storage).
func rightsizing(ctx context.Context, live []inventory.Record, x index, p pricing.Prices, th config.CostThresholds) ([]Finding, []NoData, error) {
	var fs []Finding
	var nd []NoData
	rz := resizer{p: p, ec2Types: map[string][]string{}, rdsClasses: map[[2]string][]string{}}
	for _, r := range live {
		var cand []Finding
		var err error
		switch {
		case r.ResourceType == inventory.EC2Instance && str(r, "state") == "running":
			cand, err = rz.instance(ctx, r, th, &nd)
		case r.ResourceType == inventory.RDSInstance && (str(r, "state") == "" || str(r, "state") == "available"):
			cand, err = rz.database(ctx, r, th, &nd)
		}
		if err != nil {
			return nil, nil, err
		}
		fs = append(fs, cand...)
	}
	sortFindings(fs)
	return fs, nd, nil
}

// resizer prices targets and caches each region's list of types.
type resizer struct {
	p          pricing.Prices
	ec2Types   map[string][]string
	rdsClasses map[[2]string][]string
}

// peakCPU reads cpu_max_14d and decides whether the resource is a
// candidate; a missing peak is recorded as no data.
func peakCPU(r inventory.Record, th config.CostThresholds, rule string, nd *[]NoData) (float64, bool) {
	peak, ok := num(r, "cpu_max_14d")
	if !ok {
		*nd = append(*nd, NoData{Resource: resourceOf(r), Rule: rule, Reason: "no data: no 14-day CPU maximum"})
		return 0, false
	}
	return peak, peak < th.RightsizeMaxCPUPercent
}

func (z *resizer) instance(ctx context.Context, r inventory.Record, th config.CostThresholds, nd *[]NoData) ([]Finding, error) {
	cur, ok := parseType(str(r, "instance_type"))
	if !ok || cur.size == "metal" {
		// Bare metal is chosen for the hardware, not the size.
		return nil, nil
	}
	// The prices are Linux on-demand shared tenancy: anything else would be
	// compared at the wrong rates (and Windows does not run on Graviton).
	if pl := str(r, "platform"); pl != "" && pl != "linux" {
		return nil, nil
	}
	if pd := str(r, "platform_details"); pd != "" && pd != "Linux/UNIX" {
		return nil, nil
	}
	if lc := str(r, "lifecycle"); lc != "" && lc != "on-demand" {
		return nil, nil
	}
	if t := str(r, "tenancy"); t != "" && t != "default" {
		return nil, nil
	}
	peak, candidate := peakCPU(r, th, "rightsizing", nd)
	if !candidate {
		return nil, nil
	}
	types, ok := z.ec2Types[r.Region]
	if !ok {
		var err error
		if types, err = z.p.InstanceTypes(ctx, r.Region); err != nil && !errors.Is(err, pricing.ErrNoPrice) {
			return nil, err
		}
		z.ec2Types[r.Region] = types
	}
	price := func(t string) (estimate.Estimate, error) { return estimate.InstanceMonthly(ctx, z.p, r.Region, t) }
	reason := fmt.Sprintf("peak CPU %.1f%% over 14 days (under rightsize_max_cpu_percent %g%%)", peak, th.RightsizeMaxCPUPercent)
	var out []Finding
	if t, ok := downsize(cur, types); ok {
		f, err := resize(r, Downsize, cur.String(), t, reason, price)
		if err != nil {
			return nil, err
		}
		if f != nil {
			f.Caveats = []string{"stop, change the type, start: a few minutes of downtime", "memory use: the smaller size has less (CloudWatch has no memory metric without the agent)"}
			out = append(out, *f)
		}
	}
	if arch := str(r, "architecture"); arch == "" || arch == "x86_64" {
		f, err := graviton(r, cur, gravitonCandidates(cur, types), reason, price)
		if err != nil {
			return nil, err
		}
		if f != nil {
			f.Caveats = []string{"needs an arm64 build of the AMI and software: relaunch rather than a type change"}
			out = append(out, *f)
		}
	}
	return out, nil
}

// gravitonEngines run on Graviton classes; commercial engines do not.
var gravitonEngines = map[string]bool{
	pricing.EngineMySQL: true, pricing.EnginePostgres: true, pricing.EngineAuroraMySQL: true, pricing.EngineAuroraPostgreSQL: true,
}

func (z *resizer) database(ctx context.Context, r inventory.Record, th config.CostThresholds, nd *[]NoData) ([]Finding, error) {
	cur, ok := parseType(str(r, "instance_class"))
	if !ok {
		return nil, nil
	}
	engine := str(r, "engine")
	dep, _, err := estimate.RDSInstanceDeployment(r)
	if err != nil {
		// Unpriced engine or deployment: nothing to compare with.
		return nil, nil
	}
	peak, candidate := peakCPU(r, th, "rightsizing", nd)
	if !candidate {
		return nil, nil
	}
	k := [2]string{r.Region, engine}
	classes, ok := z.rdsClasses[k]
	if !ok {
		if classes, err = z.p.RDSClasses(ctx, r.Region, engine); err != nil && !errors.Is(err, pricing.ErrNoPrice) {
			return nil, err
		}
		z.rdsClasses[k] = classes
	}
	price := func(c string) (estimate.Estimate, error) {
		return estimate.RDSMonthly(ctx, z.p, r.Region, engine, c, dep)
	}
	reason := fmt.Sprintf("peak CPU %.1f%% over 14 days (under rightsize_max_cpu_percent %g%%)", peak, th.RightsizeMaxCPUPercent)
	var out []Finding
	if c, ok := downsize(cur, classes); ok {
		f, err := resize(r, Downsize, cur.String(), c, reason, price)
		if err != nil {
			return nil, err
		}
		if f != nil {
			f.Caveats = []string{"applies in the next maintenance window (or at once with --apply-immediately); Multi-AZ fails over, single-AZ restarts",
				"freeable memory: the smaller class has less"}
			out = append(out, *f)
		}
	}
	if gravitonEngines[engine] {
		f, err := graviton(r, cur, gravitonCandidates(cur, classes), reason, price)
		if err != nil {
			return nil, err
		}
		if f != nil {
			f.Caveats = []string{"the engine version supports the Graviton class; the change restarts the instance"}
			out = append(out, *f)
		}
	}
	return out, nil
}

// resize builds a finding from current to target priced with price; nil
// when either is unpriced or the target is not cheaper.
func resize(r inventory.Record, kind, current, target, reason string, price func(string) (estimate.Estimate, error)) (*Finding, error) {
	peak, _ := num(r, "cpu_max_14d")
	evidence := fmt.Sprintf("peak CPU %.1f%% over 14 days", peak)
	c, err := price(current)
	if err != nil {
		return nil, ignoreNoPrice(err)
	}
	t, err := price(target)
	if err != nil {
		return nil, ignoreNoPrice(err)
	}
	saving := round2(c.Monthly - t.Monthly)
	if saving <= 0 {
		return nil, nil
	}
	return &Finding{Resource: resourceOf(r), Kind: kind, Action: "resize", Reason: reason, Evidence: evidence,
		Current: current, Target: target, CurrentMonthlyUSD: ptr(round2(c.Monthly)), TargetMonthlyUSD: ptr(round2(t.Monthly)),
		MonthlySavingsUSD: ptr(saving), Basis: t.Source}, nil
}

// graviton picks the cheapest priced candidate that is cheaper than now.
func graviton(r inventory.Record, cur instanceType, cands []string, reason string, price func(string) (estimate.Estimate, error)) (*Finding, error) {
	var best *Finding
	for _, c := range cands {
		f, err := resize(r, Graviton, cur.String(), c, reason+"; same size on Graviton (arm64)", price)
		if err != nil {
			return nil, err
		}
		if f != nil && (best == nil || f.Saving() > best.Saving()) {
			best = f
		}
	}
	return best, nil
}

func ignoreNoPrice(err error) error {
	if errors.Is(err, pricing.ErrNoPrice) {
		return nil
	}
	return err
}
