package certs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/opsd-dev/opsd/notify"
)

// summarize builds the run's one summary of the findings to tell,
// grouped by owner (the certificates' TeamEmail or Application tag),
// each certificate on one line with everything new about it. The most
// urgent come first: errors before warnings, then the soonest expiry.
func summarize(fresh []Finding, keys TagKeys) notify.Message {
	type line struct {
		cert  *Certificate
		texts []string
		urgency
	}
	byOwner := map[string][]*line{}
	lineOf := map[*Certificate]*line{}
	counts := map[string]int{}
	sev := notify.Warning
	for _, f := range fresh {
		if f.Severity() == notify.Error {
			sev = notify.Error
		}
		counts[f.Cause.Action()]++
		l := lineOf[f.Cert]
		if l == nil {
			l = &line{cert: f.Cert, urgency: urgencyOf(f)}
			lineOf[f.Cert] = l
			o := keys.owner(f.Cert)
			byOwner[o] = append(byOwner[o], l)
		}
		l.texts = append(l.texts, f.Reason())
		l.urgency = l.urgency.most(urgencyOf(f))
	}
	worst := func(ls []*line) urgency {
		w := ls[0].urgency
		for _, l := range ls[1:] {
			w = w.most(l.urgency)
		}
		return w
	}
	owners := make([]string, 0, len(byOwner))
	for o := range byOwner {
		owners = append(owners, o)
	}
	slices.SortFunc(owners, func(a, b string) int {
		if d := worst(byOwner[a]).compare(worst(byOwner[b])); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	var text []string
	for _, o := range owners {
		ls := byOwner[o]
		slices.SortStableFunc(ls, func(a, b *line) int { return a.compare(b.urgency) })
		text = append(text, "*"+o+"*")
		for _, l := range ls {
			text = append(text, fmt.Sprintf("• `%s` (%s, %s): %s", l.cert.name(), l.cert.target(), l.cert.ARN, strings.Join(l.texts, "; ")))
		}
	}
	return notify.Message{
		Kind:     notify.KindCerts,
		Severity: sev,
		Title:    title(len(lineOf), counts),
		Text:     strings.Join(text, "\n"),
	}
}

// title is the summary's one line: how many certificates, and how many
// findings of each kind, most urgent first.
func title(n int, counts map[string]int) string {
	var parts []string
	for _, k := range []struct{ action, label string }{
		{CauseExpiredInUse.Action(), "expired and in use"},
		{CauseRenewalFailed.Action(), "renewal failed"},
		{CauseRenewalPendingValidation.Action(), "renewal waits for validation"},
		{CauseNotInUse.Action(), "will not renew"},
		{CauseExpiring.Action(), "expiring"},
	} {
		if c := counts[k.action]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, k.label))
		}
	}
	noun := "certificates need"
	if n == 1 {
		noun = "certificate needs"
	}
	return fmt.Sprintf("Certificates: %d %s a person (%s)", n, noun, strings.Join(parts, ", "))
}

// urgency orders findings for the summary: errors before warnings, then
// the soonest expiry.
type urgency struct {
	error    bool
	daysLeft int
}

func urgencyOf(f Finding) urgency {
	return urgency{error: f.Severity() == notify.Error, daysLeft: f.DaysLeft}
}

// compare is negative when u is more urgent than v.
func (u urgency) compare(v urgency) int {
	if u.error != v.error {
		if u.error {
			return -1
		}
		return 1
	}
	return u.daysLeft - v.daysLeft
}

// most is the more urgent of u and v.
func (u urgency) most(v urgency) urgency {
	if v.compare(u) < 0 {
		return v
	}
	return u
}
