package notify

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

func TestBuildBlocksLimits(t *testing.T) {
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
	blocks := buildBlocks(msg)
	if len(blocks) > slackMaxBlocks {
		t.Fatalf("%d blocks, Slack allows %d", len(blocks), slackMaxBlocks)
	}
	for i, b := range blocks {
		switch b := b.(type) {
		case *slack.HeaderBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > slackMaxHeader {
				t.Errorf("header is %d characters", n)
			}
			if err := b.Text.Validate(); err != nil {
				t.Errorf("header: %v", err)
			}
		case *slack.SectionBlock:
			if b.Text != nil {
				if err := b.Text.Validate(); err != nil {
					t.Errorf("block %d text: %v", i, err)
				}
			}
			if len(b.Fields) > slackMaxFieldsPerSec {
				t.Errorf("block %d has %d fields", i, len(b.Fields))
			}
			for _, f := range b.Fields {
				if n := utf8.RuneCountInString(f.Text); n > slackMaxFieldText {
					t.Errorf("block %d has a field of %d characters", i, n)
				}
			}
		}
	}
	var sawNote, sawTable bool
	for _, b := range blocks {
		if sec, ok := b.(*slack.SectionBlock); ok && sec.Text != nil {
			sawNote = sawNote || strings.Contains(sec.Text.Text, "more fields not shown")
			sawTable = sawTable || strings.HasPrefix(sec.Text.Text, "```")
		}
	}
	if !sawNote || !sawTable {
		t.Errorf("note about dropped fields: %v, table kept: %v; want both", sawNote, sawTable)
	}
	if _, ok := blocks[len(blocks)-1].(*slack.ContextBlock); !ok {
		t.Errorf("last block is %T, want the context", blocks[len(blocks)-1])
	}
}

func TestTableTextFitsExactly(t *testing.T) {
	row := func(c string) []string { return []string{strings.Repeat(c, 40)} }
	table := &Table{Columns: []string{"N"}, Rows: [][]string{row("a"), row("b"), row("c")}}
	full := tableText(table, slackMaxText)
	if want := "```\nN\n" + strings.Join([]string{row("a")[0], row("b")[0], row("c")[0]}, "\n") + "\n```"; full != want {
		t.Fatalf("tableText = %q, want %q", full, want)
	}
	// A limit that fits the whole table must not drop a row.
	if got := tableText(table, utf8.RuneCountInString(full)); got != full {
		t.Errorf("tableText at its own length = %q, want %q", got, full)
	}
	// One less and a row goes, with a note.
	got := tableText(table, utf8.RuneCountInString(full)-1)
	if !strings.HasSuffix(got, "```\n_1 more row not shown_") || strings.Contains(got, row("c")[0]) ||
		utf8.RuneCountInString(got) > utf8.RuneCountInString(full)-1 {
		t.Errorf("tableText one short = %q", got)
	}
}

func TestTableTextNeverOverLimit(t *testing.T) {
	var rows [][]string
	for i := range 20 {
		rows = append(rows, []string{fmt.Sprintf("row-%02d", i), strings.Repeat("x", i)})
	}
	table := &Table{Columns: []string{"NAME", "PAD"}, Rows: rows}
	for limit := 60; limit <= 600; limit++ {
		got := tableText(table, limit)
		if n := utf8.RuneCountInString(got); n > limit {
			t.Fatalf("limit %d: tableText is %d characters: %q", limit, n, got)
		}
		shown := strings.Count(got, "row-")
		omitted := 0
		if i := strings.Index(got, "```\n_"); i >= 0 {
			if _, err := fmt.Sscanf(got[i+5:], "%d more", &omitted); err != nil {
				t.Fatalf("limit %d: bad note in %q: %v", limit, got, err)
			}
		}
		if shown+omitted != len(rows) {
			t.Fatalf("limit %d: %d shown + %d noted != %d rows: %q", limit, shown, omitted, len(rows), got)
		}
	}
}

// A long text is spread over sections broken between lines, every line
// kept while it fits in slackMaxTextSections sections.
func TestLongTextKeepsEveryLine(t *testing.T) {
	var lines []string
	for i := range 120 {
		lines = append(lines, fmt.Sprintf("• account %012d (eu-west-1, eu-west-2): AccessDenied: %s", i, strings.Repeat("n", 60)))
	}
	text := strings.Join(lines, "\n")
	blocks := textSections(text, slackMaxTextSections)
	if len(blocks) < 2 || len(blocks) > slackMaxTextSections {
		t.Fatalf("%d sections for %d characters; want 2 to %d", len(blocks), len(text), slackMaxTextSections)
	}
	var got []string
	for _, b := range blocks {
		sec := b.(*slack.SectionBlock)
		if err := sec.Text.Validate(); err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(sec.Text.Text); n > slackMaxText {
			t.Fatalf("a section of %d characters", n)
		}
		got = append(got, strings.Split(sec.Text.Text, "\n")...)
	}
	if strings.Join(got, "\n") != text {
		t.Errorf("the sections do not hold the text line for line")
	}

	huge := strings.Repeat(text+"\n", 20)
	blocks = textSections(huge, 3)
	last := blocks[len(blocks)-1].(*slack.SectionBlock).Text.Text
	if len(blocks) != 3 || !strings.HasSuffix(last, "(truncated)_") {
		t.Errorf("text beyond 3 sections: %d sections, last ends %q; want 3, noting the cut", len(blocks), last[max(0, len(last)-30):])
	}
}
