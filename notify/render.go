package notify

import (
	"strings"
	"unicode/utf8"
)

// Render formats a message as plain text: a line with the severity, kind and
// title, the text, the fields as aligned "Label: value" lines and the table
// with aligned columns. It is what opsd would have posted to Slack, for logs,
// terminals and demos.
func Render(msg Message) string {
	var b strings.Builder
	sev := msg.Severity
	if sev == "" {
		sev = Info
	}
	b.WriteString("[" + strings.ToUpper(string(sev)) + "]")
	if msg.Kind != "" {
		b.WriteString(" " + string(msg.Kind) + ":")
	}
	b.WriteString(" " + msg.Title + "\n")

	if text := strings.TrimRight(msg.Text, "\n"); text != "" {
		b.WriteString(text + "\n")
	}

	if len(msg.Fields) > 0 {
		b.WriteString("\n")
		width := 0
		for _, f := range msg.Fields {
			width = max(width, utf8.RuneCountInString(f.Label))
		}
		for _, f := range msg.Fields {
			pad := strings.Repeat(" ", width-utf8.RuneCountInString(f.Label))
			b.WriteString(f.Label + ":" + pad + " " + oneLine(f.Value) + "\n")
		}
	}

	if msg.Table != nil && len(msg.Table.Rows) > 0 {
		b.WriteString("\n")
		for _, line := range tableLines(msg.Table, oneLine) {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
