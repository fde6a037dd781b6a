package shutdown

import (
	"fmt"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/override"
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

// Override is a resource's override tag, read.
type Override struct {
	// Kind is which tag was found; empty when the resource has none.
	Kind OverrideKind
	// Key and Value are the tag as found.
	Key, Value string
	// Until is the time the override lasts until.
	Until time.Time
	// Clock is set when Value is a clock time (HH:MM): opsd writes the
	// time it stands for back into the tag (RFC 3339) the first time it
	// reads it, so the override does not come back the next day.
	Clock bool
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
	v := strings.TrimSpace(value)
	until, err := override.Until(v, now, loc)
	if err != nil {
		return Override{}, fmt.Errorf("tag %s=%q %w", key, value, err)
	}
	_, exact := time.Parse(time.RFC3339, v)
	return Override{Kind: kind, Key: key, Value: value, Until: until, Clock: exact != nil}, nil
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
		case d.Marker.Valid() && d.Marker.Action == LastStop && !d.startedSinceMarker():
			return d.with(ActionStart, CauseSkipUntilStart), true
		case d.Window.Off:
			return d.with(ActionNone, CauseSkipUntilStoppedOutside), true
		}
		return d, false
	case OverrideOff:
		if running {
			// The patching service holds it up for a patch window: the
			// override waits for the window, as the schedule does.
			if hold, ok, err := d.patchingHold(); err == nil && ok && d.Now.Before(hold) {
				return d.with(ActionNone, CausePatching), true
			}
			return d.with(ActionStop, CauseOffUntilStop), true
		}
		if d.Unrecorded {
			return d.with(ActionMark, CauseStopUnrecorded), true
		}
		return d.with(ActionNone, CauseOffUntil), true
	}
	return d, false
}
