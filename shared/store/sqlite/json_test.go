package sqlite

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

// appendJSON must decode to exactly what encoding/json's output decodes to.
func TestAppendJSONDecodesLikeEncodingJSON(t *testing.T) {
	type custom struct {
		A int    `json:"a"`
		B string `json:"b,omitempty"`
	}
	values := map[string]any{
		"nil":               nil,
		"string":            "plain",
		"escapes":           "quote \" backslash \\ newline \n tab \t cr \r nul \x00 bell \x07 unit \x1f del \x7f",
		"html and unicode":  "<b>&</b> Zürich 東京 😀 \u2028 \u2029",
		"invalid utf-8":     "bad \xff\xfe end \xc3",
		"bools":             []any{true, false},
		"ints":              []any{0, -1, int64(math.MaxInt64), int32(math.MinInt32), uint64(math.MaxUint64)},
		"floats":            []any{0.0, -0.0, 1.5, -2.25, 0.1, 1e-7, 1e-6, 123456789.125, 1e20, 1e21, 1.7976931348623157e308, 5e-324},
		"float32":           []any{float32(0.1), float32(1e-7), float32(3.4e38)},
		"strings":           []string{"a", "", "b c"},
		"nil slices":        []any{[]string(nil), []any(nil), map[string]any(nil), map[string]string(nil)},
		"empty":             []any{[]string{}, []any{}, map[string]any{}, map[string]string{}},
		"tags":              map[string]string{"z": "1", "a": "2", "aws:cloudformation:stack-name": "x", `k"ey`: "v\n"},
		"nested":            map[string]any{"b": map[string]any{"c": []any{map[string]any{"d": 1}}}, "a": nil},
		"fallback struct":   custom{A: 1},
		"fallback time":     time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		"fallback int8":     int8(-8),
		"fallback []int":    []int{1, 2, 3},
		"fallback map[int]": map[int]string{2: "b", 1: "a"},
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendJSON(nil, v)
			if err != nil {
				t.Fatalf("appendJSON: %v", err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("appendJSON output %s is not JSON: %v", got, err)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("decoded differently:\n got %s\nwant %s", got, want)
			}
		})
	}
	// The whole map at once, as PutRecords encodes attributes.
	got, err := appendJSON(nil, values)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(got) {
		t.Errorf("invalid JSON: %s", got)
	}
}

func TestAppendJSONRejectsNaNAndInf(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), map[string]any{"x": []any{math.Inf(-1)}}, float32(math.Inf(1)), make(chan int)} {
		if b, err := appendJSON(nil, v); err == nil {
			t.Errorf("appendJSON(%v) = %s, want an error", v, b)
		}
	}
}

func BenchmarkEncodeAttributes(b *testing.B) {
	attrs := benchRecord(1, time.Now()).Attributes
	b.Run("encoding/json", func(b *testing.B) {
		for range b.N {
			if _, err := json.Marshal(attrs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("appendJSON", func(b *testing.B) {
		var buf []byte
		for range b.N {
			var err error
			if buf, err = appendJSON(buf[:0], attrs); err != nil {
				b.Fatal(err)
			}
		}
	})
}
