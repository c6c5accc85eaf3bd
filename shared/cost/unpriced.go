package cost

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/estimate"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// UnpricedGroup counts the unpriced resources of one type that share a
// reason.
type UnpricedGroup struct {
	Type string `json:"resource_type"`
	// Reason is why they have no price ("the price data is Linux only; …");
	// Items says what was looked up ("EC2 t3.medium windows in eu-west-1"),
	// at most five, sorted.
	Reason string   `json:"reason"`
	Items  []string `json:"items,omitempty"`
	Count  int      `json:"count"`
	// Examples are up to three resource IDs, to look one up.
	Examples []string `json:"examples"`
}

// Unpriced summarises the resources without an estimate. Each record's
// full reason is in the CSV report (Analysis.Reason).
type Unpriced struct {
	Count  int             `json:"count"`
	ByType map[string]int  `json:"by_type"`
	Groups []UnpricedGroup `json:"groups"`
}

// noPriceRE splits the estimators' "no price for WHAT in REGION: WHY".
var noPriceRE = regexp.MustCompile(`^no price for (.+?) in ([a-z0-9-]+): (.+)$`)

// unpriced groups the unpriced records by type and reason. The estimator
// leaves "unpriced: <reason>" in CostBasis; a record with no basis at all
// was never estimated (stored before estimates existed), and the estimator
// is asked now what it would say. Reasons are grouped by their "why", so
// forty Windows instances of ten types make one line, not ten.
func unpriced(ctx context.Context, live []inventory.Record, p pricing.Prices, reasons map[inventory.Key]string) Unpriced {
	u := Unpriced{ByType: map[string]int{}, Groups: []UnpricedGroup{}}
	groups := map[[2]string]*UnpricedGroup{}
	items := map[[2]string]map[string]bool{}
	for _, r := range live {
		if r.EstimatedMonthlyCost != nil {
			continue
		}
		reason := unpricedReason(ctx, p, r)
		reasons[r.Key()] = reason
		u.Count++
		u.ByType[r.ResourceType]++
		why, item := reason, ""
		if m := noPriceRE.FindStringSubmatch(reason); m != nil {
			why, item = m[3], m[1]+" in "+m[2]
		}
		k := [2]string{r.ResourceType, why}
		g := groups[k]
		if g == nil {
			g = &UnpricedGroup{Type: r.ResourceType, Reason: why}
			groups[k], items[k] = g, map[string]bool{}
		}
		g.Count++
		if len(g.Examples) < 3 {
			g.Examples = append(g.Examples, r.ResourceID)
		}
		if item != "" {
			items[k][item] = true
		}
	}
	for k, g := range groups {
		its := sortedSet(items[k])
		g.Items = its[:min(5, len(its))]
		u.Groups = append(u.Groups, *g)
	}
	sort.Slice(u.Groups, func(i, j int) bool {
		a, b := u.Groups[i], u.Groups[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Reason < b.Reason
	})
	return u
}

func unpricedReason(ctx context.Context, p pricing.Prices, r inventory.Record) string {
	if reason, ok := strings.CutPrefix(r.CostBasis, unpricedPrefix); ok {
		return reason
	}
	if r.CostBasis != "" {
		return r.CostBasis
	}
	if _, err := estimate.Record(ctx, p, r); err != nil {
		return err.Error()
	}
	return "no estimate stored with the record (collected before estimates, or not yet priced)"
}

// unpricedPrefix starts the CostBasis of a record the estimator could not
// price (estimate.Apply).
const unpricedPrefix = "unpriced: "

// sources are the price sources an estimate's basis names before its
// arithmetic: "snapshot-2025-11: compute …" → snapshot-2025-11. A basis
// that needed no price (a stopped instance) names none.
func sources(basis string) []string {
	head, _, ok := strings.Cut(basis, ": ")
	if !ok {
		return nil
	}
	var out []string
	for _, s := range strings.Split(head, " + ") {
		if strings.HasPrefix(s, "snapshot-") || strings.HasPrefix(s, "pricing-api") {
			out = append(out, s)
		}
	}
	return out
}
