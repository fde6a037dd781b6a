package monitor

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// summary writes changes as "action name" lines, reports included.
func summary(changes []*Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.ActionName()+" "+c.Name)
	}
	return out
}

func only(changes []*Change, o Object) []*Change {
	var out []*Change
	for _, c := range changes {
		if c.Object == o {
			out = append(out, c)
		}
	}
	return out
}

func managedTags(ref string) map[string]string {
	return map[string]string{"opsd:managed": "true", "opsd:resource": ref}
}

// desiredOf returns what the planner wants for r, by alarm name.
func desiredOf(t *testing.T, cfg Config, obs *Observation) map[string]Alarm {
	t.Helper()
	out := map[string]Alarm{}
	for _, c := range NewPlanner(cfg).Plan(obs) {
		if c.Object == ObjectAlarm && c.Op == OpCreate {
			out[c.Name] = *c.alarm
		}
	}
	return out
}

func TestAlarmChanges(t *testing.T) {
	cfg := testConfig()
	cfg.Scope.Kinds = []string{"ec2", "sns"}
	web := ec2Resource("i-web", false, map[string]string{"Environment": "production"})
	want := desiredOf(t, cfg, observation(web))
	status, cpu := want["opsd-ec2-i-web-status"], want["opsd-ec2-i-web-cpu"]

	drifted := cpu
	drifted.Threshold, drifted.TreatMissingData = 95, ""
	drifted.Tags = managedTags("i-web")
	untagged := status
	untagged.Tags = map[string]string{"opsd:managed": "true"}
	gone := Alarm{Name: "opsd-ec2-i-gone-cpu", Tags: managedTags("i-gone")}
	stg := Alarm{Name: "opsd-ec2-i-stg-cpu", Tags: managedTags("i-stg")}
	unmanaged := Alarm{Name: "opsd-ec2-i-gone2-cpu", Tags: map[string]string{"opsd:managed": "false"}}
	dropped := Alarm{Name: "opsd-rds-db1-cpu", Tags: managedTags("arn:db1")}
	unknownKind := Alarm{Name: "opsd-eks-f-errors", Tags: managedTags("f")}

	obs := observation(web, ec2Resource("i-stg", false, map[string]string{"Environment": "staging"}))
	obs.Alarms = []Alarm{drifted, untagged, gone, stg, unmanaged, dropped, unknownKind}
	changes := only(NewPlanner(cfg).Plan(obs), ObjectAlarm)
	got := map[string]*Change{}
	for _, c := range changes {
		got[c.ActionName()+" "+c.Name] = c
	}
	wantKeys := []string{
		"delete-alarm opsd-ec2-i-gone-cpu",
		"delete-alarm opsd-ec2-i-stg-cpu",
		"delete-alarm opsd-rds-db1-cpu",
		"tag-alarm opsd-ec2-i-web-status",
		"update-alarm opsd-ec2-i-web-cpu",
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, wantKeys) {
		t.Fatalf("changes = %v\nwant %v", keys, wantKeys)
	}
	if c := got["update-alarm opsd-ec2-i-web-cpu"]; c.Details["changes"] != "threshold: 95 → 80" || c.Reason != "drifted: threshold" || len(c.tags) != 0 {
		t.Errorf("update = %+v", c)
	}
	if c := got["tag-alarm opsd-ec2-i-web-status"]; formatTags(c.tags) != "opsd:resource=i-web" {
		t.Errorf("tag = %+v", c.tags)
	}
	for key, reason := range map[string]string{
		"delete-alarm opsd-ec2-i-gone-cpu": "EC2 instance i-gone no longer exists",
		"delete-alarm opsd-ec2-i-stg-cpu":  "EC2 instance i-stg is not watched: environment staging is not watched and not opted in",
		"delete-alarm opsd-rds-db1-cpu":    "rds resources are not watched (scope.kinds)",
	} {
		if got[key].Reason != reason {
			t.Errorf("%s reason = %q, want %q", key, got[key].Reason, reason)
		}
	}
}

func TestAlarmChangesNeedCompleteReads(t *testing.T) {
	cfg := testConfig()
	gone := Alarm{Name: "opsd-ec2-i-gone-cpu", Tags: managedTags("i-gone")}
	obs := observation()
	obs.Alarms = []Alarm{gone}
	obs.Listed[KindEC2] = false
	if c := only(NewPlanner(cfg).Plan(obs), ObjectAlarm); len(c) != 0 {
		t.Errorf("with EC2 unlisted: %v", summary(c))
	}
	obs = observation(ec2Resource("i-web", false, map[string]string{"Environment": "production"}))
	obs.AlarmsListed = false
	if c := only(NewPlanner(cfg).Plan(obs), ObjectAlarm); len(c) != 0 {
		t.Errorf("with alarms unlisted: %v", summary(c))
	}
}

func TestUnmanagedAlarmOfWantedNameIsReported(t *testing.T) {
	web := ec2Resource("i-web", false, map[string]string{"Environment": "production"})
	obs := observation(web)
	obs.Alarms = []Alarm{{Name: "opsd-ec2-i-web-cpu", Threshold: 99, Tags: map[string]string{"team": "web"}}}
	changes := NewPlanner(testConfig()).Plan(obs)
	for _, c := range changes {
		if c.Name == "opsd-ec2-i-web-cpu" && c.Op != OpReport {
			t.Errorf("unmanaged alarm changed: %s", c.ActionName())
		}
	}
	if !slices.Contains(summary(changes), "report opsd-ec2-i-web-cpu") {
		t.Errorf("not reported: %v", summary(changes))
	}
}

func TestAlarmTopics(t *testing.T) {
	cfg := testConfig()
	cfg.AlarmTopics = []string{"arn:aws:sns:{region}:{account}:ops", "arn:aws:sns:us-east-1:{account}:global", "arn:aws:sns:{region}:{account}:ops"}
	web := ec2Resource("i-web", false, map[string]string{"Environment": "production"})
	changes := NewPlanner(cfg).Plan(observation(web))
	if r := reports(changes); !slices.Contains(r, "arn:aws:sns:us-east-1:123456789012:global: alarm topic is not in region eu-west-2: CloudWatch alarms notify topics in their own region only; left out") {
		t.Errorf("reports = %v", r)
	}
	a := desiredOf(t, cfg, observation(web))["opsd-ec2-i-web-cpu"]
	if !slices.Equal(a.AlarmActions, []string{"arn:aws:sns:eu-west-2:123456789012:ops"}) {
		t.Errorf("actions = %v", a.AlarmActions)
	}

	cfg.AlarmTopics = nil
	changes = NewPlanner(cfg).Plan(observation(web))
	if c := changes[0]; c.Op != OpReport || c.Name != "123456789012/eu-west-2" || !strings.Contains(c.Reason, "no alarm topic") {
		t.Errorf("first change = %+v", c)
	}
	if a := desiredOf(t, cfg, observation(web))["opsd-ec2-i-web-cpu"]; len(a.AlarmActions) != 0 || len(a.OKActions) != 0 {
		t.Errorf("actions without topics = %v", a.AlarmActions)
	}
}

func dashboardObs() *Observation {
	return observation(
		ec2Resource("i-web", false, map[string]string{"Environment": "production", "Application": "orders"}),
		&Resource{Kind: KindDLQ, ID: "orders-dlq", Ref: "arn:aws:sqs:eu-west-2:123456789012:orders-dlq", Tags: map[string]string{"Application": "orders"}},
		&Resource{Kind: KindSNS, ID: "billing", Ref: "arn:aws:sns:eu-west-2:123456789012:billing", Tags: map[string]string{"Application": "Billing & Payments"}},
		ec2Resource("i-stg", false, map[string]string{"Environment": "staging", "Application": "orders"}),
	)
}

func TestDashboards(t *testing.T) {
	cfg := testConfig()
	changes := only(NewPlanner(cfg).Plan(dashboardObs()), ObjectDashboard)
	if got := summary(changes); !slices.Equal(got, []string{"create-dashboard opsd-Billing---Payments-eu-west-2", "create-dashboard opsd-orders-eu-west-2"}) {
		t.Fatalf("dashboards = %v", got)
	}
	orders := changes[1]
	var body dashboardBody
	if err := json.Unmarshal([]byte(orders.body), &body); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, w := range body.Widgets {
		types = append(types, w.Type)
	}
	if !slices.Equal(types, []string{"text", "alarm", "metric", "metric"}) {
		t.Errorf("widgets = %v", types)
	}
	for _, want := range []string{"arn:aws:cloudwatch:eu-west-2:123456789012:alarm:opsd-ec2-i-web-cpu", "opsd-dlq-orders-dlq-messages", "`opsd:dashboard region=eu-west-2 application=orders`"} {
		if !strings.Contains(orders.body, want) {
			t.Errorf("body lacks %s", want)
		}
	}
	if strings.Contains(orders.body, "i-stg") {
		t.Error("the unwatched staging instance is on the dashboard")
	}
	if orders.Details["resources"] != "2" || orders.Details["alarms"] != "3" {
		t.Errorf("details = %v", orders.Details)
	}

	// Deterministic: the same body again, and no change when CloudWatch
	// returns it with other spacing and key order.
	again := only(NewPlanner(cfg).Plan(dashboardObs()), ObjectDashboard)
	if again[1].body != orders.body {
		t.Error("the body is not deterministic")
	}
	var v any
	_ = json.Unmarshal([]byte(orders.body), &v)
	pretty, _ := json.MarshalIndent(v, "", "  ")
	obs := dashboardObs()
	obs.Dashboards = []DashboardState{
		{Name: "opsd-orders-eu-west-2", Body: string(pretty)},
		{Name: "opsd-old-eu-west-2", Body: buildDashboard("old", "eu-west-2", nil, nil)},
		{Name: "opsd-old-eu-west-1", Body: buildDashboard("old", "eu-west-1", nil, nil)},
		{Name: "opsd-hand-made", Body: `{"widgets":[]}`},
		{Name: "opsd-Billing---Payments-eu-west-2", Body: `{"widgets":[{"type":"text","properties":{"markdown":"mine"}}]}`},
	}
	var got []string
	for _, c := range NewPlanner(cfg).Plan(obs) {
		if c.Object == ObjectDashboard || (c.Op == OpReport && strings.HasPrefix(c.Name, "opsd-")) {
			got = append(got, c.ActionName()+" "+c.Name)
		}
	}
	if !slices.Equal(got, []string{"report opsd-Billing---Payments-eu-west-2", "delete-dashboard opsd-old-eu-west-2"}) {
		t.Errorf("with existing dashboards: %v", got)
	}

	// Edited by hand: updated.
	obs.Dashboards[0].Body = strings.Replace(orders.body, "EC2 CPU utilization", "CPU", 1)
	if got := summary(only(NewPlanner(cfg).Plan(obs), ObjectDashboard)); !slices.Contains(got, "update-dashboard opsd-orders-eu-west-2") {
		t.Errorf("edited dashboard: %v", got)
	}

	// Nothing is decided when a watched kind could not be listed.
	obs.Listed[KindSNS] = false
	if got := only(NewPlanner(cfg).Plan(obs), ObjectDashboard); len(got) != 0 {
		t.Errorf("with SNS unlisted: %v", summary(got))
	}
}

func TestDashboardNames(t *testing.T) {
	for app, want := range map[string]string{
		"orders":         "opsd-orders-eu-west-2",
		"Orders API v2":  "opsd-Orders-API-v2-eu-west-2",
		"billing_core-1": "opsd-billing_core-1-eu-west-2",
	} {
		if got := dashboardName(app, "eu-west-2"); got != want {
			t.Errorf("dashboardName(%q) = %q, want %q", app, got, want)
		}
	}
	long := dashboardName(strings.Repeat("a", 300), "eu-west-2")
	if len(long) != 255 || !strings.HasSuffix(long, "-eu-west-2") {
		t.Errorf("long name %q (%d)", long, len(long))
	}
}

func TestRetention(t *testing.T) {
	groups := []LogGroup{
		{Name: "/never", ARN: "arn:never"},
		{Name: "/short", ARN: "arn:short", RetentionDays: 14},
		{Name: "/ok-min", RetentionDays: 180},
		{Name: "/long", ARN: "arn:long", RetentionDays: 365},
		{Name: "/exempt", ARN: "arn:exempt", Tags: map[string]string{"opsd:log-retention": "Exempt"}},
		{Name: "/delivery", Class: "DELIVERY", RetentionDays: 2},
	}
	for _, tt := range []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"default", func(*Config) {}, []string{"report /never", "set-log-retention /short", "report /long"}},
		{"shortening on", func(c *Config) { c.LogRetention.Shorten = true }, []string{"set-log-retention /never", "set-log-retention /short", "set-log-retention /long"}},
		{"wider policy", func(c *Config) { c.LogRetention.MaxDays, c.LogRetention.Days = 400, 365 }, []string{"report /never", "set-log-retention /short"}},
		{"disabled", func(c *Config) { c.LogRetention.Enabled = false }, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			tt.edit(&cfg)
			obs := observation()
			obs.LogGroups = groups
			var got []string
			for _, c := range NewPlanner(cfg).Plan(obs) {
				if c.Object == ObjectLogGroup || strings.HasPrefix(c.Name, "/") {
					got = append(got, c.ActionName()+" "+c.Name)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("changes = %v, want %v", got, tt.want)
			}
		})
	}
	obs := observation()
	obs.LogGroups = groups[3:4]
	cfg := testConfig()
	cfg.LogRetention.Shorten = true
	c := NewPlanner(cfg).Plan(obs)[0]
	if c.retention != 180 || c.Reason != "keeps events for 365 days; the policy says 180–240 days; set to 180 days: deletes events older than 180 days (shortening allowed by monitor.log_retention.shorten)" || c.Details["deletes"] != "events older than 180 days" {
		t.Errorf("long group change = %+v", c)
	}
	if needsTags(DefaultConfig().LogRetention, LogGroup{RetentionDays: 180}) || !needsTags(DefaultConfig().LogRetention, LogGroup{}) {
		t.Error("needsTags reads tags of the wrong groups")
	}
}

func TestLoginFailureFilters(t *testing.T) {
	cfg := testConfig()
	db := func(id, env string) *Resource {
		return &Resource{Kind: KindRDS, ID: id, Ref: "arn:" + id, Engine: "postgres", AllocatedGiB: 20, Tags: map[string]string{"Environment": env}}
	}
	obs := observation(db("db1", "production"), db("db2", "production"), db("db3", "development"))
	for _, g := range []string{"/aws/rds/instance/db1/postgresql", "/aws/rds/instance/db2/postgresql", "/aws/rds/instance/db3/postgresql", "/aws/rds/instance/db4/postgresql"} {
		obs.LogGroups = append(obs.LogGroups, LogGroup{Name: g, RetentionDays: 180})
	}
	own := MetricFilter{LogGroup: "/aws/rds/instance/db2/postgresql", Name: loginFilterName, Pattern: "FATAL", Namespace: "opsd/RDS", MetricName: "LoginFailures-db2", Value: "1"}
	obs.Filters = []MetricFilter{
		own,
		{LogGroup: "/aws/rds/instance/db3/postgresql", Name: loginFilterName},
		{LogGroup: "/aws/rds/instance/db4/postgresql", Name: loginFilterName},
	}
	changes := only(NewPlanner(cfg).Plan(obs), ObjectMetricFilter)
	want := []string{
		"create-metric-filter /aws/rds/instance/db1/postgresql",
		"update-metric-filter /aws/rds/instance/db2/postgresql",
		"delete-metric-filter /aws/rds/instance/db3/postgresql",
		"delete-metric-filter /aws/rds/instance/db4/postgresql",
	}
	if got := summary(changes); !slices.Equal(got, want) {
		t.Fatalf("filters = %v", got)
	}
	if c := changes[0]; *c.filter != (MetricFilter{LogGroup: "/aws/rds/instance/db1/postgresql", Name: "opsd-login-failures", Pattern: `"password authentication failed"`, Namespace: "opsd/RDS", MetricName: "LoginFailures-db1", Value: "1"}) {
		t.Errorf("filter = %+v", *c.filter)
	}
	if c := changes[1]; c.Details["changes"] != `pattern: FATAL → "password authentication failed"` {
		t.Errorf("update = %v", c.Details)
	}
	if changes[2].Reason != "DB instance db3 is not watched: environment development is not watched and not opted in" || changes[3].Reason != "DB instance db4 no longer exists" {
		t.Errorf("delete reasons = %q, %q", changes[2].Reason, changes[3].Reason)
	}
}

func TestEventSubscription(t *testing.T) {
	cfg := testConfig()
	db := func(id string, tags map[string]string) *Resource {
		return &Resource{Kind: KindRDS, ID: id, Ref: "arn:" + id, Engine: "mysql", AllocatedGiB: 20, Tags: tags}
	}
	resources := []*Resource{
		db("b-db", map[string]string{"Environment": "production"}),
		db("a-db", map[string]string{"Environment": "prod"}),
		db("nightly", map[string]string{"Environment": "dev", "opsd:monitor": "true", "OOOShutdown": "true"}),
		db("dev", map[string]string{"Environment": "dev"}),
	}
	obs := observation(resources...)
	changes := only(NewPlanner(cfg).Plan(obs), ObjectSubscription)
	if len(changes) != 1 || changes[0].Op != OpCreate {
		t.Fatalf("changes = %v", summary(changes))
	}
	want := EventSubscription{Name: "opsd-rds-events", TopicARN: "arn:aws:sns:eu-west-2:123456789012:ops-alerts", SourceType: "db-instance",
		Categories: []string{"availability", "failover", "failure", "low storage"}, SourceIDs: []string{"a-db", "b-db"}, Enabled: true}
	if fmt.Sprint(*changes[0].subscription) != fmt.Sprint(want) {
		t.Errorf("subscription = %+v\nwant %+v", *changes[0].subscription, want)
	}

	obs.Subscription = &EventSubscription{Name: "opsd-rds-events", TopicARN: want.TopicARN, SourceType: "db-instance",
		Categories: []string{"low storage", "failure", "failover", "availability"}, SourceIDs: []string{"b-db", "a-db"}, Enabled: true}
	if c := only(NewPlanner(cfg).Plan(obs), ObjectSubscription); len(c) != 0 {
		t.Errorf("in sync: %v", summary(c))
	}
	obs.Subscription.SourceIDs = []string{"b-db", "gone-db"}
	obs.Subscription.Enabled = false
	c := only(NewPlanner(cfg).Plan(obs), ObjectSubscription)
	if len(c) != 1 || c[0].Op != OpUpdate || c[0].Details["changes"] != "sources: b-db,gone-db → a-db,b-db; enabled: false → true" {
		t.Fatalf("update = %+v", c)
	}
	add, remove := sourceDelta(*c[0].current, *c[0].subscription)
	if !slices.Equal(add, []string{"a-db"}) || !slices.Equal(remove, []string{"gone-db"}) || !settingsDiffer(*c[0].current, *c[0].subscription) {
		t.Errorf("delta = +%v -%v", add, remove)
	}

	// No always-on DB instance left: deleted, never emptied (an empty
	// source list would subscribe to every instance).
	obs = observation(resources[2:]...)
	obs.Subscription = &EventSubscription{Name: "opsd-rds-events", SourceIDs: []string{"a-db"}}
	c = only(NewPlanner(cfg).Plan(obs), ObjectSubscription)
	if len(c) != 1 || c[0].Op != OpDelete || c[0].Reason != "no watched DB instance runs all the time" {
		t.Errorf("changes = %+v", c)
	}
	// Without a topic there is no subscription.
	cfg.AlarmTopics = nil
	obs = observation(resources...)
	if c := only(NewPlanner(cfg).Plan(obs), ObjectSubscription); len(c) != 0 {
		t.Errorf("without topic: %v", summary(c))
	}
}

func TestDeliveryLogging(t *testing.T) {
	topic := func(name string, subs int, failureRole, successRole string) *Resource {
		return &Resource{Kind: KindSNS, ID: name, Ref: "arn:aws:sns:eu-west-2:123456789012:" + name, SQSSubscriptions: subs,
			FailureFeedbackRole: failureRole, SuccessFeedbackRole: successRole, Tags: map[string]string{}}
	}
	obs := observation(topic("plain", 2, "", ""), topic("no-sqs", 0, "", ""), topic("own", 1, "arn:aws:iam::123456789012:role/team", ""), topic("success-only", 1, "", "arn:aws:iam::123456789012:role/team"))
	cfg := testConfig()
	changes := NewPlanner(cfg).Plan(obs)
	var got []string
	for _, c := range changes {
		if c.Object == ObjectTopic || strings.HasPrefix(c.Name, "arn:aws:sns") {
			got = append(got, c.ActionName()+" "+c.Name[strings.LastIndex(c.Name, ":")+1:])
		}
	}
	if !slices.Equal(got, []string{"report plain", "report success-only"}) {
		t.Errorf("without a role: %v", got)
	}
	cfg.DeliveryLogging.RoleARN = "arn:aws:iam::{account}:role/sns-delivery"
	changes = only(NewPlanner(cfg).Plan(obs), ObjectTopic)
	if len(changes) != 2 {
		t.Fatalf("with a role: %v", summary(changes))
	}
	role := "arn:aws:iam::123456789012:role/sns-delivery"
	if fmt.Sprint(changes[0].attributes) != fmt.Sprint([]topicAttribute{{attrSQSFailureRole, role}, {attrSQSSuccessRole, role}, {attrSQSSampleRate, "0"}}) {
		t.Errorf("plain attributes = %v", changes[0].attributes)
	}
	if fmt.Sprint(changes[1].attributes) != fmt.Sprint([]topicAttribute{{attrSQSFailureRole, role}}) {
		t.Errorf("success-only attributes = %v, want the failure role only", changes[1].attributes)
	}
}

func TestChangeAsAction(t *testing.T) {
	c := &Change{Object: ObjectAlarm, Op: OpUpdate, Name: "opsd-ec2-i-1-cpu", Reason: "drifted: threshold", Details: map[string]string{"changes": "threshold: 95 → 80"}}
	a := c.action(0, testAccount, testRegion)
	if a.Service != "monitor" || a.Action != "update-alarm" || a.Resource != "opsd-ec2-i-1-cpu" || a.Status != "planned" {
		t.Errorf("apply before acting = %+v", a)
	}
	c.done = true
	if a := c.action(0, testAccount, testRegion); a.Status != "done" {
		t.Errorf("done = %+v", a)
	}
	if a := report("i-1", "why", nil).action(0, testAccount, testRegion); a.Action != "report" || a.Status != "reported" {
		t.Errorf("report = %+v", a)
	}
}
