package monitor

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Integration tests: the real SDK clients against moto_server, through
// the wire-protocol handlers of proxy_test.go.
//
// moto quirks these tests live with (besides what proxy_test.go fakes):
//   - PutMetricData bodies are gzipped by the SDK, which moto cannot read
//     with the JSON protocol: the seed turns compression off (opsd itself
//     never puts metric data).
//   - DescribeAlarms, ListDashboards and DescribeCanaries never page.
//   - PutMetricAlarm keeps the tags of an alarm it replaces, as AWS does;
//     unlike AWS it would also apply Tags given on an update (opsd sends
//     none then).

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

const (
	testAccount = mototest.DefaultAccountID
	testRegion  = "eu-west-2"
	alertTopic  = "arn:aws:sns:eu-west-2:123456789012:ops-alerts"
)

// world is one integration test's moto, fakes, estate and service.
type world struct {
	srv  *mototest.Server
	wire *wire
	cfg  aws.Config
	e    estate
	svc  *Service
	rec  *notify.Recorder
	// readOnly is cfg with awsenv's plan-mode guard, as the daemon builds
	// it for plan.
	readOnly aws.Config
	svcPlan  *Service
}

func integrationConfig() Config {
	c := DefaultConfig()
	c.Enabled = true
	c.AlarmTopics = []string{"arn:aws:sns:{region}:{account}:ops-alerts"}
	c.DeliveryLogging.RoleARN = "arn:aws:iam::{account}:role/sns-delivery"
	return c
}

func newWorld(t *testing.T) *world {
	t.Helper()
	srv := mototest.Shared(t)
	srv.Reset(t)
	t.Cleanup(func() {
		if t.Failed() {
			log := srv.Log()
			t.Logf("moto log:\n%s", log[max(0, len(log)-4000):])
		}
	})
	w := &world{srv: srv, wire: newWire(t, srv), rec: &notify.Recorder{}}
	w.cfg = w.wire.proxy.Config(testRegion)
	w.readOnly = w.cfg.Copy()
	awsenv.Instrument(&w.readOnly, true, 30*time.Second, nil, nil)
	w.e = seed(t, w.cfg)
	w.svc = w.service(t, integrationConfig(), w.cfg, w.rec)
	w.svcPlan = w.service(t, integrationConfig(), w.readOnly, nil)
	return w
}

func (w *world) service(t *testing.T, c Config, cfg aws.Config, n notify.Notifier) *Service {
	t.Helper()
	svc, err := New(c, Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return []accounts.Target{{Account: testAccount, Region: testRegion, Config: cfg}}, nil
		},
		FanOut:   accounts.FanOut{Limit: 1},
		Notifier: n,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

var testNow = time.Date(2026, 11, 24, 19, 5, 0, 0, time.UTC)

func (w *world) apply(t *testing.T) reconcile.Result {
	t.Helper()
	res := w.svc.Reconcile(context.Background(), reconcile.Request{Now: testNow, Mode: reconcile.Apply})
	if len(res.Errors) > 0 {
		t.Fatalf("apply errors: %v", res.Errors)
	}
	for _, a := range res.Actions {
		if a.Status == reconcile.Failed {
			t.Errorf("failed: %s %s: %s", a.Action, a.Resource, a.Error)
		}
	}
	return res
}

func (w *world) plan(t *testing.T) reconcile.Result {
	t.Helper()
	res := w.svcPlan.Reconcile(context.Background(), reconcile.Request{Now: testNow, Mode: reconcile.Plan})
	if len(res.Errors) > 0 {
		t.Fatalf("plan errors: %v", res.Errors)
	}
	return res
}

// alarms returns moto's alarms by name.
func (w *world) alarms(t *testing.T) map[string]cwtypes.MetricAlarm {
	t.Helper()
	out, err := cloudwatch.NewFromConfig(w.cfg, mototest.CloudWatchJSON).DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]cwtypes.MetricAlarm{}
	for _, a := range out.MetricAlarms {
		m[aws.ToString(a.AlarmName)] = a
	}
	return m
}

func (w *world) alarmTags(t *testing.T, name string) map[string]string {
	t.Helper()
	out, err := cloudwatch.NewFromConfig(w.cfg, mototest.CloudWatchJSON).ListTagsForResource(context.Background(), &cloudwatch.ListTagsForResourceInput{
		ResourceARN: aws.String(alarmARN(testAccount, testRegion, name)),
	})
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, tg := range out.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return tags
}

// count returns how many actions have action name and status.
func count(res reconcile.Result, action string, status reconcile.Status) int {
	n := 0
	for _, a := range res.Actions {
		if a.Action == action && a.Status == status {
			n++
		}
	}
	return n
}

func find(res reconcile.Result, action, resource string) (reconcile.Action, bool) {
	for _, a := range res.Actions {
		if a.Action == action && a.Resource == resource {
			return a, true
		}
	}
	return reconcile.Action{}, false
}

// changing returns the actions that change something: neither findings
// nor the coverage rows (action none).
func changing(res reconcile.Result) []reconcile.Action {
	var out []reconcile.Action
	for _, a := range res.Actions {
		if a.Status != reconcile.Reported && a.Action != "none" {
			out = append(out, a)
		}
	}
	return out
}

func TestIntegrationFirstRunProvisionsSecondChangesNothing(t *testing.T) {
	w := newWorld(t)
	e := w.e

	w.wire.proxy.ResetCalls()
	plan := w.plan(t)
	if n := count(plan, "create-alarm", reconcile.Planned); n != 21 {
		t.Errorf("plan: %d alarms to create, want 21", n)
	}
	if len(w.alarms(t)) != 0 {
		t.Fatal("plan mode made alarms")
	}
	for _, call := range w.wire.proxy.Calls() {
		op := call[strings.LastIndex(call, ".")+1:]
		if !awsenv.IsReadOnly(op) && !strings.HasPrefix(call, "POST /canaries") && !strings.HasPrefix(call, "GET ") {
			t.Errorf("plan made call %s", call)
		}
	}
	w.wire.proxy.ResetCalls()

	first := w.apply(t)
	want := []string{
		alarmName(KindEC2, e.web, MetricStatus), alarmName(KindEC2, e.web, MetricCPU), alarmName(KindEC2, e.web, MetricMemory),
		alarmName(KindEC2, e.web, MetricDisk), alarmName(KindEC2, e.web, MetricDiskIO),
		alarmName(KindEC2, e.win, MetricStatus), alarmName(KindEC2, e.win, MetricCPU), alarmName(KindEC2, e.win, MetricMemory),
		alarmName(KindEC2, e.win, MetricDisk),
		alarmName(KindEC2, e.nightly, MetricStatus), alarmName(KindEC2, e.nightly, MetricCPU),
		"opsd-rds-orders-db-cpu", "opsd-rds-orders-db-storage", "opsd-rds-orders-db-memory", "opsd-rds-orders-db-logins",
		"opsd-alb-orders-alb-5xx", "opsd-canary-orders-health-success",
		"opsd-sns-orders-events-failed", "opsd-sns-ops-alerts-failed", "opsd-dlq-orders-dlq-messages",
	}
	got := w.alarms(t)
	var names []string
	for n := range got {
		if !strings.HasPrefix(n, "opsd-api-") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("alarms made:\n%v\nwant:\n%v", names, want)
	}
	if n := count(first, "create-alarm", reconcile.Done); n != 21 {
		t.Errorf("create-alarm done %d times, want 21 (the REST API's included)", n)
	}

	// Every alarm is tagged as opsd's, with the resource it watches, and
	// notifies the alert topic on ALARM and OK.
	for name, a := range got {
		tags := w.alarmTags(t, name)
		if tags["opsd:managed"] != "true" || tags["opsd:resource"] == "" {
			t.Errorf("%s tags = %v", name, tags)
		}
		if !slices.Equal(a.AlarmActions, []string{alertTopic}) || !slices.Equal(a.OKActions, []string{alertTopic}) {
			t.Errorf("%s actions = %v / %v", name, a.AlarmActions, a.OKActions)
		}
	}
	if tags := w.alarmTags(t, "opsd-rds-orders-db-cpu"); tags["opsd:resource"] != "arn:aws:rds:eu-west-2:123456789012:db:orders-db" {
		t.Errorf("orders-db alarm resource tag = %q", tags["opsd:resource"])
	}

	// The agent's real dimensions: the root disk's device and fstype, the
	// Windows drive's objectname.
	disk := got[alarmName(KindEC2, e.web, MetricDisk)]
	if d := formatDimensions(dimensionsOf(disk.Dimensions)); d != "InstanceId="+e.web+",device=nvme0n1p1,fstype=xfs,path=/" {
		t.Errorf("linux disk alarm dimensions = %s", d)
	}
	wdisk := got[alarmName(KindEC2, e.win, MetricDisk)]
	if aws.ToString(wdisk.MetricName) != "LogicalDisk % Free Space" || aws.ToFloat64(wdisk.Threshold) != 15 || wdisk.ComparisonOperator != cwtypes.ComparisonOperatorLessThanThreshold {
		t.Errorf("windows disk alarm = %s %v %s", aws.ToString(wdisk.MetricName), aws.ToFloat64(wdisk.Threshold), wdisk.ComparisonOperator)
	}
	// Shutdown-aware: the nightly instance's silence is not breaching; the
	// always-on instance's missing status checks are.
	if tmd := aws.ToString(got[alarmName(KindEC2, e.nightly, MetricStatus)].TreatMissingData); tmd != "notBreaching" {
		t.Errorf("nightly status TreatMissingData = %s", tmd)
	}
	if tmd := aws.ToString(got[alarmName(KindEC2, e.web, MetricStatus)].TreatMissingData); tmd != "breaching" {
		t.Errorf("web status TreatMissingData = %s", tmd)
	}
	if th := aws.ToFloat64(got[alarmName(KindEC2, e.nightly, MetricCPU)].Threshold); th != 90 {
		t.Errorf("nightly cpu threshold = %v, want the tag's 90", th)
	}
	// The load balancer's 5xx alarm sums targets' and its own.
	alb := got["opsd-alb-orders-alb-5xx"]
	if len(alb.Metrics) != 3 || aws.ToString(alb.Metrics[2].Expression) != "FILL(m1,0)+FILL(m2,0)" {
		t.Errorf("alb alarm metrics = %+v", alb.Metrics)
	} else if d := alb.Metrics[0].MetricStat.Metric.Dimensions; aws.ToString(d[0].Value) != e.albDim {
		t.Errorf("alb dimension = %s, want %s", aws.ToString(d[0].Value), e.albDim)
	}

	ctx := context.Background()
	cw := cloudwatch.NewFromConfig(w.cfg, mototest.CloudWatchJSON)
	dash, err := cw.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String("opsd-orders-eu-west-2")})
	if err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	if body := aws.ToString(dash.DashboardBody); !strings.Contains(body, "opsd-rds-orders-db-cpu") || !strings.Contains(body, e.web) {
		t.Errorf("dashboard body lacks the application's alarms and instances: %s", body)
	}

	logs := cloudwatchlogs.NewFromConfig(w.cfg)
	groups, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	retention := map[string]int32{}
	for _, g := range groups.LogGroups {
		retention[aws.ToString(g.LogGroupName)] = aws.ToInt32(g.RetentionInDays)
	}
	for g, want := range map[string]int32{"/app/no-retention": 0, "/app/short": 180, "/app/ok": 180, "/app/exempt": 0} {
		if retention[g] != want {
			t.Errorf("%s retention = %d, want %d", g, retention[g], want)
		}
	}
	filters, err := logs.DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String("/aws/rds/instance/orders-db/postgresql")})
	if err != nil || len(filters.MetricFilters) != 1 || aws.ToString(filters.MetricFilters[0].FilterPattern) != `"password authentication failed"` {
		t.Errorf("login failure filter = %+v, %v", filters, err)
	}
	subs, err := rds.NewFromConfig(w.cfg).DescribeEventSubscriptions(ctx, &rds.DescribeEventSubscriptionsInput{})
	if err != nil || len(subs.EventSubscriptionsList) != 1 {
		t.Fatalf("event subscriptions = %+v, %v", subs, err)
	}
	if s := subs.EventSubscriptionsList[0]; aws.ToString(s.SnsTopicArn) != alertTopic || !slices.Equal(s.SourceIdsList, []string{"orders-db"}) {
		t.Errorf("event subscription = %s %v", aws.ToString(s.SnsTopicArn), s.SourceIdsList)
	}
	if role := w.wire.topicAttribute(e.topicARN, "SQSFailureFeedbackRoleArn"); role != "arn:aws:iam::123456789012:role/sns-delivery" {
		t.Errorf("delivery logging failure role = %q", role)
	}
	msgs := w.rec.Messages()
	if len(msgs) != 1 || msgs[0].Kind != notify.KindMonitor || !strings.Contains(msgs[0].Title, "21 alarms created") || !strings.Contains(msgs[0].Title, "1 log group's retention lengthened") {
		t.Fatalf("messages after the first run = %+v", msgs)
	}

	second := w.apply(t)
	if ch := changing(second); len(ch) != 0 {
		t.Errorf("second run changed %d things: %+v", len(ch), ch)
	}
	if len(w.rec.Messages()) != 1 {
		t.Errorf("second run sent a message: %+v", w.rec.Messages()[1:])
	}
	// The instance without the agent is still reported.
	if _, ok := find(second, "report", e.nightly); !ok {
		t.Error("the instance without agent metrics is not reported")
	}
}

func TestIntegrationRestoresHandEditsAndDeletesTerminated(t *testing.T) {
	w := newWorld(t)
	w.apply(t)
	ctx := context.Background()
	cw := cloudwatch.NewFromConfig(w.cfg, mototest.CloudWatchJSON)

	// Someone raises a threshold by hand and turns the actions off.
	cpu := alarmName(KindEC2, w.e.web, MetricCPU)
	a := w.alarms(t)[cpu]
	if _, err := cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: a.AlarmName, AlarmDescription: a.AlarmDescription, Namespace: a.Namespace, MetricName: a.MetricName,
		Dimensions: a.Dimensions, Statistic: a.Statistic, Period: a.Period, EvaluationPeriods: a.EvaluationPeriods,
		Threshold: aws.Float64(95), ComparisonOperator: a.ComparisonOperator, TreatMissingData: a.TreatMissingData,
		AlarmActions: a.AlarmActions, OKActions: a.OKActions, ActionsEnabled: aws.Bool(false),
	}); err != nil {
		t.Fatal(err)
	}
	// An alarm opsd does not manage, named like one of its own, and one
	// named as opsd would name an alarm it wants.
	for _, name := range []string{"opsd-ec2-i-0000000000000000-cpu", alarmName(KindALB, "orders-alb", "latency"), "team-orders-latency"} {
		if _, err := cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(name), Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
			Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		}); err != nil {
			t.Fatal(err)
		}
	}
	// The windows instance is terminated.
	if _, err := ec2.NewFromConfig(w.cfg).TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{w.e.win}}); err != nil {
		t.Fatal(err)
	}

	plan := w.plan(t)
	upd, ok := find(plan, "update-alarm", cpu)
	if !ok || upd.Status != reconcile.Planned || !strings.Contains(upd.Details["changes"], "threshold: 95 → 80") || !strings.Contains(upd.Details["changes"], "actions_enabled: false → true") {
		t.Errorf("plan update of %s = %+v (found %v)", cpu, upd, ok)
	}
	if n := count(plan, "delete-alarm", reconcile.Planned); n != 4 {
		t.Errorf("plan deletes %d alarms, want the terminated instance's 4", n)
	}

	res := w.apply(t)
	after := w.alarms(t)
	if th := aws.ToFloat64(after[cpu].Threshold); th != 80 || !aws.ToBool(after[cpu].ActionsEnabled) {
		t.Errorf("hand-edited alarm threshold %v enabled %v after reconcile, want 80 and true", th, aws.ToBool(after[cpu].ActionsEnabled))
	}
	if tags := w.alarmTags(t, cpu); tags["opsd:managed"] != "true" {
		t.Errorf("tags lost on update: %v", tags)
	}
	for _, m := range []string{MetricStatus, MetricCPU, MetricMemory, MetricDisk} {
		name := alarmName(KindEC2, w.e.win, m)
		if _, ok := after[name]; ok {
			t.Errorf("alarm %s of the terminated instance survived", name)
		}
		if a, ok := find(res, "delete-alarm", name); !ok || a.Status != reconcile.Done || !strings.Contains(a.Reason, "no longer exists") {
			t.Errorf("delete of %s = %+v", name, a)
		}
	}
	for _, name := range []string{"opsd-ec2-i-0000000000000000-cpu", alarmName(KindALB, "orders-alb", "latency"), "team-orders-latency"} {
		if _, ok := after[name]; !ok {
			t.Errorf("unmanaged alarm %s was deleted", name)
		}
	}
	if ch := changing(w.apply(t)); len(ch) != 0 {
		t.Errorf("third run changed %+v", ch)
	}
}

func TestIntegrationUnmanagedAlarmOfWantedNameIsReported(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	name := alarmName(KindRDS, "orders-db", MetricCPU)
	if _, err := cloudwatch.NewFromConfig(w.cfg, mototest.CloudWatchJSON).PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name), Namespace: aws.String("AWS/RDS"), MetricName: aws.String("CPUUtilization"),
		Statistic: cwtypes.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(99),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	}); err != nil {
		t.Fatal(err)
	}
	res := w.apply(t)
	a, ok := find(res, "report", name)
	if !ok || !strings.Contains(a.Reason, "without tag opsd:managed=true") {
		t.Errorf("report = %+v (found %v)", a, ok)
	}
	if th := aws.ToFloat64(w.alarms(t)[name].Threshold); th != 99 {
		t.Errorf("unmanaged alarm threshold = %v, want it left at 99", th)
	}
}

func TestIntegrationEventSubscriptionFollowsScope(t *testing.T) {
	w := newWorld(t)
	w.apply(t)
	ctx := context.Background()
	rc := rds.NewFromConfig(w.cfg)
	// dev-db opts in; orders-db opts out.
	for db, tag := range map[string]string{"dev-db": "true", "orders-db": "false"} {
		if _, err := rc.AddTagsToResource(ctx, &rds.AddTagsToResourceInput{
			ResourceName: aws.String("arn:aws:rds:eu-west-2:123456789012:db:" + db),
			Tags:         []rdstypes.Tag{{Key: aws.String("opsd:monitor"), Value: aws.String(tag)}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	res := w.apply(t)
	if a, ok := find(res, "update-event-subscription", "opsd-rds-events"); !ok || a.Status != reconcile.Done || !strings.Contains(a.Details["changes"], "sources: orders-db → dev-db") {
		t.Errorf("update = %+v (found %v)", a, ok)
	}
	subs, err := rc.DescribeEventSubscriptions(ctx, &rds.DescribeEventSubscriptionsInput{})
	if err != nil || len(subs.EventSubscriptionsList) != 1 || !slices.Equal(subs.EventSubscriptionsList[0].SourceIdsList, []string{"dev-db"}) {
		t.Fatalf("subscription after = %+v, %v", subs, err)
	}
	if a, ok := find(res, "delete-metric-filter", "/aws/rds/instance/orders-db/postgresql"); !ok || !strings.Contains(a.Reason, "opted out") {
		t.Errorf("login filter of the opted-out db = %+v (found %v)", a, ok)
	}
	if n := count(res, "delete-alarm", reconcile.Done); n != 4 {
		t.Errorf("deleted %d alarms, want orders-db's 4", n)
	}
	if ch := changing(w.apply(t)); len(ch) != 0 {
		t.Errorf("next run changed %+v", ch)
	}
}

// A mute-until tag set through the SDK mutes the instance's alarms in
// moto (actions disabled, the alarms kept), and once its time has passed
// the next run turns the actions back on.
func TestIntegrationMuteUntil(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, err := ec2.NewFromConfig(w.cfg).CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{w.e.web},
		Tags: []ec2types.Tag{{Key: aws.String("opsd:monitor:mute-until"), Value: aws.String(testNow.Add(2 * time.Hour).Format(time.RFC3339))}}}); err != nil {
		t.Fatal(err)
	}
	w.apply(t)
	cpu, other := alarmName(KindEC2, w.e.web, MetricCPU), alarmName(KindEC2, w.e.win, MetricCPU)
	got := w.alarms(t)
	if a, ok := got[cpu]; !ok || aws.ToBool(a.ActionsEnabled) {
		t.Fatalf("%s while muted: present %v, actions enabled %v; want present with actions off", cpu, ok, aws.ToBool(a.ActionsEnabled))
	}
	if !aws.ToBool(got[other].ActionsEnabled) {
		t.Errorf("%s of an unmuted instance has its actions off", other)
	}
	res := w.svc.Reconcile(ctx, reconcile.Request{Now: testNow.Add(2*time.Hour + 5*time.Minute), Mode: reconcile.Apply})
	if a, ok := find(res, "update-alarm", cpu); !ok || a.Reason != "actions enabled (no mute-until tag holds)" {
		t.Errorf("after the mute: %+v", a)
	}
	if !aws.ToBool(w.alarms(t)[cpu].ActionsEnabled) {
		t.Errorf("%s after the mute: actions still off", cpu)
	}
}
