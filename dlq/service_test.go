package dlq

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// harness is the service over fakes in one or more accounts.
type harness struct {
	t    *testing.T
	envs map[string]*env // by account
	rec  *notify.Recorder
	svc  *Service
	deps Deps
	cfg  Config
	// notifyErr, when set, makes the notifier fail.
	mu        sync.Mutex
	notifyErr error
}

func (h *harness) Notify(ctx context.Context, msg notify.Message) error {
	h.mu.Lock()
	err := h.notifyErr
	h.mu.Unlock()
	if err != nil {
		return err
	}
	return h.rec.Notify(ctx, msg)
}

func newHarness(t *testing.T, cfg Config, accts ...string) *harness {
	t.Helper()
	if len(accts) == 0 {
		accts = []string{testAccount}
	}
	h := &harness{t: t, envs: map[string]*env{}, rec: &notify.Recorder{}}
	var targets []accounts.Target
	for _, a := range accts {
		e := newEnv(t0)
		e.sqs.account = a
		h.envs[a] = e
		targets = append(targets, accounts.Target{Account: a, Region: testRegion, Config: aws.Config{Region: testRegion, AppID: a}})
	}
	cfg.Enabled = true
	h.cfg = cfg
	h.deps = Deps{
		Targets:  func(context.Context) ([]accounts.Target, error) { return targets, nil },
		FanOut:   accounts.FanOut{Limit: 2},
		Notifier: h,
		Location: time.UTC,
		Clients:  func(c aws.Config) Clients { return h.envs[c.AppID].clients() },
	}
	h.restart(nil)
	return h
}

// restart replaces the service with a new one, as a restarted daemon or
// another replica has: it remembers only what store holds (nil: nothing).
func (h *harness) restart(store state.Keeper) {
	h.t.Helper()
	deps := h.deps
	deps.State = store
	svc, err := New(h.cfg, deps)
	if err != nil {
		h.t.Fatal(err)
	}
	h.svc = svc
}

func (h *harness) env() *env { return h.envs[testAccount] }

// run reconciles at now, with every fake's clock at now.
func (h *harness) run(mode reconcile.Mode, now time.Time) reconcile.Result {
	h.t.Helper()
	for _, e := range h.envs {
		e.clock.mu.Lock()
		e.clock.t = now
		e.clock.mu.Unlock()
	}
	return h.svc.Reconcile(context.Background(), reconcile.Request{Now: now, Mode: mode})
}

func actionsOf(res reconcile.Result, action string) []reconcile.Action {
	var out []reconcile.Action
	for _, a := range res.Actions {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

func findAction(res reconcile.Result, resource, action string) (reconcile.Action, bool) {
	for _, a := range res.Actions {
		if a.Resource == resource && a.Action == action {
			return a, true
		}
	}
	return reconcile.Action{}, false
}

// mutating returns the calls of the fakes that change anything.
func (e *env) mutating() []string {
	var out []string
	for _, op := range append(e.sqs.calls.all(), e.s3.calls.all()...) {
		if !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "List") {
			out = append(out, op)
		}
	}
	return out
}

// seedOrders makes an orders queue whose dead-letter queue is orders-dlq,
// with an alarm on the DLQ's depth.
func seedOrders(e *env) *fakeQueue {
	dlq := e.sqs.addQueue("orders-dlq", retention4d, "", nil)
	e.sqs.addQueue("orders", 0, "orders-dlq", nil)
	e.sqs.addQueue("orders-replica", 0, "orders-dlq", nil)
	e.sqs.addQueue("unrelated", 0, "", nil)
	e.cw.addAlarm("orders-dlq-not-empty", "orders-dlq", cwtypes.StateValueAlarm)
	e.cw.addAlarm("other-queue-alarm", "unrelated", cwtypes.StateValueOk)
	return dlq
}

func archivingConfig() Config {
	c := DefaultConfig()
	c.Archive.Bucket = testBucket
	return c
}

func TestPlanChangesNothingAndSaysWhatItWouldDo(t *testing.T) {
	h := newHarness(t, archivingConfig())
	e := h.env()
	seedOrders(e)
	for range 3 {
		e.sqs.put("orders-dlq", "x", t0.Add(-3*24*time.Hour-time.Hour), nil)
	}
	e.cw.ages["orders-dlq"] = 26 * time.Hour
	e.sqs.addQueue("old-dlq", retention4d, "", map[string]string{"opsd:dlq": "true"})
	e.sqs.put("old-dlq", "x", t0.Add(-4*24*time.Hour), nil)
	e.cw.ages["old-dlq"] = 3*24*time.Hour + time.Minute
	res := h.run(reconcile.Plan, t0)
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	if m := e.mutating(); len(m) != 0 {
		t.Errorf("plan made mutating calls: %v", m)
	}
	if n := len(h.rec.Messages()); n != 0 {
		t.Errorf("plan sent %d messages", n)
	}
	watch, ok := findAction(res, "orders-dlq", actionWatch)
	if !ok || watch.Status != reconcile.Reported || watch.Details["visible"] != "3" || watch.Details["oldest_age"] != "1d 2h" ||
		watch.Details["sources"] != "orders,orders-replica" || watch.Details["alarm"] != "ALARM (orders-dlq-not-empty)" ||
		watch.Details["found_by"] != "redrive policy" || watch.Account != testAccount || watch.Region != testRegion {
		t.Errorf("watch = %+v", watch)
	}
	arch, ok := findAction(res, "orders-dlq", actionArchive)
	if !ok || arch.Status != reconcile.Planned || arch.Details["due"] != "unknown until received" ||
		!strings.Contains(arch.Reason, "sent at or before 2026-11-21 10:00 UTC") {
		t.Errorf("archive = %+v", arch)
	}
	if alert, ok := findAction(res, "orders-dlq", actionAlert); !ok || alert.Status != reconcile.Planned {
		t.Errorf("alert = %+v", alert)
	}
	if remind, ok := findAction(res, "orders-dlq", actionRemind); ok {
		t.Errorf("a reminder beside the alert: %+v", remind)
	}
	if a, _ := findAction(res, "old-dlq", actionArchive); a.Details["due"] != "at least 1 (the oldest message)" {
		t.Errorf("old-dlq archive = %+v", a)
	}
	for _, a := range res.Actions {
		if a.Resource != "orders-dlq" && a.Resource != "old-dlq" {
			t.Errorf("action on a queue that is not a DLQ: %+v", a)
		}
	}
	// Plan mode remembers nothing: an Apply run afterwards still alerts.
	res = h.run(reconcile.Apply, t0.Add(time.Minute))
	if a, _ := findAction(res, "orders-dlq", actionAlert); a.Status != reconcile.Done {
		t.Errorf("first apply alert = %+v", a)
	}
}

func TestOneAlertPerBurst(t *testing.T) {
	c := DefaultConfig() // watch only
	h := newHarness(t, c)
	e := h.env()
	seedOrders(e)
	h.run(reconcile.Apply, t0)
	if n := len(h.rec.Messages()); n != 0 {
		t.Fatalf("%d messages for an empty queue", n)
	}
	for range 2 {
		e.sqs.put("orders-dlq", "x", t0, nil)
	}
	e.cw.ages["orders-dlq"] = 90 * time.Second
	res := h.run(reconcile.Apply, t0.Add(time.Minute))
	msgs := h.rec.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one alert", len(msgs))
	}
	m := msgs[0]
	if m.Kind != notify.KindDLQ || m.Title != "DLQ: 2 new messages in orders-dlq (111111111111/eu-west-2)" {
		t.Errorf("alert = %q %q", m.Kind, m.Title)
	}
	fields := map[string]string{}
	for _, f := range m.Fields {
		fields[f.Label] = f.Value
	}
	for k, want := range map[string]string{
		"Queue": "orders-dlq", "Account": testAccount, "Region": testRegion, "Messages": "2 (2 new)",
		"Oldest": "1m 30s", "Source queues": "orders, orders-replica", "Alarm": "ALARM (orders-dlq-not-empty)",
	} {
		if fields[k] != want {
			t.Errorf("field %s = %q, want %q", k, fields[k], want)
		}
	}
	if !strings.Contains(fields["Archive"], "no archive bucket") {
		t.Errorf("archive field = %q", fields["Archive"])
	}
	if a, _ := findAction(res, "orders-dlq", actionAlert); a.Status != reconcile.Done {
		t.Errorf("alert action = %+v", a)
	}
	// More arrivals every minute for half an hour: the same burst.
	for i := 2; i < 30; i++ {
		e.sqs.put("orders-dlq", "x", t0, nil)
		h.run(reconcile.Apply, t0.Add(time.Duration(i)*time.Minute))
	}
	if n := len(h.rec.Messages()); n != 1 {
		t.Fatalf("%d messages after 28 more polls with arrivals, want still 1", n)
	}
	// Quiet for the burst gap, then a new arrival: a new burst.
	h.run(reconcile.Apply, t0.Add(90*time.Minute))
	e.sqs.put("orders-dlq", "x", t0, nil)
	h.run(reconcile.Apply, t0.Add(91*time.Minute))
	msgs = h.rec.Messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1].Title, "1 new message in orders-dlq") {
		t.Fatalf("after the gap: %d messages, last %q", len(msgs), msgs[len(msgs)-1].Title)
	}
	if n := e.sqs.calls.count("ReceiveMessage"); n != 0 {
		t.Errorf("watch-only made %d receives", n)
	}
}

func TestAnAlertThatCouldNotBeSentIsSentNextRun(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	e := h.env()
	seedOrders(e)
	h.run(reconcile.Apply, t0)
	e.sqs.put("orders-dlq", "x", t0, nil)
	h.notifyErr = errors.New("slack is down")
	res := h.run(reconcile.Apply, t0.Add(time.Minute))
	a, _ := findAction(res, "orders-dlq", actionAlert)
	if a.Status != reconcile.Failed || !strings.Contains(a.Error, "slack is down") || !res.Failed() {
		t.Errorf("alert = %+v", a)
	}
	h.notifyErr = nil
	res = h.run(reconcile.Apply, t0.Add(2*time.Minute))
	if a, _ := findAction(res, "orders-dlq", actionAlert); a.Status != reconcile.Done {
		t.Errorf("retried alert = %+v", a)
	}
	if n := len(h.rec.Messages()); n != 1 {
		t.Errorf("%d messages, want the alert once", n)
	}
}

func TestReminderAfterRemindAfter(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	e := h.env()
	seedOrders(e)
	e.sqs.put("orders-dlq", "x", t0, nil)
	e.cw.ages["orders-dlq"] = time.Hour
	h.run(reconcile.Apply, t0) // first look: alert
	e.cw.ages["orders-dlq"] = 23 * time.Hour
	h.run(reconcile.Apply, t0.Add(22*time.Hour))
	if n := len(h.rec.Messages()); n != 1 {
		t.Fatalf("%d messages before remind_after", n)
	}
	e.cw.ages["orders-dlq"] = 25 * time.Hour
	res := h.run(reconcile.Apply, t0.Add(24*time.Hour))
	msgs := h.rec.Messages()
	if len(msgs) != 2 || !strings.HasPrefix(msgs[1].Title, "DLQ reminder: 1 message unreviewed in orders-dlq") {
		t.Fatalf("messages = %d, last %q", len(msgs), msgs[len(msgs)-1].Title)
	}
	if a, _ := findAction(res, "orders-dlq", actionRemind); a.Status != reconcile.Done {
		t.Errorf("remind action = %+v", a)
	}
	h.run(reconcile.Apply, t0.Add(25*time.Hour))
	if n := len(h.rec.Messages()); n != 2 {
		t.Errorf("reminded again within a day")
	}
}

func TestExpiryDrivenArchival(t *testing.T) {
	h := newHarness(t, archivingConfig())
	e := h.env()
	seedOrders(e)
	var msgs []*fakeMessage
	for i := range 5 {
		msgs = append(msgs, e.sqs.put("orders-dlq", "m", t0.Add(time.Duration(i)*time.Hour), nil))
	}
	// At first sight nothing is due: received, checked, released.
	res := h.run(reconcile.Apply, t0.Add(5*time.Hour))
	if _, ok := findAction(res, "orders-dlq", actionArchive); ok {
		t.Errorf("an archive action with nothing due: %+v", res.Actions)
	}
	if n := e.sqs.calls.count("ReceiveMessage"); n == 0 {
		t.Fatal("the first run did not look at the messages")
	}
	if len(e.s3.keys(testBucket)) != 0 {
		t.Fatal("archived messages not due")
	}
	// Within the scan interval, no receive at all.
	e.sqs.calls.reset()
	h.run(reconcile.Apply, t0.Add(5*time.Hour+10*time.Minute))
	if n := e.sqs.calls.count("ReceiveMessage"); n != 0 {
		t.Errorf("%d receives within the scan interval", n)
	}
	// Three days and an hour and a half later the first two are due (sent
	// at t0 and t0+1h; retention 4 days less 1 day margin).
	res = h.run(reconcile.Apply, t0.Add(3*24*time.Hour+90*time.Minute))
	a, ok := findAction(res, "orders-dlq", actionArchive)
	if !ok || a.Status != reconcile.Done || a.Details["archived"] != "2" || a.Details["deleted"] != "2" || a.Details["released"] != "3" {
		t.Fatalf("archive action = %+v", a)
	}
	for i, m := range msgs {
		_, _, archived := e.archived(t, queueOf(e.sqs.queues[e.sqs.queueURL("orders-dlq")]), m)
		if archived != (i < 2) {
			t.Errorf("message %d archived = %v", i, archived)
		}
	}
	if n := len(e.sqs.live("orders-dlq")); n != 3 {
		t.Errorf("%d messages left, want 3", n)
	}
	// Archiving is not an arrival.
	for _, m := range h.rec.Messages() {
		if strings.Contains(m.Title, "new messages") {
			t.Errorf("alert after archiving: %q", m.Title)
		}
	}
}

func TestArrivalModeArchivesAtOnceAndAlertsOnce(t *testing.T) {
	c := archivingConfig()
	c.Archive.When = ArchiveOnArrival
	h := newHarness(t, c)
	e := h.env()
	seedOrders(e)
	h.run(reconcile.Apply, t0)
	for i := 1; i <= 5; i++ {
		e.sqs.put("orders-dlq", "m", t0, nil)
		res := h.run(reconcile.Apply, t0.Add(time.Duration(i)*time.Minute))
		if a, _ := findAction(res, "orders-dlq", actionArchive); a.Status != reconcile.Done || a.Details["archived"] != "1" {
			t.Fatalf("run %d: archive action = %+v", i, a)
		}
	}
	if n := len(e.s3.keys(testBucket)); n != 5 {
		t.Errorf("%d objects, want 5", n)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Title, "1 new message") {
		t.Errorf("messages = %v", msgs)
	}
}

func TestArchivingRefusedIntoAPublicBucket(t *testing.T) {
	h := newHarness(t, archivingConfig())
	e := h.env()
	seedOrders(e)
	e.s3.pab[testBucket].BlockPublicPolicy = aws.Bool(false)
	e.sqs.put("orders-dlq", "m", t0.Add(-4*24*time.Hour), nil)
	for i := range 3 {
		res := h.run(reconcile.Apply, t0.Add(time.Duration(i)*time.Minute))
		a, ok := findAction(res, "orders-dlq", actionArchive)
		if !ok || a.Status != reconcile.Failed || !strings.Contains(a.Error, "does not block all public access") {
			t.Fatalf("run %d: archive action = %+v", i, a)
		}
	}
	if n := e.sqs.calls.count("ReceiveMessage") + e.s3.calls.count("PutObject"); n != 0 {
		t.Errorf("%d receives and puts into a refused bucket", n)
	}
	var problems []notify.Message
	for _, m := range h.rec.Messages() {
		if m.Severity == notify.Error {
			problems = append(problems, m)
		}
	}
	if len(problems) != 1 || !strings.Contains(problems[0].Text, "does not block all public access") {
		t.Errorf("problem messages = %v, want one", problems)
	}
	if n := len(e.sqs.live("orders-dlq")); n != 1 {
		t.Error("the message left the queue")
	}
}

func TestDiscovery(t *testing.T) {
	c := DefaultConfig()
	c.Queues = []string{"named-dlq", "arn:aws:sqs:eu-west-2:111111111111:pinned-dlq", "arn:aws:sqs:eu-west-2:111111111111:no-such-queue",
		"arn:aws:sqs:eu-west-2:222222222222:pinned-elsewhere"}
	c.Exclude = []string{"excluded-dlq"}
	h := newHarness(t, c)
	e := h.env()
	seedOrders(e)
	e.sqs.addQueue("named-dlq", 0, "", nil)
	e.sqs.addQueue("pinned-dlq", 0, "", nil)
	e.sqs.addQueue("tagged-dlq", 0, "", map[string]string{"opsd:dlq": "True"})
	e.sqs.addQueue("opted-out-dlq", 0, "", map[string]string{"opsd:dlq": "false"})
	e.sqs.addQueue("opted-out-src", 0, "opted-out-dlq", nil)
	e.sqs.addQueue("excluded-dlq", 0, "", nil)
	e.sqs.addQueue("excluded-src", 0, "excluded-dlq", nil)
	e.sqs.addQueue("jobs-dlq.fifo", 0, "", nil)
	e.sqs.addQueue("jobs.fifo", 0, "jobs-dlq.fifo", nil)
	e.sqs.addQueue("reviewed-dlq", 0, "", map[string]string{"opsd:dlq": "true", "opsd:dlq:reviewed": "2026-11-20T09:00:00Z"})
	res := h.run(reconcile.Plan, t0)
	var got []string
	why := map[string]string{}
	for _, a := range actionsOf(res, actionWatch) {
		got = append(got, a.Resource)
		why[a.Resource] = a.Details["found_by"]
	}
	want := []string{"jobs-dlq.fifo", "named-dlq", "orders-dlq", "pinned-dlq", "reviewed-dlq", "tagged-dlq"}
	if !slices.Equal(got, want) {
		t.Errorf("DLQs = %v, want %v", got, want)
	}
	if why["named-dlq"] != "config" || why["tagged-dlq"] != "tag" || why["jobs-dlq.fifo"] != "redrive policy" {
		t.Errorf("found by = %v", why)
	}
	if a, ok := findAction(res, "jobs-dlq.fifo", actionWatch); !ok || a.Details["fifo"] != "true" || a.Details["sources"] != "jobs.fifo" {
		t.Errorf("fifo dlq = %+v", a)
	}
	missing := actionsOf(res, "discover")
	if len(missing) != 1 || missing[0].Resource != "arn:aws:sqs:eu-west-2:111111111111:no-such-queue" || missing[0].Status != reconcile.Reported {
		t.Errorf("missing = %+v", missing)
	}
	d, _ := h.svc.discover(context.Background(), accounts.Target{Account: testAccount, Region: testRegion}, e.sqs, t0)
	for _, q := range d.Queues {
		if q.Name == "reviewed-dlq" && !q.ReviewedAt.Equal(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("reviewed at = %s", q.ReviewedAt)
		}
	}
	// Discovery is not repeated within discovery_interval.
	e.sqs.calls.reset()
	h.run(reconcile.Plan, t0.Add(5*time.Minute))
	if n := e.sqs.calls.count("ListQueues"); n != 0 {
		t.Errorf("%d ListQueues within the discovery interval", n)
	}
	h.run(reconcile.Plan, t0.Add(11*time.Minute))
	if n := e.sqs.calls.count("ListQueues"); n == 0 {
		t.Error("no discovery after the discovery interval")
	}
}

func TestOneAccountFailingLeavesTheOthers(t *testing.T) {
	h := newHarness(t, DefaultConfig(), testAccount, "222222222222")
	seedOrders(h.envs[testAccount])
	seedOrders(h.envs["222222222222"])
	h.envs["222222222222"].sqs.fail["ListQueues"] = apiError("AccessDenied", "not authorised to perform sqs:ListQueues")
	res := h.run(reconcile.Apply, t0)
	if len(res.Errors) != 1 {
		t.Fatalf("errors = %v", res.Errors)
	}
	var te *accounts.TargetError
	if !errors.As(res.Errors[0], &te) || te.Target.Account != "222222222222" || !strings.Contains(res.Errors[0].Error(), "list queues") {
		t.Errorf("error = %v", res.Errors[0])
	}
	if _, ok := findAction(res, "orders-dlq", actionWatch); !ok {
		t.Error("the healthy account was not watched")
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "account 222222222222 region eu-west-2: list queues: AccessDenied") {
		t.Errorf("messages = %+v", msgs)
	}
	// The same failure is not told again.
	h.run(reconcile.Apply, t0.Add(time.Minute))
	if n := len(h.rec.Messages()); n != 1 {
		t.Errorf("%d messages after the same failure twice", n)
	}
}

func TestAQueueDeletedSinceDiscoveryIsDropped(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	e := h.env()
	seedOrders(e)
	h.run(reconcile.Apply, t0)
	e.sqs.mu.Lock()
	delete(e.sqs.queues, e.sqs.queueURL("orders-dlq"))
	e.sqs.mu.Unlock()
	res := h.run(reconcile.Apply, t0.Add(time.Minute))
	if len(res.Errors) != 0 || len(res.Actions) != 0 {
		t.Errorf("errors %v actions %v", res.Errors, res.Actions)
	}
	e.sqs.calls.reset()
	h.run(reconcile.Apply, t0.Add(2*time.Minute))
	if e.sqs.calls.count("ListQueues") == 0 {
		t.Error("not discovered again after a queue went away")
	}
}

func TestArrivalsInSeveralQueuesAreOneMessage(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	e := h.env()
	seedOrders(e)
	e.sqs.addQueue("billing-dlq", 0, "", map[string]string{"opsd:dlq": "true"})
	h.run(reconcile.Apply, t0)
	e.sqs.put("orders-dlq", "x", t0, nil)
	e.sqs.put("billing-dlq", "x", t0, nil)
	e.sqs.put("billing-dlq", "y", t0, nil)
	h.run(reconcile.Apply, t0.Add(time.Minute))
	msgs := h.rec.Messages()
	if len(msgs) != 1 || msgs[0].Title != "DLQ: new messages in 2 dead-letter queues" || msgs[0].Table == nil || len(msgs[0].Table.Rows) != 2 {
		t.Fatalf("messages = %+v", msgs)
	}
	row := msgs[0].Table.Rows[0]
	if row[0] != "billing-dlq" || row[3] != "2" || row[4] != "2" || row[6] != "none" {
		t.Errorf("row = %v (columns %v)", row, msgs[0].Table.Columns)
	}
}

func TestTheArchiveBucketsRegion(t *testing.T) {
	c := archivingConfig()
	c.Archive.Region = "eu-west-1"
	e := newEnv(t0)
	seedOrders(e)
	var regions []string
	var mu sync.Mutex
	svc, err := New(c, Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return []accounts.Target{{Account: testAccount, Region: testRegion, Config: aws.Config{Region: testRegion}}}, nil
		},
		Clients: func(cfg aws.Config) Clients {
			mu.Lock()
			regions = append(regions, cfg.Region)
			mu.Unlock()
			return e.clients()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	svc.Reconcile(context.Background(), reconcile.Request{Now: t0, Mode: reconcile.Plan})
	if !slices.Equal(regions, []string{testRegion, "eu-west-1"}) {
		t.Errorf("clients built for regions %v", regions)
	}
}

func TestAProblemThatCouldNotBeToldIsToldNextRun(t *testing.T) {
	h := newHarness(t, archivingConfig())
	e := h.env()
	seedOrders(e)
	e.s3.enc[testBucket] = false
	e.sqs.put("orders-dlq", "m", t0.Add(-4*24*time.Hour), nil)
	h.notifyErr = errors.New("slack is down")
	res := h.run(reconcile.Apply, t0)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "send dlq problem report") {
		t.Fatalf("errors = %v", res.Errors)
	}
	h.notifyErr = nil
	h.run(reconcile.Apply, t0.Add(time.Minute))
	var problems int
	for _, m := range h.rec.Messages() {
		if m.Severity == notify.Error && strings.Contains(m.Text, "has no default encryption") {
			problems++
		}
	}
	if problems != 1 {
		t.Errorf("%d problem messages, want 1", problems)
	}
}
