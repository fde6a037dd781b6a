package dlq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/opsd-dev/opsd/accounts"
)

// QueueStatus is one dead-letter queue as `opsd dlq list` shows it.
type QueueStatus struct {
	// Account, Region, Name, URL and ARN say where and which queue it is.
	Account, Region, Name, URL, ARN string
	// FIFO is true for a FIFO queue.
	FIFO bool
	// Visible, InFlight and Delayed are SQS's approximate message counts.
	Visible, InFlight, Delayed int64
	// Retention is the queue's message retention period.
	Retention time.Duration
	// OldestAge is the age of the oldest message, when known (OldestKnown):
	// from CloudWatch (AgeSource "cloudwatch", counted from when it moved
	// into the queue) or from what this process's archiver last saw
	// ("archiver", counted from its original send).
	OldestAge   time.Duration
	OldestKnown bool
	AgeSource   string
	// Sources are the queues whose redrive policy names this one.
	Sources []string
	// FoundBy says what made it a dead-letter queue.
	FoundBy string
	// Alarm is the state of the alarms on its visible-messages metric.
	Alarm AlarmStatus
	// ReviewedAt is the time in its review tag, if any.
	ReviewedAt time.Time
}

// List returns every dead-letter queue of every account and region with
// its depth, oldest age and alarm state, sorted by account, region and
// name, and the errors of the accounts and regions that could not be
// read (each names its account and region). It makes read-only calls
// only, and reads what the last archive scans saw from Deps.State.
func (s *Service) List(ctx context.Context, now time.Time) ([]QueueStatus, []error) {
	s.loadState(ctx)
	targets, err := accounts.ListTargets(ctx, s.deps.Targets)
	if err != nil {
		return nil, []error{err}
	}
	byTarget, errs := accounts.Collect(ctx, s.deps.FanOut, ServiceName, targets, func(ctx context.Context, t accounts.Target) ([]QueueStatus, error) {
		return s.listTarget(ctx, t, now)
	})
	out := slices.Concat(byTarget...)
	slices.SortFunc(out, func(a, b QueueStatus) int {
		return strings.Compare(a.Account+"/"+a.Region+"/"+a.Name, b.Account+"/"+b.Region+"/"+b.Name)
	})
	return out, errs
}

func (s *Service) listTarget(ctx context.Context, t accounts.Target, now time.Time) ([]QueueStatus, error) {
	c := s.deps.Clients(t.Config)
	d, derr := s.discover(ctx, t, c.SQS, now)
	out := make([]QueueStatus, len(d.Queues))
	keep := make([]bool, len(d.Queues))
	errs := make([]error, len(d.Queues))
	forEach(ctx, queueWorkers, len(d.Queues), func(i int) {
		out[i], keep[i], errs[i] = s.status(ctx, c, d.Queues[i], now)
	})
	var qs []QueueStatus
	for i := range out {
		if keep[i] {
			qs = append(qs, out[i])
		}
	}
	return qs, errors.Join(append([]error{derr}, errs...)...)
}

// status reads one queue's status; keep is false for a queue deleted
// since discovery.
func (s *Service) status(ctx context.Context, c Clients, q Queue, now time.Time) (st QueueStatus, keep bool, err error) {
	st = QueueStatus{Account: q.Account, Region: q.Region, Name: q.Name, URL: q.URL, ARN: q.ARN, FIFO: q.FIFO,
		Sources: q.Sources, FoundBy: q.Why, ReviewedAt: q.ReviewedAt}
	d, err := readDepth(ctx, c.SQS, q)
	if err != nil {
		if queueGone(err) {
			return st, false, nil
		}
		return st, true, err
	}
	st.Visible, st.InFlight, st.Delayed, st.Retention = d.Visible, d.InFlight, d.Delayed, d.Retention
	var errs []error
	st.Alarm, err = alarmStatus(ctx, c.CloudWatch, q)
	errs = append(errs, err)
	if d.total() > 0 {
		age, ok, err := oldestAge(ctx, c.CloudWatch, q, now)
		errs = append(errs, err)
		if ok {
			st.OldestAge, st.OldestKnown, st.AgeSource = age, true, ageFromCloudWatch
		} else if m := s.memoryOf(q); !m.OldestSent.IsZero() {
			st.OldestAge, st.OldestKnown, st.AgeSource = max(now.Sub(m.OldestSent), 0), true, ageFromArchiver
		}
	}
	return st, true, errors.Join(errs...)
}

// MarshalJSON writes the status with snake_case keys, durations in whole
// seconds and the review time in RFC 3339 (omitted when unknown), for
// `opsd dlq list --json`.
func (q QueueStatus) MarshalJSON() ([]byte, error) {
	out := struct {
		Account          string      `json:"account"`
		Region           string      `json:"region"`
		Name             string      `json:"name"`
		URL              string      `json:"url"`
		ARN              string      `json:"arn"`
		FIFO             bool        `json:"fifo"`
		Visible          int64       `json:"visible"`
		InFlight         int64       `json:"in_flight"`
		Delayed          int64       `json:"delayed"`
		RetentionSeconds int64       `json:"retention_seconds"`
		OldestAgeSeconds *int64      `json:"oldest_age_seconds,omitempty"`
		AgeSource        string      `json:"age_source,omitempty"`
		Sources          []string    `json:"sources"`
		FoundBy          string      `json:"found_by"`
		Alarm            AlarmStatus `json:"alarm"`
		ReviewedAt       string      `json:"reviewed_at,omitempty"`
	}{
		Account: q.Account, Region: q.Region, Name: q.Name, URL: q.URL, ARN: q.ARN, FIFO: q.FIFO,
		Visible: q.Visible, InFlight: q.InFlight, Delayed: q.Delayed, RetentionSeconds: int64(q.Retention / time.Second),
		AgeSource: q.AgeSource, Sources: q.Sources, FoundBy: q.FoundBy, Alarm: q.Alarm,
	}
	if out.Sources == nil {
		out.Sources = []string{}
	}
	if q.OldestKnown {
		s := int64(q.OldestAge / time.Second)
		out.OldestAgeSeconds = &s
	}
	if !q.ReviewedAt.IsZero() {
		out.ReviewedAt = q.ReviewedAt.UTC().Format(time.RFC3339)
	}
	return json.Marshal(out)
}

// WriteList writes qs as a table: one line per queue. OLDEST is "-" for
// an empty queue and "unknown" where neither CloudWatch nor an archive
// scan has told its age, with a line saying so under the table.
func WriteList(w io.Writer, qs []QueueStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tREGION\tQUEUE\tVISIBLE\tIN FLIGHT\tOLDEST\tFIFO\tALARM\tSOURCES")
	unknown := false
	for _, q := range qs {
		oldest := "-"
		switch {
		case q.OldestKnown:
			oldest = humanAge(q.OldestAge)
		case q.Visible+q.InFlight+q.Delayed > 0:
			oldest, unknown = "unknown", true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", q.Account, q.Region, q.Name, q.Visible, q.InFlight,
			oldest, strconv.FormatBool(q.FIFO), q.Alarm.String(), orNone(strings.Join(q.Sources, ",")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if unknown {
		_, err := fmt.Fprintln(w, "OLDEST unknown: CloudWatch has no ApproximateAgeOfOldestMessage for the queue yet and no archive scan has read it")
		return err
	}
	return nil
}
