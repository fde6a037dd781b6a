package backup

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// restoreEstate creates, in moto, the sources and restored copies of the
// restore tests: DynamoDB tables orders (Prod, production) and its copy,
// search (Stg) with an empty copy, scratch (Dev), tools (Mgmt, never
// tested), and the RDS instance billing-db (Prod, production) and its
// copy.
func restoreEstate(t *testing.T, cfg aws.Config) {
	t.Helper()
	ctx := context.Background()
	ddb := dynamodb.NewFromConfig(cfg)
	for name, tags := range map[string]map[string]string{
		"orders": {"BackupPolicy": "Prod", "Environment": "production", "Application": "orders"}, "orders-restored": nil,
		"search": {"BackupPolicy": "Stg", "Environment": "staging", "Application": "search"}, "search-restored": nil,
		"scratch": {"BackupPolicy": "Dev", "Environment": "development", "Application": "scratch"},
		"tools":   {"BackupPolicy": "Mgmt", "Environment": "mgmt", "Application": "tools"},
	} {
		var tl []dbtypes.Tag
		for k, v := range tags {
			tl = append(tl, dbtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName: aws.String(name), BillingMode: dbtypes.BillingModePayPerRequest, Tags: tl,
			AttributeDefinitions: []dbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: dbtypes.ScalarAttributeTypeS}},
			KeySchema:            []dbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: dbtypes.KeyTypeHash}},
		}); err != nil {
			t.Fatalf("create table %s: %v", name, err)
		}
		if name == "search-restored" {
			continue // restored empty: its probe fails
		}
		if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name),
			Item: map[string]dbtypes.AttributeValue{"pk": &dbtypes.AttributeValueMemberS{Value: "1"}}}); err != nil {
			t.Fatalf("put item in %s: %v", name, err)
		}
	}
	for id, tags := range map[string]map[string]string{
		"billing-db":       {"BackupPolicy": "Prod", "Environment": "production", "Application": "billing"},
		"billing-restored": {},
	} {
		var tl []rdstypes.Tag
		for k, v := range tags {
			tl = append(tl, rdstypes.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		if _, err := rds.NewFromConfig(cfg).CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(id), Engine: aws.String("postgres"), DBInstanceClass: aws.String("db.t3.micro"),
			MasterUsername: aws.String("opsd"), MasterUserPassword: aws.String("test-password-1"), AllocatedStorage: aws.Int32(20), Tags: tl,
		}); err != nil {
			t.Fatalf("create db instance %s: %v", id, err)
		}
	}
}

func restoreConfig() Config {
	c := enabledConfig()
	c.Audit.Enabled, c.Health.Enabled = false, false
	c.RestoreTesting.Enabled = true
	p := c.Policies["Prod"]
	p.RetentionDays, p.ColdStorageAfterDays = 120, 30
	c.Policies["Prod"] = p
	return c
}

func actionsNamed(res reconcile.Result, action string) []reconcile.Action {
	var out []reconcile.Action
	for _, a := range res.Actions {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

func restoreMessages(rec *notify.Recorder) []notify.Message {
	var out []notify.Message
	for _, m := range rec.Messages() {
		if strings.HasPrefix(m.Title, "Restore tests") {
			out = append(out, m)
		}
	}
	return out
}

func TestRestoreTestingPlanModeChangesNothing(t *testing.T) {
	env := newMotoEnv(t)
	newRestoreFake(env.proxy, env.fake.listTags, mototest.DefaultAccountID, motoRegion)
	restoreEstate(t, env.cfg)
	planCfg := env.cfg.Copy()
	var mu sync.Mutex
	var ops []string
	awsenv.Instrument(&planCfg, true, 30*time.Second, nil, func(_, op string) {
		mu.Lock()
		ops = append(ops, op)
		mu.Unlock()
	})
	svc := env.service(t, restoreConfig(), planCfg, nil)
	res := svc.Reconcile(context.Background(), reconcile.Request{Now: time.Now(), Mode: reconcile.Plan})
	if len(res.Errors) > 0 {
		t.Fatalf("plan errors: %v", res.Errors)
	}
	var plans []string
	for _, a := range actionsNamed(res, OpCreateRestorePlan) {
		plans = append(plans, a.Resource)
		if a.Status != reconcile.Planned {
			t.Errorf("%s status %s, want planned", a.Resource, a.Status)
		}
	}
	slices.Sort(plans)
	if want := []string{"opsd_dev", "opsd_mgmt", "opsd_prod", "opsd_stg"}; !slices.Equal(plans, want) {
		t.Errorf("plans it would create = %v, want %v (Preprod has no resources)", plans, want)
	}
	sels := actionsNamed(res, OpCreateRestoreSelection)
	if len(sels) != 5 || !slices.ContainsFunc(sels, func(a reconcile.Action) bool { return a.Resource == "opsd_prod/opsd_prod_rds" }) {
		t.Errorf("selections = %+v, want 5 including opsd_prod/opsd_prod_rds", sels)
	}
	if !slices.Contains(ops, "ListRestoreTestingPlans") {
		t.Errorf("plan mode did not read restore testing plans: %v", ops)
	}
	if m := mutating(ops); len(m) > 0 {
		t.Errorf("plan mode made mutating calls %v", m)
	}
}

func TestRestoreTestingEndToEnd(t *testing.T) {
	env := newMotoEnv(t)
	rf := newRestoreFake(env.proxy, env.fake.listTags, mototest.DefaultAccountID, motoRegion)
	restoreEstate(t, env.cfg)
	rf.addPlan("opsd_mgmt", nil) // someone else's plan under opsd's name
	rec := &notify.Recorder{}
	svc := env.service(t, restoreConfig(), env.cfg, rec)
	ctx := context.Background()

	now := time.Now()
	res := svc.Reconcile(ctx, reconcile.Request{Now: now, Mode: reconcile.Apply})
	if len(res.Errors) > 0 {
		t.Fatalf("first reconcile errors: %v", res.Errors)
	}
	for _, name := range []string{"opsd_prod", "opsd_stg", "opsd_dev"} {
		p := rf.plan(name)
		if p == nil || p["ScheduleExpression"] != "cron(0 5 1 * ? *)" {
			t.Fatalf("plan %s = %v, want created monthly", name, p)
		}
	}
	if got := rf.selectionNames("opsd_prod"); !slices.Contains(got, "opsd_prod_rds") || !slices.Contains(got, "opsd_prod_dynamodb") {
		t.Errorf("opsd_prod selections = %v", got)
	}
	if foreign := actionsNamed(res, OpReportRestorePlan); len(foreign) != 1 || foreign[0].Resource != "opsd_mgmt" || rf.plan("opsd_mgmt")["ScheduleExpression"] != "cron(0 1 * * ? *)" {
		t.Errorf("foreign plan: reports %+v, plan %v; want reported and left alone", foreign, rf.plan("opsd_mgmt"))
	}

	// Drift, and the jobs the plans ran.
	rf.setPlan("opsd_prod", "ScheduleExpression", "cron(0 9 * * ? *)")
	arn := func(kind, id string) string {
		return "arn:aws:" + kind + ":" + motoRegion + ":" + mototest.DefaultAccountID + ":" + id
	}
	rf.addJob("j-orders", "opsd_prod", "DynamoDB", arn("dynamodb", "table/orders"), arn("dynamodb", "table/orders-restored"), now.Add(-2*time.Hour), time.Hour, 20*time.Hour, "")
	rf.addJob("j-billing", "opsd_prod", "RDS", arn("rds", "db:billing-db"), arn("rds", "db:billing-restored"), now.Add(-6*time.Hour), 5*time.Hour, 10*time.Hour, "")
	rf.addJob("j-search", "opsd_stg", "DynamoDB", arn("dynamodb", "table/search"), arn("dynamodb", "table/search-restored"), now.Add(-2*time.Hour), time.Hour, time.Hour, "")
	rf.addJob("j-scratch", "opsd_dev", "DynamoDB", arn("dynamodb", "table/scratch"), arn("dynamodb", "table/scratch-restored"), now.Add(-72*time.Hour), time.Hour, time.Hour, "FAILED")

	res = svc.Reconcile(ctx, reconcile.Request{Now: now.Add(time.Minute), Mode: reconcile.Apply})
	if len(res.Errors) > 0 {
		t.Fatalf("second reconcile errors: %v", res.Errors)
	}
	if up := actionsNamed(res, OpUpdateRestorePlan); len(up) != 1 || up[0].Status != reconcile.Done || rf.plan("opsd_prod")["ScheduleExpression"] != "cron(0 5 1 * ? *)" {
		t.Errorf("drift: updates %+v, schedule %v; want put back", up, rf.plan("opsd_prod")["ScheduleExpression"])
	}
	for job, want := range map[string]string{"j-orders": "SUCCESSFUL", "j-billing": "SUCCESSFUL", "j-search": "FAILED", "j-scratch": ""} {
		if got := rf.validation(job); got != want {
			t.Errorf("validation put for %s = %q, want %q", job, got, want)
		}
	}
	breaches := map[string][]string{}
	for _, a := range actionsNamed(res, "report-restore-test") {
		breaches[a.Details["breach"]] = append(breaches[a.Details["breach"]], a.Details["application"])
	}
	for kind, apps := range map[string][]string{
		BreachRTO: {"billing"}, BreachValidation: {"search"}, BreachLeftover: {"scratch"},
		BreachNoTest: {"scratch", "search", "tools"}, BreachColdStorage: {"billing", "orders"},
	} {
		got := slices.Clone(breaches[kind])
		slices.Sort(got)
		if !slices.Equal(got, apps) {
			t.Errorf("%s breaches of %v, want %v", kind, got, apps)
		}
	}
	page := actionsNamed(res, "report-backup-job")
	if len(page) != 1 || page[0].Details["application"] != "billing" || page[0].Details["environment"] != "production" {
		t.Errorf("paging actions = %+v, want one for billing in production", page)
	}
	var orders *Evidence
	for _, e := range svc.RestoreEvidence() {
		if e.Application == "orders" {
			orders = &e
		}
	}
	if orders == nil || !orders.Proven() || orders.LatestTimeToUsable < time.Hour || orders.LatestTimeToUsable > time.Hour+time.Minute ||
		orders.LatestRecoveryPointAge != 20*time.Hour {
		t.Errorf("orders evidence = %+v, want proven, about 1h to usable, point 20h old", orders)
	}
	msgs := restoreMessages(rec)
	if len(msgs) != 2 || !strings.Contains(msgs[1].Text, "over the RTO of 4h") || !strings.Contains(msgs[1].Text, "_(new)_") {
		t.Fatalf("restore messages = %+v, want the first run's and one telling the new breaches", msgs)
	}

	res = svc.Reconcile(ctx, reconcile.Request{Now: now.Add(2 * time.Minute), Mode: reconcile.Apply})
	if n := len(restoreMessages(rec)); n != 2 {
		t.Errorf("third run sent a restore message again (%d in all): breaches are told once", n)
	}
	if len(actionsNamed(res, "report-backup-job")) != 1 {
		t.Error("the RTO breach is no longer reported while it holds: its page would resolve")
	}
}
