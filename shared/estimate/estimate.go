// Package estimate prices one inventory record at a time: a monthly cost
// (730 hours, AWS's convention) with the basis it rests on and the parts it
// is made of, so a reader can redo the sum by hand.
//
// The rule throughout: a resource whose price is not fully known is
// unpriced (an error wrapping pricing.ErrNoPrice that says what is missing),
// never priced at zero and never partly priced without saying so. A zero is
// only returned when AWS really charges nothing (a stopped instance's
// compute, a security group, an empty bucket), and the basis says why.
//
// What the estimates leave out, on purpose: data transfer, requests to S3,
// Aurora I/O requests, snapshots and backups (not collected), free tiers
// (they are per account, not per resource), Reserved Instances and Savings
// Plans (on-demand list prices only), and the public IPv4 charge of an
// instance's auto-assigned address (an Elastic IP carries its own charge on
// its elastic_ip record).
package estimate

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// HoursPerMonth is the month every estimate is for: 730 hours.
const HoursPerMonth = pricing.HoursPerMonth

// Estimate is one resource's monthly cost.
type Estimate struct {
	// Monthly is the sum of Parts, in USD.
	Monthly float64
	// Basis is the price source(s) followed by how the figure was made,
	// e.g. "snapshot-2025-11: compute m5.large Linux on-demand $0.096/h × 730 h".
	// It is what inventory.Record.CostBasis carries.
	Basis string
	// Source is the price source(s) alone ("snapshot-2025-11",
	// "pricing-api 2026-11-26"), "" when no price was needed (a stopped
	// instance, a security group).
	Source string
	// Parts are the components (compute, storage, iops, throughput,
	// requests, duration, public_ipv4 …), each with its own arithmetic.
	Parts []Part
}

// Part is one component of an estimate.
type Part struct {
	Name    string
	Monthly float64
	// Detail is the arithmetic or the reason, e.g. "500 GB × $0.08/GB-month".
	Detail string
}

// estimator prices one resource type.
type estimator func(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error)

var estimators = map[string]estimator{
	inventory.EC2Instance:    ec2Instance,
	inventory.EBSVolume:      ebsVolume,
	inventory.ElasticIP:      elasticIP,
	inventory.SecurityGroup:  securityGroup,
	inventory.RDSInstance:    rdsInstance,
	inventory.RDSCluster:     rdsCluster,
	inventory.S3Bucket:       s3Bucket,
	inventory.LambdaFunction: lambdaFunction,

	inventory.EBSDefaultEncryption:       free("an EC2 account setting"),
	inventory.S3AccountPublicAccessBlock: free("an S3 account setting"),
	inventory.IAMAccount:                 free("IAM is free"),
	inventory.IAMUser:                    free("IAM is free"),
	inventory.GuardDutyDetector:          guardDuty,
	inventory.EBSSnapshot: unbillable("EBS snapshot",
		"snapshots are billed by the changed blocks they store (incremental), which DescribeSnapshots does not report"),
	inventory.RDSSnapshot: unbillable("RDS snapshot",
		"manual snapshots are billed by the incremental storage they keep, which RDS does not report"),
	inventory.CloudTrailTrail: unbillable("CloudTrail trail",
		"the first copy of management events is free; other events are billed per event, which is not collected"),
}

// Record estimates one record by its resource type. A deleted record costs
// nothing any more and says so. An error wrapping pricing.ErrNoPrice means
// unpriced; its message is the reason.
func Record(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error) {
	if r.DeletedAt != nil {
		return Estimate{Basis: "deleted " + r.DeletedAt.UTC().Format("2006-01-02") + ": no longer billed"}, nil
	}
	est, ok := estimators[r.ResourceType]
	if !ok {
		return Estimate{}, noPrice("resource type "+r.ResourceType, r.Region, "no estimator for this resource type")
	}
	return est(ctx, p, r)
}

// Apply estimates every record in place: EstimatedMonthlyCost and
// CostBasis on a priced one, a nil cost and "unpriced: <reason>" on the
// rest. It never stops on an unpriced record; the counts tell how many of
// each there were. Any other error (a live source failing with no
// fallback) also leaves the record unpriced, with that error as the reason:
// a figure that could not be made is not a figure.
func Apply(ctx context.Context, p pricing.Prices, recs []inventory.Record) (priced, unpriced int) {
	for i := range recs {
		r := &recs[i]
		e, err := Record(ctx, p, *r)
		if err != nil {
			r.EstimatedMonthlyCost, r.CostBasis = nil, "unpriced: "+err.Error()
			unpriced++
			continue
		}
		m := e.Monthly
		r.EstimatedMonthlyCost, r.CostBasis = &m, e.Basis
		priced++
	}
	return priced, unpriced
}

// noPrice says what has no price, where and why, in the pricing package's
// words ("no price for X in region: why"), wrapping pricing.ErrNoPrice.
func noPrice(what, region, why string) error {
	return fmt.Errorf("%w for %s in %s: %s", pricing.ErrNoPrice, what, region, why)
}

// builder collects an estimate's parts, sources and notes.
type builder struct {
	sources []string
	parts   []Part
	notes   []string
}

// source records a price source once.
func (b *builder) source(s string) {
	for _, have := range b.sources {
		if have == s {
			return
		}
	}
	b.sources = append(b.sources, s)
}

func (b *builder) part(name string, monthly float64, detail string) {
	b.parts = append(b.parts, Part{Name: name, Monthly: round(monthly), Detail: detail})
}

// note adds a remark to the basis that belongs to no single part.
func (b *builder) note(s string) { b.notes = append(b.notes, s) }

func (b *builder) estimate() Estimate {
	var total float64
	details := make([]string, 0, len(b.parts)+len(b.notes))
	for _, p := range b.parts {
		total += p.Monthly
		details = append(details, p.Name+" "+p.Detail)
	}
	details = append(details, b.notes...)
	src := strings.Join(b.sources, " + ")
	basis := strings.Join(details, "; ")
	if src != "" {
		basis = src + ": " + basis
	}
	return Estimate{Monthly: round(total), Basis: basis, Source: src, Parts: b.parts}
}

// round drops float noise (0.096 × 730 = 70.08000000000001) without
// rounding away precision a sum of many small resources needs.
func round(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// usd renders a rate the way the price data states it ($0.096,
// $0.0000133334), never in exponent form.
func usd(x float64) string { return "$" + trimFloat(x) }

// trimFloat prints a number plainly with at most 8 significant digits, so
// float noise (0.012499999999999999) reads as the figure it is (0.0125).
func trimFloat(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 8, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}
