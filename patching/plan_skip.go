package patching

import (
	"fmt"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/override"
)

// skipped decides about an instance carrying a skip-until tag, and
// reports whether that decided it: while the tag's time is ahead, the
// instance is neither patched nor started for patching; a value that
// cannot be read is reported and nothing is done on a guess; once the
// time has passed, the tag is removed, and the next reconcile decides
// about the instance as usual (a window still open then patches it).
func (wp *windowPlan) skipped(i Instance, m *Managed) bool {
	key := wp.p.keys.SkipUntil
	v, ok := i.Tags[key]
	if key == "" || !ok {
		return false
	}
	run := wp.nextRun
	if wp.live {
		run = wp.run
	}
	until, err := override.Until(strings.TrimSpace(v), wp.now, wp.w.start.Location())
	switch {
	case err != nil:
		wp.add(i, m, run, VerbReport, fmt.Sprintf("tag %s=%q %v: not patched, nor started for patching, on a guess", key, v, err))
	case wp.now.Before(until):
		reason := fmt.Sprintf("skipped until %s by tag %s", wp.w.local(until), key)
		if _, err := time.Parse(time.RFC3339, strings.TrimSpace(v)); err != nil {
			at := until.UTC().Format(time.RFC3339)
			it := wp.add(i, m, run, VerbAnchorSkip, reason+"; "+v+" written as "+at)
			it.Change = Change{Set: map[string]string{key: at}}
			break
		}
		wp.add(i, m, run, VerbNone, reason)
	default:
		it := wp.add(i, m, run, VerbClearSkip, fmt.Sprintf("tag %s=%s passed at %s: removed; patched as usual from the next reconcile", key, v, wp.w.local(until)))
		it.Change = Change{Remove: []string{key}}
	}
	return true
}
