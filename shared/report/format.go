package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/money"
)

// number formats a count with thousands separators, and a fraction with at
// most two decimals.
func number(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		s := strconv.FormatInt(int64(f), 10)
		if strings.HasPrefix(s, "-") {
			return "-" + money.Group(s[1:])
		}
		return money.Group(s)
	}
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	whole, frac, ok := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	out := money.Group(whole)
	if neg {
		out = "-" + out
	}
	if ok {
		out += "." + frac
	}
	return out
}

func percent(part, whole float64) string {
	if whole == 0 {
		return "–"
	}
	return strconv.FormatFloat(100*part/whole, 'f', 1, 64) + "%"
}
