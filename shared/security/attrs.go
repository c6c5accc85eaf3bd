package security

import (
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Attribute readers. Records come from collectors (typed Go values) or back
// from a store (JSON-decoded: float64 numbers, []any lists), so each reader
// accepts both. ok is false when the attribute is missing or of another type.

func boolAttr(a map[string]any, key string) (v, ok bool) {
	v, ok = a[key].(bool)
	return v, ok
}

func stringAttr(a map[string]any, key string) (string, bool) {
	v, ok := a[key].(string)
	return v, ok
}

func numberAttr(a map[string]any, key string) (float64, bool) { return inventory.Number(a[key]) }

func listAttr(a map[string]any, key string) ([]any, bool) { return inventory.List(a[key]) }

func stringList(a map[string]any, key string) ([]string, bool) { return inventory.Strings(a[key]) }

// boolCheck builds the common "attribute must be want" evaluation.
func boolCheck(key string, want bool, passEv, failEv string) func(map[string]any) Result {
	return func(a map[string]any) Result {
		v, ok := boolAttr(a, key)
		switch {
		case !ok:
			return unknown(key + " was not collected")
		case v == want:
			return pass(passEv)
		}
		return fail(failEv)
	}
}

func onAttrs(f func(map[string]any) Result) func(inventory.Record) Result {
	return func(r inventory.Record) Result { return f(r.Attributes) }
}
