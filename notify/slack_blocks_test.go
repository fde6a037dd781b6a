package notify

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// checkPart fails t unless blocks are within Slack's limits for one
// message, and returns the characters of text they hold.
func checkPart(t *testing.T, n int, blocks []slack.Block) int {
	t.Helper()
	if len(blocks) > slackMaxBlocks {
		t.Errorf("part %d: %d blocks, Slack allows %d", n, len(blocks), slackMaxBlocks)
	}
	total := 0
	for i, b := range blocks {
		switch b := b.(type) {
		case *slack.HeaderBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > slackMaxHeader {
				t.Errorf("header is %d characters", n)
			}
			if err := b.Text.Validate(); err != nil {
				t.Errorf("header: %v", err)
			}
			total += utf8.RuneCountInString(b.Text.Text)
		case *slack.SectionBlock:
			if b.Text != nil {
				if err := b.Text.Validate(); err != nil {
					t.Errorf("part %d block %d text: %v", n, i, err)
				}
				total += utf8.RuneCountInString(b.Text.Text)
			}
			if len(b.Fields) > slackMaxFieldsPerSec {
				t.Errorf("part %d block %d has %d fields", n, i, len(b.Fields))
			}
			for _, f := range b.Fields {
				if n := utf8.RuneCountInString(f.Text); n > slackMaxFieldText {
					t.Errorf("part %d block %d has a field of %d characters", n, i, n)
				}
				total += utf8.RuneCountInString(f.Text)
			}
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				total += utf8.RuneCountInString(e.(*slack.TextBlockObject).Text)
			}
		case *slack.ActionBlock:
			if len(b.Elements.ElementSet) > slackMaxButtons {
				t.Errorf("part %d block %d has %d buttons", n, i, len(b.Elements.ElementSet))
			}
			for _, e := range b.Elements.ElementSet {
				total += utf8.RuneCountInString(e.(*slack.ButtonBlockElement).Text.Text)
			}
		}
	}
	if total > slackMaxMessageText {
		t.Errorf("part %d holds %d characters of text, over %d", n, total, slackMaxMessageText)
	}
	if _, ok := blocks[len(blocks)-1].(*slack.ContextBlock); !ok {
		t.Errorf("part %d ends with %T, want the footer", n, blocks[len(blocks)-1])
	}
	return total
}

// sectionTexts are the texts of the sections of blocks.
func sectionTexts(blocks []slack.Block) []string {
	var out []string
	for _, b := range blocks {
		if sec, ok := b.(*slack.SectionBlock); ok && sec.Text != nil {
			out = append(out, sec.Text.Text)
		}
	}
	return out
}

// footer is the text of a part's footer.
func footer(blocks []slack.Block) string {
	c := blocks[len(blocks)-1].(*slack.ContextBlock)
	return c.ContextElements.Elements[0].(*slack.TextBlockObject).Text
}

// A message far beyond what Slack takes: every part is within Slack's
// limits, only the first has the header, each footer names its part, and
// what would take more than slackMaxParts messages is noted as left out.
func TestLayoutLimits(t *testing.T) {
	var fields []Field
	for i := range 1000 {
		fields = append(fields, Field{Label: fmt.Sprint("L", i), Value: strings.Repeat("v", 3000)})
	}
	msg := Message{
		Kind:     KindAudit,
		Severity: Error,
		Title:    strings.Repeat("t", 400),
		Text:     strings.Repeat("x", 5000),
		Fields:   fields,
		Table:    &Table{Columns: []string{"A"}, Rows: [][]string{{"1"}}},
	}
	parts, left := layout(msg, false)
	if len(parts) != slackMaxParts {
		t.Fatalf("%d parts, want the most, %d", len(parts), slackMaxParts)
	}
	shown := 0
	for i, p := range parts {
		checkPart(t, i+1, p.blocks)
		if _, isHeader := p.blocks[0].(*slack.HeaderBlock); isHeader != (i == 0) {
			t.Errorf("part %d starts with %T", i+1, p.blocks[0])
		}
		if want := fmt.Sprintf("opsd · audit · part %d of %d", i+1, slackMaxParts); footer(p.blocks) != want {
			t.Errorf("part %d footer %q, want %q", i+1, footer(p.blocks), want)
		}
		for _, b := range p.blocks {
			if sec, ok := b.(*slack.SectionBlock); ok {
				shown += len(sec.Fields)
			}
		}
	}
	if left.fields != 1000-shown || left.rows != 1 || left.lines != 0 {
		t.Errorf("left out %+v, want %d fields and the row", left, 1000-shown)
	}
	last := parts[len(parts)-1].blocks
	note := last[len(last)-2].(*slack.ContextBlock).ContextElements.Elements[0].(*slack.TextBlockObject).Text
	if want := fmt.Sprintf("_1 more row and %d more fields not shown: too long for 20 Slack messages_", 1000-shown); note != want {
		t.Errorf("note %q, want %q", note, want)
	}
}

// A message that fits one Slack message is one part, as before.
func TestLayoutOnePart(t *testing.T) {
	parts, left := layout(Message{Kind: KindDLQ, Title: "hello", Text: "body", Fields: []Field{{Label: "A", Value: ""}}}, false)
	if len(parts) != 1 || !left.empty() {
		t.Fatalf("%d parts, left %v", len(parts), left)
	}
	if got := footer(parts[0].blocks); got != "opsd · dlq" {
		t.Errorf("footer %q", got)
	}
	if got := sectionTexts(parts[0].blocks); !slices.Equal(got, []string{"body"}) {
		t.Errorf("sections %q", got)
	}
	if sec := parts[0].blocks[2].(*slack.SectionBlock); sec.Fields[0].Text != "*A*\n-" {
		t.Errorf("field %q", sec.Fields[0].Text)
	}
	if parts[0].text != ":information_source: hello\nbody" {
		t.Errorf("fallback %q", parts[0].text)
	}
}

// Every row of a table is in exactly one of its sections, in order, each
// section a preformatted block of at most 3,000 characters starting with
// the header line.
func TestTablePiecesKeepEveryRow(t *testing.T) {
	for _, width := range []int{1, 40, 150, 400} {
		var rows [][]string
		for i := range 300 {
			rows = append(rows, []string{fmt.Sprintf("row-%03d", i), strings.Repeat("x", width)})
		}
		pieces := tablePieces(&Table{Columns: []string{"NAME", "PAD"}, Rows: rows})
		var got []string
		for _, p := range pieces {
			text := p.block.(*slack.SectionBlock).Text.Text
			if n := utf8.RuneCountInString(text); n > slackMaxText || n != p.size {
				t.Fatalf("width %d: a section of %d characters, counted %d", width, n, p.size)
			}
			lines := strings.Split(text, "\n")
			if lines[0] != "```" || !strings.HasPrefix(lines[1], "NAME") || lines[len(lines)-1] != "```" {
				t.Fatalf("width %d: section %q", width, text)
			}
			if p.holds.rows != len(lines)-3 {
				t.Errorf("width %d: holds %d rows, has %d", width, p.holds.rows, len(lines)-3)
			}
			for _, l := range lines[2 : len(lines)-1] {
				got = append(got, l[:len("row-000")])
			}
		}
		if len(got) != len(rows) {
			t.Fatalf("width %d: %d rows in %d sections, want %d", width, len(got), len(pieces), len(rows))
		}
		for i, id := range got {
			if id != rows[i][0] {
				t.Fatalf("width %d: row %d is %s", width, i, id)
			}
		}
	}
}

// A table that fills a section exactly stays in one; a character more
// and its last row starts another.
func TestTablePiecesFitExactly(t *testing.T) {
	// "```\nN" + 49 rows of 60 characters (the most of a cell) on lines of
	// their own + "\n```" = 2,998 characters; a row of one more (and its
	// newline) fills the section.
	var rows [][]string
	for range 49 {
		rows = append(rows, []string{strings.Repeat("a", slackMaxCell)})
	}
	table := &Table{Columns: []string{"N"}, Rows: append(rows, []string{"b"})}
	if p := tablePieces(table); len(p) != 1 || p[0].size != slackMaxText {
		t.Fatalf("%d sections, the first of %d characters; want one of %d", len(p), p[0].size, slackMaxText)
	}
	table.Rows[49] = []string{"bb"}
	if p := tablePieces(table); len(p) != 2 || p[1].holds.rows != 1 {
		t.Fatalf("%d sections; want the last row in a second", len(p))
	}
}

// A long text is spread over sections broken between lines, every line
// kept.
func TestLongTextKeepsEveryLine(t *testing.T) {
	var lines []string
	for i := range 1200 {
		lines = append(lines, fmt.Sprintf("• account %012d (eu-west-1, eu-west-2): AccessDenied: %s", i, strings.Repeat("n", 60)))
	}
	text := strings.Join(lines, "\n")
	pieces := textPieces(text)
	if len(pieces) < 2 {
		t.Fatalf("%d sections for %d characters", len(pieces), len(text))
	}
	var got []string
	held := 0
	for _, p := range pieces {
		sec := p.block.(*slack.SectionBlock)
		if err := sec.Text.Validate(); err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(sec.Text.Text); n != p.size {
			t.Fatalf("a section of %d characters counted %d", n, p.size)
		}
		got = append(got, strings.Split(sec.Text.Text, "\n")...)
		held += p.holds.lines
	}
	if strings.Join(got, "\n") != text || held != len(lines) {
		t.Errorf("the sections do not hold the text line for line (%d lines counted)", held)
	}
}

// A preformatted block that a break between sections falls in is closed
// and opened again, so each section renders it; nothing else changes.
func TestTextPiecesKeepCodeBlocksWhole(t *testing.T) {
	var b strings.Builder
	for i := range 6 {
		fmt.Fprintf(&b, "• `i-%d` web: PatchLinux failed\n```", i)
		for j := range 40 {
			fmt.Fprintf(&b, "\nE: could not get lock /var/lib/dpkg/lock-frontend (line %d)", j)
		}
		b.WriteString("```\n")
	}
	text := strings.TrimSuffix(b.String(), "\n")
	pieces := textPieces(text)
	if len(pieces) < 3 {
		t.Fatalf("%d sections", len(pieces))
	}
	var joined []string
	for i, p := range pieces {
		s := p.block.(*slack.SectionBlock).Text.Text
		if utf8.RuneCountInString(s) > slackMaxText {
			t.Fatalf("section %d is %d characters", i, utf8.RuneCountInString(s))
		}
		if strings.Count(s, "```")%2 != 0 {
			t.Errorf("section %d leaves a preformatted block open:\n%s", i, s)
		}
		if i > 0 && strings.HasPrefix(s, "```\n") {
			s = strings.TrimPrefix(s, "```\n")
			joined[len(joined)-1] = strings.TrimSuffix(joined[len(joined)-1], "\n```")
		}
		joined = append(joined, s)
	}
	if strings.Join(joined, "\n") != text {
		t.Errorf("the sections, without the fences added, are not the text")
	}
}

// Fields go ten to a section, and fewer when they are long.
func TestFieldPieces(t *testing.T) {
	var fields []Field
	for i := range 12 {
		fields = append(fields, Field{Label: fmt.Sprint("L", i), Value: "v"})
	}
	var counts []int
	for _, p := range fieldPieces(fields) {
		counts = append(counts, p.holds.fields)
	}
	if fmt.Sprint(counts) != "[10 2]" {
		t.Errorf("fields per section %v, want [10 2]", counts)
	}
	long := []Field{{Label: "a", Value: strings.Repeat("x", 1500)}, {Label: "b", Value: strings.Repeat("y", 1500)}}
	if p := fieldPieces(long); len(p) != 2 {
		t.Errorf("two fields of 1,500 characters in %d sections, want 2", len(p))
	}
}

// A part starts another when the next block would pass 50 blocks or the
// message's text, keeping room for the footer.
func TestPackStartsAnotherMessage(t *testing.T) {
	small := piece{block: mrkdwnSection("x"), size: 1}
	content := slices.Repeat([]piece{small}, 100)
	groups := pack(piece{size: 10}, content)
	if len(groups) != 3 || len(groups[0]) != slackMaxBlocks-1 || len(groups[1]) != slackMaxBlocks-1 || len(groups[2]) != 3 {
		t.Errorf("groups of %d, %d, …", len(groups[0]), len(groups[1]))
	}
	big := piece{block: mrkdwnSection("x"), size: 3000}
	groups = pack(piece{size: 100}, slices.Repeat([]piece{big}, 5))
	if len(groups) != 3 || len(groups[0]) != 3 || len(groups[1]) != 2 || len(groups[2]) != 1 {
		t.Errorf("%d groups", len(groups))
	}
}

func TestContentsString(t *testing.T) {
	for _, tt := range []struct {
		c    contents
		want string
	}{
		{contents{rows: 1}, "1 more row"},
		{contents{rows: 36}, "36 more rows"},
		{contents{rows: 2, lines: 1}, "2 more rows and 1 more line"},
		{contents{rows: 2, lines: 3, fields: 1, buttons: 4}, "2 more rows, 3 more lines, 1 more field and 4 more buttons"},
	} {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("%+v = %q, want %q", tt.c, got, tt.want)
		}
	}
}
