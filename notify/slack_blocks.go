package notify

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks
// and the pages of each block) and what opsd shows of a table.
const (
	slackMaxHeader       = 150  // characters in a header's plain_text
	slackMaxText         = 3000 // characters in a section's text object
	slackMaxFieldText    = 2000 // characters in one section field
	slackMaxFieldsPerSec = 10   // fields in one section
	slackMaxButtons      = 25   // elements in one actions block
	slackMaxButtonText   = 75   // characters in a button's text
	slackMaxCell         = 60   // characters we show of one table cell
	slackMaxTableLine    = 300  // characters we show of one table line
)

// piece is one block of a message's content, with the characters of text
// it holds (what counts towards a message's limit) and what it holds (to
// say what was left out, should it not fit).
type piece struct {
	block slack.Block
	size  int
	holds contents
}

// severityEmoji is the emoji shortcode that starts a message's header.
func severityEmoji(s Severity) string {
	switch s {
	case Error:
		return ":rotating_light:"
	case Warning:
		return ":warning:"
	default:
		return ":information_source:"
	}
}

// headerPiece is the header block: the severity and the title.
func headerPiece(msg Message) piece {
	title := strings.TrimSpace(oneLine(msg.Title))
	if title == "" {
		title = "opsd " + string(msg.Kind)
	}
	text := truncate(severityEmoji(msg.Severity)+" "+title, slackMaxHeader)
	return piece{
		block: slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, text, true, false)),
		size:  utf8.RuneCountInString(text),
	}
}

// textPieces lays text out in sections within Slack's limit, breaking
// between lines (a line too long for a section is cut). A preformatted
// (```) block that a break falls in is closed at the end of one section
// and opened again at the start of the next, so each renders as it would
// have whole.
func textPieces(text string) []piece {
	const fence = "```"
	var out []piece
	var b strings.Builder
	size, lines := 0, 0
	open := false // whether the section so far leaves a ``` block open
	flush := func() {
		if open {
			b.WriteString("\n" + fence)
			size += 1 + len(fence)
		}
		out = append(out, piece{block: mrkdwnSection(b.String()), size: size, holds: contents{lines: lines}})
		b.Reset()
		size, lines = 0, 0
		if open {
			b.WriteString(fence)
			size = len(fence)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		// Room for the newline and fence that may close the section.
		line = truncate(line, slackMaxText-2*(1+len(fence)))
		n := utf8.RuneCountInString(line)
		opens := open != (strings.Count(line, fence)%2 == 1)
		need := n
		if b.Len() > 0 {
			need++
		}
		if opens {
			need += 1 + len(fence)
		}
		if lines > 0 && size+need > slackMaxText {
			flush()
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			size++
		}
		b.WriteString(line)
		size += n
		lines++
		open = opens
	}
	open = false // a block the text itself leaves open stays as it is
	if lines > 0 {
		flush()
	}
	return out
}

// mrkdwnSection is a section block holding one mrkdwn text.
func mrkdwnSection(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

// fieldPieces puts the fields into sections of at most ten, and of at
// most slackMaxText characters together.
func fieldPieces(fields []Field) []piece {
	var out []piece
	var objs []*slack.TextBlockObject
	size := 0
	flush := func() {
		if len(objs) > 0 {
			out = append(out, piece{block: slack.NewSectionBlock(nil, objs, nil), size: size, holds: contents{fields: len(objs)}})
		}
		objs, size = nil, 0
	}
	for _, f := range fields {
		label := escapeMrkdwn(truncate(oneLine(f.Label), 100))
		value := f.Value
		if strings.TrimSpace(value) == "" {
			value = "-"
		}
		text := truncate("*"+label+"*\n"+escapeMrkdwn(value), slackMaxFieldText)
		n := utf8.RuneCountInString(text)
		if len(objs) == slackMaxFieldsPerSec || (len(objs) > 0 && size+n > slackMaxText) {
			flush()
		}
		objs = append(objs, slack.NewTextBlockObject(slack.MarkdownType, text, false, false))
		size += n
	}
	flush()
	return out
}

// tablePieces lays the table out as preformatted (```) sections of at
// most slackMaxText characters, every row in one of them and each with
// the header line, the columns aligned alike in all of them.
func tablePieces(t *Table) []piece {
	if t == nil || len(t.Rows) == 0 {
		return nil
	}
	lines := tableLines(t, slackCell)
	for i, l := range lines {
		lines[i] = escapeMrkdwn(truncate(l, slackMaxTableLine))
	}
	var header []string
	if len(t.Columns) > 0 {
		header, lines = lines[:1], lines[1:]
	}
	const open, closing = "```\n", "\n```"
	base := len(open) + len(closing)
	if len(header) > 0 {
		base += utf8.RuneCountInString(header[0]) + 1
	}
	var out []piece
	var rows []string
	size := base
	flush := func() {
		text := open + strings.Join(append(append([]string(nil), header...), rows...), "\n") + closing
		out = append(out, piece{block: mrkdwnSection(text), size: utf8.RuneCountInString(text), holds: contents{rows: len(rows)}})
		rows, size = nil, base
	}
	for _, l := range lines {
		n := utf8.RuneCountInString(l)
		if len(rows) > 0 {
			n++ // the newline before it
		}
		if len(rows) > 0 && size+n > slackMaxText {
			flush()
			n--
		}
		rows = append(rows, l)
		size += n
	}
	flush()
	return out
}

// actionPieces puts the buttons into actions blocks of at most
// slackMaxButtons, each with its own block id.
func actionPieces(buttons []Button) []piece {
	var out []piece
	for start := 0; start < len(buttons); start += slackMaxButtons {
		var elems []slack.BlockElement
		size := 0
		for _, b := range buttons[start:min(start+slackMaxButtons, len(buttons))] {
			text := truncate(b.Text, slackMaxButtonText)
			size += utf8.RuneCountInString(text)
			elems = append(elems, slack.NewButtonBlockElement(b.ActionID, b.Value,
				slack.NewTextBlockObject(slack.PlainTextType, text, false, false)))
		}
		id := "opsd-actions"
		if start > 0 {
			id = fmt.Sprintf("opsd-actions-%d", start/slackMaxButtons+1)
		}
		out = append(out, piece{block: slack.NewActionBlock(id, elems...), size: size, holds: contents{buttons: len(elems)}})
	}
	return out
}

// contextPiece is a context block holding one mrkdwn text.
func contextPiece(text string) piece {
	return piece{
		block: slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, text, false, false)),
		size:  utf8.RuneCountInString(text),
	}
}

// slackCell makes a cell safe and short for a preformatted block: one line,
// no backticks (which would end the block) and at most slackMaxCell long.
func slackCell(s string) string {
	return truncate(strings.ReplaceAll(oneLine(s), "`", "'"), slackMaxCell)
}

// escapeMrkdwn escapes the three characters Slack gives meaning in any text.
func escapeMrkdwn(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// truncateNoting shortens s to at most n characters, saying so at the end.
func truncateNoting(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	const note = "\n_… (truncated)_"
	return truncate(s, n-utf8.RuneCountInString(note)) + note
}

// fallbackText is the message's plain text, which Slack shows in
// notifications and where blocks cannot be shown.
func fallbackText(msg Message) string {
	text := severityEmoji(msg.Severity) + " " + escapeMrkdwn(oneLine(msg.Title))
	if body := strings.TrimSpace(msg.Text); body != "" {
		text += "\n" + body
	}
	return truncateNoting(text, slackMaxText)
}
