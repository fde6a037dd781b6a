package shutdown

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
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

// Integration tests: the real SDK clients against moto_server.
//
// moto quirks these tests live with:
//   - EC2 stop and start, RDS stop and start and ASG scaling take effect at
//     once: there is no stopping, pending, starting or Terminating state to
//     wait for.
//   - moto never updates an instance's LaunchTime when it starts it (AWS
//     does), and it sets LaunchTime from the real clock when the instance
//     is created. The reconciles below run at fixed dates "as if the clock
//     read" them, so they must lie after the real creation time, or the
//     planner rightly sees instances started during the off period by
//     someone else; testWeek moves the dates on by whole weeks once the
//     real clock has passed them.
//   - moto accepts StopInstances for an instance in any state and never
//     fails one instance of a batch; the isolation test injects the
//     failure with a wire-protocol proxy in front of moto.
//   - moto ignores StopInstances' Hibernate flag.

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

// testDays is the reconcile times of one test week: Tuesday 19:05 and
// Wednesday 07:05 (the default schedule's evening and morning in London),
// Friday 19:05 and Saturday 10:00.
type testDays struct {
	tuesdayEvening, wednesdayMorning, fridayEvening, saturday time.Time
}

// testWeek is the week of Tuesday 24 November 2026, or the first such week
// (whole weeks later) that lies after the real clock, since moto stamps
// instances with the real time.
func testWeek(t *testing.T) testDays {
	t.Helper()
	w := testDays{
		tuesdayEvening:   at(t, "2026-11-24T19:05:00Z"),
		wednesdayMorning: at(t, "2026-11-25T07:05:00Z"),
		fridayEvening:    at(t, "2026-11-27T19:05:00Z"),
		saturday:         at(t, "2026-11-28T10:00:00Z"),
	}
	shift := time.Duration(0)
	for !time.Now().Add(time.Hour).Before(w.tuesdayEvening.Add(shift)) {
		shift += 7 * 24 * time.Hour
	}
	if shift > 0 {
		t.Logf("real clock is past 24 Nov 2026 19:05: reconciling %s later", shift)
		w.tuesdayEvening = w.tuesdayEvening.Add(shift)
		w.wednesdayMorning = w.wednesdayMorning.Add(shift)
		w.fridayEvening = w.fridayEvening.Add(shift)
		w.saturday = w.saturday.Add(shift)
	}
	return w
}

// estate is what seed created in moto.
type estate struct {
	ids map[string]string // EC2 Name tag → instance id
}

var seedInstances = []struct {
	name string
	tags map[string]string
}{
	{"dev-api", map[string]string{"Environment": "development", "OOOShutdown": "true"}},
	{"stg-worker", map[string]string{"Environment": "staging", "OutOfHoursShutdown": ""}},
	{"stg-batch", map[string]string{"Environment": "stg", "WeekendShutdown": ""}},
	{"dev-build", map[string]string{"Environment": "dev", "OOOShutdown": "false"}},
	{"dev-typo", map[string]string{"Environment": "dev", "OOOShutdown": "yes"}},
	{"prod-api", map[string]string{"Environment": "production", "OOOShutdown": "true"}},
	{"untagged", map[string]string{"Environment": "dev"}},
}

// seed creates the instances above, an Auto Scaling group dev-web
// (development, OOOShutdown=true, min 1 max 3 desired 2) and a DB instance
// dev-db (development, OOOShutdown=true).
func seed(t *testing.T, cfg aws.Config) estate {
	t.Helper()
	ctx := context.Background()
	ec2c := ec2.NewFromConfig(cfg)
	imgs, err := ec2c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil || len(imgs.Images) == 0 {
		t.Fatalf("describe images: %v", err)
	}
	ami := aws.ToString(imgs.Images[0].ImageId)
	e := estate{ids: map[string]string{}}
	for _, si := range seedInstances {
		tags := []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(si.name)}}
		for _, k := range sortedKeys(si.tags) {
			tags = append(tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(si.tags[k])})
		}
		out, err := ec2c.RunInstances(ctx, &ec2.RunInstancesInput{
			ImageId: aws.String(ami), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: tags}},
		})
		if err != nil {
			t.Fatalf("run instance %s: %v", si.name, err)
		}
		e.ids[si.name] = aws.ToString(out.Instances[0].InstanceId)
	}

	if _, err := ec2c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("dev-web"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String(ami), InstanceType: ec2types.InstanceTypeT3Micro},
	}); err != nil {
		t.Fatalf("create launch template: %v", err)
	}
	asg := autoscaling.NewFromConfig(cfg)
	if _, err := asg.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("dev-web"),
		LaunchTemplate:       &asgtypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("dev-web")},
		MinSize:              aws.Int32(1), MaxSize: aws.Int32(3), DesiredCapacity: aws.Int32(2),
		AvailabilityZones: []string{"eu-west-2a"},
		Tags: []asgtypes.Tag{
			{Key: aws.String("Environment"), Value: aws.String("development"), PropagateAtLaunch: aws.Bool(true)},
			{Key: aws.String("OOOShutdown"), Value: aws.String("true"), PropagateAtLaunch: aws.Bool(true)},
		},
	}); err != nil {
		t.Fatalf("create auto scaling group: %v", err)
	}

	if _, err := rds.NewFromConfig(cfg).CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("dev-db"), Engine: aws.String("postgres"), DBInstanceClass: aws.String("db.t3.micro"),
		MasterUsername: aws.String("opsd"), MasterUserPassword: aws.String("test-password-1"), AllocatedStorage: aws.Int32(20),
		Tags: []rdstypes.Tag{
			{Key: aws.String("Environment"), Value: aws.String("development")},
			{Key: aws.String("OOOShutdown"), Value: aws.String("true")},
		},
	}); err != nil {
		t.Fatalf("create db instance: %v", err)
	}
	return e
}

// world is the estate as moto sees it.
type world struct {
	state map[string]string            // instance Name → state
	tags  map[string]map[string]string // instance Name → tags
	asg   Capacity
	asgN  int // live instances of dev-web
	asgT  map[string]string
	db    string
	dbT   map[string]string
}

func look(t *testing.T, cfg aws.Config) world {
	t.Helper()
	ctx := context.Background()
	w := world{state: map[string]string{}, tags: map[string]map[string]string{}}
	out, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Reservations {
		for _, inst := range r.Instances {
			tags := map[string]string{}
			for _, tg := range inst.Tags {
				tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
			if tags["aws:autoscaling:groupName"] == "dev-web" {
				if inst.State.Name != ec2types.InstanceStateNameTerminated {
					w.asgN++
				}
				continue
			}
			w.state[tags["Name"]] = string(inst.State.Name)
			w.tags[tags["Name"]] = tags
		}
	}
	groups, err := autoscaling.NewFromConfig(cfg).DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"dev-web"}})
	if err != nil || len(groups.AutoScalingGroups) != 1 {
		t.Fatalf("describe dev-web: %v", err)
	}
	g := groups.AutoScalingGroups[0]
	w.asg = Capacity{Min: aws.ToInt32(g.MinSize), Max: aws.ToInt32(g.MaxSize), Desired: aws.ToInt32(g.DesiredCapacity)}
	w.asgT = map[string]string{}
	for _, tg := range g.Tags {
		w.asgT[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	dbs, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("dev-db")})
	if err != nil || len(dbs.DBInstances) != 1 {
		t.Fatalf("describe dev-db: %v", err)
	}
	w.db = aws.ToString(dbs.DBInstances[0].DBInstanceStatus)
	w.dbT = rdsTags(dbs.DBInstances[0].TagList)
	return w
}

func (w world) wantStates(t *testing.T, when string, want map[string]string) {
	t.Helper()
	for name, state := range want {
		if w.state[name] != state {
			t.Errorf("%s: %s is %s, want %s", when, name, w.state[name], state)
		}
	}
}

// newMotoService returns the service acting in moto's default account in
// eu-west-2 through cfg.
func newMotoService(t *testing.T, cfg aws.Config, rec notify.Notifier) *Service {
	t.Helper()
	svc, err := New(DefaultConfig(), Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return []accounts.Target{{Account: mototest.DefaultAccountID, Region: "eu-west-2", Config: cfg}}, nil
		},
		FanOut:   accounts.FanOut{Limit: 4},
		Notifier: rec,
		Location: mustLoc(t, "Europe/London"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func reconcileAt(t *testing.T, svc *Service, now time.Time, mode reconcile.Mode) reconcile.Result {
	t.Helper()
	res := svc.Reconcile(context.Background(), reconcile.Request{Now: now, Mode: mode})
	if len(res.Errors) != 0 {
		t.Fatalf("reconcile at %s: errors %v", now.Format(time.RFC3339), res.Errors)
	}
	for _, a := range res.Actions {
		if a.Status == reconcile.Failed {
			t.Errorf("reconcile at %s: %s %s failed: %s", now.Format(time.RFC3339), a.Action, a.Resource, a.Error)
		}
	}
	return res
}

func TestMotoOvernightShutdown(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	cfg := srv.Config("eu-west-2")
	e := seed(t, cfg)
	w := testWeek(t)
	rec := &notify.Recorder{}

	// Plan mode, through the read-only guard the daemon uses: it decides,
	// makes read-only calls only, and changes nothing.
	planCfg := cfg.Copy()
	var mu sync.Mutex
	var ops []string
	awsenv.Instrument(&planCfg, true, 30*time.Second, nil, func(_, op string) {
		mu.Lock()
		ops = append(ops, op)
		mu.Unlock()
	})
	plan := reconcileAt(t, newMotoService(t, planCfg, rec), w.tuesdayEvening, reconcile.Plan)
	for _, op := range ops {
		if !awsenv.IsReadOnly(op) {
			t.Errorf("plan mode called %s", op)
		}
	}
	planned := byResource(plan)
	for _, name := range []string{"dev-api", "stg-worker"} {
		if a := planned[e.ids[name]]; a.Action != "stop" || a.Status != reconcile.Planned {
			t.Errorf("plan: %s: %s %s", name, a.Action, a.Status)
		}
	}
	if a := planned["dev-web"]; a.Action != "stop" || a.Details["kind"] != "asg" {
		t.Errorf("plan: dev-web: %+v", a)
	}
	if a := planned["dev-db"]; a.Action != "stop" || a.Details["kind"] != "rds-instance" {
		t.Errorf("plan: dev-db: %+v", a)
	}
	before := look(t, cfg)
	before.wantStates(t, "after plan", map[string]string{"dev-api": "running", "stg-worker": "running"})
	if before.asg != (Capacity{Min: 1, Max: 3, Desired: 2}) || before.asgN != 2 || before.db != "available" {
		t.Errorf("after plan: group %v with %d instances, db %s", before.asg, before.asgN, before.db)
	}
	if len(rec.Messages()) != 0 {
		t.Error("plan mode sent a message")
	}

	svc := newMotoService(t, cfg, rec)

	// Tuesday 19:05: the default schedule's dev and staging resources stop.
	res := reconcileAt(t, svc, w.tuesdayEvening, reconcile.Apply)
	acts := byResource(res)
	now := look(t, cfg)
	now.wantStates(t, "Tuesday evening", map[string]string{
		"dev-api": "stopped", "stg-worker": "stopped",
		"stg-batch": "running", "dev-build": "running", "dev-typo": "running", "prod-api": "running", "untagged": "running",
	})
	stamp := w.tuesdayEvening.Format(time.RFC3339)
	for _, name := range []string{"dev-api", "stg-worker"} {
		if tags := now.tags[name]; tags["opsd:shutdown:last-action"] != "stop" || tags["opsd:shutdown:last-action-at"] != stamp {
			t.Errorf("%s marker tags = %v", name, tags)
		}
	}
	for _, name := range []string{"stg-batch", "dev-build", "dev-typo", "prod-api", "untagged"} {
		if _, ok := now.tags[name]["opsd:shutdown:last-action"]; ok {
			t.Errorf("%s got a marker", name)
		}
	}
	if now.asg != (Capacity{}) || now.asgN != 0 {
		t.Errorf("dev-web after stop: %v with %d instances, want scaled to zero", now.asg, now.asgN)
	}
	if now.asgT["opsd:shutdown:asg-capacity"] != "min=1,max=3,desired=2" || now.asgT["opsd:shutdown:last-action"] != "stop" {
		t.Errorf("dev-web tags = %v", now.asgT)
	}
	if now.db != "stopped" || now.dbT["opsd:shutdown:last-action"] != "stop" {
		t.Errorf("dev-db: %s %v", now.db, now.dbT)
	}
	if a := acts[e.ids["prod-api"]]; a.Action != "report" || !strings.Contains(a.Reason, "never stopped in production") {
		t.Errorf("prod-api: %+v", a)
	}
	if a := acts[e.ids["dev-typo"]]; a.Action != "report" || !strings.Contains(a.Reason, `OOOShutdown="yes" is neither true nor false`) {
		t.Errorf("dev-typo: %+v", a)
	}
	for _, name := range []string{"dev-build", "untagged"} {
		if _, ok := acts[e.ids[name]]; ok {
			t.Errorf("%s listed: %+v", name, acts[e.ids[name]])
		}
	}
	if a := acts[e.ids["stg-batch"]]; a.Action != "none" || a.Details["schedule"] != "weekend" {
		t.Errorf("stg-batch: %+v", a)
	}
	msgs := rec.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages after the evening, want 1", len(msgs))
	}
	if msgs[0].Title != "Overnight shutdown: stopped 4, started 0, 0 failed, 2 reported" {
		t.Errorf("title = %q", msgs[0].Title)
	}
	t.Logf("evening summary:\n%s", notify.Render(msgs[0]))

	// A run later the same evening changes nothing and says nothing.
	res = reconcileAt(t, svc, w.tuesdayEvening.Add(5*time.Minute), reconcile.Apply)
	if n := res.Count(reconcile.Done); n != 0 {
		t.Errorf("second evening run did %d things", n)
	}
	if len(rec.Messages()) != 1 {
		t.Errorf("second evening run sent a message")
	}

	// Wednesday 07:05: what opsd stopped starts; the group is restored.
	reconcileAt(t, svc, w.wednesdayMorning, reconcile.Apply)
	now = look(t, cfg)
	now.wantStates(t, "Wednesday morning", map[string]string{
		"dev-api": "running", "stg-worker": "running", "stg-batch": "running", "prod-api": "running",
	})
	if now.asg != (Capacity{Min: 1, Max: 3, Desired: 2}) || now.asgN != 2 {
		t.Errorf("dev-web after start: %v with %d instances", now.asg, now.asgN)
	}
	if _, ok := now.asgT["opsd:shutdown:asg-capacity"]; ok || now.asgT["opsd:shutdown:last-action"] != "start" {
		t.Errorf("dev-web tags after start = %v", now.asgT)
	}
	if now.db != "available" || now.dbT["opsd:shutdown:last-action"] != "start" {
		t.Errorf("dev-db after start: %s %v", now.db, now.dbT)
	}
	msgs = rec.Messages()
	if len(msgs) != 2 || msgs[1].Title != "Overnight shutdown: stopped 0, started 4, 0 failed, 2 reported" {
		t.Errorf("morning messages = %+v", msgs)
	}

	// Friday 19:05: the weekend starts; WeekendShutdown stops too.
	reconcileAt(t, svc, w.fridayEvening, reconcile.Apply)
	look(t, cfg).wantStates(t, "Friday evening", map[string]string{
		"dev-api": "stopped", "stg-worker": "stopped", "stg-batch": "stopped", "prod-api": "running", "dev-build": "running",
	})

	// Saturday 10:00: nothing starts.
	res = reconcileAt(t, svc, w.saturday, reconcile.Apply)
	for _, a := range res.Actions {
		if a.Action == "start" {
			t.Errorf("Saturday: %s %s", a.Action, a.Resource)
		}
	}
	now = look(t, cfg)
	now.wantStates(t, "Saturday", map[string]string{
		"dev-api": "stopped", "stg-worker": "stopped", "stg-batch": "stopped", "prod-api": "running",
	})
	if now.asg.Desired != 0 || now.db != "stopped" {
		t.Errorf("Saturday: dev-web %v, dev-db %s", now.asg, now.db)
	}
	if len(rec.Messages()) != 3 {
		t.Errorf("%d messages by Saturday, want 3 (Tuesday, Wednesday, Friday)", len(rec.Messages()))
	}
}

// One instance of a batch that EC2 refuses (here through a wire-protocol
// fake in front of moto) fails alone; the rest stop.
func TestMotoStopBatchIsolation(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	proxy := mototest.NewProxy(t, srv.URL())
	cfg := proxy.Config("eu-west-2")
	e := seed(t, cfg)
	w := testWeek(t)
	bad := e.ids["stg-worker"]
	proxy.Handle("StopInstances", func(rw http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			mototest.WriteError(rw, r, http.StatusBadRequest, "InvalidParameterValue", err.Error())
			return
		}
		for k, v := range r.PostForm {
			if strings.HasPrefix(k, "InstanceId.") && slices.Contains(v, bad) {
				mototest.WriteError(rw, r, http.StatusBadRequest, "IncorrectInstanceState",
					"The instance '"+bad+"' is not in a state from which it can be stopped.")
				return
			}
		}
		proxy.Forward(rw, r)
	})
	rec := &notify.Recorder{}
	res := newMotoService(t, cfg, rec).Reconcile(context.Background(), reconcile.Request{Now: w.tuesdayEvening, Mode: reconcile.Apply})
	acts := byResource(res)
	if a := acts[bad]; a.Status != reconcile.Failed || !strings.Contains(a.Error, "IncorrectInstanceState") {
		t.Errorf("stg-worker: %s %q", a.Status, a.Error)
	}
	if a := acts[e.ids["dev-api"]]; a.Status != reconcile.Done {
		t.Errorf("dev-api: %s %q", a.Status, a.Error)
	}
	now := look(t, cfg)
	now.wantStates(t, "after the batch", map[string]string{"dev-api": "stopped", "stg-worker": "running"})
	if !strings.HasPrefix(now.tags["stg-worker"]["opsd:shutdown:last-error"], "stop failed: IncorrectInstanceState") {
		t.Errorf("stg-worker last-error tag = %q", now.tags["stg-worker"]["opsd:shutdown:last-error"])
	}
	if n := proxy.Count("StopInstances"); n != 3 {
		t.Errorf("StopInstances called %d times, want 3 (the batch, then each alone)", n)
	}
	msgs := rec.Messages()
	if len(msgs) != 1 || msgs[0].Title != "Overnight shutdown: stopped 3, started 0, 1 failed, 2 reported" {
		t.Errorf("messages = %+v", msgs)
	}
}
