package shutdown

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
)

func TestDefaultConfigIsValidAndRunsTheSeedDefault(t *testing.T) {
	c := DefaultConfig()
	if errs := c.Validate("shutdown"); len(errs) != 0 {
		t.Fatalf("DefaultConfig().Validate() = %v", errs)
	}
	if c.Enabled {
		t.Error("the service is enabled by default; it must be off until enabled")
	}
	if c.Schedule != "*/5 * * * *" || c.Timeout != 4*time.Minute {
		t.Errorf("schedule %q timeout %s, want */5 * * * * and 4m", c.Schedule, c.Timeout)
	}
	if !slices.Equal(c.Environments, []string{"development", "dev", "staging", "stg"}) {
		t.Errorf("environments = %v", c.Environments)
	}
	c.Enabled = true
	p, err := NewPlanner(c, mustLoc(t, "Europe/London"))
	if err != nil {
		t.Fatal(err)
	}
	// Tuesday 19:05 in summer: off; Wednesday 07:05: on; Saturday: off.
	def, _ := p.Timetable("default")
	for at, want := range map[string]bool{
		"2026-06-09T18:05:00Z": true,
		"2026-06-10T06:05:00Z": false,
		"2026-06-13T12:00:00Z": true,
	} {
		if got := def.Off(mustTime(t, at)); got != want {
			t.Errorf("default Off(%s) = %v, want %v", at, got, want)
		}
	}
	weekend, _ := p.Timetable("weekend")
	if weekend.Off(mustTime(t, "2026-06-09T18:05:00Z")) {
		t.Error("weekend schedule is off on a Tuesday night")
	}
}

// decode reads a YAML document the way the config package does (koanf,
// mapstructure with the koanf tag, durations and comma lists as strings).
func decode(t *testing.T, doc string) Config {
	t.Helper()
	raw, err := yaml.Parser().Unmarshal([]byte(doc))
	if err != nil {
		t.Fatalf("parse yaml: %v", err)
	}
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(raw, ""), nil); err != nil {
		t.Fatalf("load yaml: %v", err)
	}
	c := DefaultConfig()
	err = k.UnmarshalWithConf("shutdown", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
			mapstructure.TextUnmarshallerHookFunc(),
		),
		WeaklyTypedInput: true,
		TagName:          "koanf",
		Result:           &c,
	}})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return c
}

func TestYAMLShape(t *testing.T) {
	c := decode(t, `
shutdown:
  enabled: true
  timeout: 90s
  environments: [Dev, QA]
  default_schedule: office
  schedules:
    office:
      timezone: America/New_York
      periods:
        - days: mon-thu
          off: 18:30
          on: 08:00
        - days: [fri]
          off: "17:00"
          on: mon 08:00
        - {days: "sat,sun", off: "00:00", on: "23:59"}
  holidays: [2026-07-03, "2026-12-25"]
`)
	if !c.Enabled || c.Timeout != 90*time.Second || c.DefaultSchedule != "office" {
		t.Fatalf("decoded %+v", c)
	}
	if errs := c.Validate("shutdown"); len(errs) != 0 {
		t.Fatalf("Validate() = %v", errs)
	}
	if !slices.Equal(c.Holidays, []Date{"2026-07-03", "2026-12-25"}) {
		t.Errorf("holidays = %q", c.Holidays)
	}
	office := c.Schedules["office"]
	if len(office.Periods) != 3 || !slices.Equal(office.Periods[0].Days, []string{"mon-thu"}) || office.Periods[0].Off != "18:30" || office.Periods[1].On != "mon 08:00" {
		t.Fatalf("office = %+v", office)
	}
	p, err := NewPlanner(c, mustLoc(t, "Europe/London"))
	if err != nil {
		t.Fatal(err)
	}
	tt, _ := p.Timetable("OFFICE")
	if tt.Location().String() != "America/New_York" {
		t.Errorf("office timezone %s", tt.Location())
	}
	// Friday 3 July 2026 is a holiday: off from Thursday 18:30 EDT to
	// Monday 08:00 EDT.
	w := tt.Window(mustTime(t, "2026-07-03T16:00:00Z"))
	if !w.Off || !w.Start.Equal(mustTime(t, "2026-07-02T22:30:00Z")) || !w.End.Equal(mustTime(t, "2026-07-06T12:00:00Z")) {
		t.Errorf("window %+v", w)
	}
	// The built-in schedules are still there beside the new one.
	if _, ok := p.Timetable("default"); !ok {
		t.Error("default schedule lost")
	}
}

func TestHolidayTimestampIsNotADate(t *testing.T) {
	var d Date
	if err := d.UnmarshalMapstructure(mustTime(t, "2026-07-03T10:00:00Z")); err == nil {
		t.Errorf("a timestamp at 10:00 was taken as the date %q", d)
	}
	if err := d.UnmarshalMapstructure(42); err == nil {
		t.Errorf("42 was taken as the date %q", d)
	}
}

func errorTexts(errs []error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

func TestValidateReportsEveryProblemWithItsPath(t *testing.T) {
	cases := []struct {
		name   string
		change func(c *Config)
		want   []string
	}{
		{"bad off time", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{
				{Days: []string{"mon"}, Off: "19:00", On: "07:00"},
				{Days: []string{"tue"}, Off: "25:00", On: "07:00"},
			}}
		}, []string{`shutdown.schedules.office.periods[1].off: "25:00" is not a time of day (HH:MM)`}},
		{"bad on time and minutes", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Days: []string{"mon"}, Off: "7pm", On: "07:60"}}}
		}, []string{
			`shutdown.schedules.office.periods[0].off: "7pm" is not a time of day (HH:MM)`,
			`shutdown.schedules.office.periods[0].on: "07:60" is not a time of day (HH:MM)`,
		}},
		{"unknown weekday in days", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Days: []string{"mon-fry"}, Off: "19:00", On: "07:00"}}}
		}, []string{`shutdown.schedules.office.periods[0].days: "mon-fry" is not a weekday or a range of weekdays (mon, tue, wed, thu, fri, sat, sun; e.g. mon-thu)`}},
		{"unknown weekday in off", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Off: "fry 19:00", On: "mon 07:00"}}}
		}, []string{`shutdown.schedules.office.periods[0].off: "fry 19:00": "fry" is not a weekday (mon, tue, wed, thu, fri, sat, sun)`}},
		{"days missing", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Off: "19:00", On: "07:00"}}}
		}, []string{`shutdown.schedules.office.periods[0].days: no days given (mon, tue, wed, thu, fri, sat, sun; e.g. mon-thu)`}},
		{"days with a day in off", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Days: []string{"fri"}, Off: "fri 19:00", On: "mon 07:00"}}}
		}, []string{`shutdown.schedules.office.periods[0].days: must be empty when off names its day ("fri 19:00")`}},
		{"off equals on", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Days: []string{"mon"}, Off: "19:00", On: "19:00"}}}
		}, []string{`shutdown.schedules.office.periods[0]: off and on are the same time ("19:00", "19:00")`}},
		{"period names nothing", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{}}}
		}, []string{`shutdown.schedules.office.periods[0]: names nothing: give off and on times, or the days (days, monthdays, months) it is off all day`}},
		{"one-sided on at midnight", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Days: []string{"mon"}, On: "00:00"}}}
		}, []string{`shutdown.schedules.office.periods[0].on: "00:00" with no off leaves nothing to do: the period is left as it is from midnight until on`}},
		{"bad monthdays and months", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Monthdays: []string{"0-15"}, Months: []string{"jan-foo"}, Off: "19:00", On: "07:00"}}}
		}, []string{
			`shutdown.schedules.office.periods[0].monthdays: "0-15" is not a day of the month, a range or a step (1-31, L for the last day, 15W for the weekday nearest the 15th; e.g. 1-15, 1,15, 1/7): "0-15" is not a range`,
			`shutdown.schedules.office.periods[0].months: "jan-foo" is not a month, a range or a step (1-12 or jan-dec; e.g. jan-mar, 1,6,12, */2): "jan-foo" is not a range`,
		}},
		{"bad nth weekday", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Days: []string{"mon#6"}}}}
		}, []string{`shutdown.schedules.office.periods[0].days: "mon#6" is not an nth weekday (mon#1 for the first Monday of the month to mon#5, friL for the last Friday)`}},
		{"period matching no day", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Monthdays: []string{"30-31"}, Months: []string{"feb"}}}}
		}, []string{`shutdown.schedules.office.periods[0]: matches no day (days "", monthdays "30-31", months "feb" never fall together)`}},
		{"every day off", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Monthdays: []string{"1-15"}}, {Monthdays: []string{"16-L"}}}}
		}, []string{`shutdown.schedules.office.periods: the periods cover every day, so nothing would ever be started`}},
		{"no periods", func(c *Config) { c.Schedules["office"] = Schedule{} },
			[]string{`shutdown.schedules.office.periods: a schedule needs at least one off period`}},
		{"whole week off", func(c *Config) {
			c.Schedules["office"] = Schedule{Periods: []Period{{Off: "mon 00:00", On: "sun 23:00"}, {Off: "sun 22:00", On: "mon 00:00"}}}
		}, []string{`shutdown.schedules.office.periods: the periods cover the whole week, so nothing would ever be started`}},
		{"unknown timezone", func(c *Config) {
			c.Schedules["office"] = Schedule{Timezone: "Europe/Londn", Periods: c.Schedules["default"].Periods}
		}, []string{`shutdown.schedules.office.timezone: "Europe/Londn" is not an IANA timezone (e.g. Europe/London): unknown time zone Europe/Londn`}},
		{"names equal ignoring case", func(c *Config) {
			c.Schedules["Default"] = c.Schedules["default"]
		}, []string{`shutdown.schedules.default: has the same name as shutdown.schedules.Default (names are matched case-insensitively)`}},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Minute },
			[]string{`shutdown.timeout: must be positive, got -1m0s`}},
		{"zero timeout", func(c *Config) { c.Timeout = 0 },
			[]string{`shutdown.timeout: must be positive, got 0s`}},
		{"bad holiday dates", func(c *Config) { c.Holidays = []Date{"2026-12-25", "2026-02-30", "25/12/2026"} },
			[]string{
				`shutdown.holidays[1]: "2026-02-30" is not a date (YYYY-MM-DD)`,
				`shutdown.holidays[2]: "25/12/2026" is not a date (YYYY-MM-DD)`,
			}},
		{"default schedule names none", func(c *Config) { c.DefaultSchedule = "office" },
			[]string{`shutdown.default_schedule: "office" names no schedule in shutdown.schedules (have default, weekend)`}},
		{"default schedule empty", func(c *Config) { c.DefaultSchedule = "" },
			[]string{`shutdown.default_schedule: is required: the name of a schedule in shutdown.schedules`}},
		{"weekend schedule names none", func(c *Config) { delete(c.Schedules, "weekend") },
			[]string{`shutdown.weekend_schedule: "weekend" names no schedule in shutdown.schedules (have default)`}},
		{"empty environments", func(c *Config) { c.Environments = nil },
			[]string{`shutdown.environments: must list at least one environment (e.g. development, staging)`}},
		{"blank environment", func(c *Config) { c.Environments = []string{"dev", " "} },
			[]string{`shutdown.environments[1]: is empty`}},
		{"production in environments", func(c *Config) { c.Environments = []string{"dev", "Prod"} },
			[]string{`shutdown.environments[1]: "Prod" is also in shutdown.production_environments, where nothing is ever stopped`}},
		{"tag keys", func(c *Config) {
			c.Tags.OOO = ""
			c.Tags.Weekend = "aws:weekend"
			c.Tags.LastError = c.Tags.LastAction
		}, []string{
			`shutdown.tags.ooo: is empty`,
			`shutdown.tags.weekend: "aws:weekend" starts with aws:, which AWS reserves`,
			`shutdown.tags.last_error: "opsd:shutdown:last-action" is also shutdown.tags.last_action`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.change(&c)
			got := errorTexts(c.Validate("shutdown"))
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Validate() =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if _, err := NewPlanner(c, time.UTC); err == nil {
				t.Error("NewPlanner accepted an invalid configuration")
			}
		})
	}
}

func TestValidateCollectsAllProblemsAtOnce(t *testing.T) {
	c := DefaultConfig()
	c.Timeout = -time.Second
	c.Environments = nil
	c.Holidays = []Date{"tomorrow"}
	c.DefaultSchedule = "nope"
	c.Schedules["office"] = Schedule{Timezone: "Mars/Olympus", Periods: []Period{{Days: []string{"funday"}, Off: "25:00", On: "07:00"}}}
	errs := c.Validate("shutdown")
	if len(errs) != 7 {
		t.Fatalf("got %d problems, want 7 (timeout, environments, holiday, default_schedule, timezone, days, off):\n%s", len(errs), strings.Join(errorTexts(errs), "\n"))
	}
	for _, err := range errs {
		var fe *FieldError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "shutdown.") || !strings.HasPrefix(err.Error(), fe.Path+": ") {
			t.Errorf("%q is not a FieldError starting with its shutdown. key path", err)
		}
	}
}

func TestHolidaysFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "holidays.txt")
	if err := os.WriteFile(good, []byte("# UK bank holidays\n2026-12-25\n\n2026-12-28  # boxing day, substitute\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("2026-12-25\n# comment\n2026-13-01\nchristmas\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	c := DefaultConfig()
	c.HolidaysFile = good
	c.Holidays = []Date{"2026-12-24"}
	if errs := c.Validate("shutdown"); len(errs) != 0 {
		t.Fatalf("Validate() = %v", errs)
	}
	p, err := NewPlanner(c, mustLoc(t, "Europe/London"))
	if err != nil {
		t.Fatal(err)
	}
	tt, _ := p.Timetable("default")
	for _, at := range []string{"2026-12-24T12:00:00Z", "2026-12-25T12:00:00Z", "2026-12-28T12:00:00Z"} {
		if !tt.Off(mustTime(t, at)) {
			t.Errorf("not off on holiday %s", at)
		}
	}
	if tt.Off(mustTime(t, "2026-12-29T12:00:00Z")) {
		t.Error("off on an ordinary Tuesday")
	}

	c.HolidaysFile = bad
	got := errorTexts(c.Validate("shutdown"))
	want := []string{
		`shutdown.holidays_file: ` + bad + ` line 3: "2026-13-01" is not a date (YYYY-MM-DD)`,
		`shutdown.holidays_file: ` + bad + ` line 4: "christmas" is not a date (YYYY-MM-DD)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Validate() =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}

	c.HolidaysFile = filepath.Join(dir, "missing.txt")
	got = errorTexts(c.Validate("shutdown"))
	if len(got) != 1 || !strings.HasPrefix(got[0], "shutdown.holidays_file: read holidays file: open "+c.HolidaysFile) {
		t.Errorf("Validate() = %v, want one error naming the missing file", got)
	}
}

func TestNewPlannerNeedsATimezone(t *testing.T) {
	if _, err := NewPlanner(DefaultConfig(), nil); err == nil {
		t.Error("NewPlanner accepted a nil timezone")
	}
}
