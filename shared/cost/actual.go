package cost

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Actual spend from Cost Explorer, beside the estimates, shows what the
// inventory does not explain (data transfer, snapshots, services not
// collected, discounts). It is off by default: Cost Explorer charges $0.01
// for every API request, paginated pages included.

// CostExplorerRegion is the region of Cost Explorer's API endpoint (the
// service is global; the endpoint lives in us-east-1).
const CostExplorerRegion = "us-east-1"

// CostExplorerRequestUSD is what AWS charges per Cost Explorer API request.
const CostExplorerRequestUSD = 0.01

// SpendMetric is the figure read: unblended cost, what the month billed at
// the rates actually charged (closest to on-demand list-price estimates).
const SpendMetric = "UnblendedCost"

// CostExplorerAPI is the one Cost Explorer call made.
type CostExplorerAPI interface {
	GetCostAndUsage(ctx context.Context, in *costexplorer.GetCostAndUsageInput, optFns ...func(*costexplorer.Options)) (*costexplorer.GetCostAndUsageOutput, error)
}

// NewCostExplorer makes a Cost Explorer client from cfg, on its us-east-1
// endpoint whatever region cfg names.
func NewCostExplorer(cfg aws.Config) *costexplorer.Client {
	return costexplorer.NewFromConfig(cfg, func(o *costexplorer.Options) { o.Region = CostExplorerRegion })
}

// Spend is a month of actual spend by linked account and service.
type Spend struct {
	Start string `json:"start"` // first day, YYYY-MM-DD
	End   string `json:"end"`   // the day after the last, YYYY-MM-DD (exclusive, as Cost Explorer takes it)
	// Metric is SpendMetric; Estimated is true while AWS still calls the
	// month's figures estimated.
	Metric    string      `json:"metric"`
	Estimated bool        `json:"estimated"`
	Rows      []SpendLine `json:"rows"`
	// Requests is how many (paid) requests it took.
	Requests int `json:"requests"`
	// accountNames are Cost Explorer's names for the linked accounts.
	accountNames map[string]string
}

// LastFullMonth is the calendar month before now's (UTC): [start, end).
func LastFullMonth(now time.Time) (start, end time.Time) {
	now = now.UTC()
	end = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return end.AddDate(0, -1, 0), end
}

// FetchSpend reads the last full month's unblended cost grouped by
// LINKED_ACCOUNT and SERVICE, following NextPageToken.
func FetchSpend(ctx context.Context, api CostExplorerAPI, now time.Time) (Spend, error) {
	start, end := LastFullMonth(now)
	s := Spend{Start: start.Format(time.DateOnly), End: end.Format(time.DateOnly), Metric: SpendMetric, accountNames: map[string]string{}}
	in := &costexplorer.GetCostAndUsageInput{
		TimePeriod:  &cetypes.DateInterval{Start: aws.String(s.Start), End: aws.String(s.End)},
		Granularity: cetypes.GranularityMonthly,
		Metrics:     []string{SpendMetric},
		GroupBy: []cetypes.GroupDefinition{
			{Type: cetypes.GroupDefinitionTypeDimension, Key: aws.String(string(cetypes.DimensionLinkedAccount))},
			{Type: cetypes.GroupDefinitionTypeDimension, Key: aws.String(string(cetypes.DimensionService))},
		},
	}
	sums := map[[2]string]float64{}
	for {
		out, err := api.GetCostAndUsage(ctx, in)
		s.Requests++
		if err != nil {
			return Spend{}, fmt.Errorf("cost explorer GetCostAndUsage %s to %s: %w", s.Start, s.End, err)
		}
		for _, rt := range out.ResultsByTime {
			s.Estimated = s.Estimated || rt.Estimated
			for _, g := range rt.Groups {
				if len(g.Keys) != 2 {
					continue
				}
				m, ok := g.Metrics[SpendMetric]
				if !ok || m.Amount == nil {
					continue
				}
				if u := aws.ToString(m.Unit); u != "" && u != "USD" {
					return Spend{}, fmt.Errorf("cost explorer answered %s in %s, expected USD", SpendMetric, u)
				}
				amt, err := strconv.ParseFloat(*m.Amount, 64)
				if err != nil {
					return Spend{}, fmt.Errorf("cost explorer amount %q: %w", *m.Amount, err)
				}
				sums[[2]string{g.Keys[0], g.Keys[1]}] += amt
			}
		}
		for _, d := range out.DimensionValueAttributes {
			if name := d.Attributes["description"]; name != "" && d.Value != nil {
				s.accountNames[*d.Value] = name
			}
		}
		if aws.ToString(out.NextPageToken) == "" {
			break
		}
		in.NextPageToken = out.NextPageToken
	}
	for k, v := range sums {
		s.Rows = append(s.Rows, SpendLine{AccountID: k[0], Service: k[1], ActualUSD: ptr(round2(v))})
	}
	sortSpend(s.Rows)
	return s, nil
}

// Services are Cost Explorer's SERVICE names for what each resource type
// bills as. EBS volumes bill under "EC2 - Other" and public IPv4 addresses
// under Amazon VPC, beside things the inventory does not collect (NAT
// gateways, snapshots, data transfer) — the difference column shows those.
var Services = map[string]string{
	inventory.EC2Instance:    "Amazon Elastic Compute Cloud - Compute",
	inventory.EBSVolume:      "EC2 - Other",
	inventory.ElasticIP:      "Amazon Virtual Private Cloud",
	inventory.RDSInstance:    "Amazon Relational Database Service",
	inventory.RDSCluster:     "Amazon Relational Database Service",
	inventory.S3Bucket:       "Amazon Simple Storage Service",
	inventory.LambdaFunction: "AWS Lambda",
}

// SpendLine is one account and service (Service "" for the account's
// total): the estimate, the actual spend and actual minus estimate. A nil
// means none: no estimate for a service the inventory does not collect, no
// actual for one Cost Explorer did not bill.
type SpendLine struct {
	AccountID    string   `json:"account_id"`
	AccountName  string   `json:"account_name,omitempty"`
	Service      string   `json:"service,omitempty"`
	EstimatedUSD *float64 `json:"estimated_usd"`
	ActualUSD    *float64 `json:"actual_usd"`
	DiffUSD      *float64 `json:"difference_usd"`
}

// SpendComparison puts estimates and actual spend side by side.
type SpendComparison struct {
	Spend    Spend       `json:"spend"`
	Accounts []SpendLine `json:"accounts"`
	Services []SpendLine `json:"services"`
	Total    SpendLine   `json:"total"`
	// Note says what the comparison can and cannot show.
	Note string `json:"note"`
}

// CompareSpend sets the estimates of recs (live, priced records) against s
// per account and per account and service. The estimates are a 730-hour
// month of the current inventory; the actual is last month's bill, so a
// resource created or deleted during the month differs by itself.
func CompareSpend(recs []inventory.Record, s Spend) SpendComparison {
	est := map[[2]string]float64{}
	names := map[string]string{}
	for _, r := range recs {
		names[r.AccountID] = r.AccountName
		if r.DeletedAt != nil || r.EstimatedMonthlyCost == nil {
			continue
		}
		if svc, ok := Services[r.ResourceType]; ok {
			est[[2]string{r.AccountID, svc}] += *r.EstimatedMonthlyCost
		}
	}
	act := map[[2]string]float64{}
	for _, l := range s.Rows {
		act[[2]string{l.AccountID, l.Service}] += *l.ActualUSD
	}
	name := func(id string) string {
		if n := names[id]; n != "" {
			return n
		}
		return s.accountNames[id]
	}
	keys := map[[2]string]bool{}
	for k := range est {
		keys[k] = true
	}
	for k := range act {
		keys[k] = true
	}
	c := SpendComparison{Spend: s, Total: SpendLine{},
		Note: "estimates are a 730-hour month of today's inventory at on-demand list prices; actual is " + s.Metric + " for " + s.Start + " to " + s.End + " (end exclusive), after any discounts, including what the inventory does not collect"}
	acctEst, acctAct := map[string]*float64{}, map[string]*float64{}
	var totEst, totAct *float64
	add := func(dst **float64, v float64) {
		if *dst == nil {
			*dst = new(float64)
		}
		**dst += v
	}
	for k := range keys {
		l := SpendLine{AccountID: k[0], AccountName: name(k[0]), Service: k[1]}
		if v, ok := est[k]; ok {
			l.EstimatedUSD = ptr(round2(v))
			add(&totEst, v)
			e := acctEst[k[0]]
			add(&e, v)
			acctEst[k[0]] = e
		}
		if v, ok := act[k]; ok {
			l.ActualUSD = ptr(round2(v))
			add(&totAct, v)
			a := acctAct[k[0]]
			add(&a, v)
			acctAct[k[0]] = a
		}
		l.DiffUSD = diff(l.EstimatedUSD, l.ActualUSD)
		c.Services = append(c.Services, l)
	}
	accounts := map[string]bool{}
	for k := range keys {
		accounts[k[0]] = true
	}
	for id := range accounts {
		l := SpendLine{AccountID: id, AccountName: name(id), EstimatedUSD: rounded(acctEst[id]), ActualUSD: rounded(acctAct[id])}
		l.DiffUSD = diff(l.EstimatedUSD, l.ActualUSD)
		c.Accounts = append(c.Accounts, l)
	}
	c.Total = SpendLine{EstimatedUSD: rounded(totEst), ActualUSD: rounded(totAct)}
	c.Total.DiffUSD = diff(c.Total.EstimatedUSD, c.Total.ActualUSD)
	sortSpend(c.Services)
	sortSpend(c.Accounts)
	return c
}

// diff is actual minus estimate; with one side missing it is the other
// side's whole amount (unexplained spend, or an estimate nothing billed).
func diff(est, act *float64) *float64 {
	switch {
	case est == nil && act == nil:
		return nil
	case est == nil:
		return ptr(round2(*act))
	case act == nil:
		return ptr(round2(-*est))
	}
	return ptr(round2(*act - *est))
}

func rounded(f *float64) *float64 {
	if f == nil {
		return nil
	}
	return ptr(round2(*f))
}

// sortSpend orders by account, then the larger amount (actual, else
// estimate) first, then service.
func sortSpend(ls []SpendLine) {
	size := func(l SpendLine) float64 {
		v := 0.0
		if l.ActualUSD != nil {
			v = *l.ActualUSD
		}
		if l.EstimatedUSD != nil {
			v = math.Max(v, *l.EstimatedUSD)
		}
		return v
	}
	sort.SliceStable(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		if size(a) != size(b) {
			return size(a) > size(b)
		}
		return a.Service < b.Service
	})
}
