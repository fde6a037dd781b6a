package audit

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

const otherAccount = "222222222222"

// harness is a Service over fakes, one account each, in eu-west-2.
type harness struct {
	svc   *Service
	fakes map[string]*fakeAccount
	rec   *notify.Recorder
}

func newHarness(t *testing.T, cfg Config, accts ...string) *harness {
	t.Helper()
	if len(accts) == 0 {
		accts = []string{testAccount}
	}
	h := &harness{fakes: map[string]*fakeAccount{}, rec: &notify.Recorder{}}
	var targets []accounts.Target
	for _, a := range accts {
		h.fakes[a] = newFakeAccount()
		// AppID carries the account to the client factory.
		targets = append(targets, accounts.Target{Account: a, Region: testRegion, Config: aws.Config{Region: testRegion, AppID: a}})
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(cfg, Deps{
		Targets:  func(context.Context) ([]accounts.Target, error) { return targets, nil },
		FanOut:   accounts.FanOut{Limit: 2},
		Notifier: h.rec,
		Location: london,
		Clients:  func(c aws.Config) Clients { return h.fakes[c.AppID].clients() },
	})
	if err != nil {
		t.Fatal(err)
	}
	h.svc = svc
	return h
}

func (h *harness) run(t *testing.T, day int, mode reconcile.Mode) reconcile.Result {
	t.Helper()
	now := time.Date(2026, 5, day, 6, 0, 0, 0, time.UTC)
	return h.svc.Reconcile(context.Background(), reconcile.Request{Now: now, Mode: mode})
}

// seedEstate gives the fake account a compliant application "pay" and a
// failing one "legacy", spread over more than one page of each list.
func seedEstate(f *fakeAccount) {
	pay, legacy := prodTags("pay"), prodTags("legacy")
	delete(legacy, "TeamEmail")
	f.dbs = []rdstypes.DBInstance{
		{DBInstanceIdentifier: aws.String("pay-db"), Engine: aws.String("postgres"), StorageEncrypted: aws.Bool(true), AvailabilityZone: aws.String("eu-west-2a"),
			SecondaryAvailabilityZone: aws.String("eu-west-2b"), MultiAZ: aws.Bool(true), ReadReplicaDBInstanceIdentifiers: []string{"pay-db-r"}, TagList: rdsTagList(pay)},
		{DBInstanceIdentifier: aws.String("pay-db-r"), Engine: aws.String("postgres"), StorageEncrypted: aws.Bool(true), AvailabilityZone: aws.String("eu-west-2c"),
			ReadReplicaSourceDBInstanceIdentifier: aws.String("pay-db"), TagList: rdsTagList(pay)},
		{DBInstanceIdentifier: aws.String("legacy-db"), Engine: aws.String("mysql"), PubliclyAccessible: aws.Bool(true), AvailabilityZone: aws.String("eu-west-2a"), TagList: rdsTagList(legacy)},
	}
	f.tables = []fakeTable{
		{name: "pay-orders", pitr: true, gsis: 2, tags: pay},
		{name: "legacy-items", gsis: 3, tags: legacy},
		{name: "pay-people", pitr: true, tags: pay},
	}
	f.buckets = []fakeBucket{
		{name: "pay-docs", region: testRegion, encrypted: true, blocked: true, tags: pay},
		{name: "legacy-files", region: testRegion, tags: legacy},
		{name: "elsewhere", region: "us-east-1", tags: legacy},
	}
	f.topics = []fakeTopic{{name: "pay-events", kms: "alias/aws/sns", tags: pay}, {name: "legacy-events", tags: legacy}}
	f.alarms = []cwtypes.MetricAlarm{{
		AlarmName: aws.String("pay-events-failed"), Namespace: aws.String("AWS/SNS"), MetricName: aws.String("NumberOfNotificationsFailed"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("TopicName"), Value: aws.String("pay-events")}},
	}}
}

func rdsTagList(m map[string]string) []rdstypes.Tag {
	var out []rdstypes.Tag
	for k, v := range m {
		out = append(out, rdstypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out
}

func failing(rep *Report, app string) []string {
	var out []string
	for _, f := range rep.Application(app).Findings {
		if f.Status == Fail {
			out = append(out, f.Check+" "+f.Resource)
		}
	}
	slices.Sort(out)
	return out
}

func TestPlanReportsEveryFailureAndTellsNoOne(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	seedEstate(h.fakes[testAccount])
	res := h.run(t, 4, reconcile.Plan)
	if len(res.Errors) != 0 || res.Service != "audit" {
		t.Fatalf("result = %+v", res)
	}
	if n := len(h.rec.Messages()); n != 0 {
		t.Errorf("plan sent %d messages", n)
	}
	if h.svc.Latest() != nil {
		t.Error("plan kept its report as the latest")
	}
	got := map[string]reconcile.Action{}
	for _, a := range res.Actions {
		if a.Status != reconcile.Reported || a.Service != "audit" || a.Account != testAccount || a.Region != testRegion || a.Reason == "" {
			t.Errorf("action %+v", a)
		}
		got[a.Action+" "+a.Resource] = a
	}
	for _, want := range []string{
		"security.encryption-at-rest legacy-db", "security.rds-private legacy-db", "cost.database-engine legacy-db",
		"availability.rds-read-replica legacy-db", "reliability.dynamodb-pitr legacy-items", "cost.dynamodb-gsi-limit legacy-items",
		"security.s3-block-public-access legacy-files", "security.encryption-at-rest legacy-files",
		"security.encryption-at-rest legacy-events", "monitoring.sns-delivery-failure-alarm legacy-events",
		"tagging.mandatory-tags legacy-db", "tagging.mandatory-tags legacy-files",
	} {
		if _, ok := got[want]; !ok {
			t.Errorf("no action %q", want)
		}
	}
	for key, a := range got {
		if a.Details["application"] == "pay" && !strings.HasPrefix(key, "monitoring.sns-delivery-logging") {
			t.Errorf("compliant application reported: %s: %s", key, a.Reason)
		}
	}
	if a := got["cost.database-engine legacy-db"]; a.Details["check"] != "Databases are DynamoDB, RDS Postgres or S3 unless agreed" || a.Details["pillar"] != "cost" {
		t.Errorf("details = %v", a.Details)
	}
	// Every call the assessment made is a read.
	for _, op := range h.fakes[testAccount].calls() {
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") {
			t.Errorf("call %s is not read-only", op)
		}
	}
}

func TestApplyKeepsTheLatestAndSummarisesChanges(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.fakes[testAccount]
	seedEstate(f)
	res := h.run(t, 4, reconcile.Apply)
	if len(res.Errors) != 0 {
		t.Fatalf("errors = %v", res.Errors)
	}
	first := h.svc.Latest()
	if first == nil || first.GeneratedAt.Location().String() != "Europe/London" || first.GeneratedAt.Hour() != 7 {
		t.Fatalf("latest = %v", first)
	}
	// Buckets are assessed in the region they live in only.
	for _, a := range first.Applications {
		for _, fd := range a.Findings {
			if fd.Resource == "elsewhere" {
				t.Errorf("a us-east-1 bucket was assessed in eu-west-2: %+v", fd)
			}
		}
	}
	if got := failing(first, "pay"); len(got) != 1 || !strings.HasPrefix(got[0], "monitoring.sns-delivery-logging") {
		t.Errorf("pay fails %v, want only SNS delivery logging (the fakes hold no feedback roles)", got)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "First assessment") || msgs[0].Kind != notify.KindAudit {
		t.Fatalf("messages = %+v", msgs)
	}

	// The next day legacy's bucket is fixed and pay's table loses PITR.
	f.buckets[1].blocked = true
	f.tables[0].pitr = false
	h.run(t, 5, reconcile.Apply)
	msgs = h.rec.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	msg := msgs[1]
	if msg.Severity != notify.Error || !strings.Contains(msg.Title, "(1 new, 1 fixed)") {
		t.Errorf("title %q severity %s", msg.Title, msg.Severity)
	}
	newAt := strings.Index(msg.Text, "*New failures*")
	if newAt < 0 || !strings.Contains(msg.Text[newAt:], "*pay* · DynamoDB point-in-time recovery is on · `pay-orders`") {
		t.Errorf("text:\n%s", msg.Text)
	}
	if !strings.Contains(msg.Text, "*Fixed*\n• *legacy* · S3 buckets are not public and block public access · `legacy-files`") {
		t.Errorf("text:\n%s", msg.Text)
	}
	if msg.Table.Rows[0][0] != "pay" {
		t.Errorf("the application with a new failure is not first: %q", msg.Table.Rows)
	}
	if h.svc.Latest() == first {
		t.Error("the latest report was not replaced")
	}
}

func TestOneAccountFailingDoesNotStopTheOthers(t *testing.T) {
	h := newHarness(t, DefaultConfig(), testAccount, otherAccount)
	seedEstate(h.fakes[testAccount])
	seedEstate(h.fakes[otherAccount])
	h.fakes[testAccount].fail["ListBuckets"] = apiError("AccessDenied", "not allowed to list buckets")
	h.fakes[testAccount].fail["DescribeContinuousBackups legacy-items"] = apiError("AccessDeniedException", "no")

	res := h.run(t, 4, reconcile.Apply)
	if len(res.Errors) != 2 {
		t.Fatalf("errors = %v, want s3 and dynamodb of %s", res.Errors, testAccount)
	}
	for _, err := range res.Errors {
		var te *accounts.TargetError
		if !errors.As(err, &te) || te.Target.Account != testAccount {
			t.Errorf("error %v does not name its target", err)
		}
	}
	text := errors.Join(res.Errors...).Error()
	for _, want := range []string{"account 111111111111 region eu-west-2: assess s3: list s3 buckets: api error AccessDenied",
		"assess dynamodb: describe continuous backups of dynamodb table legacy-items"} {
		if !strings.Contains(text, want) {
			t.Errorf("errors lack %q:\n%s", want, text)
		}
	}
	rep := h.svc.Latest()
	var buckets []string
	tables := map[string]bool{}
	for _, a := range rep.Applications {
		for _, f := range a.Findings {
			if f.Kind == KindS3Bucket {
				buckets = append(buckets, f.Account+"/"+f.Resource)
			}
			if f.Kind == KindDynamoDB {
				tables[f.Account+"/"+f.Resource] = true
			}
		}
	}
	for _, b := range buckets {
		if !strings.HasPrefix(b, otherAccount) {
			t.Errorf("bucket %s judged although its account's buckets could not be listed", b)
		}
	}
	if len(buckets) == 0 {
		t.Error("the other account's buckets were not judged")
	}
	if tables[testAccount+"/legacy-items"] || !tables[testAccount+"/pay-orders"] || !tables[otherAccount+"/legacy-items"] {
		t.Errorf("tables judged: %v; want all but the unreadable one", tables)
	}
	if len(rep.Gaps) != 2 {
		t.Errorf("gaps = %+v", rep.Gaps)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "*Not assessed*") || !strings.Contains(msgs[0].Text, "111111111111/eu-west-2 s3") {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestEveryCollectorFailingIsOneError(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	denied := apiError("ExpiredToken", "the role could not be assumed")
	f := h.fakes[testAccount]
	for _, op := range []string{"DescribeDBInstances", "ListTopics", "ListDomainNames", "ListBuckets", "ListClustersV2", "ListTables", "DescribeClusters",
		"GetRestApis", "ListFunctions", "DescribeRouteTables", "DescribeInstances", "DescribeAutoScalingGroups", "DescribeAlarms", "DescribeCanaries",
		"DescribeLogGroups", "ListQueues", "DescribeFileSystems", "DescribeAvailabilityZones", "DescribeSecurityGroups", "DescribeLoadBalancers", "ListCertificates"} {
		f.fail[op] = denied
	}
	res := h.run(t, 4, reconcile.Plan)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "every collector failed") || !strings.Contains(res.Errors[0].Error(), "ExpiredToken") {
		t.Errorf("errors = %v", res.Errors)
	}
	if len(res.Actions) != 0 {
		t.Errorf("actions = %+v", res.Actions)
	}
	rep, _ := h.svc.Assess(context.Background(), testNow)
	if len(rep.Gaps) != 1 || rep.Gaps[0].Source != "" || len(rep.Gaps[0].Checks) != len(registry()) || !strings.Contains(rep.Gaps[0].Error, "ExpiredToken") {
		t.Errorf("gaps = %+v, want one for the whole target", rep.Gaps)
	}
}

func TestTargetsFailing(t *testing.T) {
	rec := &notify.Recorder{}
	svc, err := New(DefaultConfig(), Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return nil, errors.New("list organization accounts: denied")
		},
		Notifier: rec,
	})
	if err != nil {
		t.Fatal(err)
	}
	res := svc.Reconcile(context.Background(), reconcile.Request{Now: testNow, Mode: reconcile.Apply})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "list accounts and regions: list organization accounts: denied") {
		t.Errorf("errors = %v", res.Errors)
	}
	if svc.Latest() != nil {
		t.Error("an empty report was kept as the latest")
	}
	if f, ok := svc.LastFailure(); !ok || !f.At.Equal(testNow) || len(f.Errors) != 1 || !strings.Contains(f.Errors[0], "list organization accounts: denied") {
		t.Errorf("last failure = %+v, %v", f, ok)
	}
	if msgs := rec.Messages(); len(msgs) != 1 || msgs[0].Title != "Production readiness: not assessed" {
		t.Errorf("messages = %+v", msgs)
	}
	if svc.Name() != "audit" || svc.Schedule() != "0 7 * * 1-5" || svc.Timeout() != 15*time.Minute {
		t.Errorf("name %s schedule %s timeout %s", svc.Name(), svc.Schedule(), svc.Timeout())
	}
}

// failingNotifier refuses every message.
type failingNotifier struct{}

func (failingNotifier) Notify(context.Context, notify.Message) error {
	return errors.New("slack: channel_not_found")
}

func TestNotifyFailureIsAnError(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.svc.deps.Notifier = failingNotifier{}
	res := h.run(t, 4, reconcile.Apply)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "send audit summary for 2026-05-04T06:00:00Z: slack: channel_not_found") {
		t.Errorf("errors = %v", res.Errors)
	}
	if h.svc.Latest() == nil {
		t.Error("the report was not kept although only Slack failed")
	}
}
