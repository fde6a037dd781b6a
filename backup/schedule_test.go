package backup

import (
	"strings"
	"testing"
	"time"
)

func TestScheduleExpressionFromRPO(t *testing.T) {
	for _, tc := range []struct {
		rpo   time.Duration
		at    string
		want  string
		error string
	}{
		{24 * time.Hour, "01:00", "cron(0 1 ? * * *)", ""},
		{24 * time.Hour, "23:45", "cron(45 23 ? * * *)", ""},
		{12 * time.Hour, "01:00", "cron(0 1,13 ? * * *)", ""},
		{12 * time.Hour, "15:30", "cron(30 3,15 ? * * *)", ""},
		{8 * time.Hour, "01:00", "cron(0 1,9,17 ? * * *)", ""},
		{6 * time.Hour, "00:00", "cron(0 0,6,12,18 ? * * *)", ""},
		{4 * time.Hour, "02:00", "cron(0 2,6,10,14,18,22 ? * * *)", ""},
		{3 * time.Hour, "01:00", "cron(0 1,4,7,10,13,16,19,22 ? * * *)", ""},
		{2 * time.Hour, "01:10", "cron(10 1,3,5,7,9,11,13,15,17,19,21,23 ? * * *)", ""},
		{time.Hour, "01:05", "cron(5 * ? * * *)", ""},
		{30 * time.Minute, "01:00", "", "schedules at most hourly"},
		{90 * time.Minute, "01:00", "", "not a whole number of hours"},
		{5 * time.Hour, "01:00", "", "does not divide a day"},
		{48 * time.Hour, "01:00", "", "does not divide a day"},
		{0, "01:00", "", "must be positive"},
	} {
		at, err := parseClock(tc.at)
		if err != nil {
			t.Fatal(err)
		}
		got, err := scheduleExpression(tc.rpo, at)
		switch {
		case tc.error != "":
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Errorf("scheduleExpression(%s, %s) error = %v, want %q", tc.rpo, tc.at, err, tc.error)
			}
		case err != nil:
			t.Errorf("scheduleExpression(%s, %s): %v", tc.rpo, tc.at, err)
		case got != tc.want:
			t.Errorf("scheduleExpression(%s, %s) = %s, want %s", tc.rpo, tc.at, got, tc.want)
		}
	}
}

func TestWindowsFromRTO(t *testing.T) {
	for _, tc := range []struct {
		rpo, rto          time.Duration
		start, completion int64
	}{
		// The seed default: RTO 4h → start 60 (AWS minimum), complete in 240.
		{24 * time.Hour, 4 * time.Hour, 60, 240},
		// A quarter of the RTO when that is more than an hour.
		{24 * time.Hour, 8 * time.Hour, 120, 480},
		// No more than half the RPO.
		{4 * time.Hour, 24 * time.Hour, 120, 1440},
		// Short RTOs: AWS's minimums win (start 60, completion start+60).
		{time.Hour, 30 * time.Minute, 60, 120},
		{24 * time.Hour, time.Hour, 60, 120},
	} {
		start, completion := windows(tc.rpo, tc.rto)
		if start != tc.start || completion != tc.completion {
			t.Errorf("windows(rpo %s, rto %s) = %d, %d; want %d, %d", tc.rpo, tc.rto, start, completion, tc.start, tc.completion)
		}
		if start < minStartWindow || completion < start+minCompletionMargin {
			t.Errorf("windows(rpo %s, rto %s) = %d, %d breaks AWS's minimums", tc.rpo, tc.rto, start, completion)
		}
	}
}

func TestParseClock(t *testing.T) {
	for in, ok := range map[string]bool{"01:00": true, "23:59": true, "00:00": true, "24:00": false, "1:00": false, "01:60": false, "noon": false, "": false} {
		if _, err := parseClock(in); (err == nil) != ok {
			t.Errorf("parseClock(%q) error = %v", in, err)
		}
	}
}

func TestSameScheduleAndTimezone(t *testing.T) {
	if !sameSchedule("cron(0 1 ? * * *)", " cron(0  1 ? * * *)") {
		t.Error("spacing matters")
	}
	if sameSchedule("cron(0 1 ? * * *)", "cron(0 5 ? * * *)") {
		t.Error("different hours are the same")
	}
	for _, pair := range [][2]string{{"", "Etc/UTC"}, {"UTC", "Etc/UTC"}} {
		if !sameTimezone(pair[0], pair[1]) {
			t.Errorf("%q and %q differ", pair[0], pair[1])
		}
	}
	if sameTimezone("Europe/London", "Etc/UTC") {
		t.Error("London is UTC")
	}
}
