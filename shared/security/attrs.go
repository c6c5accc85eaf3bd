package security

import (
	"fmt"
	"strings"
	"time"

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

// timeAttr reads an RFC 3339 time attribute.
func timeAttr(a map[string]any, key string) (time.Time, bool) {
	switch v := a[key].(type) {
	case time.Time:
		return v, !v.IsZero()
	case string:
		t, err := time.Parse(time.RFC3339, v)
		return t, err == nil
	}
	return time.Time{}, false
}

// truthy reads a flag collected as a bool or as a count (AWS reports some
// account summary values as 0/1).
func truthy(a map[string]any, key string) (v, ok bool) {
	if b, ok := boolAttr(a, key); ok {
		return b, true
	}
	if n, ok := numberAttr(a, key); ok {
		return n > 0, true
	}
	return false, false
}

// asMap reads one element of a list attribute as an object.
func asMap(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	return m, ok
}

// boolCheck builds the common "attribute must be want" evaluation.
func boolCheck(key string, want bool, passEv, failEv string) func(map[string]any) Result {
	return func(a map[string]any) Result {
		v, ok := boolAttr(a, key)
		switch {
		case !ok:
			return unknown(missing(a, key))
		case v == want:
			return pass(passEv)
		}
		return fail(failEv)
	}
}

// onAttrs adapts a rule that needs nothing but the record's attributes.
func onAttrs(f func(map[string]any) Result) func(inventory.Record, *Index) Result {
	return func(r inventory.Record, _ *Index) Result { return f(r.Attributes) }
}

// missing explains an absent attribute: the calls the collector could not
// make (its "unreadable" list) when it names some, else that the attribute
// was not collected.
func missing(a map[string]any, key string) string {
	if u, _ := stringList(a, "unreadable"); len(u) > 0 {
		return key + " unknown: could not read " + strings.Join(u, ", ")
	}
	return key + " was not collected"
}

// needs returns an unknown result when any of keys is missing, else ok.
func needs(a map[string]any, keys ...string) (Result, bool) {
	for _, k := range keys {
		if _, ok := a[k]; !ok {
			return unknown(missing(a, k)), false
		}
	}
	return Result{}, true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// clip shortens evidence to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	cut := n - len(ell)
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
