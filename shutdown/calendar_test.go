package shutdown

import (
	"os"
	"strings"
	"testing"
	"time"
)

// The test calendar: an all-day event, a timed event in New York, a
// weekly event across the spring change with one occurrence taken out
// (EXDATE) and one moved (RECURRENCE-ID), a yearly all-day event with an
// exception, a cancelled event and a floating time (read in the
// calendar's X-WR-TIMEZONE).
func TestParseICalExpandsEvents(t *testing.T) {
	f, err := os.Open("testdata/holidays.ics")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ev, err := parseICal(f, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	var timed []string
	for _, s := range ev.timed {
		timed = append(timed, s.start.UTC().Format("2006-01-02T15:04Z")+" "+s.end.UTC().Format("15:04Z")+" "+s.name)
	}
	want := []string{
		"2026-03-10T18:00Z 20:00Z Town hall",
		"2026-03-04T10:00Z 12:00Z Maintenance freeze",
		"2026-03-11T10:00Z 12:00Z Maintenance freeze",
		// 18 March is excepted, 25 March moved to the 26th.
		"2026-04-01T09:00Z 11:00Z Maintenance freeze", // 10:00 BST
		"2026-04-08T09:00Z 11:00Z Maintenance freeze",
		"2026-03-26T14:00Z 16:00Z Maintenance freeze (moved)",
		"2026-07-02T08:00Z 09:00Z Floating in London",
	}
	if strings.Join(timed, "\n") != strings.Join(want, "\n") {
		t.Errorf("timed events\n%s\nwant\n%s", strings.Join(timed, "\n"), strings.Join(want, "\n"))
	}
	days := map[string]string{}
	for _, d := range ev.days {
		y, m, dd := civilDate(d.day)
		days[time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)] = d.name
	}
	for date, name := range map[string]string{"2026-12-24": "Office closed", "2026-06-15": "Founders' Day", "2028-06-15": "Founders' Day", "2020-06-15": "Founders' Day"} {
		if days[date] != name {
			t.Errorf("all-day %s = %q, want %q", date, days[date], name)
		}
	}
	for _, date := range []string{"2027-06-15", "2026-07-01"} {
		if n, ok := days[date]; ok {
			t.Errorf("all-day %s = %q, want none (excepted or cancelled)", date, n)
		}
	}
}

func icalPlanner(t *testing.T, change func(*Config)) *Planner {
	t.Helper()
	return testPlanner(t, func(c *Config) {
		c.Schedules["office"] = Schedule{Timezone: "Europe/London", HolidaysICal: "testdata/holidays.ics", Periods: []Period{
			{Days: []string{"mon-fri"}, Off: "19:00", On: "07:00"},
			{Days: []string{"sat-sun"}},
		}}
		if change != nil {
			change(c)
		}
	})
}

// A schedule's calendar keeps it off for each event's span, and the
// reason names the event.
func TestICalEventsKeepAScheduleOff(t *testing.T) {
	p := icalPlanner(t, nil)
	tt, _ := p.Timetable("office")
	checkWindows(t, tt, []windowCase{
		{"town hall", "2026-03-10T19:00:00Z", true, "2026-03-10T18:00:00Z", "2026-03-11T07:00:00Z"},
		{"freeze", "2026-03-11T11:00:00Z", true, "2026-03-11T10:00:00Z", "2026-03-11T12:00:00Z"},
		{"excepted freeze", "2026-03-18T11:00:00Z", false, "2026-03-18T07:00:00Z", "2026-03-18T19:00:00Z"},
		{"moved freeze", "2026-03-26T15:00:00Z", true, "2026-03-26T14:00:00Z", "2026-03-26T16:00:00Z"},
		{"freeze in summer time", "2026-04-01T09:30:00Z", true, "2026-04-01T09:00:00Z", "2026-04-01T11:00:00Z"},
		{"office closed", "2026-12-24T12:00:00Z", true, "2026-12-23T19:00:00Z", "2026-12-25T07:00:00Z"},
	})
	tags := map[string]string{"OOOShutdown": "true", "opsd:schedule": "office", "Environment": "dev"}
	runPlanCases(t, p, []planCase{
		{name: "freeze stops", state: StateRunning, tags: tags, now: "2026-03-11T10:00:00Z", want: ActionStop, cause: CauseOffPeriod,
			reason: "off period office (Wed 10:00 → Wed 12:00 Europe/London): Maintenance freeze"},
		{name: "closed names the event", state: StateStopped, tags: tags, now: "2026-12-24T12:00:00Z", want: ActionNone, cause: CauseAlreadyStopped,
			reason: ": Office closed; already stopped"},
	})
}

// Built-in UK bank holidays, per schedule or for all: the reason names
// the holiday that keeps the resource off.
func TestUKBankHolidaysKeepAScheduleOff(t *testing.T) {
	p := testPlanner(t, func(c *Config) { c.UKBankHolidays = []string{"england-and-wales"} })
	tags := map[string]string{"OOOShutdown": "true", "Environment": "dev"}
	runPlanCases(t, p, []planCase{
		{name: "boxing day substitute", state: StateRunning, tags: tags, now: "2026-12-28T12:00:00Z", want: ActionStop, cause: CauseOffPeriod,
			reason: "off period default (Thu 19:00 → Tue 07:00 Europe/London): Boxing Day (substitute day)"},
		{name: "christmas eve night names the holiday ahead", state: StateStopped, tags: tags, now: "2026-12-24T20:00:00Z", want: ActionNone, cause: CauseAlreadyStopped,
			reason: ": Christmas Day"},
		{name: "easter monday", state: StateStopped, tags: tags, now: "2027-03-29T12:00:00Z", want: ActionNone, cause: CauseAlreadyStopped, reason: "Easter Monday"},
		{name: "an ordinary monday", state: StateRunning, tags: tags, now: "2027-04-05T12:00:00Z", want: ActionNone, cause: CauseAlreadyRunning, reason: "on period default"},
	})
	scot := testPlanner(t, func(c *Config) {
		s := c.Schedules["default"]
		s.UKBankHolidays = []string{"scotland"}
		c.Schedules["default"] = s
	})
	runPlanCases(t, scot, []planCase{
		{name: "st andrew's day", state: StateRunning, tags: tags, now: "2026-11-30T12:00:00Z", want: ActionStop, cause: CauseOffPeriod, reason: "St Andrew's Day"},
	})
}

// An s3:// calendar not yet read (or that failed to read) leaves on time
// as it is: opsd neither starts what the calendar may keep off nor stops
// anything for it.
func TestUnreadCalendarLeavesOnTimeAsItIs(t *testing.T) {
	p := testPlanner(t, func(c *Config) { c.HolidaysICal = "s3://calendars/holidays.ics" })
	tags := map[string]string{"OOOShutdown": "true", "Environment": "dev"}
	runPlanCases(t, p, []planCase{
		{name: "on time, opsd stopped it: not started", state: StateStopped, tags: tags, action: LastStop, actionAt: "2026-03-02T19:00:00Z",
			now: "2026-03-03T12:00:00Z", want: ActionNone, cause: CauseKeepStopped,
			reason: "calendar s3://calendars/holidays.ics could not be read"},
		{name: "off time still stops", state: StateRunning, tags: tags, now: "2026-03-03T20:00:00Z", want: ActionStop, cause: CauseOffPeriod, reason: "off period default"},
	})
}

func TestCalendarConfigErrors(t *testing.T) {
	c := DefaultConfig()
	c.HolidaysICal = "s3://bucket-only"
	c.UKBankHolidays = []string{"wales"}
	c.Schedules["office"] = Schedule{HolidaysICal: "testdata/none.ics", UKBankHolidays: []string{"scotland", "ulster"}, Periods: c.Schedules["weekend"].Periods}
	var got []string
	for _, err := range c.Validate("shutdown") {
		got = append(got, err.Error())
	}
	want := []string{
		`shutdown.schedules.office.holidays_ical: read iCalendar file: open testdata/none.ics: no such file or directory`,
		`shutdown.schedules.office.uk_bank_holidays[1]: "ulster" is not a UK bank holiday region (england-and-wales, scotland, northern-ireland)`,
		`shutdown.holidays_ical: s3://bucket-only is not an S3 object URL (s3://bucket/key)`,
		`shutdown.uk_bank_holidays[0]: "wales" is not a UK bank holiday region (england-and-wales, scotland, northern-ireland)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Validate =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCalendarTimetableAllocations(t *testing.T) {
	p := icalPlanner(t, func(c *Config) { c.UKBankHolidays = []string{"england-and-wales", "scotland", "northern-ireland"} })
	tt, _ := p.Timetable("office")
	at := mustTime(t, "2026-12-28T12:00:00Z")
	if n := testing.AllocsPerRun(100, func() { _ = tt.Off(at); _ = tt.Window(at) }); n != 0 {
		t.Errorf("Off and Window allocate %v times per call, want 0", n)
	}
}
