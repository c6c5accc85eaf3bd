package estimate

import "github.com/cloudinv/aws-inventory/shared/inventory"

// attrs reads record attributes whatever their Go type: a collector emits
// int and float64, a record read back from JSON has float64 (or
// json.Number), so every number is read as float64.
type attrs map[string]any

func (a attrs) str(k string) string {
	s, _ := a[k].(string)
	return s
}

func (a attrs) boolean(k string) bool {
	b, _ := a[k].(bool)
	return b
}

// num returns the attribute as a number and whether it was one.
func (a attrs) num(k string) (float64, bool) { return toFloat(a[k]) }

func toFloat(v any) (float64, bool) { return inventory.Number(v) }

// numbers reads a map of numbers (size_bytes_by_storage_class), whether
// it is a map[string]any from JSON or a typed map from a collector.
func (a attrs) numbers(k string) (map[string]float64, bool) {
	out := map[string]float64{}
	switch m := a[k].(type) {
	case map[string]float64:
		for k, v := range m {
			out[k] = v
		}
	case map[string]int:
		for k, v := range m {
			out[k] = float64(v)
		}
	case map[string]any:
		for k, v := range m {
			f, ok := toFloat(v)
			if !ok {
				return nil, false
			}
			out[k] = f
		}
	default:
		return nil, false
	}
	return out, true
}
