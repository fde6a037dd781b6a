package shutdown

import (
	"slices"
	"time"
)

// offCalendar is what keeps a schedule off besides its periods and dated
// holidays: the built-in UK bank holidays and calendar events. It is
// immutable once built.
type offCalendar struct {
	// bank are the UK bank holiday regions the schedule follows.
	bank ukRegions
	// days are all-day events, by day.
	days []namedDay
	// spans are the timed events merged: local wall-clock minutes since
	// 1970-01-01 00:00, from inclusive, to exclusive, ascending.
	spans []span
	// events are the timed events as given, by start, for their names.
	events []namedSpan
	// unread names calendars that could not be read. Then the calendar
	// may have kept any on time off: on periods are left as they are
	// (neither stopped nor started) until it is read.
	unread []string
}

type namedDay struct {
	day  int64
	name string
}

type span struct{ from, to int64 }

type namedSpan struct {
	span
	name string
}

// newOffCalendar builds the calendar of a schedule read in loc from its
// sources; nil when there is nothing in it.
func newOffCalendar(loc *time.Location, bank ukRegions, sources []*icalEvents, unread []string) *offCalendar {
	if bank == 0 && len(sources) == 0 && len(unread) == 0 {
		return nil
	}
	c := &offCalendar{bank: bank, unread: unread}
	tt := &Timetable{loc: loc}
	for _, src := range sources {
		c.days = append(c.days, src.days...)
		for _, e := range src.timed {
			from := floorDiv(tt.wall(e.start), 60)
			to := -floorDiv(-tt.wall(e.end), 60)
			if to > from {
				c.events = append(c.events, namedSpan{span{from, to}, e.name})
			}
		}
	}
	slices.SortStableFunc(c.days, func(a, b namedDay) int { return cmpInt(a.day, b.day) })
	slices.SortStableFunc(c.events, func(a, b namedSpan) int {
		if a.from != b.from {
			return cmpInt(a.from, b.from)
		}
		return cmpInt(a.to, b.to)
	})
	for _, e := range c.events {
		if n := len(c.spans); n > 0 && e.from <= c.spans[n-1].to {
			c.spans[n-1].to = max(c.spans[n-1].to, e.to)
			continue
		}
		c.spans = append(c.spans, e.span)
	}
	return c
}

// dayOff reports whether the calendar keeps the whole day off.
func (c *offCalendar) dayOff(day int64) bool {
	if _, ok := ukBankHoliday(day, c.bank); ok {
		return true
	}
	_, found := slices.BinarySearchFunc(c.days, day, cmpDay)
	return found
}

func cmpDay(d namedDay, day int64) int { return cmpInt(d.day, day) }

// cmpSpanEnd orders spans by whether they end at or before m.
func cmpSpanEnd(s span, m int64) int {
	if s.to <= m {
		return -1
	}
	return 1
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// minuteOff reports whether a timed event keeps a minute of a day off.
func (c *offCalendar) minuteOff(day int64, minute int) bool {
	m := day*minutesPerDay + int64(minute)
	i, _ := slices.BinarySearchFunc(c.spans, m, cmpSpanEnd)
	return i < len(c.spans) && c.spans[i].from <= m
}

// fillDay adds the minutes of a day that timed events keep off.
func (c *offCalendar) fillDay(day int64, b *dayBits) {
	base := day * minutesPerDay
	i, _ := slices.BinarySearchFunc(c.spans, base, cmpSpanEnd)
	for ; i < len(c.spans) && c.spans[i].from < base+minutesPerDay; i++ {
		b.setRange(int(max(c.spans[i].from-base, 0)), int(min(c.spans[i].to-base, minutesPerDay)))
	}
}

// keepAll reports whether a calendar could not be read: on time is then
// left as it is.
func (c *offCalendar) keepAll() bool { return len(c.unread) > 0 }

// name returns what keeps a minute of a day off, or "": the bank holiday,
// the all-day event or the timed event.
func (c *offCalendar) name(day int64, minute int) string {
	if h, ok := ukBankHoliday(day, c.bank); ok {
		return h.String()
	}
	if i, found := slices.BinarySearchFunc(c.days, day, cmpDay); found {
		return c.days[i].name
	}
	m := day*minutesPerDay + int64(minute)
	for _, e := range c.events {
		if e.from > m {
			break
		}
		if m < e.to {
			return e.name
		}
	}
	return ""
}
