package notify

import "strings"

// Route sends the messages it matches to one Slack channel. Each non-empty
// list must contain the message's value (any one of it): kinds and
// severities exactly, the labels case-insensitively. A route with every
// list empty matches every message.
type Route struct {
	Kinds        []Kind
	Severities   []Severity
	Accounts     []string
	Environments []string
	Applications []string
	TeamEmails   []string
	// Channel receives the messages the route matches.
	Channel string
}

// Matches reports whether msg is one the route sends. A list the route
// sets never matches a label the message leaves empty.
func (r Route) Matches(msg Message) bool {
	return matchExact(r.Kinds, msg.Kind) &&
		matchExact(r.Severities, msg.Severity) &&
		matchFold(r.Accounts, msg.Labels.Account) &&
		matchFold(r.Environments, msg.Labels.Environment) &&
		matchFold(r.Applications, msg.Labels.Application) &&
		matchFold(r.TeamEmails, msg.Labels.TeamEmail)
}

// RouteChannel returns the channel of the first route in routes that
// matches msg, and whether one did.
func RouteChannel(routes []Route, msg Message) (string, bool) {
	for _, r := range routes {
		if r.Matches(msg) {
			return r.Channel, true
		}
	}
	return "", false
}

func matchExact[T comparable](want []T, got T) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if w == got {
			return true
		}
	}
	return false
}

func matchFold(want []string, got string) bool {
	if len(want) == 0 {
		return true
	}
	got = strings.TrimSpace(got)
	if got == "" {
		return false
	}
	for _, w := range want {
		if strings.EqualFold(strings.TrimSpace(w), got) {
			return true
		}
	}
	return false
}
