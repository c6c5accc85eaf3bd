package dynamodb

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// decoder reads typed attributes of one item and keeps the first problem
// (a missing required attribute, a wrong type, bad text) as an error that
// names the item's key, so a damaged item fails its read with a message
// instead of a panic.
type decoder struct {
	item map[string]types.AttributeValue
	err  error
}

func (d *decoder) fail(attr string, err error) {
	switch {
	case d.err != nil:
	case d.item[PartitionKey] != nil:
		d.err = fmt.Errorf("item %s: %s: %w", itemKey(d.item), attr, err)
	default: // a map nested in an item; the item's decoder adds its key
		d.err = fmt.Errorf("%s: %w", attr, err)
	}
}

// has reports whether attr is present and not NULL.
func (d *decoder) has(attr string) bool {
	v, ok := d.item[attr]
	if !ok {
		return false
	}
	_, null := v.(*types.AttributeValueMemberNULL)
	return !null
}

// str returns a string attribute; absent is "".
func (d *decoder) str(attr string) string {
	if !d.has(attr) {
		return ""
	}
	v, ok := d.item[attr].(*types.AttributeValueMemberS)
	if !ok {
		d.fail(attr, fmt.Errorf("want a string, got %T", d.item[attr]))
		return ""
	}
	return v.Value
}

// number returns a number attribute's text; absent is "".
func (d *decoder) number(attr string) string {
	if !d.has(attr) {
		return ""
	}
	v, ok := d.item[attr].(*types.AttributeValueMemberN)
	if !ok {
		d.fail(attr, fmt.Errorf("want a number, got %T", d.item[attr]))
		return ""
	}
	return v.Value
}

func (d *decoder) float(attr string) float64 {
	s := d.number(attr)
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		d.fail(attr, err)
	}
	return f
}

// int returns an integer attribute; absent is 0.
func (d *decoder) int(attr string) int64 {
	s := d.number(attr)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		d.fail(attr, err)
	}
	return n
}

// time returns a required time attribute, in UTC.
func (d *decoder) time(attr string) time.Time {
	s := d.str(attr)
	if s == "" {
		if d.err == nil {
			d.fail(attr, errors.New("missing"))
		}
		return time.Time{}
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		d.fail(attr, err)
	}
	return t
}

// optTime returns an optional time attribute; absent is the zero time.
func (d *decoder) optTime(attr string) time.Time {
	if !d.has(attr) {
		return time.Time{}
	}
	return d.time(attr)
}

func (d *decoder) bytes(attr string) []byte {
	if !d.has(attr) {
		return nil
	}
	v, ok := d.item[attr].(*types.AttributeValueMemberB)
	if !ok {
		d.fail(attr, fmt.Errorf("want binary, got %T", d.item[attr]))
		return nil
	}
	return v.Value
}

// list returns a list attribute's elements; absent is nil.
func (d *decoder) list(attr string) []types.AttributeValue {
	if !d.has(attr) {
		return nil
	}
	v, ok := d.item[attr].(*types.AttributeValueMemberL)
	if !ok {
		d.fail(attr, fmt.Errorf("want a list, got %T", d.item[attr]))
		return nil
	}
	return v.Value
}
