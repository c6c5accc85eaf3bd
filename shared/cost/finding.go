package cost

import (
	"sort"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Finding kinds: idle rules, then rightsizing.
const (
	StoppedInstance  = "stopped_instance"  // EC2 stopped longer than idle_resource_days
	LowCPUInstance   = "low_cpu_instance"  // running EC2 averaging under low_cpu_percent
	IdleDatabase     = "idle_database"     // RDS instance without connections for 7 days
	UnattachedVolume = "unattached_volume" // EBS volume attached to nothing
	UnassociatedIP   = "unassociated_ip"   // Elastic IP associated with nothing
	EmptyBucket      = "empty_bucket"      // S3 bucket with no objects, older than stale_resource_days
	UnusedFunction   = "unused_function"   // Lambda invoked fewer than 10 times in 30 days
	Downsize         = "downsize"          // one size down in the family
	Graviton         = "graviton"          // same size, Graviton (arm64) family
)

// Finding is one recommendation on one resource.
type Finding struct {
	Resource Resource `json:"resource"`
	Kind     string   `json:"kind"`
	// Reason is the evidence, with the threshold it was held against.
	Reason string `json:"reason"`
	// Evidence is Reason in a few words, for one-line listings
	// ("stopped 45 days", "avg CPU 2.1% over 14 days").
	Evidence string `json:"evidence"`
	// Action says what to do in a word or two: terminate, stop, delete,
	// release, resize.
	Action string `json:"action"`
	// Current and Target are the instance type or DB class of a rightsizing.
	Current string `json:"current,omitempty"`
	Target  string `json:"target,omitempty"`
	// CurrentMonthlyUSD and TargetMonthlyUSD are what the changed part costs
	// before and after (rightsizing: the instance hours).
	CurrentMonthlyUSD *float64 `json:"current_monthly_usd,omitempty"`
	TargetMonthlyUSD  *float64 `json:"target_monthly_usd,omitempty"`
	// MonthlySavingsUSD is nil when the resource (or what its saving is
	// made of) is unpriced: the finding stands, its value is unknown.
	MonthlySavingsUSD *float64 `json:"monthly_savings_usd"`
	Basis             string   `json:"basis,omitempty"`
	// Counted is true for the finding whose saving counts in the totals:
	// of several options on one resource only the largest does, since they
	// cannot all be taken (stopping an instance and also downsizing it
	// saves the stop, not both).
	Counted bool `json:"counted"`
	// Caveats are what to check before acting.
	Caveats []string `json:"caveats,omitempty"`
	// Commands are the AWS CLI lines that make the change, the first a
	// comment naming the account; see commands.go.
	Commands []string `json:"commands"`
	// Related are other resources the action touches (a stopped instance's
	// volumes).
	Related []Resource `json:"related,omitempty"`
}

// Saving returns the monthly saving, 0 when unknown.
func (f Finding) Saving() float64 {
	if f.MonthlySavingsUSD == nil {
		return 0
	}
	return *f.MonthlySavingsUSD
}

// Idle reports whether the finding comes from an idle rule.
func (f Finding) Idle() bool { return f.Kind != Downsize && f.Kind != Graviton }

// Savings totals the counted findings.
type Savings struct {
	MonthlyUSD float64 `json:"monthly_usd"`
	YearlyUSD  float64 `json:"yearly_usd"`
	// IdleMonthlyUSD and RightsizingMonthlyUSD split MonthlyUSD by the kind
	// of the finding counted for each resource.
	IdleMonthlyUSD        float64 `json:"idle_monthly_usd"`
	RightsizingMonthlyUSD float64 `json:"rightsizing_monthly_usd"`
	// Resources is the number of resources with a counted saving.
	Resources int `json:"resources"`
	// Unknown is the number of findings whose saving is not priced.
	Unknown int `json:"unknown"`
}

// countSavings marks, per resource, the finding with the largest known
// saving as Counted (idle before rightsizing on a tie, then by kind), and
// totals those. Findings are modified in place.
func countSavings(idle, rs []Finding) Savings {
	best := map[inventory.Key]*Finding{}
	consider := func(f *Finding) {
		f.Counted = false
		if f.MonthlySavingsUSD == nil {
			return
		}
		k := f.Resource.Key()
		b := best[k]
		if b == nil || better(f, b) {
			best[k] = f
		}
	}
	var s Savings
	for i := range idle {
		consider(&idle[i])
	}
	for i := range rs {
		consider(&rs[i])
	}
	for _, f := range append(append([]Finding{}, idle...), rs...) {
		if f.MonthlySavingsUSD == nil {
			s.Unknown++
		}
	}
	for _, f := range best {
		f.Counted = true
		s.Resources++
		if f.Idle() {
			s.IdleMonthlyUSD += f.Saving()
		} else {
			s.RightsizingMonthlyUSD += f.Saving()
		}
	}
	s.IdleMonthlyUSD = round2(s.IdleMonthlyUSD)
	s.RightsizingMonthlyUSD = round2(s.RightsizingMonthlyUSD)
	s.MonthlyUSD = round2(s.IdleMonthlyUSD + s.RightsizingMonthlyUSD)
	s.YearlyUSD = round2(s.MonthlyUSD * MonthsPerYear)
	return s
}

func better(f, than *Finding) bool {
	if f.Saving() != than.Saving() {
		return f.Saving() > than.Saving()
	}
	if f.Idle() != than.Idle() {
		return f.Idle()
	}
	return f.Kind < than.Kind
}

// sortFindings orders by saving (largest first, unknown last), then kind and
// identity, so equal inputs give byte-identical output.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return findingLess(fs[i], fs[j]) })
}

func findingLess(a, b Finding) bool {
	if (a.MonthlySavingsUSD == nil) != (b.MonthlySavingsUSD == nil) {
		return b.MonthlySavingsUSD == nil
	}
	if a.Saving() != b.Saving() {
		return a.Saving() > b.Saving()
	}
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return keyLess(a.Resource.Key(), b.Resource.Key())
}

func ptr(f float64) *float64 { return &f }
