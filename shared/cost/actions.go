package cost

import (
	"fmt"
	"sort"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/money"
)

// Action is one change for one resource: the option with the largest saving
// (the one counted in the totals), the commands that make it, and the other
// options on the same resource as alternatives.
type Action struct {
	Finding
	// Summary says what, where and how much in one line.
	Summary      string   `json:"summary"`
	Alternatives []string `json:"alternatives,omitempty"`
}

// Actions lists one action per resource with findings, ordered by saving
// (largest first; unknown savings last), keeping those saving at least
// minSavings a month. With minSavings above zero an action whose saving is
// unknown is left out: it cannot be shown to reach the bar.
func Actions(a Analysis, minSavings float64) []Action {
	byRes := map[inventory.Key][]Finding{}
	var order []inventory.Key
	for _, f := range append(append([]Finding{}, a.Idle...), a.Rightsizing...) {
		k := f.Resource.Key()
		if byRes[k] == nil {
			order = append(order, k)
		}
		byRes[k] = append(byRes[k], f)
	}
	var out []Action
	for _, k := range order {
		fs := byRes[k]
		pick := 0
		for i, f := range fs {
			if f.Counted {
				pick = i
			}
		}
		main := fs[pick]
		if minSavings > 0 && (main.MonthlySavingsUSD == nil || main.Saving() < minSavings) {
			continue
		}
		act := Action{Finding: main, Summary: summary(main)}
		for i, f := range fs {
			if i != pick {
				act.Alternatives = append(act.Alternatives, summary(f))
			}
		}
		out = append(out, act)
	}
	sort.SliceStable(out, func(i, j int) bool { return findingLess(out[i].Finding, out[j].Finding) })
	return out
}

// summary is "Stop i-0abc (web-01): average CPU 2.1% …, saves $70.08/month".
func summary(f Finding) string {
	var what string
	r := f.Resource
	switch f.Kind {
	case StoppedInstance:
		what = "Terminate stopped instance " + r.Label()
	case LowCPUInstance:
		what = "Stop instance " + r.Label()
	case IdleDatabase:
		what = "Delete idle database " + r.Label()
	case UnattachedVolume:
		what = "Delete unattached volume " + r.Label()
	case UnassociatedIP:
		what = "Release Elastic IP " + r.Label()
	case EmptyBucket:
		what = "Delete empty bucket " + r.Label()
	case UnusedFunction:
		what = "Delete unused function " + r.Label()
	case Downsize:
		what = fmt.Sprintf("Downsize %s from %s to %s", r.Label(), f.Current, f.Target)
	case Graviton:
		what = fmt.Sprintf("Move %s from %s to Graviton %s", r.Label(), f.Current, f.Target)
	default:
		what = f.Kind + " " + r.Label()
	}
	save := "saving unknown (unpriced)"
	if f.MonthlySavingsUSD != nil {
		save = "saves " + money.USD(*f.MonthlySavingsUSD) + "/month"
	}
	return what + ": " + f.Reason + "; " + save
}
