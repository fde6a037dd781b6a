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
//
// A certificate whose only news is that ACM will not renew it is not
// counted among those that need a person: it is told once, and again
// from horizon (the largest threshold) days before its expiry.
func summarize(fresh []Finding, errs []error, keys TagKeys, horizon int) notify.Message {
	type line struct {
		cert  *Certificate
		texts []string
		// person is whether a finding on the line needs a person.
		person bool
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
		if !f.Cause.WillNotRenew() {
			counts[f.Cause.Action()]++
		}
		l := lineOf[f.Cert]
		if l == nil {
			l = &line{cert: f.Cert, urgency: urgencyOf(f)}
			lineOf[f.Cert] = l
			o := keys.owner(f.Cert)
			byOwner[o] = append(byOwner[o], l)
		}
		l.texts = append(l.texts, f.Reason())
		l.urgency = l.urgency.most(urgencyOf(f))
		l.person = l.person || !f.Cause.WillNotRenew()
	}
	person := 0
	for _, l := range lineOf {
		if l.person {
			person++
		}
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
		Title:    title(person, len(lineOf)-person, horizon, counts, len(errs)),
		Text:     strings.Join(text, "\n"),
	}
}

// title is the summary's one line: how many certificates need a person,
// with how many findings of each kind, most urgent first; how many more
// ACM will not renew (told once, and again from horizon days before
// their expiry); and how many accounts and regions newly failed.
func title(person, notRenewing, horizon int, counts map[string]int, failed int) string {
	var clauses []string
	if person > 0 {
		var parts []string
		for _, k := range []struct{ action, label string }{
			{CauseExpiredInUse.Action(), "expired and in use"},
			{CauseRenewalFailed.Action(), "renewal failed"},
			{CauseRenewalPendingValidation.Action(), "renewal waits for validation"},
			{CauseExpiring.Action(), "expiring"},
		} {
			if c := counts[k.action]; c > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c, k.label))
			}
		}
		noun := "certificates need"
		if person == 1 {
			noun = "certificate needs"
		}
		clauses = append(clauses, fmt.Sprintf("%d %s a person (%s)", person, noun, strings.Join(parts, ", ")))
	}
	if notRenewing > 0 {
		what := fmt.Sprintf("%d certificate", notRenewing)
		switch {
		case person > 0:
			what = fmt.Sprintf("%d more", notRenewing)
		case notRenewing > 1:
			what += "s"
		}
		clauses = append(clauses, fmt.Sprintf("ACM will not renew %s (told once; again from %d days before expiry)", what, horizon))
	}
	if failed > 0 {
		clauses = append(clauses, fmt.Sprintf("%d account/region(s) could not be looked at", failed))
	}
	return "Certificates: " + strings.Join(clauses, "; ")
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
