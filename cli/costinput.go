package main

import (
	"fmt"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/cost"
	"github.com/cloudinv/aws-inventory/shared/estimate"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// costFlags are shared by cost, cost-report and optimize: where hypothetical
// prices come from and where the thresholds come from.
type costFlags struct {
	prices string
	config string
}

func (c *costFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&c.prices, "prices", "snapshot", "prices for rightsizing targets and for resources stored without an estimate:\nsnapshot (the bundled 2025-11 price list, no AWS call) or api (the AWS Price List API,\nwith the store's 7-day price cache, falling back to the snapshot)")
	f.StringVar(&c.config, "config", "", "read cost_thresholds from this accounts config file (default: the built-in\nthresholds: idle 30 days, stale 90 days, low CPU 5%, rightsizing peak CPU 40%, expensive $100/month)")
}

// costInput is what the cost commands analyse.
type costInput struct {
	recs       []inventory.Record
	prices     pricing.Prices
	thresholds config.CostThresholds
	// repriced counts the records stored without any estimate (collected
	// before estimates existed) that were priced now; stillUnpriced of them
	// could not be.
	repriced, stillUnpriced int
	// st stays open while the API prices may read their cache from it.
	st store.Store
}

func (in *costInput) close() { in.st.Close() }

// loadCost reads the live records from the selected store and the prices
// and thresholds. Records keep the estimate stored with them; only those
// with none at all (no cost, no basis) are estimated here, so a store
// written before the pipeline priced records still gets an analysis. The
// caller closes the input when done.
func (c *costFlags) loadCost(cmd *cobra.Command, g *globals) (*costInput, error) {
	in := &costInput{thresholds: config.Default().CostThresholds}
	if c.prices != "snapshot" && c.prices != "api" {
		return nil, usagef("--prices %q: expected snapshot or api", c.prices)
	}
	if c.config != "" {
		cfg, err := config.Load(c.config)
		if err != nil {
			return nil, err
		}
		in.thresholds = cfg.CostThresholds
	}
	st, err := openReadStore(cmd, g)
	if err != nil {
		return nil, err
	}
	in.st = st
	ok := false
	defer func() {
		if !ok {
			st.Close()
		}
	}()
	in.prices = pricing.Snapshot()
	if c.prices == "api" {
		awsCfg, err := awsconfig.LoadDefaultConfig(cmd.Context())
		if err != nil {
			return nil, fmt.Errorf("--prices api: AWS configuration: %w", err)
		}
		// The cache is read from the store; writes fail quietly on a
		// read-only store and the prices are fetched again next time.
		in.prices = pricing.NewAPI(pricing.NewClient(awsCfg), pricing.Snapshot(), pricing.StoreCache{Store: st}, pricing.APIOptions{})
	}
	in.recs, err = st.Query(cmd.Context(), store.Filter{})
	if err != nil {
		return nil, err
	}
	var never []int
	for i, r := range in.recs {
		if r.EstimatedMonthlyCost == nil && r.CostBasis == "" {
			never = append(never, i)
		}
	}
	if len(never) > 0 {
		batch := make([]inventory.Record, len(never))
		for j, i := range never {
			batch[j] = in.recs[i]
		}
		_, in.stillUnpriced = estimate.Apply(cmd.Context(), in.prices, batch)
		for j, i := range never {
			in.recs[i] = batch[j]
		}
		in.repriced = len(never)
	}
	ok = true
	return in, nil
}

// analyze runs the analysis of the loaded records.
func (in *costInput) analyze(cmd *cobra.Command, top int, groupBy string) (cost.Analysis, error) {
	return cost.Analyze(cmd.Context(), in.recs, in.prices, in.thresholds, cost.Options{Top: top, GroupBy: groupBy})
}

// note tells, on standard error, that some records were priced now rather
// than at collection.
func (in *costInput) note(g *globals) {
	if in.repriced > 0 {
		fmt.Fprintf(g.stderr, "note: %d resources were stored without an estimate (collected before cost estimates); priced now, %d of them could not be\n",
			in.repriced, in.stillUnpriced)
	}
}
