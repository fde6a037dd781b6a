package shutdown

import (
	"maps"
	"testing"
)

// withTag returns the tags plus key=value.
func withTag(base map[string]string, key, value string) map[string]string {
	tags := maps.Clone(base)
	tags[key] = value
	return tags
}

const (
	skipKey = "opsd:shutdown:skip-until"
	offKey  = "opsd:shutdown:off-until"
)

// Times in Europe/London, GMT in early March 2026: Tue 3 Mar 19:00 starts
// an off period that ends Wed 4 Mar 07:00.
func TestDecideOverrides(t *testing.T) {
	p := testPlanner(t)
	runPlanCases(t, p, []planCase{
		{name: "skip-until tonight, off period, running: kept up", state: StateRunning, tags: withTag(devTags(), skipKey, "22:00"), now: "2026-03-03T19:05:00Z",
			want: ActionNone, cause: CauseSkipUntil, reason: "kept up until Tue 3 Mar 22:00 GMT by tag opsd:shutdown:skip-until"},
		{name: "skip-until set before the stop, seen in the on period: nothing yet", state: StateRunning, tags: withTag(devTags(), skipKey, "22:00"), now: "2026-03-03T18:00:00Z",
			want: ActionNone, cause: CauseAlreadyRunning},
		{name: "skip-until after opsd stopped it: started again", state: StateStopped, tags: withTag(devTags(), skipKey, "23:30"), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-03T20:00:00Z",
			want: ActionStart, cause: CauseSkipUntilStart, reason: "tag opsd:shutdown:skip-until keeps it up until Tue 3 Mar 23:30 GMT: starting what opsd stopped at Tue 3 Mar 19:05 GMT"},
		{name: "skip-until after opsd stopped it, but started and stopped by hand since: left stopped", state: StateStopped, tags: withTag(devTags(), skipKey, "23:30"),
			action: LastStop, actionAt: "2026-03-03T19:05:00Z", startedAt: "2026-03-03T19:30:00Z", now: "2026-03-03T20:00:00Z",
			want: ActionNone, cause: CauseSkipUntilStoppedOutside},
		{name: "skip-until on a resource stopped by hand: left stopped", state: StateStopped, tags: withTag(devTags(), skipKey, "23:30"), now: "2026-03-03T20:00:00Z",
			want: ActionNone, cause: CauseSkipUntilStoppedOutside},
		{name: "skip-until passed in the off period: removed and stopped", state: StateRunning, tags: withTag(devTags(), skipKey, "22:00"), now: "2026-03-03T22:05:00Z",
			want: ActionStop, cause: CauseOffPeriod, reason: "tag opsd:shutdown:skip-until=22:00 passed at Tue 3 Mar 22:00 GMT: removed"},
		{name: "skip-until 07:00 set at night: tomorrow morning", state: StateRunning, tags: withTag(devTags(), skipKey, "07:00"), now: "2026-03-03T23:30:00Z",
			want: ActionNone, cause: CauseSkipUntil, reason: "kept up until Wed 4 Mar 07:00 GMT"},
		{name: "skip-until as RFC 3339", state: StateRunning, tags: withTag(devTags(), skipKey, "2026-03-05T02:00:00Z"), now: "2026-03-04T21:00:00Z",
			want: ActionNone, cause: CauseSkipUntil, reason: "kept up until Thu 5 Mar 02:00 GMT"},
		{name: "skip-until passed in the on period: only the tag removed", state: StateRunning, tags: withTag(devTags(), skipKey, "2026-03-04T02:00:00Z"), now: "2026-03-04T09:00:00Z",
			want: ActionClear, cause: CauseOverrideExpired, reason: "tag opsd:shutdown:skip-until=2026-03-04T02:00:00Z passed at Wed 4 Mar 02:00 GMT: removed, the schedule applies again"},
		{name: "off-until in the on period, running: stopped", state: StateRunning, tags: withTag(devTags(), offKey, "12:00"), now: "2026-03-04T08:00:00Z",
			want: ActionStop, cause: CauseOffUntilStop, reason: "tag opsd:shutdown:off-until keeps it down until Wed 4 Mar 12:00 GMT: stopping it"},
		{name: "off-until over the morning start: left stopped", state: StateStopped, tags: withTag(devTags(), offKey, "12:00"), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionNone, cause: CauseOffUntil, reason: "kept down until Wed 4 Mar 12:00 GMT by tag opsd:shutdown:off-until"},
		{name: "off-until passed in the on period: removed and started", state: StateStopped, tags: withTag(devTags(), offKey, "12:00"), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T12:05:00Z",
			want: ActionStart, cause: CauseOnPeriod, reason: "tag opsd:shutdown:off-until=12:00 passed"},
		{name: "off-until passed, stopped by hand: tag removed, left stopped", state: StateStopped, tags: withTag(devTags(), offKey, "12:00"), now: "2026-03-04T12:05:00Z",
			want: ActionClear, cause: CauseOverrideExpired},
		{name: "off-until in the off period, started by hand: stopped anyway", state: StateRunning, tags: withTag(devTags(), offKey, "2026-03-04T12:00:00Z"), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-03T22:00:00Z",
			want: ActionStop, cause: CauseOffUntilStop},
		{name: "off-until, but patching holds it up for a window: left running", state: StateRunning,
			tags: withTag(withTag(devTags(), offKey, "2026-03-04T12:00:00Z"), "opsd:patching:hold-until", "2026-03-03T23:00:00Z"), now: "2026-03-03T21:00:00Z",
			want: ActionNone, cause: CausePatching},
		{name: "malformed value: reported, not stopped", state: StateRunning, tags: withTag(devTags(), skipKey, "tonight"), now: "2026-03-03T19:05:00Z",
			want: ActionReport, cause: CauseOverrideInvalid, reason: `tag opsd:shutdown:skip-until="tonight" is not an RFC 3339 time (2026-12-04T22:00:00Z) or a clock time HH:MM: neither stopped nor started`},
		{name: "malformed clock time 25:00: reported", state: StateStopped, tags: withTag(devTags(), offKey, "25:00"), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionReport, cause: CauseOverrideInvalid},
		{name: "both tags: reported, not started", state: StateStopped, tags: withTag(withTag(devTags(), offKey, "12:00"), skipKey, "12:00"), action: LastStop, actionAt: "2026-03-03T19:05:00Z", now: "2026-03-04T07:05:00Z",
			want: ActionReport, cause: CauseOverrideInvalid, reason: "are both set: keep one"},
		{name: "production keeps its report, override or not", state: StateRunning, tags: map[string]string{"OOOShutdown": "true", "Environment": "prod", skipKey: "22:00"}, now: "2026-03-03T19:05:00Z",
			want: ActionReport, cause: CauseProblem},
		{name: "untagged resource with only an override: nothing", state: StateRunning, tags: map[string]string{"Environment": "dev", offKey: "12:00"}, now: "2026-03-04T08:00:00Z",
			want: ActionNone, cause: CauseUntagged},
	})
}
