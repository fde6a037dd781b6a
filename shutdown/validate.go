package shutdown

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/configkey"
)

// FieldError is a problem with one configuration key; see [configkey.Error].
type FieldError = configkey.Error

func fieldErrorf(path, format string, args ...any) error {
	return configkey.Errorf(path, format, args...)
}

// Validate returns every problem in c, or nil. Each error is a *FieldError
// whose path starts with path, the section's own key ("shutdown"). It reads
// no file except the holidays file and iCalendar files, which must exist
// and parse (an s3:// calendar is read at run time); the cron
// expression in Schedule is left to the caller that runs jobs.
func (c Config) Validate(path string) []error {
	var errs []error
	if c.Timeout <= 0 {
		errs = append(errs, fieldErrorf(path+".timeout", "must be positive, got %s", c.Timeout))
	}
	if _, err := time.Parse("15:04", c.KeepUpUntil); c.KeepUpUntil != "" && (err != nil || len(c.KeepUpUntil) != 5) {
		errs = append(errs, fieldErrorf(path+".keep_up_until", "%q is not a clock time HH:MM (e.g. 22:00)", c.KeepUpUntil))
	}
	if c.NoticeBefore < 0 || c.NoticeBefore > 12*time.Hour {
		errs = append(errs, fieldErrorf(path+".notice_before", "must be 0 (no notice) to 12h, got %s", c.NoticeBefore))
	}
	errs = append(errs, c.validateEnvironments(path)...)
	errs = append(errs, c.Tags.validate(path+".tags")...)
	errs = append(errs, c.validateSchedules(path)...)
	for _, ref := range []struct{ key, name string }{
		{"default_schedule", c.DefaultSchedule},
		{"weekend_schedule", c.WeekendSchedule},
	} {
		switch _, ok := findSchedule(c.Schedules, ref.name); {
		case strings.TrimSpace(ref.name) == "":
			errs = append(errs, fieldErrorf(path+"."+ref.key, "is required: the name of a schedule in %s.schedules", path))
		case !ok:
			errs = append(errs, fieldErrorf(path+"."+ref.key, "%q names no schedule in %s.schedules (have %s)", ref.name, path, strings.Join(scheduleNames(c.Schedules), ", ")))
		}
	}
	_, holidayErrs := c.collectHolidays(path)
	errs = append(errs, holidayErrs...)
	return errs
}

func (c Config) validateEnvironments(path string) []error {
	var errs []error
	if len(c.Environments) == 0 {
		errs = append(errs, fieldErrorf(path+".environments", "must list at least one environment (e.g. development, staging)"))
	}
	for i, env := range c.Environments {
		p := fmt.Sprintf("%s.environments[%d]", path, i)
		if strings.TrimSpace(env) == "" {
			errs = append(errs, fieldErrorf(p, "is empty"))
			continue
		}
		if slices.ContainsFunc(c.ProductionEnvironments, func(prod string) bool { return sameWord(env, prod) }) {
			errs = append(errs, fieldErrorf(p, "%q is also in %s.production_environments, where nothing is ever stopped", env, path))
		}
	}
	for i, env := range c.ProductionEnvironments {
		if strings.TrimSpace(env) == "" {
			errs = append(errs, fieldErrorf(fmt.Sprintf("%s.production_environments[%d]", path, i), "is empty"))
		}
	}
	return errs
}

func (c Config) validateSchedules(path string) []error {
	var errs []error
	names := scheduleNames(c.Schedules)
	for i, name := range names {
		p := path + ".schedules." + name
		if strings.TrimSpace(name) == "" {
			errs = append(errs, fieldErrorf(p, "a schedule needs a name"))
		}
		if i > 0 && strings.EqualFold(names[i-1], name) {
			errs = append(errs, fieldErrorf(p, "has the same name as %s.schedules.%s (names are matched case-insensitively)", path, names[i-1]))
		}
		_, scheduleErrs := c.compileSchedule(path, name, c.Schedules[name], time.UTC, nil)
		errs = append(errs, scheduleErrs...)
	}
	if _, _, err := loadICalSource(c.HolidaysICal, time.UTC); err != nil {
		errs = append(errs, &FieldError{Path: path + ".holidays_ical", Err: err})
	}
	_, bankErrs := parseUKRegions(path+".uk_bank_holidays", c.UKBankHolidays)
	errs = append(errs, bankErrs...)
	return errs
}

// validate checks every key is usable as an AWS tag key and that no two
// are the same.
func (k TagKeys) validate(path string) []error {
	var errs []error
	seen := map[string]string{}
	for _, f := range k.fields() {
		p := path + "." + f.key
		switch {
		case f.value == "":
			errs = append(errs, fieldErrorf(p, "is empty"))
			continue
		case len(f.value) > 128:
			errs = append(errs, fieldErrorf(p, "%q is longer than an AWS tag key may be (128)", f.value))
		case strings.HasPrefix(strings.ToLower(f.value), "aws:"):
			errs = append(errs, fieldErrorf(p, "%q starts with aws:, which AWS reserves", f.value))
		}
		if other, dup := seen[f.value]; dup {
			errs = append(errs, fieldErrorf(p, "%q is also %s.%s", f.value, path, other))
		}
		seen[f.value] = f.key
	}
	return errs
}

type tagField struct{ key, value string }

func (k TagKeys) fields() []tagField {
	return []tagField{
		{"environment", k.Environment},
		{"ooo", k.OOO},
		{"out_of_hours", k.OutOfHours},
		{"weekend", k.Weekend},
		{"schedule", k.Schedule},
		{"last_action", k.LastAction},
		{"last_action_at", k.LastActionAt},
		{"last_error", k.LastError},
		{"asg_capacity", k.ASGCapacity},
		{"patching_hold", k.PatchingHold},
		{"patching_stopped", k.PatchingStopped},
		{"skip_until", k.SkipUntil},
		{"off_until", k.OffUntil},
		{"application", k.Application},
		{"team_email", k.TeamEmail},
	}
}

// findSchedule returns the key of the schedule called name: the exact key,
// or else the one equal to it ignoring case.
func findSchedule(m map[string]Schedule, name string) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	for k := range m {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

func scheduleNames(m map[string]Schedule) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return names
}

// sameWord reports whether a and b are equal ignoring case and surrounding
// spaces.
func sameWord(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
