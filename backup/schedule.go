package backup

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AWS Backup's limits on a rule's windows, in minutes.
const (
	// minStartWindow is the shortest start window AWS Backup accepts.
	minStartWindow = 60
	// minCompletionMargin is how much longer than the start window the
	// completion window must be.
	minCompletionMargin = 60
)

// clock is a time of day.
type clock struct{ hour, minute int }

// parseClock reads "HH:MM" (24-hour).
func parseClock(s string) (clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return clock{}, fmt.Errorf("%q is not a time of day (HH:MM)", s)
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return clock{}, fmt.Errorf("%q is not a time of day (HH:MM)", s)
	}
	return clock{hour, minute}, nil
}

// checkRPO returns the RPO as a whole number of hours that divides a day,
// or an error saying why AWS Backup cannot schedule it. AWS Backup
// schedules at most hourly, on a cron expression; an interval that does
// not divide the day would drift against the calendar.
func checkRPO(rpo time.Duration) (int, error) {
	if rpo <= 0 {
		return 0, fmt.Errorf("must be positive, got %s", rpo)
	}
	if rpo%time.Hour != 0 {
		return 0, fmt.Errorf("%s is not a whole number of hours: AWS Backup schedules at most hourly (use 1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h)", rpo)
	}
	h := int(rpo / time.Hour)
	if h > 24 || 24%h != 0 {
		return 0, fmt.Errorf("%s does not divide a day: use 1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h", rpo)
	}
	return h, nil
}

// scheduleExpression is the AWS Backup cron expression (UTC unless the
// rule names a timezone) that starts a backup every rpo, the first of the
// day at start: 24h → "cron(0 1 ? * * *)", 12h → "cron(0 1,13 ? * * *)",
// 1h → "cron(0 * ? * * *)".
func scheduleExpression(rpo time.Duration, start clock) (string, error) {
	every, err := checkRPO(rpo)
	if err != nil {
		return "", err
	}
	hours := "*"
	if every > 1 {
		var hs []int
		for h := start.hour % every; h < 24; h += every {
			hs = append(hs, h)
		}
		parts := make([]string, len(hs))
		for i, h := range hs {
			parts[i] = strconv.Itoa(h)
		}
		hours = strings.Join(parts, ",")
	}
	return fmt.Sprintf("cron(%d %s ? * * *)", start.minute, hours), nil
}

// windows returns a rule's start and completion windows, in minutes, for
// a policy's RPO and RTO:
//   - start: a quarter of the RTO, no more than half the RPO (a job that
//     starts later than that has already eaten most of the RPO), and at
//     least AWS's 60 minutes;
//   - completion: the RTO, and at least the start window plus 60 minutes
//     (AWS's margin). A backup that cannot be taken within the RTO is
//     ended and told as a failed job instead of running on unseen.
func windows(rpo, rto time.Duration) (start, completion int64) {
	start = min(int64(rto/time.Minute)/4, int64(rpo/time.Minute)/2)
	start = max(start, minStartWindow)
	completion = max(int64(rto/time.Minute), start+minCompletionMargin)
	return start, completion
}

// sameSchedule reports whether two cron expressions are the same,
// ignoring spacing.
func sameSchedule(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

// sameTimezone reports whether two ScheduleExpressionTimezone values are
// the same; empty means UTC, as AWS Backup reads it.
func sameTimezone(a, b string) bool {
	return normalTimezone(a) == normalTimezone(b)
}

func normalTimezone(tz string) string {
	switch strings.TrimSpace(tz) {
	case "", "UTC", "Etc/UTC", "GMT", "Etc/GMT", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu":
		return "UTC"
	}
	return strings.TrimSpace(tz)
}
