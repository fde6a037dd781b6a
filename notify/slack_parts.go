package notify

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// What one Slack message may hold, beyond each block's own limits.
const (
	// slackMaxBlocks is how many blocks one message may have.
	slackMaxBlocks = 50
	// slackMaxMessageText bounds the text of all of one message's blocks.
	// Slack refuses a message whose blocks hold too much text
	// (msg_blocks_too_long) at a limit it documents only for the markdown
	// block (12,000 characters); messages of section blocks have been
	// refused at under 12,000, so opsd keeps well below.
	slackMaxMessageText = 8000
	// slackMaxParts is how many messages one notification becomes at
	// most: the first and its replies in the first's thread.
	slackMaxParts = 20
	// slackFooterRoom is the text the footer of a part may take.
	slackFooterRoom = 80
)

// slackPart is one Slack message of a notification.
type slackPart struct {
	blocks []slack.Block
	// text is the fallback Slack shows in notifications and screen
	// readers read.
	text string
}

// options are the chat.postMessage options that post the part.
func (p slackPart) options(extra ...slack.MsgOption) []slack.MsgOption {
	return append([]slack.MsgOption{
		slack.MsgOptionText(p.text, false),
		slack.MsgOptionBlocks(p.blocks...),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}, extra...)
}

// layout lays msg out as Block Kit messages: a header with the title,
// the text in sections, the fields ten to a section, the table in
// preformatted sections, the buttons when withButtons, and a footer
// naming the kind. What does not fit one message (50 blocks, 8,000
// characters) continues in further messages, each footer saying "part 2
// of 3", so that nothing is dropped; only what would take more than
// slackMaxParts messages is left out, said so at the end and returned.
func layout(msg Message, withButtons bool) ([]slackPart, contents) {
	var content []piece
	if text := strings.TrimSpace(msg.Text); text != "" {
		content = append(content, textPieces(text)...)
	}
	content = append(content, fieldPieces(msg.Fields)...)
	content = append(content, tablePieces(msg.Table)...)
	if withButtons {
		content = append(content, actionPieces(msg.Buttons)...)
	}

	groups := pack(headerPiece(msg), content)
	var left contents
	if len(groups) > slackMaxParts {
		groups, left = capGroups(groups)
	}

	footer := "opsd"
	if msg.Kind != "" {
		footer += " · " + string(msg.Kind)
	}
	parts := make([]slackPart, len(groups))
	for i, g := range groups {
		f := footer
		if len(groups) > 1 {
			f += fmt.Sprintf(" · part %d of %d", i+1, len(groups))
		}
		g = append(g, contextPiece(f))
		blocks := make([]slack.Block, len(g))
		for j, p := range g {
			blocks[j] = p.block
		}
		parts[i] = slackPart{blocks: blocks, text: fallbackText(msg)}
		if i > 0 {
			parts[i].text = partText(i+1, len(groups), g)
		}
	}
	return parts, left
}

// pack fills messages with the header and then the content in order,
// starting another message where the next piece would take one past its
// limits (keeping room for its footer).
func pack(header piece, content []piece) [][]piece {
	cur := []piece{header}
	size := header.size
	var groups [][]piece
	for _, p := range content {
		if len(cur)+2 > slackMaxBlocks || size+p.size+slackFooterRoom > slackMaxMessageText {
			groups = append(groups, cur)
			cur, size = nil, 0
		}
		cur = append(cur, p)
		size += p.size
	}
	return append(groups, cur)
}

// capGroups keeps the first slackMaxParts groups and, in the last of
// them, a note saying what the rest held, dropping pieces from its end
// to make room for the note. It returns what was left out.
func capGroups(groups [][]piece) ([][]piece, contents) {
	var left contents
	for _, g := range groups[slackMaxParts:] {
		for _, p := range g {
			left = left.add(p.holds)
		}
	}
	groups = groups[:slackMaxParts]
	last := groups[len(groups)-1]
	for {
		note := contextPiece(fmt.Sprintf("_%s not shown: too long for %d Slack messages_", left, slackMaxParts))
		size := note.size
		for _, p := range last {
			size += p.size
		}
		if len(last) <= 1 || (len(last)+2 <= slackMaxBlocks && size+slackFooterRoom <= slackMaxMessageText) {
			groups[len(groups)-1] = append(last, note)
			return groups, left
		}
		left = left.add(last[len(last)-1].holds)
		last = last[:len(last)-1]
	}
}

// partText is the fallback text of a later part: which part it is and
// the text of its sections.
func partText(n, of int, g []piece) string {
	texts := []string{fmt.Sprintf("Part %d of %d", n, of)}
	for _, p := range g {
		if sec, ok := p.block.(*slack.SectionBlock); ok && sec.Text != nil {
			texts = append(texts, sec.Text.Text)
		}
	}
	return truncateNoting(strings.Join(texts, "\n"), slackMaxText)
}

// contents counts what blocks hold, to say what was left out.
type contents struct {
	lines, fields, rows, buttons int
}

func (c contents) add(o contents) contents {
	return contents{c.lines + o.lines, c.fields + o.fields, c.rows + o.rows, c.buttons + o.buttons}
}

// empty reports whether c counts nothing.
func (c contents) empty() bool { return c == contents{} }

// String says what c counts: "12 more rows and 3 more lines".
func (c contents) String() string {
	var parts []string
	for _, k := range []struct {
		n         int
		one, many string
	}{
		{c.rows, "row", "rows"},
		{c.lines, "line", "lines"},
		{c.fields, "field", "fields"},
		{c.buttons, "button", "buttons"},
	} {
		switch {
		case k.n == 1:
			parts = append(parts, "1 more "+k.one)
		case k.n > 1:
			parts = append(parts, fmt.Sprintf("%d more %s", k.n, k.many))
		}
	}
	switch len(parts) {
	case 0:
		return "nothing more"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
