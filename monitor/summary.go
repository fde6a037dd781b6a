package monitor

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/opsd-dev/opsd/awsenv"

	"github.com/opsd-dev/opsd/notify"
)

// summarize builds the one message an Apply reconcile sends, and reports
// whether there is anything to send.
//
// A message goes out when something was changed, when a change failed in
// a new way (a failure that repeats every run is told once), or when an
// account or region newly could not be reached (newErrs). Reports (malformed
// tags, topics without delivery logging, instances without the agent)
// never cause a message by themselves, since they would repeat every run;
// they ride along in every message that goes out. When all is in sync,
// nothing is sent.
func summarize(all []targetResult, errs []error, newErrs int, freshFailures bool) (notify.Message, bool) {
	type tally struct{ created, updated, deleted, failed, reported int }
	counts := map[string]int{}
	var total tally
	var rows [][]string
	var failures, changes, reports []string
	for _, tr := range all {
		var t tally
		where := tr.account + "/" + tr.region
		for _, c := range tr.changes {
			switch {
			case !c.acts():
				t.reported++
				reports = append(reports, fmt.Sprintf("• `%s` (%s): %s", c.Name, where, c.Reason))
			case c.err != nil:
				t.failed++
				failures = append(failures, fmt.Sprintf("• %s `%s` (%s): %s", c.ActionName(), c.Name, where, awsenv.ErrorText(c.err)))
			case c.done:
				counts[countKey(c)]++
				switch c.Op {
				case OpCreate:
					t.created++
				case OpDelete:
					t.deleted++
				default:
					t.updated++
				}
				changes = append(changes, fmt.Sprintf("• %s `%s` (%s): %s", c.ActionName(), c.Name, where, c.Reason))
			}
		}
		total.created += t.created
		total.updated += t.updated
		total.deleted += t.deleted
		total.failed += t.failed
		total.reported += t.reported
		if t.created+t.updated+t.deleted+t.failed+t.reported > 0 {
			rows = append(rows, []string{tr.account, tr.region,
				strconv.Itoa(t.created), strconv.Itoa(t.updated), strconv.Itoa(t.deleted), strconv.Itoa(t.failed), strconv.Itoa(t.reported)})
		}
	}
	changed := total.created + total.updated + total.deleted
	if changed == 0 && !freshFailures && newErrs == 0 {
		return notify.Message{}, false
	}

	parts := titleParts(counts)
	if len(parts) == 0 {
		parts = []string{"nothing changed"}
	}
	title := "Monitoring: " + strings.Join(parts, ", ")
	if total.failed > 0 {
		title += fmt.Sprintf("; %d failed", total.failed)
	}
	if len(errs) > 0 {
		title += fmt.Sprintf("; %d not reached", len(errs))
	}
	sev := notify.Info
	switch {
	case total.failed > 0 || len(errs) > 0:
		sev = notify.Error
	case total.reported > 0:
		sev = notify.Warning
	}

	var text []string
	// Every line is listed: a notifier that cannot show them in one
	// message continues in more (Slack, in the message's thread).
	section := func(heading string, lines []string) {
		if len(lines) == 0 {
			return
		}
		text = append(text, "*"+heading+"*")
		text = append(text, lines...)
	}
	section("Failed", failures)
	var unreached []string
	for _, err := range errs {
		unreached = append(unreached, "• "+err.Error())
	}
	section("Not reached", unreached)
	section("Changed", changes)
	section("Needs a person (nothing was done)", reports)
	section("Coverage", coverageLines(all))

	return notify.Message{
		Kind:     notify.KindMonitor,
		Severity: sev,
		Title:    title,
		Text:     strings.Join(text, "\n"),
		Table:    &notify.Table{Columns: []string{"Account", "Region", "Created", "Updated", "Deleted", "Failed", "Reported"}, Rows: rows},
	}, true
}

// countKey groups done changes for the title. A retention that was
// shortened is counted apart from one lengthened: it deleted events.
func countKey(c *Change) string {
	if c.Object == ObjectLogGroup && c.shortens {
		return string(c.Object) + " shorten"
	}
	return string(c.Object) + " " + string(c.Op)
}

// titleOrder lists the title's counts in order, with their wording.
var titleOrder = []struct {
	key, one, many string
}{
	{"alarm create", "1 alarm created", "%d alarms created"},
	{"alarm update", "1 alarm updated", "%d alarms updated"},
	{"alarm tag", "1 alarm tagged", "%d alarms tagged"},
	{"alarm delete", "1 alarm deleted", "%d alarms deleted"},
	{"dashboard create", "1 dashboard created", "%d dashboards created"},
	{"dashboard update", "1 dashboard updated", "%d dashboards updated"},
	{"dashboard delete", "1 dashboard deleted", "%d dashboards deleted"},
	{"log-retention set", "1 log group's retention lengthened", "%d log groups' retention lengthened"},
	{"log-retention shorten", "1 log group's retention shortened (older events deleted)", "%d log groups' retention shortened (older events deleted)"},
	{"metric-filter create", "1 metric filter created", "%d metric filters created"},
	{"metric-filter update", "1 metric filter updated", "%d metric filters updated"},
	{"metric-filter delete", "1 metric filter deleted", "%d metric filters deleted"},
	{"event-subscription create", "1 RDS event subscription created", "%d RDS event subscriptions created"},
	{"event-subscription update", "1 RDS event subscription updated", "%d RDS event subscriptions updated"},
	{"event-subscription delete", "1 RDS event subscription deleted", "%d RDS event subscriptions deleted"},
	{"delivery-logging enable", "delivery logging on for 1 topic", "delivery logging on for %d topics"},
	{"agent-parameter create", "1 agent configuration parameter created", "%d agent configuration parameters created"},
	{"agent-parameter update", "1 agent configuration parameter updated", "%d agent configuration parameters updated"},
	{"agent-command send", "agent command sent to 1 instance", "agent commands sent to %d instances"},
}

func titleParts(counts map[string]int) []string {
	var out []string
	for _, t := range titleOrder {
		switch n := counts[t.key]; {
		case n == 1:
			out = append(out, t.one)
		case n > 1:
			out = append(out, fmt.Sprintf(t.many, n))
		}
	}
	return out
}

// coverageLines are the coverage of every target, one line per account,
// region and application, then one per instance short of the agent or an
// alarm.
func coverageLines(all []targetResult) []string {
	var out []string
	for _, tr := range all {
		for _, c := range tr.coverage {
			out = append(out, "• "+c.String())
			for _, g := range c.Gaps {
				out = append(out, "    ◦ "+g.String())
			}
		}
	}
	return out
}
