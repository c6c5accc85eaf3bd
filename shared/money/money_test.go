package money

import "testing"

func TestUSD(t *testing.T) {
	for in, want := range map[float64]string{
		0: "$0.00", 5: "$5.00", 999.999: "$1,000.00", 1234567.891: "$1,234,567.89", -70.08: "-$70.08", 100: "$100.00",
	} {
		if got := USD(in); got != want {
			t.Errorf("USD(%v) = %q, want %q", in, got, want)
		}
	}
}
