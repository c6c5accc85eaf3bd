// Package money formats amounts the way reports, alerts and the CLI show
// them, so a figure reads the same in an e-mail, the HTML report and a
// terminal.
package money

import (
	"strconv"
	"strings"
)

// USD formats an amount as $12,345.67 (-$5.00 for negatives).
func USD(f float64) string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	whole, frac, _ := strings.Cut(strconv.FormatFloat(f, 'f', 2, 64), ".")
	return sign + "$" + Group(whole) + "." + frac
}

// Group puts thousands separators into a string of digits: 1234567 →
// 1,234,567.
func Group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	pre := len(digits) % 3
	if pre > 0 {
		b.WriteString(digits[:pre])
	}
	for i := pre; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
