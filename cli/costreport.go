package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/cost"
)

func newCostReport(g *globals) *cobra.Command {
	var (
		cf      costFlags
		output  string
		tagKeys []string
	)
	cmd := &cobra.Command{
		Use:   "cost-report --output FILE.csv",
		Short: "Write the cost report for finance: one CSV row per resource with its estimate and savings",
		Long: `cost-report writes one row per live resource: account, department, region,
type, id and name; the estimated monthly and yearly cost with its basis (or,
when unpriced, an empty cost and the reason, never 0); the idle finding and
its saving; the best rightsizing target and its saving; the potential saving
counted for the resource (the larger of the two, so the column sums to the
total potential savings of 'inventory cost') and the recommended action;
every tag as KEY=VALUE;…, then one tag:KEY column per tag key (or those of
--tag) for pivot tables.

Amounts are USD with two decimals, no currency sign. Cells that start with
= + - or @ get a leading apostrophe so a spreadsheet shows them as text.`,
		Example: `  inventory cost-report --output monthly-costs-$(date +%Y%m).csv
  inventory cost-report --output - --tag CostCenter --tag Project | head`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output == "" {
				return usagef("--output is required (a .csv file, or - for standard output)")
			}
			in, err := cf.loadCost(cmd, g)
			if err != nil {
				return err
			}
			defer in.close()
			a, err := in.analyze(cmd, cost.DefaultTop, "")
			if err != nil {
				return err
			}
			in.note(g)
			write := func(w io.Writer) error { return cost.WriteReport(w, in.recs, a, tagKeys) }
			if output == "-" {
				return write(g.stdout)
			}
			if err := writeFileAtomic(output, write); err != nil {
				return fmt.Errorf("cost report to %s: %w", output, err)
			}
			fmt.Fprintf(g.stderr, "wrote %d resources to %s: %s estimated, %s potential savings, %d unpriced\n",
				a.Resources, output, usdMonth(a.MonthlyUSD), usdMonth(a.Savings.MonthlyUSD), a.Unpriced.Count)
			return nil
		},
	}
	cf.add(cmd)
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "", "CSV file to write (- for standard output)")
	f.StringArrayVar(&tagKeys, "tag", nil, "a tag:KEY column for this tag key (repeatable; default: every tag key found)")
	return cmd
}

// writeFileAtomic writes beside the target and renames, so an interrupted
// report never leaves a truncated file where a good one was.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".inventory-cost-report-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
