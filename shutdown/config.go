// Package shutdown is opsd's overnight shutdown service: in development and
// staging, resources whose tags opt in are stopped out of hours and started
// again in the morning.
//
// This package's deciding part is pure: a [Planner] compiled from [Config]
// turns a resource [Observation] (its kind, state and tags, including the
// marker tags opsd writes on what it stopped) and the time into a
// [Decision]. Nothing in that part calls AWS.
//
// The acting part is thin: [Service.Reconcile] lists each account and
// region's EC2 instances, Auto Scaling groups, DB instances and Aurora
// clusters through the narrow interfaces of aws.go (observe.go), asks the
// Planner, and in Apply mode carries the decisions out (act*.go), records
// them in tags on each resource (record.go) and sends one summary
// (summary.go).
package shutdown

import (
	"fmt"
	"time"
)

// Config is the shutdown: section of opsd's configuration.
//
//	shutdown:
//	  enabled: false                 # the service is off until enabled
//	  schedule: "*/5 * * * *"        # cron for the reconcile job
//	  timeout: 4m                    # bound on one reconcile
//	  environments: [development, dev, staging, stg]   # the only ones ever stopped (case-insensitive)
//	  production_environments: [production, prod]     # shutdown tags here are reported, never acted on
//	  tags:                          # tag keys (case-sensitive)
//	    environment: Environment
//	    ooo: OOOShutdown             # true = default schedule, false = opted out
//	    out_of_hours: OutOfHoursShutdown   # present = default schedule
//	    weekend: WeekendShutdown     # present = weekend schedule
//	    schedule: opsd:schedule      # value names a schedule below
//	    last_action: opsd:shutdown:last-action        # written by opsd: stopping, stop, start or override
//	    last_action_at: opsd:shutdown:last-action-at  # written by opsd: RFC 3339 UTC
//	    last_error: opsd:shutdown:last-error          # written by opsd on failure, removed on success
//	    asg_capacity: opsd:shutdown:asg-capacity      # written by opsd: an ASG's min/max/desired before it was scaled to zero
//	    patching_hold: opsd:patching:hold-until       # written by patching: left running in the off period until then (RFC 3339)
//	    patching_stopped: opsd:patching:stopped-at    # written by patching when it stops again what it started: a start before then was patching's
//	    skip_until: opsd:shutdown:skip-until          # set by people: kept up until then (RFC 3339 or HH:MM); removed once passed
//	    off_until: opsd:shutdown:off-until            # set by people: kept down until then; removed once passed
//	    application: Application     # the owner, for the notice before a stop
//	    team_email: TeamEmail        # the owner's team, first choice for grouping notices
//	  default_schedule: default      # for OOOShutdown=true and OutOfHoursShutdown
//	  weekend_schedule: weekend      # for WeekendShutdown
//	  schedules:                     # off periods; everything else is on
//	    default:
//	      timezone: ""               # IANA name; empty = the top-level timezone
//	      holidays_ical: ""          # this schedule's own calendar, besides shutdown.holidays_ical
//	      uk_bank_holidays: []       # this schedule's own regions, besides shutdown.uk_bank_holidays
//	      periods:
//	        - {days: mon-thu, off: "19:00", on: "07:00"}   # each of those nights
//	        - {off: "fri 19:00", on: "mon 07:00"}          # the weekend
//	        # also: monthdays (1-15, L, 15W, 1/7), months (jan-mar, */2), days mon#1 or friL,
//	        # only off or only on (left as it is before that time), neither (off all day)
//	    weekend:
//	      periods:
//	        - {off: "fri 19:00", on: "mon 07:00"}
//	  holidays: []                   # YYYY-MM-DD: off all day (each schedule's local date)
//	  holidays_file: ""              # one YYYY-MM-DD per line, # comments
//	  holidays_ical: ""              # iCalendar file or s3://bucket/key: its events keep every schedule off
//	  uk_bank_holidays: []           # england-and-wales, scotland, northern-ireland: off on their bank holidays
//	  hibernate: false               # hibernate EC2 instances that support it
//	  stop_instance_store: false     # stop EC2 instances with instance store volumes too (their data is lost)
//	  rds_restop: true               # stop again a database AWS restarted after 7 days stopped
//	  notice_before: 0s              # e.g. 30m: tell each owner this long before a stop what will stop, and the tag that keeps it up
//	  keep_up_until: "22:00"         # the notice's "Keep up until" buttons (with notify.slack.app_token); "" for none
//
// See [Period] for how a period is written.
type Config struct {
	// Enabled turns the service on.
	Enabled bool `koanf:"enabled"`
	// Schedule is the cron expression the reconcile job runs on. The
	// config package checks it, with every other job's.
	Schedule string `koanf:"schedule"`
	// Timeout bounds one reconcile.
	Timeout time.Duration `koanf:"timeout"`
	// Environments are the values of the environment tag whose resources
	// may be stopped, compared case-insensitively.
	Environments []string `koanf:"environments"`
	// ProductionEnvironments are values of the environment tag whose
	// resources are never stopped and, when they carry a shutdown tag, are
	// reported as such (case-insensitive).
	ProductionEnvironments []string `koanf:"production_environments"`
	// Tags are the tag keys read and written.
	Tags TagKeys `koanf:"tags"`
	// DefaultSchedule names the schedule OOOShutdown=true and
	// OutOfHoursShutdown select.
	DefaultSchedule string `koanf:"default_schedule"`
	// WeekendSchedule names the schedule WeekendShutdown selects.
	WeekendSchedule string `koanf:"weekend_schedule"`
	// Schedules are the named schedules, by name. Names are matched
	// case-insensitively against the schedule tag.
	Schedules map[string]Schedule `koanf:"schedules"`
	// Holidays are dates (YYYY-MM-DD) on which every schedule is off all
	// day, midnight to midnight in the schedule's timezone.
	Holidays []Date `koanf:"holidays"`
	// HolidaysFile is a file of more holidays: one date a line; blank lines
	// and text after # are ignored.
	HolidaysFile string `koanf:"holidays_file"`
	// HolidaysICal is an iCalendar (RFC 5545) file, or an S3 object
	// (s3://bucket/key) read with opsd's role, whose events keep every
	// schedule off: all-day events all day, timed events for their span,
	// recurring events (RRULE, RDATE, EXDATE) at each occurrence.
	HolidaysICal string `koanf:"holidays_ical"`
	// UKBankHolidays are the UK bank holiday regions whose bank holidays
	// keep every schedule off all day: england-and-wales, scotland,
	// northern-ireland. None by default.
	UKBankHolidays []string `koanf:"uk_bank_holidays"`
	// Hibernate hibernates EC2 instances configured for it instead of
	// stopping them.
	Hibernate bool `koanf:"hibernate"`
	// StopInstanceStore stops EC2 instances whose type has instance store
	// volumes too. A stop loses the data on those volumes, so by default
	// such instances are reported and left running.
	StopInstanceStore bool `koanf:"stop_instance_store"`
	// SilenceAlarms turns off the actions of the CloudWatch alarms on what
	// the service stops, and back on once it runs again and is healthy.
	// It is no key of its own: the daemon sets it when the monitor service
	// is enabled too.
	SilenceAlarms bool `koanf:"-"`
	// CalendarS3 reads the s3:// calendars (holidays_ical) with opsd's own
	// role. It is no key: the daemon sets it.
	CalendarS3 S3API `koanf:"-"`
	// RDSRestop stops again, while its off period lasts, a database that
	// AWS started by itself after it had been stopped for 7 days.
	RDSRestop bool `koanf:"rds_restop"`
	// NoticeBefore, when above zero, tells each owner this long before an
	// off period begins which of their resources will stop, with the tag
	// that keeps one up; once per resource and stop.
	NoticeBefore time.Duration `koanf:"notice_before"`
	// KeepUpUntil is the clock time (HH:MM) of the notice's "Keep up"
	// buttons, shown when Slack interactivity is on
	// (notify.slack.app_token); empty for no buttons.
	KeepUpUntil string `koanf:"keep_up_until"`
}

// TagKeys are the tag keys the service reads and writes. Keys are
// case-sensitive.
type TagKeys struct {
	// Environment holds the resource's environment (development, ...).
	Environment string `koanf:"environment"`
	// OOO opts in with "true" (the default schedule) and out with "false".
	OOO string `koanf:"ooo"`
	// OutOfHours opts in to the default schedule by being present.
	OutOfHours string `koanf:"out_of_hours"`
	// Weekend opts in to the weekend schedule by being present.
	Weekend string `koanf:"weekend"`
	// Schedule names a schedule from config.
	Schedule string `koanf:"schedule"`
	// LastAction is written by opsd: what it last did (see [LastAction]).
	LastAction string `koanf:"last_action"`
	// LastActionAt is written by opsd: when, RFC 3339 in UTC.
	LastActionAt string `koanf:"last_action_at"`
	// LastError is written by opsd when acting failed, removed on success.
	LastError string `koanf:"last_error"`
	// ASGCapacity is written by opsd on an Auto Scaling group it scaled to
	// zero: the min, max and desired capacity to restore.
	ASGCapacity string `koanf:"asg_capacity"`
	// PatchingHold is written by the patching service on an instance it
	// started for a patch window: an RFC 3339 time until which the
	// instance is left running in its off period.
	PatchingHold string `koanf:"patching_hold"`
	// PatchingStopped is written by the patching service when it stops
	// again an instance it started for a patch window: the time of that
	// stop. A start of the instance before that time was the patching
	// service's, not a person's, so an instance opsd stopped for the night
	// is still started in the morning.
	PatchingStopped string `koanf:"patching_stopped"`
	// SkipUntil is set by people: an RFC 3339 time or HH:MM until which
	// the resource is kept up whatever its schedule says. opsd removes it
	// once the time has passed.
	SkipUntil string `koanf:"skip_until"`
	// OffUntil is set by people: a time until which the resource is kept
	// down. opsd removes it once the time has passed.
	OffUntil string `koanf:"off_until"`
	// Application and TeamEmail name a resource's owner, for grouping the
	// notices before a stop (TeamEmail first).
	Application string `koanf:"application"`
	TeamEmail   string `koanf:"team_email"`
}

// Schedule is a named schedule: the periods a resource is off, in a
// timezone. Every time outside the periods, and outside holidays, is on.
type Schedule struct {
	// Timezone is an IANA timezone name; empty means the daemon's.
	Timezone string `koanf:"timezone"`
	// Periods are the off periods; where they overlap or touch they merge.
	Periods []Period `koanf:"periods"`
	// HolidaysICal is an iCalendar file or s3://bucket/key whose events
	// keep this schedule off, besides the service's own.
	HolidaysICal string `koanf:"holidays_ical"`
	// UKBankHolidays are UK bank holiday regions whose bank holidays keep
	// this schedule off, besides the service's own.
	UKBankHolidays []string `koanf:"uk_bank_holidays"`
}

// Period is one off period, in local wall-clock time. An opsd period says
// when a resource is off (an Instance Scheduler period says when it runs);
// its parts parse and match as Instance Scheduler's do.
//
// Off is when the period starts and On when it ends, each "HH:MM" (24-hour)
// or "DAY HH:MM" (day mon, tue, wed, thu, fri, sat or sun). The period
// ends at the first time after Off that the clock reads On: the same night
// when On is earlier in the day than Off ("19:00" to "07:00" is 12 hours
// crossing midnight), up to a week later when On names a day.
//
// When Off has no day, Days lists the days the period starts on: a day
// ("mon"), a range ("mon-thu"; "fri-mon" wraps through the weekend),
// several ("mon,wed" or a YAML list), the nth weekday of the month
// ("mon#1", 1 to 5) or the last ("friL"). When Off names its day, Days is
// empty. So "off 19:00–07:00 Monday to Thursday nights and Friday 19:00 to
// Monday 07:00" is:
//
//	periods:
//	  - {days: mon-thu, off: "19:00", on: "07:00"}
//	  - {off: "fri 19:00", on: "mon 07:00"}
//
// Monthdays ("1-15", "1,15", "L" the last day, "15W" the weekday nearest
// the 15th, "1/7" every 7th day from the 1st) and Months ("jan-mar",
// "1,6,12", "*/2") narrow the days further: a period applies on a day when
// every part it names matches. A step is the whole number after the
// slash ("5/14" is the 5th and the 19th).
//
// A period with Off alone is one-sided: on its days the resource is left
// as it is (neither stopped nor started) from midnight until Off, then off
// until midnight. With On alone it is left as it is from midnight until
// On. A period with neither is off all day on its days: that is the form
// of an all-day off period ({days: sat-sun}, or {monthdays: L}).
//
// A schedule is off where any of its periods is off, else left as it is
// where one says so, else on. Where periods touch they merge, and a
// one-minute gap between two off periods is bridged ("00:00" to "23:59"
// followed by a period from "00:00" is one off period).
//
// Quote times in YAML.
type Period struct {
	// Days the period starts on when Off has no day: weekdays, ranges,
	// "mon#1" (the first Monday of the month) and "friL" (the last
	// Friday).
	Days []string `koanf:"days"`
	// Monthdays the period starts on: "1-15", "1,15", "L" (the last day),
	// "15W" (the weekday nearest the 15th), "1/7" (every 7th day from the
	// 1st).
	Monthdays []string `koanf:"monthdays"`
	// Months the period starts in: "jan-mar", "1,6,12", "*/2".
	Months []string `koanf:"months"`
	// Off is when the period starts: "HH:MM" or "DAY HH:MM".
	Off string `koanf:"off"`
	// On is when the period ends: "HH:MM" or "DAY HH:MM".
	On string `koanf:"on"`
}

// DefaultConfig returns the seed's defaults: off 19:00–07:00 Monday to
// Thursday nights and Friday 19:00 to Monday 07:00 in the daemon's
// timezone (Europe/London by default), development and staging only.
// Enabling the service is all that is needed to run it.
func DefaultConfig() Config {
	return Config{
		Schedule:               "*/5 * * * *",
		Timeout:                4 * time.Minute,
		Environments:           []string{"development", "dev", "staging", "stg"},
		ProductionEnvironments: []string{"production", "prod"},
		Tags:                   DefaultTagKeys(),
		DefaultSchedule:        "default",
		WeekendSchedule:        "weekend",
		Schedules: map[string]Schedule{
			"default": {Periods: []Period{
				{Days: []string{"mon-thu"}, Off: "19:00", On: "07:00"},
				{Off: "fri 19:00", On: "mon 07:00"},
			}},
			"weekend": {Periods: []Period{
				{Off: "fri 19:00", On: "mon 07:00"},
			}},
		},
		RDSRestop:   true,
		KeepUpUntil: "22:00",
	}
}

// DefaultTagKeys returns the tag keys of DESIGN.md's tag contract and the
// keys opsd writes its own state under.
func DefaultTagKeys() TagKeys {
	return TagKeys{
		Environment:     "Environment",
		OOO:             "OOOShutdown",
		OutOfHours:      "OutOfHoursShutdown",
		Weekend:         "WeekendShutdown",
		Schedule:        "opsd:schedule",
		LastAction:      "opsd:shutdown:last-action",
		LastActionAt:    "opsd:shutdown:last-action-at",
		LastError:       "opsd:shutdown:last-error",
		ASGCapacity:     "opsd:shutdown:asg-capacity",
		PatchingHold:    "opsd:patching:hold-until",
		PatchingStopped: "opsd:patching:stopped-at",
		SkipUntil:       "opsd:shutdown:skip-until",
		OffUntil:        "opsd:shutdown:off-until",
		Application:     "Application",
		TeamEmail:       "TeamEmail",
	}
}

// Date is a calendar date, YYYY-MM-DD. In YAML it may be quoted or not: an
// unquoted date, which the YAML parser reads as a timestamp, is turned back
// into its date. [Config.Validate] checks it.
type Date string

// UnmarshalMapstructure accepts a string, or a timestamp at midnight (what
// YAML makes of an unquoted date).
func (d *Date) UnmarshalMapstructure(v any) error {
	switch x := v.(type) {
	case string:
		*d = Date(x)
	case Date:
		*d = x
	case time.Time:
		if x.Hour() != 0 || x.Minute() != 0 || x.Second() != 0 || x.Nanosecond() != 0 {
			return fmt.Errorf("%s is a timestamp, not a date (YYYY-MM-DD)", x.Format(time.RFC3339))
		}
		*d = Date(x.Format(time.DateOnly))
	default:
		return fmt.Errorf("%v is not a date (YYYY-MM-DD)", v)
	}
	return nil
}
