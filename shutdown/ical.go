package shutdown

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// icalEvents are the events of an iCalendar (RFC 5545) calendar, with
// recurring events expanded.
type icalEvents struct {
	// days are the all-day events' days (day numbers of their dates, in
	// whatever timezone the schedule is read).
	days []namedDay
	// timed are the timed events' instants.
	timed []icalSpan
}

type icalSpan struct {
	start, end time.Time
	name       string
}

// Bounds on expanding a recurring event: occurrences before expandUntil,
// at most maxOccurrences of one event.
var expandUntil = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

const maxOccurrences = 20000

// parseICal reads a calendar. Times with a TZID are read in that timezone
// (an IANA name), UTC times as UTC, and floating times in the calendar's
// X-WR-TIMEZONE or else in loc. Cancelled events are left out; a changed
// occurrence of a recurring event (RECURRENCE-ID) replaces the one it
// changes.
func parseICal(r io.Reader, loc *time.Location) (*icalEvents, error) {
	cal, err := ical.NewDecoder(r).Decode()
	if err != nil {
		return nil, fmt.Errorf("parse iCalendar: %w", err)
	}
	if tz := cal.Props.Get("X-WR-TIMEZONE"); tz != nil && strings.TrimSpace(tz.Value) != "" {
		if l, err := time.LoadLocation(strings.TrimSpace(tz.Value)); err == nil {
			loc = l
		}
	}
	events := cal.Events()
	// Changed occurrences, by UID: their RECURRENCE-IDs are taken out of
	// the recurring event's own.
	moved := map[string][]time.Time{}
	for _, e := range events {
		if p := e.Props.Get(ical.PropRecurrenceID); p != nil {
			at, err := p.DateTime(loc)
			if err != nil {
				return nil, fmt.Errorf("parse iCalendar event %s: RECURRENCE-ID: %w", eventName(e), err)
			}
			moved[uid(e)] = append(moved[uid(e)], at)
		}
	}
	out := &icalEvents{}
	var errs []error
	for _, e := range events {
		if err := out.add(e, loc, moved); err != nil {
			errs = append(errs, fmt.Errorf("parse iCalendar event %s: %w", eventName(e), err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func uid(e ical.Event) string {
	if p := e.Props.Get(ical.PropUID); p != nil {
		return p.Value
	}
	return ""
}

// eventName is the event's summary, or its UID when it has none.
func eventName(e ical.Event) string {
	if p := e.Props.Get(ical.PropSummary); p != nil {
		if s, err := p.Text(); err == nil && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	if u := uid(e); u != "" {
		return u
	}
	return "(no summary)"
}

// add expands one event into out.
func (out *icalEvents) add(e ical.Event, loc *time.Location, moved map[string][]time.Time) error {
	if p := e.Props.Get(ical.PropStatus); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "CANCELLED") {
		return nil
	}
	startProp := e.Props.Get(ical.PropDateTimeStart)
	if startProp == nil {
		return errors.New("no DTSTART")
	}
	allDay := startProp.ValueType() == ical.ValueDate || (startProp.ValueType() == ical.ValueDefault && len(startProp.Value) == len("20060102"))
	start, err := e.DateTimeStart(loc)
	if err != nil {
		return fmt.Errorf("DTSTART: %w", err)
	}
	end, err := e.DateTimeEnd(loc)
	if err != nil {
		return fmt.Errorf("DTEND: %w", err)
	}
	if allDay {
		// Dates stand for themselves, whatever the timezone.
		start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
		end = time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
		if !end.After(start) {
			end = start.AddDate(0, 0, 1)
		}
	}
	length := end.Sub(start)
	if length <= 0 {
		return nil // an instant keeps nothing off
	}
	starts, err := occurrences(e, start, loc, moved[uid(e)], allDay)
	if err != nil {
		return err
	}
	name := eventName(e)
	for _, s := range starts {
		if allDay {
			first := floorDiv(s.Unix(), secondsPerDay)
			for d := first; d < floorDiv(s.Add(length).Unix(), secondsPerDay); d++ {
				out.days = append(out.days, namedDay{d, name})
			}
			continue
		}
		out.timed = append(out.timed, icalSpan{s, s.Add(length), name})
	}
	return nil
}

// occurrences returns the starts of an event: DTSTART alone, or its
// RRULE and RDATEs less its EXDATEs and changed occurrences.
func occurrences(e ical.Event, start time.Time, loc *time.Location, moved []time.Time, allDay bool) ([]time.Time, error) {
	if e.Props.Get(ical.PropRecurrenceID) != nil {
		return []time.Time{start}, nil
	}
	opt, err := e.Props.RecurrenceRule()
	if err != nil {
		return nil, fmt.Errorf("RRULE: %w", err)
	}
	var set rrule.Set
	set.DTStart(start)
	if opt != nil {
		opt.Dtstart = start
		rule, err := rrule.NewRRule(*opt)
		if err != nil {
			return nil, fmt.Errorf("RRULE: %w", err)
		}
		set.RRule(rule)
	} else {
		set.RDate(start)
	}
	for _, name := range []string{ical.PropRecurrenceDates, ical.PropExceptionDates} {
		for _, p := range e.Props.Values(name) {
			for _, v := range strings.Split(p.Value, ",") {
				q := p
				q.Value = strings.TrimSpace(v)
				at, err := q.DateTime(loc)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				if allDay {
					at = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
				}
				if name == ical.PropRecurrenceDates {
					set.RDate(at)
				} else {
					set.ExDate(at)
				}
			}
		}
	}
	for _, at := range moved {
		if allDay {
			at = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
		}
		set.ExDate(at)
	}
	var out []time.Time
	next := set.Iterator()
	for len(out) < maxOccurrences {
		at, ok := next()
		if !ok || !at.Before(expandUntil) {
			break
		}
		out = append(out, at)
	}
	return out, nil
}
