package main

import (
	"io"
	"strings"
	"unicode/utf8"
)

// table aligns columns, numbers to the right and text to the left, which
// tabwriter cannot mix in one table. Widths count runes, so "…" and "→"
// take one column.
type table struct {
	right []bool // per column: right-aligned
	rows  [][]string
}

func newTable(right ...bool) *table { return &table{right: right} }

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer, indent string) {
	widths := map[int]int{}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			last := i == len(r)-1
			switch {
			case i < len(t.right) && t.right[i]:
				b.WriteString(pad + c)
			case last:
				b.WriteString(c)
			default:
				b.WriteString(c + pad)
			}
			if !last {
				b.WriteString("  ")
			}
		}
		io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n")
	}
}
