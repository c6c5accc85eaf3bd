package notify

import (
	"math"
	"strconv"
	"strings"
)

// usd formats an amount as $12,345.67.
func usd(f float64) string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	whole, frac, _ := strings.Cut(strconv.FormatFloat(f, 'f', 2, 64), ".")
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + "$" + b.String() + "." + frac
}

// trimFloat formats a score with at most one decimal: 85, 85.5.
func trimFloat(f float64) string {
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}
