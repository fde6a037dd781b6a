package webpage

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/opsd-dev/opsd/reconcile"
)

// The history's cap, beside its period: its document must stay inside
// what one state store item holds (the DynamoDB table takes 350 KiB), and
// a page of it quick to read and render. A row is about 250 to 300 bytes
// (an overnight stop with its reason), so 1000 rows are a week of the
// default overnight shutdown (five stops and five starts) for 100
// resources; the byte budget bounds rows with long errors or ARNs.
const (
	maxHistoryRows  = 1000
	maxHistoryBytes = 300 << 10
	// maxRowText cuts a reason or an error longer than this (in runes).
	maxRowText = 300
)

// Row is one action opsd took or tried: when, which service, where, to
// what, what and why, and how it went. Application and TeamEmail are the
// resource's owner tags where the action, or another service's action on
// the same resource, says them; empty where none does.
type Row struct {
	At          time.Time        `json:"at"`
	Service     string           `json:"service"`
	Account     string           `json:"account"`
	Region      string           `json:"region"`
	Resource    string           `json:"resource"`
	Name        string           `json:"name,omitempty"`
	Action      string           `json:"action"`
	Reason      string           `json:"reason"`
	Status      reconcile.Status `json:"status"`
	Error       string           `json:"error,omitempty"`
	Application string           `json:"application,omitempty"`
	TeamEmail   string           `json:"team_email,omitempty"`
}

// kept says whether an action goes into the history: it did something or
// tried to. A planned action was not attempted, and a reported one is a
// finding that every run repeats: the page shows those from the last
// runs instead.
func kept(a reconcile.Action) bool {
	return a.Status == reconcile.Done || a.Status == reconcile.Failed
}

// rowsOf is what res adds to the history at at.
func rowsOf(at time.Time, res reconcile.Result, known Owners) []Row {
	var out []Row
	for _, a := range res.Actions {
		if !kept(a) {
			continue
		}
		o := known.of(a)
		service := a.Service
		if service == "" {
			service = res.Service
		}
		out = append(out, Row{
			At: at.UTC(), Service: service, Account: a.Account, Region: a.Region, Resource: a.Resource,
			Name: cut(nameOf(a), maxRowText), Action: a.Action, Reason: cut(a.Reason, maxRowText), Status: a.Status,
			Error: cut(a.Error, maxRowText), Application: o.Application, TeamEmail: o.TeamEmail,
		})
	}
	return out
}

// nameOf is an action's resource name when it is not the id.
func nameOf(a reconcile.Action) string {
	if n := a.Details["name"]; n != a.Resource {
		return n
	}
	return ""
}

// cut shortens s to at most n runes, marking the cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// rowKey is what makes a row the same row on every replica.
func rowKey(r Row) string {
	return strings.Join([]string{r.At.UTC().Format(time.RFC3339Nano), r.Service, r.Account, r.Region, r.Resource, r.Action}, "\x00")
}

// newestFirst orders rows by time, newest first, then by service and
// resource, so every replica lists them alike.
func newestFirst(a, b Row) int {
	if c := b.At.Compare(a.At); c != 0 {
		return c
	}
	return cmp.Or(strings.Compare(a.Service, b.Service), strings.Compare(a.Account, b.Account),
		strings.Compare(a.Region, b.Region), strings.Compare(a.Resource, b.Resource), strings.Compare(a.Action, b.Action))
}

// mergeRows returns the rows of a and b, each once, newest first; a row
// in both is a's.
func mergeRows(a, b []Row) []Row {
	seen := make(map[string]bool, len(a)+len(b))
	out := make([]Row, 0, len(a)+len(b))
	for _, rows := range [][]Row{a, b} {
		for _, r := range rows {
			if k := rowKey(r); !seen[k] {
				seen[k] = true
				out = append(out, r)
			}
		}
	}
	slices.SortFunc(out, newestFirst)
	return out
}

// boundRows keeps, of rows newest first, those within keep of now, and
// of those at most maxHistoryRows that come to at most maxHistoryBytes of
// JSON. capped is the newest time of the rows within the period that
// were dropped to keep to the cap; zero when none was.
func boundRows(rows []Row, now time.Time, keep time.Duration) (out []Row, capped time.Time) {
	cutoff := now.Add(-keep)
	size := 0
	for i, r := range rows {
		if !r.At.After(cutoff) {
			return rows[:i], capped
		}
		b, err := json.Marshal(r)
		if err != nil {
			continue
		}
		size += len(b) + 1
		if i >= maxHistoryRows || size > maxHistoryBytes {
			return rows[:i], r.At
		}
	}
	return rows, capped
}
