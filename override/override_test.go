package override

import (
	"testing"
	"time"
)

// Clock-time overrides follow the wall clock of the schedule's timezone
// across daylight saving: London goes to BST at 01:00 UTC on Sun 29 Mar
// 2026 and back to GMT at 01:00 UTC on Sun 25 Oct 2026.
func TestUntilAcrossDST(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		value, now, want string
	}{
		// Set Saturday evening GMT, "09:00" is Sunday 09:00 BST = 08:00 UTC.
		{"09:00", "2026-03-28T20:00:00Z", "2026-03-29T08:00:00Z"},
		// Set Saturday evening BST, "09:00" is Sunday 09:00 GMT = 09:00 UTC.
		{"09:00", "2026-10-24T20:00:00+01:00", "2026-10-25T09:00:00Z"},
		// A clock time just passed is the one just passed, not tomorrow's.
		{"22:00", "2026-07-01T22:10:00+01:00", "2026-07-01T21:00:00Z"},
		// Up to 18 hours ahead: set at 08:00, "02:00" is tomorrow night.
		{"02:00", "2026-07-01T08:00:00+01:00", "2026-07-02T01:00:00Z"},
		// More than 6 hours past: the next one.
		{"01:00", "2026-07-01T08:00:00+01:00", "2026-07-02T00:00:00Z"},
		// RFC 3339 is exact, whatever the zone.
		{"2026-10-25T01:30:00+01:00", "2026-10-24T20:00:00Z", "2026-10-25T00:30:00Z"},
	} {
		now, err := time.Parse(time.RFC3339, c.now)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Until(c.value, now, london)
		if err != nil {
			t.Errorf("%s at %s: %v", c.value, c.now, err)
			continue
		}
		if want, _ := time.Parse(time.RFC3339, c.want); !got.Equal(want) {
			t.Errorf("%s at %s = %s, want %s", c.value, c.now, got.UTC().Format(time.RFC3339), c.want)
		}
	}
	for _, bad := range []string{"", "7pm", "19:60", "9:00", "2026-13-01T00:00:00Z", "19:00:00"} {
		if _, err := Until(bad, time.Now(), london); err == nil {
			t.Errorf("%q was read as a time", bad)
		}
	}
}
