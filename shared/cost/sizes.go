package cost

import (
	"regexp"
	"strings"
)

// sizeOrder is the size ladder within an instance family, smallest first.
// Families skip rungs (m5 has no medium, c5 no 8xlarge), so "one size down"
// is the next smaller rung the region's price list has for the family.
var sizeOrder = []string{"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "3xlarge", "4xlarge",
	"6xlarge", "8xlarge", "9xlarge", "10xlarge", "12xlarge", "16xlarge", "18xlarge", "24xlarge", "32xlarge", "48xlarge", "metal"}

var sizeRank = func() map[string]int {
	m := make(map[string]int, len(sizeOrder))
	for i, s := range sizeOrder {
		m[s] = i
	}
	return m
}()

// instanceType is an EC2 type or RDS class split into its parts:
// "db.m6i.xlarge" → prefix "db.", family "m6i", size "xlarge".
type instanceType struct {
	prefix, family, size string
}

func parseType(s string) (instanceType, bool) {
	t := instanceType{}
	if strings.HasPrefix(s, "db.") {
		t.prefix, s = "db.", s[3:]
	}
	fam, size, ok := strings.Cut(s, ".")
	if !ok || fam == "" || strings.Contains(size, ".") {
		return instanceType{}, false
	}
	if _, known := sizeRank[size]; !known {
		// metal-24xl, flex and other variants have no place on the ladder.
		return instanceType{}, false
	}
	t.family, t.size = fam, size
	return t, true
}

func (t instanceType) String() string { return t.prefix + t.family + "." + t.size }

// downsize is the next smaller size of t's family among available, or false.
// Bare metal is left alone: it is chosen for the hardware, not the size.
func downsize(t instanceType, available []string) (string, bool) {
	if t.size == "metal" {
		return "", false
	}
	best, bestRank := "", -1
	for _, a := range available {
		c, ok := parseType(a)
		if !ok || c.prefix != t.prefix || c.family != t.family || c.size == "metal" {
			continue
		}
		if r := sizeRank[c.size]; r < sizeRank[t.size] && r > bestRank {
			best, bestRank = a, r
		}
	}
	return best, bestRank >= 0
}

// familyRE splits a family name: class letters, generation, attributes
// ("m6i" → m, 6, i; "r5ad" → r, 5, ad; "t3a" → t, 3, a).
var familyRE = regexp.MustCompile(`^([a-z]+?)(\d+)([a-z-]*)$`)

// gravitonFamilies are the Graviton families of the same class as an x86
// family, newest first: m5/m6i/m7i → m7g, m6g; c → c7g, c6g; r → r7g, r6g;
// t2/t3 → t4g. Local-NVMe variants (m5d, m6id) map to the gd families.
// Other variants (network-optimised n, high-frequency z, …) have no
// equivalent and get none; so does a family that is Graviton already.
func gravitonFamilies(family string) []string {
	m := familyRE.FindStringSubmatch(family)
	if m == nil {
		return nil
	}
	class, attrs := m[1], m[3]
	if strings.Contains(attrs, "g") {
		return nil
	}
	var suffix string
	switch attrs {
	case "", "a", "i":
		suffix = "g"
	case "d", "ad", "id":
		suffix = "gd"
	default:
		return nil
	}
	switch class {
	case "m", "c", "r":
		return []string{class + "7" + suffix, class + "6" + suffix}
	case "t":
		if suffix == "g" {
			return []string{"t4g"}
		}
	}
	return nil
}

// gravitonCandidates are the same-size Graviton types of t that exist in
// available.
func gravitonCandidates(t instanceType, available []string) []string {
	have := make(map[string]bool, len(available))
	for _, a := range available {
		have[a] = true
	}
	var out []string
	for _, fam := range gravitonFamilies(t.family) {
		c := instanceType{prefix: t.prefix, family: fam, size: t.size}.String()
		if have[c] {
			out = append(out, c)
		}
	}
	return out
}
