package shutdown

import (
	"testing"
	"time"
)

// civilDate and dayNumber agree with the time package across centuries,
// leap days included.
func TestCivilDateRoundTrip(t *testing.T) {
	for day := int64(-800000); day < 800000; day += 97 {
		y, m, d := civilDate(day)
		want := time.Unix(day*secondsPerDay, 0).UTC()
		if y != want.Year() || m != int(want.Month()) || d != want.Day() {
			t.Fatalf("civilDate(%d) = %d-%d-%d, want %s", day, y, m, d, want.Format(time.DateOnly))
		}
		if back := dayNumber(y, m, d); back != day {
			t.Fatalf("dayNumber(%d-%d-%d) = %d, want %d", y, m, d, back, day)
		}
		if n := daysInMonth(y, m); time.Date(y, time.Month(m), n+1, 0, 0, 0, 0, time.UTC).Day() != 1 {
			t.Fatalf("daysInMonth(%d, %d) = %d", y, m, n)
		}
	}
}
