package shutdown

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/opsd-dev/opsd/notify"
)

// digest is what the summary of an Apply reconcile needs of its tasks:
// counts by account and environment and the lines naming failures,
// reports and overrides. Each target's tasks are added to a digest of
// their own, so the tasks and their resources can be let go as soon as
// the target is done; the digests are merged in resource order.
type digest struct {
	rows                               map[digestRow]*tally
	stopped, started, failed, reported int
	fresh                              bool
	failures, reports, overrides       []line
	// recorded are stops an earlier run made and did not record (the
	// daemon or leader was killed between the stop and its marker): they
	// are counted and told as stops by the run that records them.
	recorded []line
	// silenced are resources whose alarm actions opsd turned off for the
	// night and that, well into their on period, are not yet running and
	// healthy: their alarms send nothing.
	silenced []line
	// labels are what every resource the summary tells of shares
	// (account, region, environment); labelled once there is one.
	labels   notify.Labels
	labelled bool
}

// label narrows the digest's labels to what they share with l.
func (g *digest) label(l notify.Labels) {
	if !g.labelled {
		g.labels, g.labelled = l, true
		return
	}
	g.labels = notify.CommonLabels(g.labels, l)
}

// line is one line of the summary and the resource it names.
type line struct{ id, text string }

// texts are the lines' texts.
func texts(lines []line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.text
	}
	return out
}

// sortLines orders each kind of line by resource, keeping the order of
// lines naming the same one: a digest merged from several of one account
// and region lists its lines as one of them would.
func (g *digest) sortLines() {
	for _, lines := range [][]line{g.failures, g.reports, g.overrides, g.recorded, g.silenced} {
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].id < lines[j].id })
	}
}

// digestRow is one row of the summary's table.
type digestRow struct{ account, env string }

// tally counts one row's outcomes.
type tally struct{ stopped, started, failed, reported int }

func newDigest() *digest { return &digest{rows: map[digestRow]*tally{}} }

// add counts t, whose failure is fresh unless the resource's last-error
// tag (lastErrorKey) already records it.
func (g *digest) add(t *task, lastErrorKey string) {
	env := t.d.Intent.Environment
	if env == "" {
		env = "-"
	}
	if !t.silencedSince.IsZero() {
		g.silenced = append(g.silenced, line{t.r.ID, fmt.Sprintf("• %s: alarm actions off since %s (opsd turned them off for the night); it is not running and healthy yet", describe(t), t.d.local(t.silencedSince))})
	}
	k := digestRow{t.r.Account, env}
	row := g.rows[k]
	if row == nil {
		row = &tally{}
		g.rows[k] = row
	}
	switch {
	case t.err != nil:
		row.failed++
		g.failed++
		g.fresh = g.fresh || t.fresh(lastErrorKey)
		g.failures = append(g.failures, line{t.r.ID, fmt.Sprintf("• %s: %s", describe(t), t.err.Error())})
	case t.d.Action == ActionStop:
		row.stopped++
		g.stopped++
	case t.d.Action == ActionMark && t.d.Cause == CauseStopUnrecorded:
		row.stopped++
		g.stopped++
		g.recorded = append(g.recorded, line{t.r.ID, "• " + describe(t)})
	case t.d.Action == ActionStart:
		row.started++
		g.started++
	case t.d.Action == ActionReport:
		row.reported++
		g.reported++
		g.reports = append(g.reports, line{t.r.ID, fmt.Sprintf("• %s: %s", describe(t), t.d.Reason())})
	case t.d.Action == ActionMark && t.d.Cause != CauseStopUnrecorded && t.d.Cause != CauseRunningAfterStop:
		g.overrides = append(g.overrides, line{t.r.ID, fmt.Sprintf("• %s: %s", describe(t), t.d.Reason())})
	default:
		return
	}
	g.label(notify.Labels{Account: t.r.Account, Region: t.r.Region, Environment: t.d.Intent.Environment})
}

// merge adds o's counts and lines after g's; a nil o adds nothing.
func (g *digest) merge(o *digest) {
	if o == nil {
		return
	}
	for k, r := range o.rows {
		row := g.rows[k]
		if row == nil {
			row = &tally{}
			g.rows[k] = row
		}
		row.stopped += r.stopped
		row.started += r.started
		row.failed += r.failed
		row.reported += r.reported
	}
	g.stopped += o.stopped
	g.started += o.started
	g.failed += o.failed
	g.reported += o.reported
	g.fresh = g.fresh || o.fresh
	if o.labelled {
		g.label(o.labels)
	}
	g.failures = append(g.failures, o.failures...)
	g.reports = append(g.reports, o.reports...)
	g.overrides = append(g.overrides, o.overrides...)
	g.recorded = append(g.recorded, o.recorded...)
	g.silenced = append(g.silenced, o.silenced...)
}

// summarize builds the one message an Apply reconcile sends from the
// digest of its tasks, and reports whether there is anything to send.
//
// A message goes out when something was stopped or started, when an
// action failed in a new way (not the failure already recorded in the
// resource's last-error tag: a stop that keeps failing is told once, not
// every five minutes), or when an account or region newly could not be
// reached (newErrs). Reports (production resources with shutdown tags,
// malformed tags, resources AWS cannot stop) never cause a message by
// themselves, since they would repeat on every run; they ride along in
// every message that goes out, so each evening's and morning's summary
// lists what still needs a person. Overrides opsd records (a resource
// started by hand, left running) are listed too.
func summarize(g *digest, errs []error, newErrs int) (notify.Message, bool) {
	stopped, started, failedN, reported, fresh := g.stopped, g.started, g.failed, g.reported, g.fresh
	failures, reports, overrides, rows := texts(g.failures), texts(g.reports), texts(g.overrides), g.rows
	recorded, silencedLines := texts(g.recorded), texts(g.silenced)
	if stopped+started == 0 && !fresh && newErrs == 0 {
		return notify.Message{}, false
	}

	title := fmt.Sprintf("Overnight shutdown: stopped %d, started %d, %d failed", stopped, started, failedN)
	if reported > 0 {
		title += fmt.Sprintf(", %d reported", reported)
	}
	if len(errs) > 0 {
		title += fmt.Sprintf(", %d not reached", len(errs))
	}
	sev := notify.Info
	switch {
	case failedN > 0 || len(errs) > 0:
		sev = notify.Error
	case reported > 0:
		sev = notify.Warning
	}

	var text []string
	section := func(heading string, lines []string) {
		if len(lines) > 0 {
			text = append(text, "*"+heading+"*")
			text = append(text, lines...)
		}
	}
	section("Failed", failures)
	section("Not reached", unreachedLines(errs))
	section("Needs a person (nothing was done)", reports)
	section("Started outside opsd, left running", overrides)
	section("Stopped by an earlier run that ended before recording it (recorded now)", recorded)
	section("Alarms still silent (needs a person)", silencedLines)

	keys := make([]digestRow, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].account != keys[j].account {
			return keys[i].account < keys[j].account
		}
		return keys[i].env < keys[j].env
	})
	table := &notify.Table{Columns: []string{"Account", "Environment", "Stopped", "Started", "Failed", "Reported"}}
	for _, k := range keys {
		r := rows[k]
		if r.stopped+r.started+r.failed+r.reported == 0 {
			continue
		}
		table.Rows = append(table.Rows, []string{k.account, k.env,
			strconv.Itoa(r.stopped), strconv.Itoa(r.started), strconv.Itoa(r.failed), strconv.Itoa(r.reported)})
	}
	return notify.Message{
		Kind:     notify.KindShutdown,
		Severity: sev,
		Title:    title,
		Text:     strings.Join(text, "\n"),
		Table:    table,
		Labels:   g.labels,
	}, true
}

// describe names a task's resource for a message: "`i-0abc` dev-api (ec2,
// 123456789012/eu-west-2, development)", with its Name tag when it has one.
func describe(t *task) string {
	where := string(t.r.Kind) + ", " + t.r.Account + "/" + t.r.Region
	if env := t.d.Intent.Environment; env != "" {
		where += ", " + env
	}
	s := "`" + t.r.ID + "`"
	if name := t.r.Tags[nameTag]; name != "" && name != t.r.ID {
		s += " " + name
	}
	return s + " (" + where + ")"
}
