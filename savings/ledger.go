package savings

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
)

// The ledger's bounds: intervals that ended more than Keep ago are
// dropped, and, to keep the document inside one state store item (the
// DynamoDB table takes 350 KiB), the oldest intervals go once it passes
// maxLedgerBytes.
const (
	// Keep is how long the ledger keeps an interval after it ended:
	// about 13 months, so that last year's same month can be reported.
	Keep           = 396 * 24 * time.Hour
	maxLedgerBytes = 300 << 10
)

// Interval is a span a resource was kept off by opsd: from opsd's stop to
// its start. A zero To is still off.
type Interval struct {
	From time.Time
	To   time.Time
}

// MarshalJSON writes the interval as [from, to] in Unix seconds (to 0
// while still off), to keep the document small.
func (iv Interval) MarshalJSON() ([]byte, error) {
	var to int64
	if !iv.To.IsZero() {
		to = iv.To.Unix()
	}
	return json.Marshal([2]int64{iv.From.Unix(), to})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (iv *Interval) UnmarshalJSON(b []byte) error {
	var p [2]int64
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	iv.From, iv.To = time.Unix(p[0], 0).UTC(), time.Time{}
	if p[1] != 0 {
		iv.To = time.Unix(p[1], 0).UTC()
	}
	return nil
}

// Open reports whether the resource is still off.
func (iv Interval) Open() bool { return iv.To.IsZero() }

// Resource is one resource opsd stopped, with its owner's labels as the
// latest action on it said them, and the intervals it was kept off,
// oldest first.
type Resource struct {
	Kind        string     `json:"kind"`
	Account     string     `json:"account"`
	Region      string     `json:"region"`
	ID          string     `json:"id"`
	Name        string     `json:"name,omitempty"`
	Environment string     `json:"environment,omitempty"`
	Application string     `json:"application,omitempty"`
	TeamEmail   string     `json:"team_email,omitempty"`
	Off         []Interval `json:"off"`
}

// Key names the resource in the ledger: kind, account, region and id.
func (r Resource) Key() string { return r.Kind + "/" + r.Account + "/" + r.Region + "/" + r.ID }

// Doc is the stored ledger.
type Doc struct {
	// Resources are in key order.
	Resources []Resource `json:"resources"`
	// At is the time of the run that last wrote it.
	At time.Time `json:"at"`
	// Capped is the newest end of the intervals dropped to keep the
	// document small; hours before it are under-counted. Zero when none
	// was dropped.
	Capped time.Time `json:"capped,omitzero"`
}

// serviceName is the shutdown service's name in results.
const serviceName = "shutdown"

// Record adds what res did, as of at, to doc and reports whether doc
// changed: a stop opsd made opens an interval (one already open stays as
// it is), a start closes the open one, and a mark that records a stop opsd
// made earlier without recording it opens one from that earlier time when
// the action says it. A mark that records someone else's start (an
// override) closes the open interval at at: opsd no longer keeps it off.
func Record(doc *Doc, at time.Time, res reconcile.Result) bool {
	changed := false
	for _, a := range res.Actions {
		if a.Service != serviceName || a.Status != reconcile.Done {
			continue
		}
		switch {
		case a.Action == "stop", a.Action == "mark" && a.Details["records"] == "stop":
			r := doc.resource(a)
			from := at
			if a.Action == "mark" && a.Details["last_action"] == "stopping" {
				if t, err := time.Parse(time.RFC3339, a.Details["last_action_at"]); err == nil && t.Before(at) {
					from = t
				}
			}
			if n := len(r.Off); n == 0 || !r.Off[n-1].Open() {
				r.Off = append(r.Off, Interval{From: from.UTC()})
			}
			changed = true
		case a.Action == "start", a.Action == "mark":
			r := doc.find(a)
			if r == nil {
				continue
			}
			labels(r, a)
			if n := len(r.Off); n > 0 && r.Off[n-1].Open() {
				to := at.UTC()
				if to.Before(r.Off[n-1].From) {
					to = r.Off[n-1].From
				}
				r.Off[n-1].To = to
			}
			changed = true
		}
	}
	return changed
}

// find returns the resource a acts on, or nil.
func (d *Doc) find(a reconcile.Action) *Resource {
	key := Resource{Kind: a.Details["kind"], Account: a.Account, Region: a.Region, ID: a.Resource}.Key()
	i, ok := slices.BinarySearchFunc(d.Resources, key, func(r Resource, k string) int { return cmp.Compare(r.Key(), k) })
	if !ok {
		return nil
	}
	return &d.Resources[i]
}

// resource returns the resource a acts on, adding it when new, with its
// labels from a.
func (d *Doc) resource(a reconcile.Action) *Resource {
	r := Resource{Kind: a.Details["kind"], Account: a.Account, Region: a.Region, ID: a.Resource}
	key := r.Key()
	i, ok := slices.BinarySearchFunc(d.Resources, key, func(r Resource, k string) int { return cmp.Compare(r.Key(), k) })
	if !ok {
		d.Resources = slices.Insert(d.Resources, i, r)
	}
	labels(&d.Resources[i], a)
	return &d.Resources[i]
}

// labels copies the owner labels a says onto r.
func labels(r *Resource, a reconcile.Action) {
	for _, f := range []struct {
		dst *string
		key string
	}{{&r.Name, "name"}, {&r.Environment, "environment"}, {&r.Application, "application"}, {&r.TeamEmail, "team_email"}} {
		if v := a.Details[f.key]; v != "" {
			*f.dst = v
		}
	}
}
