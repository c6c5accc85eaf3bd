package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The loader walks the raw JSON itself instead of using encoding/json's
// struct decoding: DisallowUnknownFields stops at the first unknown key and
// names no path, and the type errors of Unmarshal name Go fields. Walking
// lets every problem carry its full key path and lets all of them be
// reported in one pass.

// decoder collects problems while walking a document.
type decoder struct {
	problems []problem
	// failed holds paths whose value could not be decoded; their defaults
	// stay in place and value checks on them are suppressed.
	failed []string
	// unknownTopLevel is set when the document has a key it does not know.
	unknownTopLevel bool
}

func (d *decoder) addf(path, format string, args ...any) {
	d.problems = append(d.problems, problem{path: path, msg: fmt.Sprintf(format, args...)})
}

// fail records a problem that left the value at path undecoded.
func (d *decoder) fail(path, format string, args ...any) {
	d.addf(path, format, args...)
	d.failed = append(d.failed, path)
}

// failedAt reports whether path or one of its ancestors failed to decode.
func (d *decoder) failedAt(path string) bool {
	for _, f := range d.failed {
		if f == "" || path == f || strings.HasPrefix(path, f+".") || strings.HasPrefix(path, f+"[") {
			return true
		}
	}
	return false
}

// syntaxError checks that data is one well-formed JSON value. Otherwise it
// returns the message and, for a syntax error, the 1-based line and column.
func syntaxError(data []byte) (line, col int, msg string, ok bool) {
	if len(bytes.TrimSpace(data)) == 0 {
		return 0, 0, "file is empty (expected a JSON object such as config/accounts.json.example)", false
	}
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	if err == nil {
		return 0, 0, "", true
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return 0, 0, "invalid JSON: " + err.Error(), false
	}
	// Offset counts the bytes read including the offending one; point at it,
	// or just past the end when the input stopped too soon.
	at := int(se.Offset) - 1
	if at < 0 || strings.HasSuffix(se.Error(), "end of JSON input") {
		at = len(data)
	}
	line, col = lineColumn(data, at)
	return line, col, "invalid JSON: " + se.Error() + syntaxHint(data, at), false
}

// lineColumn converts a byte offset into a 1-based line and character column.
func lineColumn(data []byte, offset int) (line, col int) {
	before := data[:min(offset, len(data))]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}

// syntaxHint names the two mistakes people carry over from JavaScript and
// YAML: comments and trailing commas. The seed's own tuning example has both.
func syntaxHint(data []byte, at int) string {
	if at >= len(data) {
		return ""
	}
	switch data[at] {
	case '/', '#':
		return " (JSON has no comments)"
	case '}', ']':
		if prev := bytes.TrimRight(data[:at], " \t\r\n"); len(prev) > 0 && prev[len(prev)-1] == ',' {
			return " (JSON allows no comma after the last item)"
		}
	}
	return ""
}

type jsonKind int

const (
	kindNull jsonKind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func kindOf(raw json.RawMessage) jsonKind {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return kindNull
	}
	switch raw[0] {
	case '{':
		return kindObject
	case '[':
		return kindArray
	case '"':
		return kindString
	case 't', 'f':
		return kindBool
	case 'n':
		return kindNull
	}
	return kindNumber
}

// describe renders a JSON value for "got …" in messages, short enough to
// keep one problem on one line.
func describe(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	text := string(raw)
	if len(text) > 40 {
		text = text[:37] + "..."
	}
	switch kindOf(raw) {
	case kindObject:
		return "an object"
	case kindArray:
		return "an array"
	case kindString:
		return "the string " + text
	case kindBool:
		return "the boolean " + text
	case kindNumber:
		return "the number " + text
	}
	return "null"
}

// simpleKey matches keys that read well after a dot in a path.
var simpleKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// joinKey extends a path with an object key: accounts.engineering, or
// accounts["dev team"] when the key would not read as one path element.
func joinKey(path, key string) string {
	if !simpleKey.MatchString(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func joinIndex(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}

type member struct {
	key   string
	value json.RawMessage
}

// members reads an object's members in file order. It reports a value that
// is not an object, and duplicate keys, which encoding/json would silently
// resolve to the last one.
func (d *decoder) members(path string, raw json.RawMessage, want string) ([]member, bool) {
	if kindOf(raw) != kindObject {
		d.fail(path, "expected %s, got %s", want, describe(raw))
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		d.fail(path, "cannot read object: %v", err)
		return nil, false
	}
	seen := map[string]bool{}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			d.fail(path, "cannot read object: %v", err)
			return out, false
		}
		key, _ := tok.(string) // the syntax check guarantees object keys are strings
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			d.fail(joinKey(path, key), "cannot read value: %v", err)
			return out, false
		}
		if seen[key] {
			d.addf(joinKey(path, key), "duplicate key (expected each key once; JSON readers keep only the last)")
			continue
		}
		seen[key] = true
		out = append(out, member{key: key, value: value})
	}
	return out, true
}

// field is a key an object accepts and how to decode its value.
type field struct {
	key    string
	decode func(path string, raw json.RawMessage)
}

// object decodes an object with a fixed set of keys. Unknown keys are
// reported with the accepted ones; null values count as absent, as they did
// for the seed's Python loader (config.get).
func (d *decoder) object(path string, raw json.RawMessage, want string, fields []field) bool {
	members, ok := d.members(path, raw, want)
	for _, m := range members {
		p := joinKey(path, m.key)
		i := fieldIndex(fields, m.key)
		if i < 0 {
			d.unknownKey(p, m.key, fields)
			d.unknownTopLevel = d.unknownTopLevel || path == ""
			continue
		}
		if kindOf(m.value) == kindNull {
			continue
		}
		fields[i].decode(p, m.value)
	}
	return ok
}

func fieldIndex(fields []field, key string) int {
	for i, f := range fields {
		if f.key == key {
			return i
		}
	}
	return -1
}

func (d *decoder) unknownKey(path, key string, fields []field) {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	d.addf(path, "unknown key%s (expected one of: %s)", didYouMean(key, keys), strings.Join(keys, ", "))
}

func (d *decoder) str(path string, raw json.RawMessage, want string) (string, bool) {
	var s string
	if kindOf(raw) != kindString || json.Unmarshal(raw, &s) != nil {
		d.fail(path, "expected %s, got %s", want, describe(raw))
		return "", false
	}
	return s, true
}

func (d *decoder) boolean(path string, raw json.RawMessage) (bool, bool) {
	var b bool
	if kindOf(raw) != kindBool || json.Unmarshal(raw, &b) != nil {
		d.fail(path, "expected true or false, got %s", describe(raw))
		return false, false
	}
	return b, true
}

func (d *decoder) integer(path string, raw json.RawMessage) (int, bool) {
	if kindOf(raw) != kindNumber {
		d.fail(path, "expected a whole number, got %s", describe(raw))
		return 0, false
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64)
	if errors.Is(err, strconv.ErrRange) {
		d.fail(path, "%s is out of range (expected a whole number)", bytes.TrimSpace(raw))
		return 0, false
	}
	if err != nil {
		d.fail(path, "expected a whole number, got %s", describe(raw))
		return 0, false
	}
	return int(n), true
}

func (d *decoder) number(path string, raw json.RawMessage) (float64, bool) {
	if kindOf(raw) != kindNumber {
		d.fail(path, "expected a number, got %s", describe(raw))
		return 0, false
	}
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
	if err != nil {
		d.fail(path, "%s is out of range (expected a number)", bytes.TrimSpace(raw))
		return 0, false
	}
	return f, true
}

// stringList decodes an array of strings. An element of the wrong type stays
// as "" so later elements keep their index in messages.
func (d *decoder) stringList(path string, raw json.RawMessage, want string) []string {
	var items []json.RawMessage
	if kindOf(raw) != kindArray || json.Unmarshal(raw, &items) != nil {
		d.fail(path, "expected an array of %s, got %s", want, describe(raw))
		return nil
	}
	out := make([]string, len(items))
	for i, item := range items {
		out[i], _ = d.str(joinIndex(path, i), item, "a string") // reported by str
	}
	return out
}

// didYouMean suggests the closest candidate to a misspelt name, or "".
func didYouMean(name string, candidates []string) string {
	best, bestDist := "", 3 // more than two edits away is a different word
	for _, c := range candidates {
		if dist := editDistance(strings.ToLower(name), strings.ToLower(c)); dist < bestDist && dist < len(c)/2+1 {
			best, bestDist = c, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(", did you mean %q?", best)
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
