package shutdown

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// scheduleSpec is a schedule compiled, but for the calendars read at run
// time (from S3).
type scheduleSpec struct {
	name     string
	loc      *time.Location
	set      periodSet
	holidays []int32
	bank     ukRegions
	// files are the iCalendar files' events, read when compiled.
	files []*icalEvents
	// remote are the s3:// calendars, read each run.
	remote []string
}

// timetable builds the spec's timetable with the remote calendars read so
// far (by URL); a remote calendar missing from read is unread.
func (sp *scheduleSpec) timetable(read map[string]*icalEvents) *Timetable {
	tt := newTimetable(sp.name, sp.loc, sp.set, sp.holidays)
	sources := slices.Clone(sp.files)
	var unread []string
	for _, u := range sp.remote {
		if ev, ok := read[u]; ok && ev != nil {
			sources = append(sources, ev)
		} else {
			unread = append(unread, u)
		}
	}
	tt.cal = newOffCalendar(sp.loc, sp.bank, sources, unread)
	return tt
}

// compileSchedule compiles schedule s, called name, of c; path is the
// service's key ("shutdown"; "" for none), loc the daemon's timezone, holidays c's
// dated holidays. It reads the iCalendar files c and s name. The errors
// are the schedule's own: those of c's service-wide calendar keys are
// [Config.Validate]'s, once.
func (c Config) compileSchedule(path, name string, s Schedule, loc *time.Location, holidays []int32) (*scheduleSpec, []error) {
	p := "schedules." + name
	if path != "" {
		p = path + "." + p
	}
	var errs []error
	tz := loc
	if s.Timezone != "" {
		var err error
		if tz, err = time.LoadLocation(s.Timezone); err != nil {
			errs = append(errs, fieldErrorf(p+".timezone", "%q is not an IANA timezone (e.g. Europe/London): %w", s.Timezone, err))
		}
	}
	if tz == nil {
		tz = time.UTC
	}
	set, periodErrs := compileWeek(p, s.Periods)
	errs = append(errs, periodErrs...)
	sp := &scheduleSpec{name: name, loc: tz, set: set, holidays: holidays}
	for _, src := range []struct {
		key   string
		value string
		own   bool
	}{
		{path + ".holidays_ical", c.HolidaysICal, false},
		{p + ".holidays_ical", s.HolidaysICal, true},
	} {
		ev, remote, err := loadICalSource(src.value, tz)
		switch {
		case err != nil && src.own:
			errs = append(errs, &FieldError{Path: src.key, Err: err})
		case err != nil:
		case remote != "":
			sp.remote = append(sp.remote, remote)
		case ev != nil:
			sp.files = append(sp.files, ev)
		}
	}
	global, _ := parseUKRegions(path+".uk_bank_holidays", c.UKBankHolidays)
	own, bankErrs := parseUKRegions(p+".uk_bank_holidays", s.UKBankHolidays)
	sp.bank = global | own
	return sp, append(errs, bankErrs...)
}

// loadICalSource reads the iCalendar file at src, or returns src when it
// is an s3://bucket/key URL, read at run time; nothing for "".
func loadICalSource(src string, loc *time.Location) (*icalEvents, string, error) {
	src = strings.TrimSpace(src)
	switch {
	case src == "":
		return nil, "", nil
	case strings.HasPrefix(src, "s3://"):
		if _, _, err := parseS3URL(src); err != nil {
			return nil, "", err
		}
		return nil, src, nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return nil, "", fmt.Errorf("read iCalendar file: %w", err)
	}
	ev, err := parseICal(bytes.NewReader(data), loc)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", src, err)
	}
	return ev, "", nil
}

// parseS3URL splits s3://bucket/key.
func parseS3URL(u string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	bucket, key, _ = strings.Cut(rest, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", errors.New(u + " is not an S3 object URL (s3://bucket/key)")
	}
	return bucket, key, nil
}
