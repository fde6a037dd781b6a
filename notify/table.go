package notify

import (
	"strings"
	"unicode/utf8"
)

// tableLines lays the table out as lines of text with aligned columns, the
// header line first. Each cell is passed through cell before it is measured,
// so callers can clean or shorten cells; trailing spaces are trimmed.
func tableLines(t *Table, cell func(string) string) []string {
	if t == nil {
		return nil
	}
	ncols := len(t.Columns)
	for _, row := range t.Rows {
		ncols = max(ncols, len(row))
	}
	if ncols == 0 {
		return nil
	}
	grid := make([][]string, 0, len(t.Rows)+1)
	if len(t.Columns) > 0 {
		grid = append(grid, t.Columns)
	}
	grid = append(grid, t.Rows...)

	cells := make([][]string, len(grid))
	widths := make([]int, ncols)
	for i, row := range grid {
		cells[i] = make([]string, ncols)
		for j := range ncols {
			if j < len(row) {
				cells[i][j] = cell(row[j])
			}
			widths[j] = max(widths[j], utf8.RuneCountInString(cells[i][j]))
		}
	}

	lines := make([]string, len(cells))
	var b strings.Builder
	for i, row := range cells {
		b.Reset()
		for j, c := range row {
			if j > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(c)))
		}
		lines[i] = strings.TrimRight(b.String(), " ")
	}
	return lines
}

// oneLine replaces line breaks and tabs with spaces so a value stays on one
// line of a table.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
}

// truncate shortens s to at most n characters (runes), ending with an
// ellipsis when anything was cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
