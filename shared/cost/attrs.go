package cost

import (
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Attribute readers. Records come from collectors (int, int64, float64,
// bool, string) or back from a store as decoded JSON (float64 for every
// number), so numbers are read whatever their Go type. An absent or
// mistyped attribute is "unknown" (ok false), never a zero: a missing metric
// must not make a resource look idle.

func num(r inventory.Record, key string) (float64, bool) { return inventory.Number(r.Attributes[key]) }

func str(r inventory.Record, key string) string {
	s, _ := r.Attributes[key].(string)
	return s
}

func boolean(r inventory.Record, key string) (value, ok bool) {
	b, ok := r.Attributes[key].(bool)
	return b, ok
}

// timestamp reads an RFC 3339 attribute (collectors write UTC seconds).
func timestamp(r inventory.Record, key string) (time.Time, bool) {
	s := str(r, key)
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// strings reads a list attribute ([]string from a collector, []any from JSON).
func stringList(r inventory.Record, key string) []string {
	l, _ := inventory.Strings(r.Attributes[key])
	return l
}

// days is the whole number of days from t to now (negative in the future).
func days(now, t time.Time) int {
	return int(now.Sub(t).Hours() / 24)
}
