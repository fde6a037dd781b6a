package shutdown

import "testing"

// Before the only time of a one-sided period the resource is left as it
// is; the off and on periods around it stop and start as usual.
func TestDecideOneSidedPeriods(t *testing.T) {
	p := testPlanner(t, func(c *Config) {
		c.Schedules["weekend"] = Schedule{Periods: []Period{
			{Days: []string{"fri"}, Off: "19:00"},
			{Days: []string{"sat-sun"}},
			{Days: []string{"mon"}, On: "07:00"},
		}}
	})
	tags := map[string]string{"WeekendShutdown": "", "Environment": "dev"}
	runPlanCases(t, p, []planCase{
		{name: "fri noon running: left", state: StateRunning, tags: tags, now: "2026-03-06T12:00:00Z",
			want: ActionNone, cause: CauseKeepRunning, reason: "as-is period weekend (Fri 00:00 → Fri 19:00 Europe/London); running: left running"},
		{name: "fri noon stopped: left", state: StateStopped, tags: tags, now: "2026-03-06T12:00:00Z",
			want: ActionNone, cause: CauseKeepStopped, reason: "left stopped"},
		{name: "fri 19:00 running: stop", state: StateRunning, tags: tags, now: "2026-03-06T19:00:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "off period weekend (Fri 19:00 → Mon 00:00"},
		{name: "mon 03:00 stopped by opsd: not started yet", state: StateStopped, tags: tags, action: LastStop, actionAt: "2026-03-06T19:00:00Z",
			now: "2026-03-09T03:00:00Z", want: ActionNone, cause: CauseKeepStopped, reason: "as-is period"},
		{name: "mon 03:00 running after opsd stopped it: left running", state: StateRunning, tags: tags, action: LastStop, actionAt: "2026-03-06T19:00:00Z",
			now: "2026-03-09T03:00:00Z", want: ActionNone, cause: CauseKeepRunning, reason: "left running"},
		{name: "mon 07:00 stopped by opsd: start", state: StateStopped, tags: tags, action: LastStop, actionAt: "2026-03-06T19:00:00Z",
			now: "2026-03-09T07:00:00Z", want: ActionStart, cause: CauseOnPeriod, reason: "on period weekend"},
	})
	d := p.Decide(Observation{Kind: KindEC2, ID: "i-1", State: StateRunning, Tags: tags}, mustTime(t, "2026-03-06T12:00:00Z"))
	if got := d.AsAction().Details["schedule_state"]; got != "as-is" {
		t.Errorf("schedule_state = %q, want as-is", got)
	}
	if got := d.Desired(); got != StateRunning {
		t.Errorf("Desired = %q, want running (as it is)", got)
	}
}
