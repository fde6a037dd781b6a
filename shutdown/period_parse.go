package shutdown

import (
	"fmt"
	"strings"
)

// The forms shown in errors.
const (
	monthdayForms = "1-31, L for the last day, 15W for the weekday nearest the 15th; e.g. 1-15, 1,15, 1/7"
	monthForms    = "1-12 or jan-dec; e.g. jan-mar, 1,6,12, */2"
	nthForms      = "mon#1 for the first Monday of the month to mon#5, friL for the last Friday"
)

// listItems splits YAML list items and comma lists into trimmed, non-empty
// parts.
func listItems(items []string) []string {
	var out []string
	for _, item := range items {
		for _, part := range strings.Split(item, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// parseDayList parses a period's days: weekdays and ranges of them
// ("mon-fri", wrapping: "fri-mon"), the nth weekday of the month
// ("mon#1", 1 to 5) and the last ("friL"), any case.
func parseDayList(items []string) (weekdays uint8, nth [7]uint8, err error) {
	parts := listItems(items)
	if len(parts) == 0 {
		return 0, nth, fmt.Errorf("no days given (%s; e.g. mon-thu)", weekdayList)
	}
	for _, part := range parts {
		lower := strings.ToLower(part)
		if name, n, ok := strings.Cut(lower, "#"); ok {
			wd, okDay := parseWeekday(name)
			k, okN := digits(n)
			if !okDay || !okN || len(n) != 1 || k < 1 || k > 5 {
				return 0, nth, fmt.Errorf("%q is not an nth weekday (%s)", part, nthForms)
			}
			nth[wd] |= 1 << k
			continue
		}
		if len(lower) > 1 && strings.HasSuffix(lower, "l") {
			if wd, ok := parseWeekday(lower[:len(lower)-1]); ok {
				nth[wd] |= 1 << nthLast
				continue
			}
		}
		from, to, isRange := strings.Cut(part, "-")
		a, okA := parseWeekday(from)
		b, okB := a, okA
		if isRange {
			b, okB = parseWeekday(to)
		}
		if !okA || !okB {
			return 0, nth, fmt.Errorf("%q is not a weekday or a range of weekdays (%s; e.g. mon-thu)", part, weekdayList)
		}
		for d := a; ; d = (d + 1) % 7 {
			weekdays |= 1 << d
			if d == b {
				break
			}
		}
	}
	return weekdays, nth, nil
}

// parseMonthdays parses a period's days of the month: days 1–31, ranges
// ("1-15", "15-L"), steps ("1/7": the 1st, 8th, 15th, 22nd and 29th;
// "1-15/2"; "*/2"), "L" (the last day) and "15W" (the weekday nearest the
// 15th, within the month). A step is the whole number after the slash:
// "5/14" is the 5th and the 19th.
func parseMonthdays(items []string) (days uint32, last bool, nearest uint32, err error) {
	parts := listItems(items)
	if len(parts) == 0 {
		return 0, false, 0, fmt.Errorf("no days of the month given (%s)", monthdayForms)
	}
	for _, part := range parts {
		upper := strings.ToUpper(part)
		switch {
		case upper == "L":
			last = true
			continue
		case strings.HasSuffix(upper, "W"):
			d, ok := number(upper[:len(upper)-1], 1, 31)
			if !ok {
				return 0, false, 0, fmt.Errorf("%q is not a day of the month followed by W (%s)", part, monthdayForms)
			}
			nearest |= 1 << d
			continue
		}
		bits, err := parseSteps(upper, 1, 31, false, func(s string) (int, bool) { return number(s, 1, 31) })
		if err != nil {
			return 0, false, 0, fmt.Errorf("%q is not a day of the month, a range or a step (%s): %w", part, monthdayForms, err)
		}
		days |= uint32(bits)
	}
	return days, last, nearest, nil
}

// parseMonths parses a period's months: 1–12 or jan–dec (or full names),
// ranges ("jan-mar", wrapping: "nov-feb") and steps ("*/2": January,
// March, ...; "jan/3"; "1-6/2").
func parseMonths(items []string) (uint16, error) {
	parts := listItems(items)
	if len(parts) == 0 {
		return 0, fmt.Errorf("no months given (%s)", monthForms)
	}
	var months uint16
	for _, part := range parts {
		bits, err := parseSteps(strings.ToLower(part), 1, 12, true, parseMonth)
		if err != nil {
			return 0, fmt.Errorf("%q is not a month, a range or a step (%s): %w", part, monthForms, err)
		}
		months |= uint16(bits)
	}
	return months, nil
}

// parseSteps parses "*", "A", "A-B" or any of those followed by "/STEP",
// for values lo to hi, into a bit set (bit v for value v). A range whose
// end is "L" runs to hi (to each month's last day). A range may wrap (A
// greater than B) when wrap is set.
func parseSteps(s string, lo, hi int, wrap bool, value func(string) (int, bool)) (bits uint64, err error) {
	spec, stepText, hasStep := strings.Cut(s, "/")
	step := 1
	if hasStep {
		n, ok := number(stepText, 1, hi)
		if !ok {
			return 0, fmt.Errorf("step %q is not a whole number from 1 to %d", stepText, hi)
		}
		step = n
	}
	a, b := lo, hi
	switch from, to, isRange := strings.Cut(spec, "-"); {
	case spec == "*":
	case isRange:
		var okA, okB bool
		a, okA = value(from)
		if to == "L" && !wrap {
			b, okB = hi, true
		} else {
			b, okB = value(to)
		}
		if !okA || !okB {
			return 0, fmt.Errorf("%q is not a range", spec)
		}
		if a > b && !wrap {
			return 0, fmt.Errorf("the range %q runs backwards", spec)
		}
	default:
		var ok bool
		if a, ok = value(spec); !ok {
			return 0, fmt.Errorf("%q is not a value", spec)
		}
		if !hasStep {
			b = a
		}
	}
	n := (b-a+(hi-lo+1))%(hi-lo+1) + 1 // values from a to b, wrapping
	for i := 0; i < n; i += step {
		bits |= 1 << (lo + (a-lo+i)%(hi-lo+1))
	}
	return bits, nil
}

// number parses a whole number from lo to hi.
func number(s string, lo, hi int) (int, bool) {
	if len(s) == 0 || len(s) > 2 {
		return 0, false
	}
	n, ok := digits(s)
	return n, ok && n >= lo && n <= hi
}

// parseMonth parses a month: 1–12, or its English name or three-letter
// abbreviation, any case.
func parseMonth(s string) (int, bool) {
	if n, ok := number(s, 1, 12); ok {
		return n, true
	}
	const names = "janfebmaraprmayjunjulaugsepoctnovdec"
	full := [12]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	s = strings.ToLower(strings.TrimSpace(s))
	for i := range 12 {
		if s == names[3*i:3*i+3] || s == full[i] {
			return i + 1, true
		}
	}
	return 0, false
}
