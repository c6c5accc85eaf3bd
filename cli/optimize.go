package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/cost"
	"github.com/cloudinv/aws-inventory/shared/money"
)

// optimizeJSON is `inventory optimize --format json`.
type optimizeJSON struct {
	DryRun            bool          `json:"dry_run"`
	MinSavingsUSD     float64       `json:"min_savings_usd"`
	Bases             []string      `json:"bases"`
	Actions           []cost.Action `json:"actions"`
	MonthlySavingsUSD float64       `json:"monthly_savings_usd"`
	YearlySavingsUSD  float64       `json:"yearly_savings_usd"`
}

func newOptimize(g *globals) *cobra.Command {
	var (
		cf         costFlags
		dryRun     bool
		minSavings float64
		format     string
	)
	cmd := &cobra.Command{
		Use:   "optimize",
		Short: "Print the changes that save money, largest saving first, as AWS CLI commands (dry run)",
		Long: `optimize turns the idle and rightsizing findings of 'inventory cost' into
concrete actions, one per resource (the option with the larger saving; the
others are shown as alternatives), ordered by monthly saving, each with the
equivalent AWS CLI commands (with --region, and the account in a comment).

Dry run is the default and the only mode: nothing is changed. Applying the
actions is out of scope: the inventory assumes read-only roles in every
account, by design, and changing resources would need a separate, explicitly
named write role and a confirmation per action. Review the commands, check
the caveats (an image before terminating, memory before downsizing, arm64
builds before Graviton) and run them with credentials for each account.`,
		Example: `  inventory optimize
  inventory optimize --dry-run --min-savings 50
  inventory optimize --format json | jq -r '.actions[].commands[]'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !dryRun {
				return usagef("--dry-run=false: applying actions is out of scope; the inventory's roles are read-only by design " +
					"(a write role and a confirmation would be needed). Review the printed commands and run them yourself")
			}
			if format != "table" && format != "json" {
				return usagef("--format %q: expected table or json", format)
			}
			if minSavings < 0 {
				return usagef("--min-savings %g: expected a USD amount of 0 or more", minSavings)
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
			acts := cost.Actions(a, minSavings)
			out := optimizeJSON{DryRun: true, MinSavingsUSD: minSavings, Bases: a.Bases, Actions: acts}
			if out.Actions == nil {
				out.Actions = []cost.Action{}
			}
			for _, x := range acts {
				out.MonthlySavingsUSD += x.Saving()
			}
			out.MonthlySavingsUSD = float64(int64(out.MonthlySavingsUSD*100+0.5)) / 100
			out.YearlySavingsUSD = float64(int64(out.MonthlySavingsUSD*cost.MonthsPerYear*100+0.5)) / 100
			if format == "json" {
				return writeJSON(g.stdout, out)
			}
			printOptimize(g.stdout, out)
			return nil
		},
	}
	cf.add(cmd)
	f := cmd.Flags()
	f.BoolVar(&dryRun, "dry-run", true, "print the actions without changing anything (the default, and the only mode)")
	f.Float64Var(&minSavings, "min-savings", 0, "only actions saving at least this many USD a month")
	f.StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

func printOptimize(w io.Writer, o optimizeJSON) {
	bar := ""
	if o.MinSavingsUSD > 0 {
		bar = ", each saving at least " + usdMonth(o.MinSavingsUSD)
	}
	fmt.Fprintf(w, "Optimization plan (dry run: nothing is changed) — %d actions saving %s (%s/year)%s\n",
		len(o.Actions), usdMonth(o.MonthlySavingsUSD), money.USD(o.YearlySavingsUSD), bar)
	if len(o.Bases) > 0 {
		fmt.Fprintf(w, "Prices: %s (on-demand list prices, 730-hour month)\n", strings.Join(o.Bases, ", "))
	}
	if len(o.Actions) == 0 {
		fmt.Fprintln(w, "\nNothing to do at this bar.")
		return
	}
	for i, x := range o.Actions {
		fmt.Fprintf(w, "\n%d. %s\n", i+1, x.Summary)
		for _, c := range x.Commands {
			fmt.Fprintf(w, "   %s\n", c)
		}
		for _, c := range x.Caveats {
			fmt.Fprintf(w, "   check: %s\n", c)
		}
		for _, alt := range x.Alternatives {
			fmt.Fprintf(w, "   alternative: %s\n", alt)
		}
	}
	fmt.Fprintln(w, "\nRun the commands with credentials for each account (the comment line names it). Applying them from")
	fmt.Fprintln(w, "the inventory is out of scope: its roles are read-only by design.")
}
