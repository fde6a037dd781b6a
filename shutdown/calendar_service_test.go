package shutdown

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/opsd-dev/opsd/reconcile"
)

// calendarS3 serves one calendar object and counts reads.
type calendarS3 struct {
	data  []byte
	reads int
}

func (c *calendarS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	c.reads++
	if aws.ToString(in.Bucket) != "calendars" || aws.ToString(in.Key) != "team/holidays.ics" {
		return nil, apiError("NoSuchKey", "The specified key does not exist.")
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(c.data))}, nil
}

// Each run reads the s3:// calendars its schedules name (with the client
// the daemon gives it) and decides with them: an instance on a day the
// calendar keeps off is stopped in what would be its on period, and the
// reason names the event. Without a client, the run says it cannot read
// them and starts nothing the calendar might keep off.
func TestRunReadsTheS3Calendar(t *testing.T) {
	data, err := os.ReadFile("testdata/holidays.ics")
	if err != nil {
		t.Fatal(err)
	}
	cal := &calendarS3{data: data}
	cfg := DefaultConfig()
	cfg.HolidaysICal = "s3://calendars/team/holidays.ics"
	cfg.CalendarS3 = cal
	h := newHarness(t, cfg)
	h.f().ec2.add("i-1", "running", dev())
	res := h.run(t, "2026-03-11T11:00:00Z", reconcile.Apply)
	a := byResource(res)["i-1"]
	if cal.reads != 1 || a.Action != "stop" || !strings.Contains(a.Reason, "Maintenance freeze") {
		t.Errorf("%d reads, i-1 %s %q; want one read and a stop for the freeze", cal.reads, a.Action, a.Reason)
	}

	cfg.CalendarS3 = nil
	h = newHarness(t, cfg)
	h.f().ec2.add("i-2", "stopped", withTags(dev(), "opsd:shutdown:last-action", "stop", "opsd:shutdown:last-action-at", "2026-03-10T19:05:00Z"))
	res = h.run(t, "2026-03-11T08:00:00Z", reconcile.Apply)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "no S3 client") {
		t.Errorf("errors %v, want the calendar not read", res.Errors)
	}
	if h.f().ec2.state("i-2") != "stopped" {
		t.Errorf("i-2 was started though its calendar could not be read")
	}
}
