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

// parseWeekday returns the index (Monday 0) of a day name: the three-letter
// abbreviation, the full English name or tues, weds, thur or thurs, any
// case.
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
	switch s {
	case "tues":
		return 1, true
	case "weds":
		return 2, true
	case "thur", "thurs":
		return 3, true
	}
	return 0, false
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
