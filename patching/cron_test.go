package patching

import (
	"testing"
	"time"
)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func london(t *testing.T) *time.Location {
	t.Helper()
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCronLatestAndNext(t *testing.T) {
	lon := london(t)
	tests := []struct {
		name, expr string
		loc        *time.Location
		now        string
		latest     string // "" = none
		next       string
	}{
		{"daily, after today's", "0 2 * * *", lon, "2026-11-24T02:10:00Z", "2026-11-24T02:00:00Z", "2026-11-25T02:00:00Z"},
		{"daily, exactly at", "0 2 * * *", lon, "2026-11-24T02:00:00Z", "2026-11-24T02:00:00Z", "2026-11-25T02:00:00Z"},
		{"daily, before today's", "0 2 * * *", lon, "2026-11-24T01:59:00Z", "2026-11-23T02:00:00Z", "2026-11-24T02:00:00Z"},
		{"weekly sunday", "0 1 * * sun", lon, "2026-11-27T12:00:00Z", "2026-11-22T01:00:00Z", "2026-11-29T01:00:00Z"},
		// British Summer Time: 02:00 London is 01:00 UTC.
		{"summer time", "0 2 * * *", lon, "2026-07-01T03:00:00Z", "2026-07-01T01:00:00Z", "2026-07-02T01:00:00Z"},
		{"every minute", "* * * * *", time.UTC, "2026-11-24T02:10:30Z", "2026-11-24T02:10:00Z", "2026-11-24T02:11:00Z"},
		{"yearly", "0 0 1 1 *", time.UTC, "2026-11-24T00:00:00Z", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"never", "0 0 30 2 *", time.UTC, "2026-11-24T00:00:00Z", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := compileCron(tt.expr, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			now := at(t, tt.now)
			got, ok := c.Latest(now)
			if tt.latest == "" {
				if ok {
					t.Errorf("Latest = %s, want none", got)
				}
			} else if !ok || !got.Equal(at(t, tt.latest)) {
				t.Errorf("Latest = %s %v, want %s", got, ok, tt.latest)
			}
			next := c.Next(now)
			if tt.next == "" {
				if !next.IsZero() {
					t.Errorf("Next = %s, want none", next)
				}
			} else if !next.Equal(at(t, tt.next)) {
				t.Errorf("Next = %s, want %s", next, tt.next)
			}
		})
	}
}

func TestCompileCronRejects(t *testing.T) {
	for _, expr := range []string{"", "0 2 * *", "61 * * * *", "0 2 * * funday"} {
		if _, err := compileCron(expr, time.UTC); err == nil {
			t.Errorf("compileCron(%q) = nil error", expr)
		}
	}
}
