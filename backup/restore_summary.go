package backup

import (
	"fmt"
	"strings"

	"github.com/opsd-dev/opsd/notify"
)

// breachKey identifies a breach across reconciles, so it is told once.
func breachKey(e Evidence, b Breach) string {
	return strings.Join([]string{"restore", b.Kind, e.Policy, e.Application, b.JobID}, "|")
}

// restoreKeys are the keys of a run's breaches.
func (r *targetRun) restoreKeys() []string {
	var keys []string
	for _, e := range r.restore.evidence {
		for _, b := range e.Breaches {
			keys = append(keys, breachKey(e, b))
		}
	}
	return keys
}

// summarizeRestore builds the restore testing message: the plans and
// selections changed or failed, the probes run, and the breaches, new
// ones marked. It is sent only when something changed or a breach is
// new; fresh holds, by target, the keys not told before.
func summarizeRestore(runs []*targetRun, fresh map[string]map[string]bool, keys TagKeys) (notify.Message, bool) {
	var changed, failed, probes, breaches []string
	var labels []notify.Labels
	newBreaches, nBreaches := 0, 0
	for _, r := range runs {
		rr := r.restore
		if rr == nil {
			continue
		}
		where := r.t.String()
		for _, ch := range rr.changes {
			switch {
			case ch.err != nil:
				failed = append(failed, fmt.Sprintf("• %s `%s` %s failed: %s", where, ch.Resource, ch.Op, apiErrorText(ch.err)))
			case ch.attempted:
				changed = append(changed, fmt.Sprintf("• %s `%s` %s: %s", where, ch.Resource, ch.Op, ch.Reason))
			}
		}
		for _, p := range rr.probes {
			switch {
			case p.err != nil:
				failed = append(failed, fmt.Sprintf("• %s probe of `%s` failed: %s", where, p.test.CreatedResourceARN, apiErrorText(p.err)))
			case p.attempted:
				verdict := "passed"
				if !p.ok {
					verdict = "FAILED"
				}
				probes = append(probes, fmt.Sprintf("• %s `%s` (restored from %s) %s: %s", where, p.test.CreatedResourceARN, p.test.SourceARN, verdict, p.why))
			}
		}
		for _, e := range rr.evidence {
			for _, b := range e.Breaches {
				nBreaches++
				line := fmt.Sprintf("• %s %s, %s: %s", where, e.Policy, applicationName(e.Application), b.Text)
				if fresh[where][breachKey(e, b)] {
					newBreaches++
					line += " _(new)_"
					labels = append(labels, notify.Labels{Account: e.Account, Region: e.Region, Environment: e.Environment, Application: e.Application})
				}
				breaches = append(breaches, line)
			}
		}
	}
	if len(changed)+len(failed) == 0 && newBreaches == 0 {
		return notify.Message{}, false
	}
	var text []string
	section := func(heading string, lines []string) {
		if len(lines) > 0 {
			text = append(text, "*"+heading+"*")
			text = append(text, lines...)
		}
	}
	section("Changed", changed)
	section("Failed", failed)
	section("Restored copies probed", probes)
	section("Not shown to hold (RTO, RPO, validation, leftover copies, cold storage)", breaches)
	sev := notify.Info
	switch {
	case len(failed) > 0 || newBreaches > 0:
		sev = notify.Error
	case nBreaches > 0:
		sev = notify.Warning
	}
	return notify.Message{
		Kind: notify.KindBackup, Severity: sev,
		Title:  fmt.Sprintf("Restore tests: %d changed, %d failed, %d breach(es) (%d new)", len(changed), len(failed), nBreaches, newBreaches),
		Text:   strings.Join(text, "\n"),
		Labels: notify.CommonLabels(labels...),
	}, true
}
