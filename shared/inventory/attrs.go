package inventory

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Attribute values come from collectors (int, int64, float64, []string,
// typed maps) or back from a store as decoded JSON (float64 for every
// number, []any, map[string]any). These readers accept both, so analyses
// give the same answer on a fresh collection and on a stored one. ok is
// false for an absent or mistyped value: callers treat that as unknown,
// never as zero.

// Number reads a number attribute value.
func Number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

// List reads a list attribute value as []any.
func List(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	case []map[string]any:
		out := make([]any, len(l))
		for i, m := range l {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

// Strings reads a list attribute value as strings.
func Strings(v any) ([]string, bool) {
	if s, ok := v.([]string); ok {
		return s, true
	}
	l, ok := List(v)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		out = append(out, fmt.Sprint(x))
	}
	return out, true
}
