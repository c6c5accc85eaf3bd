package security

import (
	"fmt"

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

func numberAttr(a map[string]any, key string) (float64, bool) {
	switch v := a[key].(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

func listAttr(a map[string]any, key string) ([]any, bool) {
	switch v := a[key].(type) {
	case []any:
		return v, true
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out, true
	case []map[string]any:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

func stringList(a map[string]any, key string) ([]string, bool) {
	l, ok := listAttr(a, key)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(l))
	for _, v := range l {
		out = append(out, fmt.Sprint(v))
	}
	return out, true
}

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
