package savings

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"
)

// Bound drops from doc the intervals that ended more than Keep before at
// and the resources left with none, and then, while the document is larger
// than one state store item should be, the oldest intervals, recording
// the newest end dropped in doc.Capped.
func Bound(doc *Doc, at time.Time) {
	cut := at.Add(-Keep)
	keep := doc.Resources[:0]
	for _, r := range doc.Resources {
		r.Off = slices.DeleteFunc(r.Off, func(iv Interval) bool { return !iv.Open() && iv.To.Before(cut) })
		if len(r.Off) > 0 {
			keep = append(keep, r)
		}
	}
	doc.Resources = keep
	for size(doc) > maxLedgerBytes {
		i := oldest(doc)
		if i < 0 {
			return
		}
		r := &doc.Resources[i]
		if end := r.Off[0].To; end.After(doc.Capped) {
			doc.Capped = end
		}
		r.Off = r.Off[1:]
		if len(r.Off) == 0 {
			doc.Resources = slices.Delete(doc.Resources, i, i+1)
		}
	}
}

// oldest is the index of the resource whose first closed interval started
// first, or -1 when every interval is open.
func oldest(doc *Doc) int {
	best := -1
	for i, r := range doc.Resources {
		if len(r.Off) == 0 || r.Off[0].Open() {
			continue
		}
		if best < 0 || r.Off[0].From.Before(doc.Resources[best].Off[0].From) {
			best = i
		}
	}
	return best
}

func size(doc *Doc) int {
	b, err := json.Marshal(doc)
	if err != nil {
		return 0
	}
	return len(b)
}

// Merge returns the union of two copies of the ledger (what the store
// holds and what this process holds): per resource the intervals of both,
// the one closed preferred where both copies have one from the same stop,
// and an interval left open in one copy before a later stop closed at that
// stop. Labels come from the copy written last.
func Merge(a, b Doc) Doc {
	if b.At.Before(a.At) {
		a, b = b, a
	}
	out := Doc{At: b.At, Capped: a.Capped}
	if b.Capped.After(out.Capped) {
		out.Capped = b.Capped
	}
	byKey := map[string]*Resource{}
	var keys []string
	for _, d := range []Doc{a, b} {
		for _, r := range d.Resources {
			k := r.Key()
			have, ok := byKey[k]
			if !ok {
				c := r
				c.Off = slices.Clone(r.Off)
				byKey[k] = &c
				keys = append(keys, k)
				continue
			}
			off := append(have.Off, r.Off...)
			*have = r
			have.Off = off
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		r := byKey[k]
		r.Off = coalesce(r.Off)
		out.Resources = append(out.Resources, *r)
	}
	return out
}

// coalesce sorts intervals and makes them one per stop.
func coalesce(off []Interval) []Interval {
	slices.SortFunc(off, func(x, y Interval) int {
		if c := x.From.Compare(y.From); c != 0 {
			return c
		}
		// Closed before open, the later end first.
		if x.Open() != y.Open() {
			if x.Open() {
				return 1
			}
			return -1
		}
		return cmp.Compare(y.To.UnixNano(), x.To.UnixNano())
	})
	out := off[:0]
	for _, iv := range off {
		if n := len(out); n > 0 && out[n-1].From.Equal(iv.From) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Open() {
			out[n-1].To = iv.From
		}
		out = append(out, iv)
	}
	return out
}
