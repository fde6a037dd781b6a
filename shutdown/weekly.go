package shutdown

import (
	"fmt"
	"strings"
)

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
	secondsPerDay  = 24 * 60 * 60
)

// weekdayName returns the abbreviation periods use for day d (Monday 0).
func weekdayName(d int) string {
	const names = "montuewedthufrisatsun"
	return names[3*d : 3*d+3]
}

// weekdayList is the list of day names shown in errors.
const weekdayList = "mon, tue, wed, thu, fri, sat, sun"

// dayPlan is one weekday of a compiled week: its state at midnight and the
// minutes of the day at which the state flips.
type dayPlan struct {
	// startOff is the state at 00:00.
	startOff bool
	// endOff is the state at 23:59.
	endOff bool
	// edges are the minutes of the day (1–1439), ascending, at which the
	// state flips.
	edges []uint16
}

// week is a compiled weekly schedule, Monday first.
type week [7]dayPlan

// parseWeekday returns the index (Monday 0) of a day name: the three-letter
// abbreviation or the full English name, any case.
func parseWeekday(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i := 0; i < 7; i++ {
		if s == weekdayName(i) {
			return i, true
		}
	}
	full := [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	for i, n := range full {
		if s == n {
			return i, true
		}
	}
	return 0, false
}

// parseDays returns the set of weekdays the items name. Each item is a day,
// a range "mon-thu" (wrapping: "fri-mon") or several of those joined by
// commas.
func parseDays(items []string) ([7]bool, error) {
	var set [7]bool
	named := false
	for _, item := range items {
		for _, part := range strings.Split(item, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			from, to, isRange := strings.Cut(part, "-")
			a, okA := parseWeekday(from)
			b, okB := a, okA
			if isRange {
				b, okB = parseWeekday(to)
			}
			if !okA || !okB {
				return set, fmt.Errorf("%q is not a weekday or a range of weekdays (%s; e.g. mon-thu)", part, weekdayList)
			}
			for d := a; ; d = (d + 1) % 7 {
				set[d] = true
				named = true
				if d == b {
					break
				}
			}
		}
	}
	if !named {
		return set, fmt.Errorf("no days given (%s; e.g. mon-thu)", weekdayList)
	}
	return set, nil
}

// parseClock parses "HH:MM" or "DAY HH:MM". day is -1 when none is named.
func parseClock(s string) (day, minute int, err error) {
	day = -1
	text := strings.TrimSpace(s)
	if d, rest, ok := strings.Cut(text, " "); ok {
		wd, okDay := parseWeekday(d)
		if !okDay {
			return 0, 0, fmt.Errorf("%q: %q is not a weekday (%s)", s, d, weekdayList)
		}
		day, text = wd, strings.TrimSpace(rest)
	}
	m, ok := parseTimeOfDay(text)
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a time of day (HH:MM)", s)
	}
	return day, m, nil
}

// parseTimeOfDay parses "H:MM" or "HH:MM", 00:00 to 23:59, into minutes.
func parseTimeOfDay(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, okH := digits(h)
	mm, okM := digits(m)
	if !okH || !okM || hh > 23 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// compileWeek turns a schedule's periods into a week. path names the
// schedule in errors ("shutdown.schedules.office"); every problem is
// returned.
func compileWeek(path string, periods []Period) (week, []error) {
	var errs []error
	if len(periods) == 0 {
		return week{}, []error{fieldErrorf(path+".periods", "a schedule needs at least one off period")}
	}
	var bits [minutesPerWeek]bool
	for i, p := range periods {
		pp := fmt.Sprintf("%s.periods[%d]", path, i)
		offDay, offMin, offErr := parseClock(p.Off)
		onDay, onMin, onErr := parseClock(p.On)
		if strings.TrimSpace(p.Off) == "" {
			offErr = fmt.Errorf("is required (HH:MM or DAY HH:MM)")
		}
		if strings.TrimSpace(p.On) == "" {
			onErr = fmt.Errorf("is required (HH:MM or DAY HH:MM)")
		}
		if offErr != nil {
			errs = append(errs, &FieldError{Path: pp + ".off", Err: offErr})
		}
		if onErr != nil {
			errs = append(errs, &FieldError{Path: pp + ".on", Err: onErr})
		}
		var starts [7]bool
		usable := offErr == nil && onErr == nil
		switch {
		case offErr == nil && offDay >= 0 && len(p.Days) > 0:
			errs = append(errs, fieldErrorf(pp+".days", "must be empty when off names its day (%q)", p.Off))
			usable = false
		case offErr == nil && offDay >= 0:
			starts[offDay] = true
		case offErr == nil || len(p.Days) > 0:
			set, err := parseDays(p.Days)
			if err != nil {
				errs = append(errs, &FieldError{Path: pp + ".days", Err: err})
				usable = false
			}
			starts = set
		}
		if !usable {
			continue
		}
		for d, ok := range starts {
			if !ok {
				continue
			}
			start := d*minutesPerDay + offMin
			var length int
			if onDay < 0 {
				length = ((onMin-offMin)%minutesPerDay + minutesPerDay) % minutesPerDay
			} else {
				length = ((onDay*minutesPerDay+onMin-start)%minutesPerWeek + minutesPerWeek) % minutesPerWeek
			}
			if length == 0 {
				errs = append(errs, fieldErrorf(pp, "off and on are the same time (%q, %q)", p.Off, p.On))
				break
			}
			for m := 0; m < length; m++ {
				bits[(start+m)%minutesPerWeek] = true
			}
		}
	}
	if len(errs) > 0 {
		return week{}, errs
	}
	all := true
	for _, b := range bits {
		all = all && b
	}
	if all {
		return week{}, []error{fieldErrorf(path+".periods", "the periods cover the whole week, so nothing would ever be started")}
	}
	var w week
	for d := range w {
		base := d * minutesPerDay
		w[d].startOff = bits[base]
		w[d].endOff = bits[base+minutesPerDay-1]
		for m := 1; m < minutesPerDay; m++ {
			if bits[base+m] != bits[base+m-1] {
				w[d].edges = append(w[d].edges, uint16(m))
			}
		}
	}
	return w, nil
}
