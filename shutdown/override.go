package shutdown

import (
	"fmt"
	"strings"
	"time"
)

// OverrideKind says which way an override tag bends the schedule.
type OverrideKind string

// The override kinds.
const (
	// OverrideSkip keeps a resource up until the tag's time (tag
	// opsd:shutdown:skip-until): its off period does not stop it, and a
	// resource opsd stopped is started again.
	OverrideSkip OverrideKind = "skip-until"
	// OverrideOff keeps a resource down until the tag's time (tag
	// opsd:shutdown:off-until): its on period does not start it, and a
	// running one is stopped.
	OverrideOff OverrideKind = "off-until"
)

// Clock-time overrides ("22:00") mean the nearest such time that is at
// most clockBehind ago or clockAhead ahead: set in the evening, "07:00" is
// tomorrow morning and "22:00" tonight; seen a little after 22:00, "22:00"
// has passed. An RFC 3339 value is exact.
const (
	clockBehind = 6 * time.Hour
	clockAhead  = 18 * time.Hour
)

// Override is a resource's override tag, read.
type Override struct {
	// Kind is which tag was found; empty when the resource has none.
	Kind OverrideKind
	// Key and Value are the tag as found.
	Key, Value string
	// Until is the time the override lasts until.
	Until time.Time
}

// Set reports whether the resource carries an override tag.
func (o Override) Set() bool { return o.Kind != "" }

// Active reports whether the override still holds at now.
func (o Override) Active(now time.Time) bool { return o.Set() && now.Before(o.Until) }

// override reads the resource's override tag at now in the schedule's
// timezone. Both tags at once, or a value that is neither an RFC 3339
// time nor HH:MM, is an error naming the tag: the resource is then
// reported, never stopped or started on a guess.
func (d Decision) override() (Override, error) {
	k := &d.p.keys
	skip, hasSkip := d.Observation.Tags[k.SkipUntil]
	off, hasOff := d.Observation.Tags[k.OffUntil]
	switch {
	case hasSkip && hasOff && k.SkipUntil != "" && k.OffUntil != "":
		return Override{}, fmt.Errorf("tags %s and %s are both set: keep one", k.SkipUntil, k.OffUntil)
	case hasSkip && k.SkipUntil != "":
		return readOverride(OverrideSkip, k.SkipUntil, skip, d.Now, d.tt.loc)
	case hasOff && k.OffUntil != "":
		return readOverride(OverrideOff, k.OffUntil, off, d.Now, d.tt.loc)
	}
	return Override{}, nil
}

func readOverride(kind OverrideKind, key, value string, now time.Time, loc *time.Location) (Override, error) {
	until, err := overrideTime(strings.TrimSpace(value), now, loc)
	if err != nil {
		return Override{}, fmt.Errorf("tag %s=%q %w", key, value, err)
	}
	return Override{Kind: kind, Key: key, Value: value, Until: until}, nil
}

// overrideTime reads an override's value: an RFC 3339 time, or a clock
// time HH:MM in loc, taken as the nearest such time between clockBehind
// before now and clockAhead after it. Across a daylight-saving change the
// clock time is the one the wall clock shows that day.
func overrideTime(v string, now time.Time, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	hm, err := time.Parse("15:04", v)
	if err != nil || len(v) != len("15:04") {
		return time.Time{}, fmt.Errorf("is not an RFC 3339 time (2026-12-04T22:00:00Z) or a clock time HH:MM")
	}
	local := now.In(loc)
	for day := -1; day <= 1; day++ {
		t := time.Date(local.Year(), local.Month(), local.Day()+day, hm.Hour(), hm.Minute(), 0, 0, loc)
		if t.After(now.Add(-clockBehind)) && !t.After(now.Add(clockAhead)) {
			return t, nil
		}
	}
	// Unreachable for a valid clock time: the three days cover the window.
	return time.Time{}, fmt.Errorf("is a clock time opsd could not place near %s", now.Format(time.RFC3339))
}

// decideOverride applies an active override: skip-until keeps the
// resource up (starting it if opsd stopped it), off-until keeps it down
// (stopping it if it runs). ok is false when the override leaves the
// decision to the schedule.
func (d Decision) decideOverride(ov Override) (Decision, bool) {
	d.Override = ov
	running := d.Observation.State == StateRunning
	switch ov.Kind {
	case OverrideSkip:
		switch {
		case running:
			if d.Window.Off {
				return d.with(ActionNone, CauseSkipUntil), true
			}
			return d, false
		case d.Marker.Valid() && d.Marker.Action == LastStop:
			return d.with(ActionStart, CauseSkipUntilStart), true
		case d.Window.Off:
			return d.with(ActionNone, CauseSkipUntilStoppedOutside), true
		}
		return d, false
	case OverrideOff:
		if running {
			return d.with(ActionStop, CauseOffUntilStop), true
		}
		if d.Unrecorded {
			return d.with(ActionMark, CauseStopUnrecorded), true
		}
		return d.with(ActionNone, CauseOffUntil), true
	}
	return d, false
}
