package main

import (
	"fmt"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/cost"
	"github.com/cloudinv/aws-inventory/shared/money"
)

// costJSON is `inventory cost --format json`: the analysis, plus the
// comparison with Cost Explorer when --actual asked for it.
type costJSON struct {
	cost.Analysis
	Actual *cost.SpendComparison `json:"actual,omitempty"`
}

func newCost(g *globals) *cobra.Command {
	var (
		cf      costFlags
		top     int
		groupBy string
		format  string
		actual  bool
	)
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "Show estimated spend, where it goes, and what to change to save how much",
		Long: `cost analyses the estimated monthly cost of the live inventory: the monthly
total and yearly projection, a breakdown (by account unless --group-by says
otherwise, and by resource type), the most expensive resources, idle
resources and rightsizing candidates each with its monthly saving, and the
total potential savings. Resources without a price are counted and listed
with the reason, never added as $0.

Estimates are on-demand list prices for a 730-hour month (see each
resource's cost_basis). A resource with both an idle and a rightsizing
option counts once in the savings, with the larger.

Idle rules (thresholds from cost_thresholds in --config): EC2 stopped more
than idle_resource_days (saving: its volumes), running EC2 averaging under
low_cpu_percent CPU over 14 days, RDS with no connections in 7 days,
unattached EBS volumes, unassociated Elastic IPs, S3 buckets empty and older
than stale_resource_days, Lambda functions invoked fewer than 10 times in 30
days. Rightsizing: EC2 and RDS whose 14-day peak CPU is under
rightsize_max_cpu_percent, one size down in the family and the same size on
Graviton where that exists in the region and is cheaper. A resource missing
the metric a rule needs is listed as "no data", not flagged.

--actual also reads last month's actual spend from AWS Cost Explorer
(GetCostAndUsage by linked account and service, from the management or a
delegated account) and shows it beside the estimates with the difference.
It is off by default because AWS charges $0.01 for each Cost Explorer
request (one, or a few for large organizations).`,
		Example: `  inventory cost
  inventory cost --group-by department --top 20
  inventory cost --group-by tag:CostCenter
  inventory cost --format json | jq '.savings'
  AWS_PROFILE=management inventory cost --actual`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return usagef("--format %q: expected table or json", format)
			}
			if top < 1 {
				return usagef("--top %d: expected 1 or more", top)
			}
			if _, err := cost.ParseGroupBy(groupBy); err != nil {
				return usagef("--group-by: %v", err)
			}
			in, err := cf.loadCost(cmd, g)
			if err != nil {
				return err
			}
			defer in.close()
			a, err := in.analyze(cmd, top, groupBy)
			if err != nil {
				return err
			}
			in.note(g)
			out := costJSON{Analysis: a}
			if actual {
				cmp, err := actualSpend(cmd, in)
				if err != nil {
					return err
				}
				out.Actual = &cmp
			}
			if format == "json" {
				return writeJSON(g.stdout, out)
			}
			printCost(g.stdout, out, groupBy, top)
			return nil
		},
	}
	cf.add(cmd)
	f := cmd.Flags()
	f.IntVar(&top, "top", cost.DefaultTop, "list this many of the most expensive resources (and of each finding list)")
	f.StringVar(&groupBy, "group-by", cost.ByAccount, "breakdown: account, department, region, type or tag:KEY (such as tag:CostCenter)")
	f.StringVar(&format, "format", "table", "output format: table or json")
	f.BoolVar(&actual, "actual", false, "also show last month's actual spend from Cost Explorer beside the estimates\n(AWS charges $0.01 per Cost Explorer request)")
	return cmd
}

// actualSpend reads last month's bill from Cost Explorer with the standard
// AWS credentials and compares it with the estimates.
func actualSpend(cmd *cobra.Command, in *costInput) (cost.SpendComparison, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(cmd.Context())
	if err != nil {
		return cost.SpendComparison{}, fmt.Errorf("--actual: AWS configuration: %w", err)
	}
	spend, err := cost.FetchSpend(cmd.Context(), cost.NewCostExplorer(awsCfg), time.Now())
	if err != nil {
		return cost.SpendComparison{}, fmt.Errorf("--actual: %w (Cost Explorer needs ce:GetCostAndUsage, from the management account for every linked account)", err)
	}
	return cost.CompareSpend(in.recs, spend), nil
}

// usdMonth is "$1,234.56/month".
func usdMonth(f float64) string { return money.USD(f) + "/month" }
