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

// Table is a table shown with a message (one row per resource). Every
// row is shown: Slack continues a table too long for one message in the
// message's thread.
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
	// Labels say whom and where the message is about, for routing; a
	// label the message does not know, or that differs between the things
	// it summarises, is empty.
	Labels Labels
	// Buttons are actions people may take from the message; only Slack
	// with interactivity on shows them.
	Buttons []Button
}

// Labels say whom and where a message is about.
type Labels struct {
	Account     string `json:"account,omitempty"`
	Region      string `json:"region,omitempty"`
	Environment string `json:"environment,omitempty"`
	Application string `json:"application,omitempty"`
	TeamEmail   string `json:"team_email,omitempty"`
}

// CommonLabels returns the labels every one of ls has in common: each
// field keeps its value when all of ls agree on it and is empty
// otherwise. A summary of many resources uses it so that it is routed by
// owner only when it is about one owner.
func CommonLabels(ls ...Labels) Labels {
	if len(ls) == 0 {
		return Labels{}
	}
	out := ls[0]
	keep := func(field *string, v string) {
		if *field != v {
			*field = ""
		}
	}
	for _, l := range ls[1:] {
		keep(&out.Account, l.Account)
		keep(&out.Region, l.Region)
		keep(&out.Environment, l.Environment)
		keep(&out.Application, l.Application)
		keep(&out.TeamEmail, l.TeamEmail)
	}
	return out
}

// Button is an action people can take from a message in Slack (when
// interactivity is on, see SlackOptions.Interactive): pressing it sends
// ActionID and Value back to opsd.
type Button struct {
	Text, ActionID, Value string
}

// Notifier delivers messages.
type Notifier interface {
	Notify(ctx context.Context, msg Message) error
}
