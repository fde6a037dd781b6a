package shutdown

import (
	"fmt"
	"strings"
)

// ukRegions is a set of the UK's bank holiday regions.
type ukRegions uint8

// The regions of uk_bank_holidays.
const (
	ukEnglandWales ukRegions = 1 << iota
	ukScotland
	ukNorthernIreland
)

// ukRegionNames are the names uk_bank_holidays takes, as GOV.UK names its
// lists.
var ukRegionNames = []struct {
	name   string
	region ukRegions
}{
	{"england-and-wales", ukEnglandWales},
	{"scotland", ukScotland},
	{"northern-ireland", ukNorthernIreland},
}

// parseUKRegions parses uk_bank_holidays; each problem names its index.
func parseUKRegions(path string, names []string) (ukRegions, []error) {
	var set ukRegions
	var errs []error
	for i, n := range names {
		found := false
		for _, r := range ukRegionNames {
			if strings.EqualFold(strings.TrimSpace(n), r.name) {
				set |= r.region
				found = true
			}
		}
		if !found {
			errs = append(errs, fieldErrorf(fmt.Sprintf("%s[%d]", path, i), "%q is not a UK bank holiday region (england-and-wales, scotland, northern-ireland)", n))
		}
	}
	return set, errs
}

// bankHoliday is one bank holiday: its day number and name.
type bankHoliday struct {
	day  int64
	name string
	// substitute is set on a substitute day for a holiday on a weekend.
	substitute bool
}

// String is the holiday's name, e.g. "Boxing Day (substitute day)".
func (h bankHoliday) String() string {
	if h.substitute {
		return h.name + " (substitute day)"
	}
	return h.name
}

// ukBankHolidays returns a year's bank holidays in the regions, computed
// from the rules of the Banking and Financial Dealings Act 1971 and the
// Royal Proclamations that fix them each year, with the usual substitute
// days; in date order, a day in several regions once. One-off days (a
// coronation, a jubilee, a state funeral) and one-off moves (the early May
// bank holiday on 8 May 2020, spring on 2 June 2022) are not rules and are
// not included: add them to holidays. It does not allocate.
func ukBankHolidays(year int, regions ukRegions, out *[16]bankHoliday) []bankHoliday {
	list := out[:0]
	add := func(day int64, name string, substitute bool) {
		list = insertHoliday(list, bankHoliday{day, name, substitute})
	}
	ew, sc, ni := regions&ukEnglandWales != 0, regions&ukScotland != 0, regions&ukNorthernIreland != 0
	easter := easterSunday(year)
	newYear := dayNumber(year, 1, 1)
	if sc {
		// New Year's Day and 2 January: a day that falls on a weekend
		// moves to the next weekday not already a holiday.
		a, b := substitutePair(newYear)
		add(a, "New Year's Day", a != newYear)
		add(b, "2nd January", b != newYear+1)
	}
	if ew || ni {
		d := nextWeekday(newYear)
		add(d, "New Year's Day", d != newYear)
	}
	if ni {
		p := dayNumber(year, 3, 17)
		d := nextWeekday(p)
		add(d, "St Patrick's Day", d != p)
	}
	add(easter-2, "Good Friday", false)
	if ew || ni {
		add(easter+1, "Easter Monday", false)
	}
	add(firstMonday(year, 5), "Early May bank holiday", false)
	add(lastMonday(year, 5), "Spring bank holiday", false)
	if ni {
		b := dayNumber(year, 7, 12)
		d := nextWeekday(b)
		add(d, "Battle of the Boyne (Orangemen's Day)", d != b)
	}
	if sc {
		add(firstMonday(year, 8), "Summer bank holiday", false)
	}
	if ew || ni {
		add(lastMonday(year, 8), "Summer bank holiday", false)
	}
	if sc {
		a := dayNumber(year, 11, 30)
		d := nextWeekday(a)
		add(d, "St Andrew's Day", d != a)
	}
	xmas := dayNumber(year, 12, 25)
	a, b := substitutePair(xmas)
	add(a, "Christmas Day", a != xmas)
	add(b, "Boxing Day", b != xmas+1)
	return list
}

// insertHoliday adds a holiday to a list in date order, unless its day is
// already there.
func insertHoliday(list []bankHoliday, h bankHoliday) []bankHoliday {
	for i, o := range list {
		if o.day == h.day {
			return list
		}
		if o.day > h.day {
			list = append(list, bankHoliday{})
			copy(list[i+1:], list[i:])
			list[i] = h
			return list
		}
	}
	return append(list, h)
}

// substitutePair returns the days two holidays on consecutive dates (first
// and first+1) are kept: each that falls on a weekend moves to the first
// weekday after it that neither holiday already takes.
func substitutePair(first int64) (a, b int64) {
	switch weekdayOf(first) {
	case 4: // Friday: the second, a Saturday, moves to Monday.
		return first, first + 3
	case 5: // Saturday: Monday and Tuesday.
		return first + 2, first + 3
	case 6: // Sunday: the second is Monday, the first moves to Tuesday.
		return first + 2, first + 1
	}
	return first, first + 1
}

// nextWeekday is day, or the Monday after it when it falls on a weekend.
func nextWeekday(day int64) int64 {
	switch weekdayOf(day) {
	case 5:
		return day + 2
	case 6:
		return day + 1
	}
	return day
}

func firstMonday(year, month int) int64 {
	d := dayNumber(year, month, 1)
	return d + int64((7-weekdayOf(d))%7)
}

func lastMonday(year, month int) int64 {
	d := dayNumber(year, month, daysInMonth(year, month))
	return d - int64(weekdayOf(d))
}

// easterSunday is the day number of Easter Sunday in a Gregorian year
// (the anonymous Gregorian algorithm).
func easterSunday(year int) int64 {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return dayNumber(year, month, day)
}

// ukBankHoliday returns the bank holiday on day in the regions; ok is
// false when there is none.
func ukBankHoliday(day int64, regions ukRegions) (h bankHoliday, ok bool) {
	if regions == 0 {
		return h, false
	}
	y, _, _ := civilDate(day)
	var buf [16]bankHoliday
	for _, h := range ukBankHolidays(y, regions, &buf) {
		if h.day == day {
			return h, true
		}
	}
	return h, false
}
