package monitor

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/notify"
)

func TestSummarize(t *testing.T) {
	var changes []*Change
	for i := range 35 {
		changes = append(changes, &Change{Object: ObjectAlarm, Op: OpCreate, Name: fmt.Sprintf("opsd-ec2-i-%02d-cpu", i), Reason: "missing", done: true})
	}
	changes = append(changes,
		&Change{Object: ObjectLogGroup, Op: OpSet, Name: "/app", Reason: "keeps events forever; set to 180 days: deletes events older than 180 days", shortens: true, done: true},
		&Change{Object: ObjectDashboard, Op: OpUpdate, Name: "opsd-orders-eu-west-2", err: apiError("InvalidParameterInput", "bad body")},
		report("i-1", "tag opsd:monitor=yes is neither true nor false; ignored", nil),
	)
	msg, ok := summarize([]targetResult{{account: testAccount, region: testRegion, changes: changes}}, nil, 0, true)
	if !ok {
		t.Fatal("nothing to say")
	}
	if msg.Kind != notify.KindMonitor || msg.Severity != notify.Error ||
		msg.Title != "Monitoring: 35 alarms created, 1 log group's retention shortened (older events deleted); 1 failed" {
		t.Errorf("message = %s %s %q", msg.Kind, msg.Severity, msg.Title)
	}
	for _, want := range []string{
		"*Failed*\n• update-dashboard `opsd-orders-eu-west-2` (123456789012/eu-west-2): InvalidParameterInput: bad body",
		"• create-alarm `opsd-ec2-i-34-cpu`", // every change is listed
		"*Needs a person (nothing was done)*\n• `i-1` (123456789012/eu-west-2): tag opsd:monitor=yes",
	} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, msg.Text)
		}
	}
	if len(msg.Table.Rows) != 1 || strings.Join(msg.Table.Rows[0], " ") != "123456789012 eu-west-2 35 1 0 1 1" {
		t.Errorf("table = %v", msg.Table.Rows)
	}

	// Reports alone, or an old failure, say nothing.
	quiet := []*Change{report("i-1", "why", nil), {Object: ObjectAlarm, Op: OpCreate, Name: "x", err: errors.New("old")}}
	if _, ok := summarize([]targetResult{{account: testAccount, region: testRegion, changes: quiet}}, nil, 0, false); ok {
		t.Error("a message for reports and an old failure")
	}
	// An account newly out of reach does.
	msg, ok = summarize(nil, []error{errors.New("account 222222222222 region eu-west-2: access denied")}, 1, false)
	if !ok || msg.Title != "Monitoring: nothing changed; 1 not reached" || !strings.Contains(msg.Text, "*Not reached*") {
		t.Errorf("unreached = %v %q", ok, msg.Title)
	}
}
