package shutdown

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// testPlanner is the default configuration plus an "office" schedule in
// New York.
func testPlanner(t testing.TB, change ...func(*Config)) *Planner {
	t.Helper()
	c := DefaultConfig()
	c.Enabled = true
	c.Schedules["office"] = Schedule{Timezone: "America/New_York", Periods: []Period{
		{Days: []string{"mon-fri"}, Off: "18:00", On: "08:00"},
	}}
	for _, f := range change {
		f(&c)
	}
	p, err := NewPlanner(c, mustLoc(t, "Europe/London"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIntent(t *testing.T) {
	p := testPlanner(t)
	cases := []struct {
		name       string
		tags       map[string]string
		schedule   string
		optedOut   bool
		problems   Problem
		actionable bool
		text       string // part of the problem text
	}{
		{name: "untagged", tags: map[string]string{"Environment": "dev"}},
		{name: "OOO true", tags: map[string]string{"OOOShutdown": "true", "Environment": "dev"}, schedule: "default", actionable: true},
		{name: "OOO TRUE any case and spaces", tags: map[string]string{"OOOShutdown": " TRUE ", "Environment": "Development"}, schedule: "default", actionable: true},
		{name: "OOO false", tags: map[string]string{"OOOShutdown": "False", "Environment": "dev"}, optedOut: true},
		{name: "OOO malformed", tags: map[string]string{"OOOShutdown": "yes", "Environment": "dev"}, problems: ProblemMalformed, text: `OOOShutdown="yes" is neither true nor false`},
		{name: "OOO empty", tags: map[string]string{"OOOShutdown": "", "Environment": "dev"}, problems: ProblemMalformed},
		{name: "OutOfHours present empty", tags: map[string]string{"OutOfHoursShutdown": "", "Environment": "stg"}, schedule: "default", actionable: true},
		{name: "OutOfHours any value", tags: map[string]string{"OutOfHoursShutdown": "yes please", "Environment": "staging"}, schedule: "default", actionable: true},
		{name: "OutOfHours false", tags: map[string]string{"OutOfHoursShutdown": "false", "Environment": "dev"}, optedOut: true},
		{name: "Weekend present", tags: map[string]string{"WeekendShutdown": "", "Environment": "dev"}, schedule: "weekend", actionable: true},
		{name: "Weekend false", tags: map[string]string{"WeekendShutdown": "FALSE", "Environment": "dev"}, optedOut: true},
		{name: "named", tags: map[string]string{"opsd:schedule": "office", "Environment": "dev"}, schedule: "office", actionable: true},
		{name: "named ignoring case", tags: map[string]string{"opsd:schedule": "Office", "Environment": "dev"}, schedule: "office", actionable: true},
		{name: "named empty", tags: map[string]string{"opsd:schedule": " ", "Environment": "dev"}, problems: ProblemMalformed, text: "opsd:schedule is empty"},
		{name: "named unknown", tags: map[string]string{"opsd:schedule": "ofice", "Environment": "dev"}, problems: ProblemUnknownSchedule, text: `opsd:schedule="ofice" names no schedule in shutdown.schedules (default, office, weekend)`},
		{name: "OOO true and OutOfHours agree", tags: map[string]string{"OOOShutdown": "true", "OutOfHoursShutdown": "", "Environment": "dev"}, schedule: "default", actionable: true},
		{name: "OOO true and named: named wins", tags: map[string]string{"OOOShutdown": "true", "opsd:schedule": "office", "Environment": "dev"}, schedule: "office", actionable: true},
		{name: "OutOfHours and named: named wins", tags: map[string]string{"OutOfHoursShutdown": "", "opsd:schedule": "office", "Environment": "dev"}, schedule: "office", actionable: true},
		{name: "Weekend and named weekend agree", tags: map[string]string{"WeekendShutdown": "", "opsd:schedule": "weekend", "Environment": "dev"}, schedule: "weekend", actionable: true},
		{name: "Weekend and named other conflict", tags: map[string]string{"WeekendShutdown": "", "opsd:schedule": "office", "Environment": "dev"}, problems: ProblemConflict, text: "WeekendShutdown asks for schedule weekend but opsd:schedule=office asks for another"},
		{name: "Weekend and OOO true conflict", tags: map[string]string{"WeekendShutdown": "", "OOOShutdown": "true", "Environment": "dev"}, problems: ProblemConflict, text: "OOOShutdown=true asks for default"},
		{name: "Weekend and OutOfHours conflict", tags: map[string]string{"WeekendShutdown": "", "OutOfHoursShutdown": "", "Environment": "dev"}, problems: ProblemConflict},
		{name: "OOO false and Weekend: opted out, reported", tags: map[string]string{"OOOShutdown": "false", "WeekendShutdown": "", "Environment": "dev"}, optedOut: true, problems: ProblemOptOutConflict, text: "opted out by OOOShutdown=false, yet WeekendShutdown asks for shutdown"},
		{name: "OOO false and named: opted out, reported", tags: map[string]string{"OOOShutdown": "false", "opsd:schedule": "office", "Environment": "dev"}, optedOut: true, problems: ProblemOptOutConflict},
		{name: "two opt-outs agree", tags: map[string]string{"OOOShutdown": "false", "OutOfHoursShutdown": "false", "Environment": "dev"}, optedOut: true},
		{name: "malformed OOO beside Weekend", tags: map[string]string{"OOOShutdown": "maybe", "WeekendShutdown": "", "Environment": "dev"}, problems: ProblemMalformed},
		{name: "key in the wrong case", tags: map[string]string{"ooOShutdown": "true", "Environment": "dev"}, problems: ProblemKeyCase, text: `tag key "ooOShutdown" is not one opsd reads: keys are case-sensitive`},
		{name: "production", tags: map[string]string{"OOOShutdown": "true", "Environment": "production"}, schedule: "default", problems: ProblemProduction, text: "Environment=production: never stopped in production"},
		{name: "prod any case", tags: map[string]string{"WeekendShutdown": "", "Environment": "PROD"}, schedule: "weekend", problems: ProblemProduction},
		{name: "production opted out is quiet", tags: map[string]string{"OOOShutdown": "false", "Environment": "production"}, optedOut: true},
		{name: "pre-prod", tags: map[string]string{"OOOShutdown": "true", "Environment": "pre-prod"}, schedule: "default", problems: ProblemEnvironment, text: "Environment=pre-prod is not one shutdown acts in (development, dev, staging, stg)"},
		{name: "no environment", tags: map[string]string{"OOOShutdown": "true"}, schedule: "default", problems: ProblemNoEnvironment, text: "no Environment tag"},
		{name: "environment key is case-sensitive", tags: map[string]string{"OOOShutdown": "true", "environment": "dev"}, schedule: "default", problems: ProblemNoEnvironment},
		{name: "malformed in production", tags: map[string]string{"OOOShutdown": "ja", "Environment": "prod"}, problems: ProblemMalformed | ProblemProduction},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := p.Intent(tc.tags)
			if in.Schedule != tc.schedule || in.OptedOut != tc.optedOut || in.Problems != tc.problems || in.Actionable() != tc.actionable {
				t.Errorf("Intent = schedule %q opted out %v problems %b actionable %v; want %q %v %b %v",
					in.Schedule, in.OptedOut, in.Problems, in.Actionable(), tc.schedule, tc.optedOut, tc.problems, tc.actionable)
			}
			if text := p.problemText(in); !strings.Contains(text, tc.text) || (tc.problems == 0) != (text == "") {
				t.Errorf("problem text %q, want it to contain %q", text, tc.text)
			}
		})
	}
}

// TestIntentEveryCombination checks every combination of the four shutdown
// tags (absent, and the values that matter) in three environments against
// the rules as DESIGN.md and the Intent doc state them.
func TestIntentEveryCombination(t *testing.T) {
	p := testPlanner(t)
	const absent = "<absent>"
	oooValues := []string{absent, "true", "false", "maybe"}
	presenceValues := []string{absent, "", "false"}
	namedValues := []string{absent, "office", "weekend", "default", "nope", ""}
	envValues := []string{absent, "dev", "production", "mgmt"}
	n := 0
	for _, ooo := range oooValues {
		for _, ooh := range presenceValues {
			for _, wkd := range presenceValues {
				for _, named := range namedValues {
					for _, env := range envValues {
						tags := map[string]string{}
						for k, v := range map[string]string{"OOOShutdown": ooo, "OutOfHoursShutdown": ooh, "WeekendShutdown": wkd, "opsd:schedule": named, "Environment": env} {
							if v != absent {
								tags[k] = v
							}
						}
						wantSchedule, wantOptOut, wantProblems := referenceIntent(ooo, ooh, wkd, named, env, absent)
						got := p.Intent(tags)
						if got.Schedule != wantSchedule || got.OptedOut != wantOptOut || got.Problems != wantProblems {
							t.Errorf("%v: got schedule %q opted out %v problems %b; want %q %v %b", tags, got.Schedule, got.OptedOut, got.Problems, wantSchedule, wantOptOut, wantProblems)
						}
						if got.Actionable() && (env != "dev" || wantOptOut) {
							t.Errorf("%v: actionable outside development or opted out", tags)
						}
						n++
					}
				}
			}
		}
	}
	if n != 4*3*3*6*4 {
		t.Fatalf("checked %d combinations", n)
	}
}

// referenceIntent restates the tag rules independently of Planner.Intent.
func referenceIntent(ooo, ooh, wkd, named, env, absent string) (string, bool, Problem) {
	isFalse := func(v string) bool { return v != absent && strings.EqualFold(v, "false") }
	asksDefault := ooo == "true" || (ooh != absent && !isFalse(ooh))
	asksWeekend := wkd != absent && !isFalse(wkd)
	optOut := isFalse(ooo) || isFalse(ooh) || isFalse(wkd)
	var problems Problem
	if ooo != absent && ooo != "true" && ooo != "false" {
		problems |= ProblemMalformed
	}
	if named == "" {
		problems |= ProblemMalformed
	}
	if named == "nope" {
		problems |= ProblemUnknownSchedule
	}
	tagged := ooo != absent || ooh != absent || wkd != absent || named != absent
	if !tagged {
		return "", false, 0
	}
	if optOut {
		if asksDefault || asksWeekend || named != absent {
			problems |= ProblemOptOutConflict
		}
		return "", true, problems
	}
	schedule := ""
	switch {
	case problems != 0:
	case named != absent:
		if asksWeekend && named != "weekend" {
			problems |= ProblemConflict
		} else {
			schedule = named
		}
	case asksWeekend && asksDefault:
		problems |= ProblemConflict
	case asksWeekend:
		schedule = "weekend"
	case asksDefault:
		schedule = "default"
	}
	switch env {
	case "dev":
	case "production":
		problems |= ProblemProduction
	case absent:
		problems |= ProblemNoEnvironment
	default:
		problems |= ProblemEnvironment
	}
	return schedule, false, problems
}

func TestIntentConfigurableKeys(t *testing.T) {
	p := testPlanner(t, func(c *Config) {
		c.Tags.OOO = "shutdown"
		c.Tags.Environment = "env"
		c.Environments = []string{"sandbox"}
	})
	in := p.Intent(map[string]string{"shutdown": "true", "env": "Sandbox"})
	if !in.Actionable() || in.Schedule != "default" || in.By != "shutdown" {
		t.Errorf("configured keys: %+v", in)
	}
	if in := p.Intent(map[string]string{"OOOShutdown": "true", "Environment": "dev"}); in.Tagged() {
		t.Errorf("the default keys still count once configured away: %+v", in)
	}
}

func TestIntentDoesNotAllocate(t *testing.T) {
	p := testPlanner(t)
	for _, tags := range []map[string]string{
		{"OOOShutdown": "true", "Environment": "dev", "Name": "web"},
		{"opsd:schedule": "Office", "Environment": "staging"},
		{"Name": "untagged", "Environment": "dev"},
		{"OOOShutdown": "true", "Environment": "production"},
	} {
		if n := testing.AllocsPerRun(100, func() { _ = p.Intent(tags) }); n != 0 {
			t.Errorf("Intent(%v) allocates %v times", tags, n)
		}
	}
}

func ExamplePlanner_Intent() {
	c := DefaultConfig()
	p, err := NewPlanner(c, time.UTC)
	if err != nil {
		fmt.Println(err)
		return
	}
	in := p.Intent(map[string]string{"OOOShutdown": "true", "Environment": "dev"})
	fmt.Println(in.Schedule, in.Actionable())
	in = p.Intent(map[string]string{"WeekendShutdown": "", "Environment": "production"})
	fmt.Println(in.Schedule, in.Actionable(), in.Problems.Has(ProblemProduction))
	// Output:
	// default true
	// weekend false true
}
