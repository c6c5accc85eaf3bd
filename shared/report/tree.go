package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/money"
)

// The cost and security results reach the report as whatever the stages
// returned. They are shown generically: objects as label/value tables,
// lists of flat objects as tables, with the stages' field order kept, so a
// new field appears in the HTML without a change here.

// node is one value prepared for the template.
type node struct {
	Kind    string // "scalar", "object", "table" or "list"
	Text    string
	Fields  []field
	Columns []string
	Rows    [][]string
	Items   []node
	More    int // rows or items left out
}

type field struct {
	Label string
	Value node
}

const (
	maxTreeDepth = 6
	maxTreeRows  = 100
)

// treeOf converts v (any JSON-marshalable value) into a node, or nil for a
// nil value.
func treeOf(v any) (*node, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if string(raw) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	val, err := decodeOrdered(dec)
	if err != nil {
		return nil, err
	}
	n := toNode("", val, 0, false)
	return &n, nil
}

// object keeps a JSON object's members in their order.
type object []member

type member struct {
	key string
	val any
}

// decodeOrdered reads one JSON value; objects come back as object so the
// order the stage chose (totals first) survives.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var o object
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, member{k, v})
			}
			_, err := dec.Token() // '}'
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token() // ']'
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case nil:
		return nil, nil
	default:
		return t, nil
	}
}

// toNode converts v, found under key. isMoney carries a money key down into
// an object's members (cost_by_department: {"Engineering": 140.16}).
func toNode(key string, v any, depth int, isMoney bool) node {
	isMoney = isMoney || isMoneyKey(key)
	if depth >= maxTreeDepth {
		return node{Kind: "scalar", Text: compactJSON(v)}
	}
	switch t := v.(type) {
	case object:
		n := node{Kind: "object"}
		for _, m := range t {
			n.Fields = append(n.Fields, field{Label: label(m.key), Value: toNode(m.key, m.val, depth+1, isMoney)})
		}
		if len(n.Fields) == 0 {
			return node{Kind: "scalar", Text: "none"}
		}
		return n
	case []any:
		if len(t) == 0 {
			return node{Kind: "scalar", Text: "none"}
		}
		if cols, ok := flatColumns(t); ok {
			n := node{Kind: "table"}
			for _, c := range cols {
				n.Columns = append(n.Columns, label(c))
			}
			for i, el := range t {
				if i == maxTreeRows {
					n.More = len(t) - i
					break
				}
				row := make([]string, len(cols))
				for j, c := range cols {
					if v, ok := lookup(el.(object), c); ok {
						row[j] = scalarText(isMoneyKey(c), v)
					}
				}
				n.Rows = append(n.Rows, row)
			}
			return n
		}
		n := node{Kind: "list"}
		for i, el := range t {
			if i == maxTreeRows {
				n.More = len(t) - i
				break
			}
			n.Items = append(n.Items, toNode(key, el, depth+1, isMoney))
		}
		return n
	default:
		return node{Kind: "scalar", Text: scalarText(isMoney, v)}
	}
}

// flatColumns returns the union of keys, in first-seen order, when every
// element is an object of scalars (or lists of scalars): a table reads
// better than a list of boxes.
func flatColumns(a []any) ([]string, bool) {
	var cols []string
	seen := map[string]bool{}
	for _, el := range a {
		o, ok := el.(object)
		if !ok {
			return nil, false
		}
		for _, m := range o {
			if !isFlat(m.val) {
				return nil, false
			}
			if !seen[m.key] {
				seen[m.key] = true
				cols = append(cols, m.key)
			}
		}
	}
	return cols, len(cols) > 0
}

func isFlat(v any) bool {
	switch t := v.(type) {
	case object:
		return false
	case []any:
		for _, el := range t {
			switch el.(type) {
			case object, []any:
				return false
			}
		}
	}
	return true
}

func lookup(o object, key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

// scalarText formats a scalar, numbers as USD when isMoney.
func scalarText(isMoney bool, v any) string {
	switch t := v.(type) {
	case nil:
		return "–"
	case bool:
		if t {
			return "yes"
		}
		return "no"
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return t.String()
		}
		if isMoney {
			return money.USD(f)
		}
		return number(f)
	case string:
		return t
	case []any:
		parts := make([]string, 0, len(t))
		for _, el := range t {
			parts = append(parts, scalarText(isMoney, el))
		}
		return strings.Join(parts, ", ")
	}
	return compactJSON(v)
}

// isMoneyKey reports whether a key names a USD amount, by its words:
// estimated_monthly_cost, potential_savings, but not priced_resources.
func isMoneyKey(key string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(key), func(r rune) bool { return r == '_' || r == '-' || r == ' ' }) {
		switch w {
		case "cost", "costs", "saving", "savings", "monthly", "usd", "price", "spend", "amount":
			return true
		}
	}
	return false
}

// label turns a JSON key into a heading: total_monthly_cost → Total monthly cost.
func label(key string) string {
	s := strings.ReplaceAll(key, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func compactJSON(v any) string {
	var buf bytes.Buffer
	if err := writeOrdered(&buf, v); err != nil {
		return fmt.Sprint(v)
	}
	return buf.String()
}

// writeOrdered re-encodes a decoded value keeping object member order.
func writeOrdered(w io.Writer, v any) error {
	switch t := v.(type) {
	case object:
		io.WriteString(w, "{")
		for i, m := range t {
			if i > 0 {
				io.WriteString(w, ",")
			}
			k, _ := json.Marshal(m.key)
			w.Write(k)
			io.WriteString(w, ":")
			if err := writeOrdered(w, m.val); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "}")
		return err
	case []any:
		io.WriteString(w, "[")
		for i, el := range t {
			if i > 0 {
				io.WriteString(w, ",")
			}
			if err := writeOrdered(w, el); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "]")
		return err
	case json.Number:
		_, err := io.WriteString(w, t.String())
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return errors.New("empty encoding")
	}
	_, err = w.Write(b)
	return err
}
