package notify

import (
	"math"
	"strconv"
)

// trimFloat formats a score with at most one decimal: 85, 85.5.
func trimFloat(f float64) string {
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}
