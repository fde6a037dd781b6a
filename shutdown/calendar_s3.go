package shutdown

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3API is the part of S3 the shutdown service calls: it reads the
// s3:// calendars of holidays_ical.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

// NewS3 returns the S3 client the calendars are read with, for cfg (opsd's
// own role's configuration); path-style addressing when cfg names an
// endpoint (an emulator).
func NewS3(cfg aws.Config) *s3.Client {
	emulated := cfg.BaseEndpoint != nil
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = emulated })
}

// maxCalendarBytes bounds the size of a calendar read from S3.
const maxCalendarBytes = 8 << 20

// Calendars returns the s3:// calendars the schedules name, each once, in
// order.
func (p *Planner) Calendars() []string {
	var out []string
	for _, sp := range p.specs {
		out = append(out, sp.remote...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// WithCalendars returns a planner whose schedules use their s3://
// calendars as read now through api, each read once. A calendar that
// cannot be read or parsed is in the errors and stays unread: in the
// schedules that name it, on time is left as it is (nothing is started
// that the calendar may keep off, nothing stopped for it) until a later
// run reads it; off periods stop as usual. p is not changed.
func (p *Planner) WithCalendars(ctx context.Context, api S3API) (*Planner, []error) {
	urls := p.Calendars()
	if len(urls) == 0 {
		return p, nil
	}
	read := make(map[string]*icalEvents, len(urls))
	var errs []error
	for _, u := range urls {
		ev, err := readS3Calendar(ctx, api, u)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		read[u] = ev
	}
	q := *p
	q.timetables = maps.Clone(p.timetables)
	for name, sp := range p.specs {
		if len(sp.remote) > 0 {
			q.timetables[name] = sp.timetable(read)
		}
	}
	return &q, errs
}

// readS3Calendar reads and parses the calendar at an s3:// URL; floating
// times are read in UTC unless the calendar names its timezone.
func readS3Calendar(ctx context.Context, api S3API, u string) (*icalEvents, error) {
	bucket, key, err := parseS3URL(u)
	if err != nil {
		return nil, fmt.Errorf("read calendar %s: %w", u, err)
	}
	out, err := api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("read calendar %s: %w", u, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, maxCalendarBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read calendar %s: %w", u, err)
	}
	if len(data) > maxCalendarBytes {
		return nil, fmt.Errorf("read calendar %s: larger than %d bytes", u, maxCalendarBytes)
	}
	ev, err := parseICal(bytes.NewReader(data), time.UTC)
	if err != nil {
		return nil, fmt.Errorf("read calendar %s: %w", u, err)
	}
	return ev, nil
}
