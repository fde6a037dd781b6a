package shutdown

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
)

// tagsWith returns the base tags plus opsd's marker for action at (RFC
// 3339), when action is not empty.
func tagsWith(base map[string]string, action LastAction, at string) map[string]string {
	tags := maps.Clone(base)
	if action != "" {
		tags["opsd:shutdown:last-action"] = string(action)
		tags["opsd:shutdown:last-action-at"] = at
	}
	return tags
}

type planCase struct {
	name      string
	kind      Kind
	state     State
	tags      map[string]string
	action    LastAction // marker
	actionAt  string     // marker time
	startedAt string     // Observation.StartedAt, "" for unknown
	skip      string
	unsupp    string
	now       string
	want      Verb
	cause     Cause
	reason    string // part of the reason
}

func runPlanCases(t *testing.T, p *Planner, cases []planCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kind := tc.kind
			if kind == "" {
				kind = KindEC2
			}
			o := Observation{Kind: kind, ID: "res-1", Account: "111111111111", Region: "eu-west-2", State: tc.state,
				Tags: tagsWith(tc.tags, tc.action, tc.actionAt), Skip: tc.skip, Unsupported: tc.unsupp}
			if tc.startedAt != "" {
				o.StartedAt = mustTime(t, tc.startedAt)
			}
			d := p.Decide(o, mustTime(t, tc.now))
			if d.Action != tc.want || d.Cause != tc.cause {
				t.Errorf("Decide = %s (cause %d), want %s (cause %d); reason: %s", d.Action, d.Cause, tc.want, tc.cause, d.Reason())
			}
			if !strings.Contains(d.Reason(), tc.reason) {
				t.Errorf("reason %q does not contain %q", d.Reason(), tc.reason)
			}
		})
	}
}

// devTags opts in to the default schedule in development.
func devTags() map[string]string {
	return map[string]string{"OOOShutdown": "true", "Environment": "dev"}
}

// weekendTags opts in to the weekend schedule in staging.
func weekendTags() map[string]string {
	return map[string]string{"WeekendShutdown": "", "Environment": "staging"}
}

// Times below are in Europe/London, GMT (= UTC) in early March 2026:
// Tue 3 Mar 19:00 starts an off period that ends Wed 4 Mar 07:00.
func TestDecideDefaultSchedule(t *testing.T) {
	p := testPlanner(t)
	runPlanCases(t, p, []planCase{
		{name: "off period, running, never acted: stop", state: StateRunning, tags: devTags(), now: "2026-03-03T19:05:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "off period default (Tue 19:00 → Wed 07:00 Europe/London)"},
		{name: "on period before 19:00: nothing", state: StateRunning, tags: devTags(), now: "2026-03-03T18:55:00Z",
			want: ActionNone, cause: CauseAlreadyRunning, reason: "on period default (Tue 07:00 → Tue 19:00 Europe/London); already running"},
		{name: "missed run: daemon down at 19:00, caught up at 03:00", state: StateRunning, tags: devTags(), now: "2026-03-04T03:00:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "catching up: the period began 8h0m ago"},
		{name: "missed run with an old marker from last night", state: StateRunning, tags: devTags(), action: LastStart, actionAt: "2026-03-03T07:05:00Z", now: "2026-03-03T23:00:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "off period, already stopped by opsd", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-03T23:00:00Z",
			want: ActionNone, cause: CauseAlreadyStopped, reason: "already stopped"},
		{name: "off period, stopped by hand before 19:00", state: StateStopped, tags: devTags(), now: "2026-03-03T19:05:00Z",
			want: ActionNone, cause: CauseAlreadyStopped},
		{name: "started by hand after opsd stopped it: record override", state: StateRunning, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-03T22:00:00Z",
			want: ActionMark, cause: CauseStartedOutside, reason: "started outside opsd after opsd stopped it at Tue 3 Mar 19:05 GMT: left running until the next off period (Wed 4 Mar 19:00 GMT)"},
		{name: "override recorded: left running all night", state: StateRunning, tags: devTags(), action: LastOverride, actionAt: "2026-03-03T22:00:00Z", now: "2026-03-04T06:55:00Z",
			want: ActionNone, cause: CauseHeld, reason: "left running until the next off period"},
		{name: "override from last night: stopped at the next stop transition", state: StateRunning, tags: devTags(), action: LastOverride, actionAt: "2026-03-03T22:00:00Z", now: "2026-03-04T19:05:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "off period default (Wed 19:00 → Thu 07:00 Europe/London)"},
		{name: "on period, opsd stopped it: start", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionStart, cause: CauseOnPeriod, reason: "on period default (Wed 07:00 → Wed 19:00 Europe/London); opsd stopped it at Tue 3 Mar 19:05 GMT"},
		{name: "missed start: daemon down at 07:00, caught up at 10:00", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T10:00:00Z",
			want: ActionStart, cause: CauseOnPeriod, reason: "catching up"},
		{name: "daemon down a whole day: still started", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-02T19:05:00Z", now: "2026-03-04T10:00:00Z",
			want: ActionStart, cause: CauseOnPeriod},
		{name: "on period, stopped by hand, never by opsd: left stopped", state: StateStopped, tags: devTags(), now: "2026-03-04T07:05:00Z",
			want: ActionNone, cause: CauseStoppedOutside, reason: "stopped outside opsd: left stopped"},
		{name: "on period, stopped by hand after opsd started it", state: StateStopped, tags: devTags(), action: LastStart, actionAt: "2026-03-04T07:05:00Z", now: "2026-03-04T12:00:00Z",
			want: ActionNone, cause: CauseStoppedOutside},
		{name: "started by hand overnight, stopped by hand in the day: left stopped", state: StateStopped, tags: devTags(), action: LastOverride, actionAt: "2026-03-03T22:00:00Z", now: "2026-03-04T12:00:00Z",
			want: ActionNone, cause: CauseStoppedOutside},
		{name: "on period, running though opsd stopped it: record the start", state: StateRunning, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T08:00:00Z",
			want: ActionMark, cause: CauseRunningAfterStop, reason: "running although opsd stopped it"},
		{name: "stopped by hand after a start opsd did not see (launch time)", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", startedAt: "2026-03-03T21:00:00Z", now: "2026-03-04T10:00:00Z",
			want: ActionNone, cause: CauseStoppedOutside},
		{name: "launch time before opsd's stop: start", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", startedAt: "2026-03-03T07:05:10Z", now: "2026-03-04T07:05:00Z",
			want: ActionStart, cause: CauseOnPeriod},
		{name: "launched during the off period, never acted on: follows its schedule", state: StateRunning, tags: devTags(), startedAt: "2026-03-03T21:00:00Z", now: "2026-03-03T21:05:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "started by hand in the off period after opsd started it this morning: left running", state: StateRunning, tags: devTags(), action: LastStart, actionAt: "2026-03-03T07:05:00Z", startedAt: "2026-03-03T21:00:00Z", now: "2026-03-03T21:05:00Z",
			want: ActionMark, cause: CauseStartedOutside, reason: "started outside opsd at Tue 3 Mar 21:00 GMT"},
		{name: "launch time after the time decided for: start as recorded (--now in the past)", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", startedAt: "2026-11-21T10:00:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionStart, cause: CauseOnPeriod},
		{name: "launch time after the time decided for (--now in the past): ignored", state: StateRunning, tags: devTags(), startedAt: "2026-11-21T10:00:00Z", now: "2026-03-03T19:05:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "launched by opsd this morning: stop tonight", state: StateRunning, tags: devTags(), action: LastStart, actionAt: "2026-03-03T07:05:00Z", startedAt: "2026-03-03T07:05:30Z", now: "2026-03-03T19:05:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "opsd's own start moments after its record is not someone else's", state: StateRunning, tags: devTags(), action: LastStart, actionAt: "2026-03-03T19:30:00Z", startedAt: "2026-03-03T19:31:00Z", now: "2026-03-03T20:00:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "stopping: wait", state: StateStopping, tags: devTags(), now: "2026-03-03T19:05:00Z",
			want: ActionNone, cause: CauseTransition, reason: "stopping: decided once that settles"},
		{name: "pending: wait", state: StatePending, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionNone, cause: CauseTransition},
		{name: "other state: never", state: StateOther, tags: devTags(), now: "2026-03-03T19:05:00Z",
			want: ActionNone, cause: CauseOtherState},
		{name: "saturday: nothing starts", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-06T19:05:00Z", now: "2026-03-07T07:05:00Z",
			want: ActionNone, cause: CauseAlreadyStopped, reason: "off period default (Fri 19:00 → Mon 07:00 Europe/London)"},
		{name: "monday morning: start", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-06T19:05:00Z", now: "2026-03-09T07:05:00Z",
			want: ActionStart, cause: CauseOnPeriod},
		{name: "no start time known (RDS), started by hand in an off period opsd did not stop it in: stopped", kind: KindRDSInstance, state: StateRunning, tags: devTags(), action: LastOverride, actionAt: "2026-03-02T21:00:00Z", now: "2026-03-03T20:00:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "marker unreadable: treated as none, never started", state: StateStopped, tags: tagsWith(devTags(), "stopped-ish", "yesterday"), now: "2026-03-04T07:05:00Z",
			want: ActionNone, cause: CauseStoppedOutside},
		{name: "weekend schedule on a tuesday night: nothing", state: StateRunning, tags: weekendTags(), now: "2026-03-03T19:05:00Z",
			want: ActionNone, cause: CauseAlreadyRunning, reason: "on period weekend (Mon 07:00 → Fri 19:00 Europe/London)"},
		{name: "weekend schedule on friday night: stop", state: StateRunning, tags: weekendTags(), now: "2026-03-06T19:05:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "off period weekend (Fri 19:00 → Mon 07:00 Europe/London)"},
		{name: "named schedule in New York at 18:05 EST", state: StateRunning, tags: map[string]string{"opsd:schedule": "office", "Environment": "dev"}, now: "2026-03-03T23:05:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "off period office (Tue 18:00 → Wed 08:00 America/New_York)"},
		{name: "named schedule in New York at 17:55 EST", state: StateRunning, tags: map[string]string{"opsd:schedule": "office", "Environment": "dev"}, now: "2026-03-03T22:55:00Z",
			want: ActionNone, cause: CauseAlreadyRunning},
	})
}

// A stop opsd made but never recorded (killed between the stop and its
// marker) is known by the LastStopping marker written before it.
func TestDecideStopNotRecorded(t *testing.T) {
	p := testPlanner(t)
	runPlanCases(t, p, []planCase{
		{name: "off period, stopped, intent only: record the stop", state: StateStopped, tags: devTags(), action: LastStopping, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-03T19:10:00Z",
			want: ActionMark, cause: CauseStopUnrecorded, reason: "stopped by opsd at Tue 3 Mar 19:05 GMT, not recorded then: recorded now"},
		{name: "on period, stopped, intent only: start", state: StateStopped, tags: devTags(), action: LastStopping, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionStart, cause: CauseOnPeriod},
		{name: "off period, running, intent only (the stop failed): stop", state: StateRunning, tags: devTags(), action: LastStopping, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-03T19:10:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "off period, running, launched before the intent (the stop failed): stop", state: StateRunning, tags: devTags(), action: LastStopping, actionAt: "2026-03-03T19:05:00Z", startedAt: "2026-03-03T07:05:00Z", now: "2026-03-03T19:10:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "off period, running, started by hand after the unrecorded stop: override, left up", state: StateRunning, tags: devTags(), action: LastStopping, actionAt: "2026-03-03T19:05:00Z", startedAt: "2026-03-03T19:30:00Z", now: "2026-03-03T19:40:00Z",
			want: ActionMark, cause: CauseStartedOutside, reason: "started outside opsd after opsd stopped it at Tue 3 Mar 19:05 GMT: left running until the next off period (Wed 4 Mar 19:00 GMT)"},
		{name: "on period, running, intent only: nothing", state: StateRunning, tags: devTags(), action: LastStopping, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionNone, cause: CauseAlreadyRunning},
		{name: "untagged since, stopped, intent only: orphan reported", state: StateStopped, tags: map[string]string{"Environment": "dev"}, action: LastStopping, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionReport, cause: CauseOrphan},
	})
	d := p.Decide(Observation{Kind: KindEC2, ID: "i-1", State: StateStopped, Tags: tagsWith(devTags(), LastStopping, "2026-03-03T19:05:00Z")}, mustTime(t, "2026-03-03T19:10:00Z"))
	if d.RecordAfter() != LastStop {
		t.Errorf("RecordAfter = %q, want %q", d.RecordAfter(), LastStop)
	}
}

func TestDecideScopeAndReports(t *testing.T) {
	p := testPlanner(t)
	offNow := "2026-03-03T19:05:00Z"
	runPlanCases(t, p, []planCase{
		{name: "untagged: nothing", state: StateRunning, tags: map[string]string{"Environment": "dev"}, now: offNow,
			want: ActionNone, cause: CauseUntagged},
		{name: "opted out: nothing", state: StateRunning, tags: map[string]string{"OOOShutdown": "false", "Environment": "dev"}, now: offNow,
			want: ActionNone, cause: CauseOptedOut, reason: "opted out (OOOShutdown=false)"},
		{name: "production with a shutdown tag: reported, never stopped", state: StateRunning, tags: map[string]string{"OOOShutdown": "true", "Environment": "production"}, now: offNow,
			want: ActionReport, cause: CauseProblem, reason: "never stopped in production"},
		{name: "prod in an on period: still reported", state: StateRunning, tags: map[string]string{"OutOfHoursShutdown": "", "Environment": "prod"}, now: "2026-03-03T12:00:00Z",
			want: ActionReport, cause: CauseProblem, reason: "never stopped in production"},
		{name: "pre-prod: reported", state: StateRunning, tags: map[string]string{"OOOShutdown": "true", "Environment": "pre-prod"}, now: offNow,
			want: ActionReport, cause: CauseProblem, reason: "Environment=pre-prod is not one shutdown acts in"},
		{name: "malformed value: reported", state: StateRunning, tags: map[string]string{"OOOShutdown": "yes", "Environment": "dev"}, now: offNow,
			want: ActionReport, cause: CauseProblem, reason: `OOOShutdown="yes" is neither true nor false`},
		{name: "unknown schedule: reported", state: StateRunning, tags: map[string]string{"opsd:schedule": "nights", "Environment": "dev"}, now: offNow,
			want: ActionReport, cause: CauseProblem, reason: `opsd:schedule="nights" names no schedule`},
		{name: "ambiguous tags: reported", state: StateRunning, tags: map[string]string{"OOOShutdown": "true", "WeekendShutdown": "", "Environment": "dev"}, now: offNow,
			want: ActionReport, cause: CauseProblem, reason: "the tags disagree"},
		{name: "opt-out with a shutdown tag: reported, not stopped", state: StateRunning, tags: map[string]string{"OOOShutdown": "false", "WeekendShutdown": "", "Environment": "dev"}, now: "2026-03-07T12:00:00Z",
			want: ActionReport, cause: CauseProblem, reason: "opted out wins"},
		{name: "ASG member: skipped quietly", state: StateRunning, tags: devTags(), skip: "member of Auto Scaling group web: the group is scheduled", now: offNow,
			want: ActionNone, cause: CauseSkip, reason: "member of Auto Scaling group web"},
		{name: "ASG member in production: still quiet", state: StateRunning, tags: map[string]string{"OOOShutdown": "true", "Environment": "production"}, skip: "member of Auto Scaling group web", now: offNow,
			want: ActionNone, cause: CauseSkip},
		{name: "read replica: reported", kind: KindRDSInstance, state: StateRunning, tags: devTags(), unsupp: "a read replica cannot be stopped", now: offNow,
			want: ActionReport, cause: CauseUnsupported, reason: "tagged for schedule default, but AWS cannot stop it: a read replica cannot be stopped"},
		{name: "opted out after opsd stopped it: reported, left stopped", state: StateStopped, tags: map[string]string{"OOOShutdown": "false", "Environment": "dev"}, action: LastStop, actionAt: offNow, now: "2026-03-04T07:05:00Z",
			want: ActionReport, cause: CauseOrphan, reason: "no schedule applies any more (opted out by OOOShutdown=false); opsd stopped it at 2026-03-03T19:05:00Z and left it stopped"},
		{name: "tags removed after opsd stopped it: reported", state: StateStopped, tags: map[string]string{"Environment": "dev"}, action: LastStop, actionAt: offNow, now: "2026-03-04T07:05:00Z",
			want: ActionReport, cause: CauseOrphan, reason: "no schedule applies any more (no shutdown tag)"},
		{name: "moved to production after opsd stopped it: reported with both", state: StateStopped, tags: map[string]string{"OOOShutdown": "true", "Environment": "production"}, action: LastStop, actionAt: offNow, now: "2026-03-04T07:05:00Z",
			want: ActionReport, cause: CauseProblem, reason: "never stopped in production, whatever its shutdown tags; opsd stopped it at"},
		{name: "opted out and running: nothing", state: StateRunning, tags: map[string]string{"OOOShutdown": "false", "Environment": "dev"}, action: LastStop, actionAt: offNow, now: "2026-03-04T07:05:00Z",
			want: ActionNone, cause: CauseOptedOut},
	})
}

// Both daylight-saving weekends of 2026, Europe/London.
func TestDecideAcrossDST(t *testing.T) {
	p := testPlanner(t)
	runPlanCases(t, p, []planCase{
		// Spring: Friday 27 March 19:00 GMT (19:00Z) to Monday 30 March 07:00 BST (06:00Z).
		{name: "spring fri 19:05 GMT: stop", state: StateRunning, tags: devTags(), now: "2026-03-27T19:05:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "off period default (Fri 19:00 → Mon 07:00 Europe/London)"},
		{name: "spring sun 03:00 BST: stays stopped", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-27T19:05:00Z", now: "2026-03-29T02:00:00Z",
			want: ActionNone, cause: CauseAlreadyStopped},
		{name: "spring mon 06:05 BST: stays stopped", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-27T19:05:00Z", now: "2026-03-30T05:05:00Z",
			want: ActionNone, cause: CauseAlreadyStopped},
		{name: "spring mon 07:05 BST: start", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-27T19:05:00Z", now: "2026-03-30T06:05:00Z",
			want: ActionStart, cause: CauseOnPeriod, reason: "on period default (Mon 07:00 → Mon 19:00 Europe/London); opsd stopped it at Fri 27 Mar 19:05 GMT"},
		{name: "spring mon 19:05 BST: stop", state: StateRunning, tags: devTags(), action: LastStart, actionAt: "2026-03-30T06:05:00Z", now: "2026-03-30T18:05:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "spring mon 18:55 BST: nothing", state: StateRunning, tags: devTags(), action: LastStart, actionAt: "2026-03-30T06:05:00Z", now: "2026-03-30T17:55:00Z",
			want: ActionNone, cause: CauseAlreadyRunning},
		// Autumn: Friday 23 October 19:00 BST (18:00Z) to Monday 26 October 07:00 GMT (07:00Z).
		{name: "autumn fri 18:55 BST: nothing", state: StateRunning, tags: devTags(), now: "2026-10-23T17:55:00Z",
			want: ActionNone, cause: CauseAlreadyRunning},
		{name: "autumn fri 19:05 BST: stop", state: StateRunning, tags: devTags(), now: "2026-10-23T18:05:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "off period default (Fri 19:00 → Mon 07:00 Europe/London)"},
		{name: "autumn sun 01:30 GMT (the repeated hour): stays stopped", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-10-23T18:05:00Z", now: "2026-10-25T01:30:00Z",
			want: ActionNone, cause: CauseAlreadyStopped},
		{name: "autumn mon 06:05 GMT: stays stopped", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-10-23T18:05:00Z", now: "2026-10-26T06:05:00Z",
			want: ActionNone, cause: CauseAlreadyStopped},
		{name: "autumn mon 07:05 GMT: start", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-10-23T18:05:00Z", now: "2026-10-26T07:05:00Z",
			want: ActionStart, cause: CauseOnPeriod, reason: "opsd stopped it at Fri 23 Oct 19:05 BST"},
		{name: "autumn started by hand saturday: left running", state: StateRunning, tags: devTags(), action: LastStop, actionAt: "2026-10-23T18:05:00Z", now: "2026-10-24T10:00:00Z",
			want: ActionMark, cause: CauseStartedOutside, reason: "left running until the next off period (Mon 26 Oct 19:00 GMT)"},
	})
}

func TestDecideHolidays(t *testing.T) {
	p := testPlanner(t, func(c *Config) {
		c.Holidays = []Date{"2026-03-04", "2026-12-24", "2026-12-25", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01"}
	})
	runPlanCases(t, p, []planCase{
		{name: "holiday wednesday 07:05: stays stopped", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionNone, cause: CauseAlreadyStopped, reason: "off period default (Tue 19:00 → Thu 07:00 Europe/London)"},
		{name: "holiday wednesday noon, running: stop", state: StateRunning, tags: devTags(), now: "2026-03-04T12:00:00Z",
			want: ActionStop, cause: CauseOffPeriod},
		{name: "thursday after the holiday: start", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-05T07:05:00Z",
			want: ActionStart, cause: CauseOnPeriod},
		{name: "weekend schedule: the holiday is off too", state: StateRunning, tags: weekendTags(), now: "2026-03-04T12:00:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "off period weekend (Wed 00:00 → Thu 00:00 Europe/London)"},
		{name: "christmas: one long off period", state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-12-23T19:05:00Z", now: "2026-12-29T12:00:00Z",
			want: ActionNone, cause: CauseAlreadyStopped, reason: "off period default (Wed 23 Dec 19:00 → Mon 4 Jan 07:00 Europe/London)"},
	})
}

// RDS: AWS starts a database that has been stopped for 7 days. opsd stops
// it again while its off period lasts, and tells that from a start by hand
// by the 7 days.
func TestDecideRDSAutoStart(t *testing.T) {
	xmas := func(c *Config) {
		c.Holidays = []Date{"2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-25", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01"}
	}
	p := testPlanner(t, xmas)
	stoppedAt := "2026-12-18T19:05:00Z" // the off period begins Friday 18 December 19:00
	cases := []planCase{
		{name: "auto-started after 7 days: stop again", kind: KindRDSInstance, state: StateRunning, tags: devTags(), action: LastStop, actionAt: stoppedAt, now: "2026-12-25T19:15:00Z",
			want: ActionStop, cause: CauseRDSAutoStart, reason: "AWS restarted the database 7 days after opsd stopped it at Fri 18 Dec 19:05 GMT: stopping it again"},
		{name: "aurora cluster too", kind: KindRDSCluster, state: StateRunning, tags: devTags(), action: LastStop, actionAt: stoppedAt, now: "2026-12-26T09:00:00Z",
			want: ActionStop, cause: CauseRDSAutoStart},
		{name: "started before 7 days: by hand, left running", kind: KindRDSInstance, state: StateRunning, tags: devTags(), action: LastStop, actionAt: stoppedAt, now: "2026-12-22T10:00:00Z",
			want: ActionMark, cause: CauseStartedOutside},
		{name: "started by hand, recorded, then past 7 days: still left running", kind: KindRDSInstance, state: StateRunning, tags: devTags(), action: LastOverride, actionAt: "2026-12-22T10:05:00Z", now: "2026-12-29T11:00:00Z",
			want: ActionNone, cause: CauseHeld},
		{name: "an EC2 instance is never taken for an auto-start", kind: KindEC2, state: StateRunning, tags: devTags(), action: LastStop, actionAt: stoppedAt, now: "2026-12-25T19:15:00Z",
			want: ActionMark, cause: CauseStartedOutside},
		{name: "stopped again, second week: still stopped", kind: KindRDSInstance, state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-12-25T19:15:00Z", now: "2026-12-30T12:00:00Z",
			want: ActionNone, cause: CauseAlreadyStopped},
		{name: "back to work: started", kind: KindRDSInstance, state: StateStopped, tags: devTags(), action: LastStop, actionAt: "2026-12-25T19:15:00Z", now: "2027-01-04T07:05:00Z",
			want: ActionStart, cause: CauseOnPeriod},
	}
	runPlanCases(t, p, cases)

	off := testPlanner(t, xmas, func(c *Config) { c.RDSRestop = false })
	runPlanCases(t, off, []planCase{
		{name: "rds_restop false: left running", kind: KindRDSInstance, state: StateRunning, tags: devTags(), action: LastStop, actionAt: stoppedAt, now: "2026-12-25T19:15:00Z",
			want: ActionMark, cause: CauseStartedOutside},
	})
}

// A night as the daemon would see it, reconcile by reconcile, for an EC2
// instance (whose launch time is known) that people start and stop by
// hand.
func TestDecideSequenceWithManualOverrides(t *testing.T) {
	p := testPlanner(t)
	tags := maps.Clone(devTags())
	state := StateRunning
	var startedAt time.Time
	byHand := func(s State, at string) {
		state = s
		if s == StateRunning {
			startedAt = mustTime(t, at)
		}
	}
	apply := func(now string, want Verb) {
		t.Helper()
		at := mustTime(t, now)
		d := p.Decide(Observation{Kind: KindEC2, ID: "i-1", State: state, Tags: tags, StartedAt: startedAt}, at)
		if d.Action != want {
			t.Fatalf("%s: %s (%s), want %s", now, d.Action, d.Reason(), want)
		}
		if r := d.RecordAfter(); r != "" {
			maps.Copy(tags, p.MarkerTags(r, at))
		}
		switch d.Action {
		case ActionStop:
			state = StateStopped
		case ActionStart:
			state, startedAt = StateRunning, at.Add(20*time.Second)
		}
	}
	apply("2026-03-03T18:55:00Z", ActionNone)
	apply("2026-03-03T19:00:00Z", ActionStop)
	apply("2026-03-03T19:05:00Z", ActionNone)
	byHand(StateRunning, "2026-03-03T20:58:00Z")
	apply("2026-03-03T21:00:00Z", ActionMark)
	apply("2026-03-03T21:05:00Z", ActionNone)
	apply("2026-03-04T06:55:00Z", ActionNone)
	apply("2026-03-04T07:00:00Z", ActionNone)
	byHand(StateStopped, "2026-03-04T10:00:00Z") // stopped by hand in the day: sticks
	apply("2026-03-04T10:05:00Z", ActionNone)
	apply("2026-03-04T19:05:00Z", ActionNone)
	byHand(StateRunning, "2026-03-04T19:55:00Z") // started by hand in the evening: left until the next stop transition
	apply("2026-03-04T20:00:00Z", ActionMark)
	apply("2026-03-05T06:00:00Z", ActionNone)
	apply("2026-03-05T12:00:00Z", ActionNone)
	apply("2026-03-05T19:00:00Z", ActionStop)
	apply("2026-03-06T07:00:00Z", ActionStart)
	apply("2026-03-06T07:05:00Z", ActionNone)
	apply("2026-03-06T19:00:00Z", ActionStop)
}

func TestAsActionForPlanJSON(t *testing.T) {
	p := testPlanner(t)
	d := p.Decide(Observation{Kind: KindEC2, ID: "i-0abc", Account: "111111111111", Region: "eu-west-2", State: StateRunning, Tags: devTags()}, mustTime(t, "2026-03-03T19:05:00Z"))
	a := d.AsAction()
	want := reconcile.Action{
		Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-0abc", Action: "stop",
		Reason: "off period default (Tue 19:00 → Wed 07:00 Europe/London)", Status: reconcile.Planned,
		Details: map[string]string{
			"kind": "ec2", "state": "running", "environment": "dev", "schedule": "default", "schedule_state": "off",
			"desired": "stopped", "period_start": "2026-03-03T19:00:00Z", "period_end": "2026-03-04T07:00:00Z", "records": "stop",
			"decided_by": "tag OOOShutdown=true", "timezone": "Europe/London",
		},
	}
	gotJSON, _ := json.Marshal(a)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("AsAction =\n%s\nwant\n%s", gotJSON, wantJSON)
	}

	owned := p.Decide(Observation{Kind: KindEC2, ID: "i-0abc", State: StateRunning, Tags: tagsWith(devTags(), "", "")}, mustTime(t, "2026-03-03T19:05:00Z"))
	owned.Observation.Tags["Application"], owned.Observation.Tags["TeamEmail"] = "orders", "orders@example.com"
	if d := owned.AsAction().Details; d["application"] != "orders" || d["team_email"] != "orders@example.com" {
		t.Errorf("details of an owned instance: %v; want its Application and TeamEmail", d)
	}
	named := p.Decide(Observation{Kind: KindEC2, ID: "i-0def", State: StateRunning, Tags: tagsWith(devTags(), "", "")}, mustTime(t, "2026-03-03T19:05:00Z"))
	named.Observation.Tags["Name"] = "web-1"
	if n := named.AsAction().Details["name"]; n != "web-1" {
		t.Errorf("details.name = %q, want the Name tag", n)
	}
	if _, ok := a.Details["last_action"]; ok {
		t.Errorf("an instance with no opsd marker shows last_action %q", a.Details["last_action"])
	}
	m := p.Decide(Observation{Kind: KindEC2, ID: "i-1", State: StateStopped, Tags: tagsWith(devTags(), LastStop, "2026-03-03T19:05:00Z")}, mustTime(t, "2026-03-04T07:05:00Z")).AsAction()
	if m.Details["last_action"] != "stop" || m.Details["last_action_at"] != "2026-03-03T19:05:00Z" || m.Details["records"] != "start" {
		t.Errorf("a stopped instance's details: %v", m.Details)
	}
	r := p.Decide(Observation{Kind: KindEC2, ID: "i-prod", State: StateRunning, Tags: map[string]string{"OOOShutdown": "true", "Environment": "production"}}, mustTime(t, "2026-03-03T19:05:00Z")).AsAction()
	if r.Action != "report" || r.Status != reconcile.Reported || r.Details["desired"] != "" {
		t.Errorf("production report = %+v", r)
	}
}

func TestPlanListsInScopeResourcesAndReports(t *testing.T) {
	p := testPlanner(t)
	obs := []Observation{
		{Kind: KindEC2, ID: "untagged", State: StateRunning, Tags: map[string]string{"Environment": "dev"}},
		{Kind: KindEC2, ID: "opted-out", State: StateRunning, Tags: map[string]string{"OOOShutdown": "false", "Environment": "dev"}},
		{Kind: KindEC2, ID: "asg-member", State: StateRunning, Tags: devTags(), Skip: "member of Auto Scaling group web"},
		{Kind: KindEC2, ID: "to-stop", State: StateRunning, Tags: devTags()},
		{Kind: KindASG, ID: "already-stopped", State: StateStopped, Tags: devTags()},
		{Kind: KindRDSInstance, ID: "prod-db", State: StateRunning, Tags: map[string]string{"OOOShutdown": "true", "Environment": "prod"}},
	}
	ds := p.Plan(obs, mustTime(t, "2026-03-03T19:05:00Z"))
	var got []string
	for _, a := range Actions(ds) {
		got = append(got, a.Resource+"="+a.Action)
	}
	want := "to-stop=stop already-stopped=none prod-db=report"
	if strings.Join(got, " ") != want {
		t.Errorf("Plan = %v, want %s", got, want)
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	p := testPlanner(t)
	now := mustTime(t, "2026-03-03T22:00:00Z")
	for _, o := range benchObservations() {
		if n := testing.AllocsPerRun(100, func() { _ = p.Decide(o, now) }); n != 0 {
			t.Errorf("Decide(%s) allocates %v times", o.ID, n)
		}
	}
}

func benchObservations() []Observation {
	return []Observation{
		{Kind: KindEC2, ID: "running", State: StateRunning, Tags: map[string]string{"OOOShutdown": "true", "Environment": "dev", "Name": "web"}},
		{Kind: KindEC2, ID: "stopped", State: StateStopped, Tags: tagsWith(map[string]string{"OOOShutdown": "true", "Environment": "dev"}, LastStop, "2026-03-03T19:05:00Z")},
		{Kind: KindRDSInstance, ID: "override", State: StateRunning, Tags: tagsWith(map[string]string{"opsd:schedule": "office", "Environment": "staging"}, LastOverride, "2026-03-03T20:00:00Z")},
		{Kind: KindEC2, ID: "untagged", State: StateRunning, Tags: map[string]string{"Environment": "dev", "Name": "db"}},
		{Kind: KindASG, ID: "prod", State: StateRunning, Tags: map[string]string{"OOOShutdown": "true", "Environment": "production"}},
	}
}

// BenchmarkDecide measures one decision (tags, marker, schedule window,
// decision) over a mix of resources; the target is ≥1M decisions/s/core.
func BenchmarkDecide(b *testing.B) {
	p := testPlanner(b, func(c *Config) { c.Holidays = []Date{"2026-12-25", "2026-12-28"} })
	obs := benchObservations()
	now := mustTime(b, "2026-03-03T22:00:00Z")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = p.Decide(obs[i%len(obs)], now.Add(time.Duration(i%1440)*time.Minute))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkOff measures the bare schedule question.
func BenchmarkOff(b *testing.B) {
	tt := defaultTimetable(b, "2026-12-25")
	now := mustTime(b, "2026-03-03T22:00:00Z")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = tt.Off(now.Add(time.Duration(i%10080) * time.Minute))
	}
}

// withHold is devTags plus the patching service's hold tag.
func withHold(v string) map[string]string {
	tags := devTags()
	tags["opsd:patching:hold-until"] = v
	return tags
}

// The patching service starts stopped instances for its window and tags
// them with a hold; shutdown must not stop them (or record an override)
// while the hold lasts, and must stop them once it has passed.
func TestDecidePatchingHold(t *testing.T) {
	p := testPlanner(t)
	runPlanCases(t, p, []planCase{
		{name: "started for patching in the off period: left running", state: StateRunning, tags: withHold("2026-03-04T03:00:00Z"),
			action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T01:10:00Z",
			want: ActionNone, cause: CausePatching, reason: "started for a patch window: left running until Wed 4 Mar 03:00 GMT"},
		{name: "hold passed and patching did not stop it: stopped", state: StateRunning, tags: withHold("2026-03-04T03:00:00Z"),
			action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T03:05:00Z",
			want: ActionStop, cause: CausePatchingOver, reason: "started for a patch window that ended at Wed 4 Mar 03:00 GMT"},
		{name: "hold with no marker, off period: left running", state: StateRunning, tags: withHold("2026-03-04T03:00:00Z"), now: "2026-03-03T23:00:00Z",
			want: ActionNone, cause: CausePatching},
		{name: "hold passed, never stopped by opsd: stopped", state: StateRunning, tags: withHold("2026-03-04T03:00:00Z"), now: "2026-03-04T03:05:00Z",
			want: ActionStop, cause: CausePatchingOver},
		{name: "unreadable hold: reported, not stopped", state: StateRunning, tags: withHold("tonight"), now: "2026-03-03T23:00:00Z",
			want: ActionReport, cause: CausePatchingHoldInvalid, reason: `tag opsd:patching:hold-until="tonight" is not an RFC 3339 time`},
		{name: "hold on a stopped instance changes nothing", state: StateStopped, tags: withHold("2026-03-04T03:00:00Z"), now: "2026-03-03T23:00:00Z",
			want: ActionNone, cause: CauseAlreadyStopped},
		{name: "hold on an RDS instance is not read", kind: KindRDSInstance, state: StateRunning, tags: withHold("2026-03-04T03:00:00Z"), now: "2026-03-03T23:00:00Z",
			want: ActionStop, cause: CauseOffPeriod},
	})
}

// In the on period a resource opsd stopped that is found running (the
// answer to opsd's start was lost, or someone started it) is recorded as
// started, not as started outside opsd: running is what opsd wants then.
func TestRunningAfterStopInTheOnPeriodIsRecordedAsStarted(t *testing.T) {
	p := testPlanner(t)
	d := p.Decide(Observation{Kind: KindEC2, ID: "i-1", State: StateRunning, Tags: tagsWith(devTags(), LastStop, "2026-03-03T19:05:00Z")}, mustTime(t, "2026-03-04T07:10:00Z"))
	if d.Action != ActionMark || d.Cause != CauseRunningAfterStop || d.RecordAfter() != LastStart {
		t.Errorf("decision %s/%v recording %q; want mark, running after stop, recording %q", d.Action, d.Cause, d.RecordAfter(), LastStart)
	}
	next := p.Decide(Observation{Kind: KindEC2, ID: "i-1", State: StateRunning, Tags: tagsWith(devTags(), LastStart, "2026-03-04T07:10:00Z")}, mustTime(t, "2026-03-04T19:05:00Z"))
	if next.Action != ActionStop {
		t.Errorf("the next evening: %s, want stop", next.Action)
	}
}

// withPatchingStop is devTags plus the patching service's record of when
// it stopped again an instance it had started for a window.
func withPatchingStop(v string) map[string]string {
	tags := devTags()
	tags["opsd:patching:stopped-at"] = v
	return tags
}

// Overnight shutdown stops an instance on Friday evening; a patch window
// starts it on Sunday at 02:15 (its launch time moves past opsd's marker)
// and stops it again at 04:00. On Monday morning it is opsd's to start, as
// if patching had not touched it; a start by a person after patching's
// stop still makes it theirs.
func TestDecideAfterPatchingWokeIt(t *testing.T) {
	p := testPlanner(t)
	const friday, monday = "2026-03-06T19:05:00Z", "2026-03-09T07:05:00Z"
	runPlanCases(t, p, []planCase{
		{name: "woken and stopped again by patching: started on Monday", state: StateStopped, tags: withPatchingStop("2026-03-08T04:00:00Z"),
			action: LastStop, actionAt: friday, startedAt: "2026-03-08T02:15:20Z", now: monday,
			want: ActionStart, cause: CauseOnPeriod},
		{name: "without patching's record the same launch time is a person's", state: StateStopped, tags: devTags(),
			action: LastStop, actionAt: friday, startedAt: "2026-03-08T02:15:20Z", now: monday,
			want: ActionNone, cause: CauseStoppedOutside, reason: "stopped outside opsd: left stopped"},
		{name: "started by a person after patching stopped it: left stopped", state: StateStopped, tags: withPatchingStop("2026-03-08T04:00:00Z"),
			action: LastStop, actionAt: friday, startedAt: "2026-03-08T10:30:00Z", now: monday,
			want: ActionNone, cause: CauseStoppedOutside},
		{name: "patching's stop from before opsd's marker says nothing", state: StateStopped, tags: withPatchingStop("2026-03-01T04:00:00Z"),
			action: LastStop, actionAt: friday, startedAt: "2026-03-08T02:15:20Z", now: monday,
			want: ActionNone, cause: CauseStoppedOutside},
		{name: "an unreadable patching stop is ignored", state: StateStopped, tags: withPatchingStop("sunday"),
			action: LastStop, actionAt: friday, startedAt: "2026-03-08T02:15:20Z", now: monday,
			want: ActionNone, cause: CauseStoppedOutside},
		{name: "weekend off period after patching: stays stopped", state: StateStopped, tags: withPatchingStop("2026-03-08T04:00:00Z"),
			action: LastStop, actionAt: friday, startedAt: "2026-03-08T02:15:20Z", now: "2026-03-08T05:00:00Z",
			want: ActionNone, cause: CauseAlreadyStopped},
	})
}
