package monitor

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// addLogGroup creates a log group in moto with retention days (0: never
// expire) and tags.
func (w *world) addLogGroup(t *testing.T, name string, days int32, tags map[string]string) {
	t.Helper()
	ctx := context.Background()
	logs := cloudwatchlogs.NewFromConfig(w.cfg)
	if _, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name), Tags: tags}); err != nil {
		t.Fatalf("create log group %s: %v", name, err)
	}
	if days > 0 {
		if _, err := logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(days)}); err != nil {
			t.Fatalf("put retention of %s: %v", name, err)
		}
	}
}

// retention returns moto's retention of every log group (0: never expire).
func (w *world) retention(t *testing.T) map[string]int32 {
	t.Helper()
	out := map[string]int32{}
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(cloudwatchlogs.NewFromConfig(w.cfg), &cloudwatchlogs.DescribeLogGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.LogGroups {
			out[aws.ToString(g.LogGroupName)] = aws.ToInt32(g.RetentionInDays)
		}
	}
	return out
}

// A run with the default configuration lengthens what is too short and
// leaves alone what keeps events longer than the policy, forever included.
func TestIntegrationRetentionDefaultDeletesNothing(t *testing.T) {
	w := newWorld(t)
	w.addLogGroup(t, "/aws/cloudtrail/org-audit", 0, nil)
	w.addLogGroup(t, "/app/payments", 2557, nil)

	plan := w.plan(t)
	for _, g := range []string{"/aws/cloudtrail/org-audit", "/app/payments"} {
		if a, ok := find(plan, "report", g); !ok || !strings.Contains(a.Reason, "not changed: shortening is opt-in (monitor.log_retention.shorten / shorten_prefixes)") {
			t.Errorf("plan row of %s = %+v, want a report that shortening is opt-in", g, a)
		}
		if _, ok := find(plan, "set-log-retention", g); ok {
			t.Errorf("plan sets the retention of %s", g)
		}
	}
	if a, ok := find(plan, "set-log-retention", "/app/short"); !ok || !strings.HasSuffix(a.Reason, "keeps events longer, deletes nothing") {
		t.Errorf("plan row of /app/short = %+v", a)
	}

	w.apply(t)
	got := w.retention(t)
	for g, want := range map[string]int32{
		"/aws/cloudtrail/org-audit": 0,
		"/app/payments":             2557,
		"/app/no-retention":         0,
		"/app/short":                180,
		"/app/ok":                   180,
		"/app/exempt":               0,
	} {
		if got[g] != want {
			t.Errorf("%s retention = %d, want %d", g, got[g], want)
		}
	}
}

// Shortening happens only where it was asked for, by prefix or by the log
// group's tag, and the run says it deleted events.
func TestIntegrationRetentionShortensWhereOptedIn(t *testing.T) {
	w := newWorld(t)
	w.addLogGroup(t, "/aws/cloudtrail/org-audit", 0, nil)
	w.addLogGroup(t, "/app/payments", 2557, nil)
	w.addLogGroup(t, "/app/debug", 0, map[string]string{"opsd:log-retention": "shorten"})
	cfg := integrationConfig()
	cfg.LogRetention.ShortenPrefixes = []string{"/app/pay"}
	rec := &notify.Recorder{}
	svc := w.service(t, cfg, w.cfg, rec)

	res := svc.Reconcile(context.Background(), reconcile.Request{Now: testNow, Mode: reconcile.Apply})
	if len(res.Errors) > 0 {
		t.Fatalf("apply errors: %v", res.Errors)
	}
	for _, g := range []string{"/app/payments", "/app/debug"} {
		a, ok := find(res, "set-log-retention", g)
		if !ok || a.Status != reconcile.Done || !strings.Contains(a.Reason, "set to 180 days: deletes events older than 180 days") {
			t.Errorf("%s: %+v, want its retention shortened, saying what it deletes", g, a)
		}
	}
	got := w.retention(t)
	for g, want := range map[string]int32{
		"/aws/cloudtrail/org-audit": 0,
		"/app/no-retention":         0,
		"/app/payments":             180,
		"/app/debug":                180,
		"/app/short":                180,
	} {
		if got[g] != want {
			t.Errorf("%s retention = %d, want %d", g, got[g], want)
		}
	}
	msgs := rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Title, "2 log groups' retention shortened (older events deleted)") ||
		!strings.Contains(msgs[0].Title, "1 log group's retention lengthened") || !strings.Contains(msgs[0].Text, "deletes events older than 180 days") {
		t.Errorf("messages = %+v", msgs)
	}
}
