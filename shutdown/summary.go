package shutdown

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/opsd-dev/opsd/notify"
)

// summarize builds the one message an Apply reconcile sends, and reports
// whether there is anything to send.
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
func summarize(tasks []*task, errs []error, newErrs int, lastErrorKey string) (notify.Message, bool) {
	type key struct{ account, env string }
	type tally struct{ stopped, started, failed, reported int }
	rows := map[key]*tally{}
	var stopped, started, failedN, reported int
	var fresh bool
	var failures, reports, overrides []string
	for _, t := range tasks {
		env := t.d.Intent.Environment
		if env == "" {
			env = "-"
		}
		k := key{t.r.Account, env}
		row := rows[k]
		if row == nil {
			row = &tally{}
			rows[k] = row
		}
		switch {
		case t.err != nil:
			row.failed++
			failedN++
			fresh = fresh || t.fresh(lastErrorKey)
			failures = append(failures, fmt.Sprintf("• %s: %s", describe(t), t.err.Error()))
		case t.d.Action == ActionStop:
			row.stopped++
			stopped++
		case t.d.Action == ActionStart:
			row.started++
			started++
		case t.d.Action == ActionReport:
			row.reported++
			reported++
			reports = append(reports, fmt.Sprintf("• %s: %s", describe(t), t.d.Reason()))
		case t.d.Action == ActionMark && t.d.Cause != CauseStopUnrecorded:
			overrides = append(overrides, fmt.Sprintf("• %s: %s", describe(t), t.d.Reason()))
		}
	}
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

	keys := make([]key, 0, len(rows))
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
