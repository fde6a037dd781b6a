package notify

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's Block Kit limits (https://api.slack.com/reference/block-kit).
const (
	slackMaxHeader       = 150  // characters in a header's plain_text
	slackMaxText         = 3000 // characters in a section's text object
	slackMaxFieldText    = 2000 // characters in one section field
	slackMaxFieldsPerSec = 10   // fields in one section
	slackMaxBlocks       = 50   // blocks in one message
	slackMaxCell         = 60   // characters we show of one table cell
	slackMaxTableLine    = 300  // characters we show of one table line
	slackMaxTextSections = 10   // sections a message's text may fill
)

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

// buildBlocks lays msg out as Block Kit blocks: a header with the title, a
// section with the text, sections of at most ten fields, the table as a
// preformatted block and a context line naming the kind, all within Slack's
// size limits.
func buildBlocks(msg Message) []slack.Block {
	title := strings.TrimSpace(oneLine(msg.Title))
	if title == "" {
		title = "opsd " + string(msg.Kind)
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType,
			truncate(severityEmoji(msg.Severity)+" "+title, slackMaxHeader), true, false)),
	}
	if text := strings.TrimSpace(msg.Text); text != "" {
		blocks = append(blocks, textSections(text, slackMaxTextSections)...)
	}
	// Keep room for the table, the context and a note about dropped fields.
	blocks = append(blocks, fieldSections(msg.Fields, slackMaxBlocks-len(blocks)-3)...)
	if msg.Table != nil && len(msg.Table.Rows) > 0 {
		blocks = append(blocks, mrkdwnSection(tableText(msg.Table, slackMaxText)))
	}
	footer := "opsd"
	if msg.Kind != "" {
		footer += " · " + string(msg.Kind)
	}
	blocks = append(blocks, slack.NewContextBlock("",
		slack.NewTextBlockObject(slack.MarkdownType, footer, false, false)))
	return blocks
}

// textSections lays text out in at most maxBlocks sections, each within
// Slack's limit, breaking between lines where it can (a line too long for
// one section is cut). Text that does not fit is cut, and the last
// section says so.
func textSections(text string, maxBlocks int) []slack.Block {
	var chunks []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if utf8.RuneCountInString(line) > slackMaxText {
			line = truncate(line, slackMaxText)
		}
		if cur.Len() > 0 && utf8.RuneCountInString(cur.String())+1+utf8.RuneCountInString(line) > slackMaxText {
			chunks = append(chunks, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
	}
	if cur.Len() > 0 {
		chunks = append(chunks, cur.String())
	}
	if len(chunks) > maxBlocks {
		rest := strings.Join(chunks[maxBlocks-1:], "\n")
		chunks = append(chunks[:maxBlocks-1], truncateNoting(rest, slackMaxText))
	}
	blocks := make([]slack.Block, 0, len(chunks))
	for _, c := range chunks {
		blocks = append(blocks, mrkdwnSection(c))
	}
	return blocks
}

// mrkdwnSection is a section block holding one mrkdwn text.
func mrkdwnSection(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

// fieldSections puts the fields into sections of at most ten, using at most
// maxBlocks blocks; if they do not fit, the last block says how many fields
// were left out.
func fieldSections(fields []Field, maxBlocks int) []slack.Block {
	if len(fields) == 0 || maxBlocks < 1 {
		return nil
	}
	var blocks []slack.Block
	for start := 0; start < len(fields); start += slackMaxFieldsPerSec {
		if len(blocks) == maxBlocks-1 && start+slackMaxFieldsPerSec < len(fields) {
			blocks = append(blocks, mrkdwnSection(fmt.Sprintf("_%d more fields not shown_", len(fields)-start)))
			break
		}
		end := min(start+slackMaxFieldsPerSec, len(fields))
		objs := make([]*slack.TextBlockObject, 0, end-start)
		for _, f := range fields[start:end] {
			label := escapeMrkdwn(truncate(oneLine(f.Label), 100))
			value := f.Value
			if strings.TrimSpace(value) == "" {
				value = "-"
			}
			text := "*" + label + "*\n" + escapeMrkdwn(value)
			objs = append(objs, slack.NewTextBlockObject(slack.MarkdownType, truncate(text, slackMaxFieldText), false, false))
		}
		blocks = append(blocks, slack.NewSectionBlock(nil, objs, nil))
	}
	return blocks
}

// tableText renders the table as a preformatted (```) block of at most limit
// characters. Rows that do not fit are left out and a line after the block
// says how many.
func tableText(t *Table, limit int) string {
	lines := tableLines(t, slackCell)
	for i, l := range lines {
		lines[i] = escapeMrkdwn(truncate(l, slackMaxTableLine))
	}
	header := 0
	if len(t.Columns) > 0 {
		header = 1
	}
	const open, closing = "```\n", "\n```"
	total := len(lines) - header
	// The longest note we could need, so the rows kept leave room for it.
	noteRoom := utf8.RuneCountInString(omittedNote(total))

	size := utf8.RuneCountInString(open) + utf8.RuneCountInString(closing)
	kept := 0
	for i, l := range lines {
		n := utf8.RuneCountInString(l)
		if i > 0 {
			n++ // newline
		}
		room := limit
		if i < len(lines)-1 {
			room -= noteRoom // more rows may follow that need the note
		}
		if size+n > room {
			break
		}
		size += n
		kept++
	}
	if kept <= header {
		return fmt.Sprintf("_table of %d rows too wide to show_", total)
	}
	text := open + strings.Join(lines[:kept], "\n") + closing
	if omitted := len(lines) - kept; omitted > 0 {
		text += omittedNote(omitted)
	}
	return text
}

// omittedNote is the line under a table that says how many rows were left out.
func omittedNote(n int) string {
	if n == 1 {
		return "\n_1 more row not shown_"
	}
	return fmt.Sprintf("\n_%d more rows not shown_", n)
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

// slackMaxButtons is how many elements one actions block holds.
const slackMaxButtons = 25

// blocks lays msg out for this notifier: with its buttons, in one actions
// block before the footer, only when interactivity is on.
func (s *Slack) blocks(msg Message) []slack.Block {
	blocks := buildBlocks(msg)
	if !s.interactive || len(msg.Buttons) == 0 || len(blocks) >= slackMaxBlocks {
		return blocks
	}
	var elems []slack.BlockElement
	for i, b := range msg.Buttons {
		if i == slackMaxButtons {
			break
		}
		elems = append(elems, slack.NewButtonBlockElement(b.ActionID, b.Value,
			slack.NewTextBlockObject(slack.PlainTextType, truncate(b.Text, 75), false, false)))
	}
	footer := blocks[len(blocks)-1]
	return append(blocks[:len(blocks)-1], slack.NewActionBlock("opsd-actions", elems...), footer)
}
