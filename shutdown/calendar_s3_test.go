package shutdown

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// Against moto, through the real SDK: a schedule's s3:// calendar is read
// once per WithCalendars and its events keep the schedule off; a calendar
// that cannot be read is reported and leaves on time as it is.
func TestMotoS3CalendarKeepsAScheduleOff(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	ctx := context.Background()
	api := NewS3(srv.Config("eu-west-2"))
	data, err := os.ReadFile("testdata/holidays.ics")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("calendars"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("calendars"), Key: aws.String("team/holidays.ics"), Body: bytes.NewReader(data)}); err != nil {
		t.Fatal(err)
	}
	p := testPlanner(t, func(c *Config) {
		c.Schedules["office"] = Schedule{Timezone: "Europe/London", HolidaysICal: "s3://calendars/team/holidays.ics", Periods: c.Schedules["default"].Periods}
		c.Schedules["missing"] = Schedule{Timezone: "Europe/London", HolidaysICal: "s3://calendars/none.ics", Periods: c.Schedules["default"].Periods}
	})
	if got := strings.Join(p.Calendars(), " "); got != "s3://calendars/none.ics s3://calendars/team/holidays.ics" {
		t.Errorf("Calendars = %s", got)
	}
	q, errs := p.WithCalendars(ctx, api)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "read calendar s3://calendars/none.ics: ") {
		t.Fatalf("errors %v, want the missing calendar's", errs)
	}
	office, _ := q.Timetable("office")
	checkWindows(t, office, []windowCase{
		{"freeze", "2026-03-11T11:00:00Z", true, "2026-03-11T10:00:00Z", "2026-03-11T12:00:00Z"},
		{"excepted freeze", "2026-03-18T11:00:00Z", false, "2026-03-18T07:00:00Z", "2026-03-18T19:00:00Z"},
	})
	if got := office.OffFor(mustTime(t, "2026-03-11T11:00:00Z")); got != "Maintenance freeze" {
		t.Errorf("OffFor = %q", got)
	}
	missing, _ := q.Timetable("missing")
	if w := missing.Window(mustTime(t, "2026-03-11T11:00:00Z")); !w.Keep {
		t.Errorf("unread calendar's on time = %+v, want as-is", w)
	}
	if w := missing.Window(mustTime(t, "2026-03-11T20:00:00Z")); !w.Off {
		t.Errorf("unread calendar's off time = %+v, want off", w)
	}
	// The planner it came from is unchanged: its s3:// calendars unread.
	before, _ := p.Timetable("office")
	if w := before.Window(mustTime(t, "2026-03-11T11:00:00Z")); !w.Keep {
		t.Errorf("original planner's on time = %+v, want as-is", w)
	}
}
