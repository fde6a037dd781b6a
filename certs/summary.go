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
//
// errs are the accounts and regions newly not looked in (or only in
// part); they close the summary, and make it an error.
func summarize(fresh []Finding, errs []error, keys TagKeys) notify.Message {
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
	if len(errs) > 0 {
		sev = notify.Error
		text = append(text, "*Not looked at (or only in part)*")
		for _, err := range errs {
			text = append(text, "• "+err.Error())
		}
	}
	return notify.Message{
		Kind:     notify.KindCerts,
		Severity: sev,
		Title:    title(len(lineOf), counts, len(errs)),
		Text:     strings.Join(text, "\n"),
	}
}

// title is the summary's one line: how many certificates, and how many
// findings of each kind, most urgent first; and how many accounts and
// regions newly failed.
func title(n int, counts map[string]int, failed int) string {
	if n == 0 {
		return fmt.Sprintf("Certificates: %d account/region(s) could not be looked at", failed)
	}
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
	t := fmt.Sprintf("Certificates: %d %s a person (%s)", n, noun, strings.Join(parts, ", "))
	if failed > 0 {
		t += fmt.Sprintf("; %d account/region(s) could not be looked at", failed)
	}
	return t
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
