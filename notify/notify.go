// Package notify delivers opsd's messages to people: Slack when it is
// configured, the log otherwise. Every service uses the one Notifier.
package notify

import "context"

// Kind is the kind of event a message reports; each kind may have its own
// Slack channel.
type Kind string

// The kinds of event opsd reports.
const (
	KindShutdown Kind = "shutdown"
	KindPatching Kind = "patching"
	KindBackup   Kind = "backup"
	KindMonitor  Kind = "monitor"
	KindDLQ      Kind = "dlq"
	KindAudit    Kind = "audit"
	KindCerts    Kind = "certs"
)

// Severity says how urgently a message needs a person.
type Severity string

// Severities.
const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Field is one labelled value shown with a message.
type Field struct {
	Label string
	Value string
}

// Table is a small table shown with a message (one row per resource).
type Table struct {
	Columns []string
	Rows    [][]string
}

// Message is one notification.
type Message struct {
	Kind     Kind
	Severity Severity
	// Title is one line saying what happened.
	Title string
	// Text is the body, in Slack mrkdwn.
	Text   string
	Fields []Field
	Table  *Table
}

// Notifier delivers messages.
type Notifier interface {
	Notify(ctx context.Context, msg Message) error
}
