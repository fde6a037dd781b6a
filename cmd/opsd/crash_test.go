package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/internal/opsdbin"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	bktypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/opsd-dev/opsd/dlq"
	"github.com/opsd-dev/opsd/internal/mototest"
)

// These tests kill opsd with SIGKILL in the middle of a run of each
// service, at the moment one of its mutating AWS calls has reached AWS
// (moto) and before opsd has seen the answer, then run opsd again and
// check that the estate ends where it should: nothing left stopped that
// should run, nothing done twice, nothing lost. The DLQ archiver is also
// killed at every call of its own in dlq/kill_test.go and
// dlq/kill_integration_test.go; here the whole process dies once.

func TestKillNineMidRun(t *testing.T) {
	srv := mototest.Shared(t)
	mototest.SetCredentialsEnv(t)
	bin := opsdbin.Build(t)
	t.Run("shutdown evening stop", func(t *testing.T) { killShutdownEvening(t, srv, bin) })
	t.Run("shutdown morning start", func(t *testing.T) { killShutdownMorning(t, srv, bin) })
	emulatorBin := buildEmulator(t)
	t.Run("patching install", func(t *testing.T) { killPatchingInstall(t, srv, bin, emulatorBin) })
	t.Run("backup plan and selection", func(t *testing.T) { killBackupPlan(t, srv, bin, emulatorBin) })
	t.Run("monitor alarms", func(t *testing.T) { killMonitorAlarms(t, srv, bin) })
	t.Run("dlq archive", func(t *testing.T) { killDLQArchive(t, srv, bin) })
}

const (
	tuesdayEvening   = "2026-11-24T19:05:00Z"
	tuesdayLater     = "2026-11-24T19:10:00Z"
	wednesdayMorning = "2026-11-25T07:05:00Z"
	wednesdayLater   = "2026-11-25T07:10:00Z"
	wednesdayEvening = "2026-11-25T19:05:00Z"
)

// shutdownConfig writes a configuration that runs the shutdown service
// through endpoint.
func shutdownConfig(t *testing.T, endpoint string) string {
	return writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nshutdown: {enabled: true}\n", endpoint))
}

// killShutdownEvening: opsd dies after StopInstances reached AWS and
// before it wrote its marker tags (the group and the database were
// already stopped too, unrecorded). The restart must know those stops
// for its own, so that the morning run starts every resource again.
func killShutdownEvening(t *testing.T, srv *mototest.Server, bin string) {
	srv.Reset(t)
	moto := srv.Config("eu-west-2")
	seedShutdown(t, moto)
	proxy := mototest.NewProxy(t, srv.URL())
	path := shutdownConfig(t, proxy.URL())

	ks := armKill(t, proxy, "StopInstances", 1, nil)
	runKilled(t, bin, ks, onceArgs(path, tuesdayEvening, "shutdown")...)
	killed := lookShutdown(t, moto)
	killed.wantOff(t, "at the kill", false)
	for _, name := range shutdownDevInstances {
		if killed.marker[name] == "stop" {
			t.Fatalf("%s was marked before the kill: the kill point is too late", name)
		}
	}

	mustRunOnce(t, bin, path, tuesdayLater, "shutdown")
	lookShutdown(t, moto).wantOff(t, "after the restart", true)

	proxy.ResetCalls()
	mustRunOnce(t, bin, path, wednesdayMorning, "shutdown")
	lookShutdown(t, moto).wantOn(t, "Wednesday morning")
	if n := proxy.Count("StopInstances"); n != 0 {
		t.Errorf("the morning run stopped instances (%d calls)", n)
	}
}

// killShutdownMorning: the evening run completes; the morning run dies
// after StartInstances reached AWS, before the marker tags. The restart
// leaves everything running and stops nothing; the next evening stops
// everything again.
func killShutdownMorning(t *testing.T, srv *mototest.Server, bin string) {
	srv.Reset(t)
	moto := srv.Config("eu-west-2")
	seedShutdown(t, moto)
	proxy := mototest.NewProxy(t, srv.URL())
	path := shutdownConfig(t, proxy.URL())

	mustRunOnce(t, bin, path, tuesdayEvening, "shutdown")
	lookShutdown(t, moto).wantOff(t, "Tuesday evening", true)

	ks := armKill(t, proxy, "StartInstances", 1, nil)
	runKilled(t, bin, ks, onceArgs(path, wednesdayMorning, "shutdown")...)
	lookShutdown(t, moto).wantOn(t, "at the kill")

	proxy.ResetCalls()
	mustRunOnce(t, bin, path, wednesdayLater, "shutdown")
	lookShutdown(t, moto).wantOn(t, "after the restart")
	for _, op := range []string{"StopInstances", "StartInstances", "StopDBInstance", "UpdateAutoScalingGroup"} {
		if n := proxy.Count(op); n != 0 {
			t.Errorf("the restarted morning run called %s %d times", op, n)
		}
	}

	mustRunOnce(t, bin, path, wednesdayEvening, "shutdown")
	lookShutdown(t, moto).wantOff(t, "Wednesday evening", true)
}

// sundayWindow is five minutes into the default patch window (Sundays
// 01:00 Europe/London, GMT in November).
const (
	sundayWindow      = "2026-11-29T01:05:00Z"
	sundayWindowLater = "2026-11-29T01:15:00Z"
	installComment    = "opsd install default 2026-11-29T01:00Z"
)

// killPatchingInstall: opsd dies right after its install SendCommand
// reached SSM. The restart finds the command by its comment and follows
// it: no second install for the same window, and the run is reported.
func killPatchingInstall(t *testing.T, srv *mototest.Server, bin, emulatorBin string) {
	srv.Reset(t)
	moto := srv.Config("eu-west-2")
	ids := launchTagged(t, moto, []string{"app-1", "app-2", "app-3"}, "TOPATCH")
	em := startEmulator(t, emulatorBin, srv.URL())
	proxy := mototest.NewProxy(t, em.url)
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\npatching: {enabled: true, poll_interval: 1s}\n", proxy.URL()))

	ks := armKill(t, proxy, "AmazonSSM.SendCommand", 1, isInstall)
	runKilled(t, bin, ks, onceArgs(path, sundayWindow, "patching")...)
	want := []string{ids["app-1"], ids["app-2"], ids["app-3"]}
	sort.Strings(want)
	installs := "Install " + strings.Join(want, ",")
	if got := ssmCommands(t, moto); len(got) != 1 || len(got[installComment]) != 1 || got[installComment][0] != installs {
		t.Fatalf("commands at the kill = %v, want one %q", got, installs)
	}

	proxy.ResetCalls()
	out := mustRunOnce(t, bin, path, sundayWindowLater, "patching")
	if n := proxy.Count("AmazonSSM.SendCommand"); n != 0 {
		t.Errorf("the restart sent %d more commands", n)
	}
	if got := ssmCommands(t, moto); len(got) != 1 || len(got[installComment]) != 1 {
		t.Errorf("commands after the restart = %v, want the one install", got)
	}
	if !strings.Contains(out, "Patch run default (Sun 29 Nov 01:00 GMT): 3 installed") {
		t.Errorf("the restart did not report the install run:\n%s", out)
	}
}

// killBackupPlan: opsd dies right after the second CreateBackupPlan
// reached AWS Backup (before that plan's selection); the restart converges
// to exactly one plan and one selection per policy. Then a selection
// replaced by hand with a wrong one is replaced by opsd (create, then
// delete), and opsd dies between the create and the delete: the restart
// leaves exactly the right selection, nothing weakened.
func killBackupPlan(t *testing.T, srv *mototest.Server, bin, emulatorBin string) {
	srv.Reset(t)
	em := startEmulator(t, emulatorBin, srv.URL())
	proxy := mototest.NewProxy(t, em.url)
	view := mototest.Config(em.url, "eu-west-2")
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nbackup: {enabled: true}\n", proxy.URL()))

	ks := armKill(t, proxy, "PUT /backup/plans", 2, nil)
	runKilled(t, bin, ks, onceArgs(path, "", "backup")...)
	if v := lookBackup(t, view); len(v.plans) != 2 || len(v.selections) != 1 {
		t.Fatalf("at the kill: plans %v, selections %v; want 2 plans, 1 selection", v.plans, v.selections)
	}
	mustRunOnce(t, bin, path, "", "backup")
	lookBackup(t, view).wantConverged(t, "after the restart")

	// Someone replaces opsd-prod's selection with one that selects
	// everything.
	ctx := context.Background()
	c := backup.NewFromConfig(view)
	plans, err := c.ListBackupPlans(ctx, &backup.ListBackupPlansInput{})
	if err != nil {
		t.Fatal(err)
	}
	var prod *string
	for _, p := range plans.BackupPlansList {
		if aws.ToString(p.BackupPlanName) == "opsd-prod" {
			prod = p.BackupPlanId
		}
	}
	sels, err := c.ListBackupSelections(ctx, &backup.ListBackupSelectionsInput{BackupPlanId: prod})
	if err != nil || len(sels.BackupSelectionsList) != 1 {
		t.Fatalf("opsd-prod selections: %v %v", sels, err)
	}
	if _, err := c.DeleteBackupSelection(ctx, &backup.DeleteBackupSelectionInput{BackupPlanId: prod, SelectionId: sels.BackupSelectionsList[0].SelectionId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBackupSelection(ctx, &backup.CreateBackupSelectionInput{BackupPlanId: prod, BackupSelection: &bktypes.BackupSelection{
		SelectionName: aws.String("opsd-prod"), IamRoleArn: aws.String("arn:aws:iam::123456789012:role/other"), Resources: []string{"*"},
	}}); err != nil {
		t.Fatal(err)
	}

	ks = armKill(t, proxy, "PUT /backup/plans/{id}/selections", 1, nil)
	proxy.ResetCalls()
	runKilled(t, bin, ks, onceArgs(path, "", "backup")...)
	if n := proxy.Count("DELETE /backup/plans/{id}/selections/{sel}"); n != 0 {
		t.Fatalf("the old selection was deleted before the kill (%d calls)", n)
	}
	if s := lookBackup(t, view).selections["opsd-prod"]; len(s) != 2 {
		t.Fatalf("opsd-prod selections at the kill = %q, want the hand-made one and opsd's", s)
	}
	mustRunOnce(t, bin, path, "", "backup")
	lookBackup(t, view).wantConverged(t, "after the second restart")
}

// killMonitorAlarms: opsd dies right after its third PutMetricAlarm; the
// restart converges to exactly the alarms the plan listed before the
// first run, one per resource and metric, and a third run changes
// nothing.
func killMonitorAlarms(t *testing.T, srv *mototest.Server, bin string) {
	srv.Reset(t)
	moto := srv.Config("eu-west-2")
	ids := launchTagged(t, moto, []string{"api-1", "api-2", "api-3"}, "Environment=production")
	proxy := mototest.NewProxy(t, srv.URL())
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nmonitor: {enabled: true, scope: {kinds: [ec2]}}\n", proxy.URL()))

	want := map[string]bool{}
	for _, a := range planActions(t, bin, path, "monitor") {
		if a["action"] == "create-alarm" {
			want[fmt.Sprint(a["resource"])] = true
		}
	}
	if len(want) < 2*len(ids) {
		t.Fatalf("the plan creates %d alarms for %d instances", len(want), len(ids))
	}

	const put = "GraniteServiceVersion20100801.PutMetricAlarm"
	ks := armKill(t, proxy, put, 3, nil)
	runKilled(t, bin, ks, onceArgs(path, "", "monitor")...)
	if n := len(alarmsOf(alarmsByResource(t, moto))); n != 3 {
		t.Fatalf("%d alarms at the kill, want 3", n)
	}
	mustRunOnce(t, bin, path, "", "monitor")
	byRes := alarmsByResource(t, moto)
	got := alarmsOf(byRes)
	if len(got) != len(want) {
		t.Errorf("after the restart %d alarms, want %d: %v", len(got), len(want), byRes)
	}
	for _, name := range got {
		if !want[name] {
			t.Errorf("alarm %s was not in the plan", name)
		}
	}
	for res, alarms := range byRes {
		seen := map[string]bool{}
		for _, a := range alarms {
			metric, _, _ := strings.Cut(a, " ")
			if seen[metric] {
				t.Errorf("%s has two %s alarms: %v", res, metric, alarms)
			}
			seen[metric] = true
		}
	}

	proxy.ResetCalls()
	mustRunOnce(t, bin, path, "", "monitor")
	if n := proxy.Count(put); n != 0 {
		t.Errorf("a third run put %d alarms", n)
	}
}

// alarmsOf lists the alarm names of alarmsByResource.
func alarmsOf(byRes map[string][]string) []string {
	var out []string
	for _, l := range byRes {
		for _, a := range l {
			_, name, _ := strings.Cut(a, " ")
			out = append(out, name)
		}
	}
	return out
}

// killDLQArchive: opsd dies right after the archive object of the second
// message reached S3, before any message was deleted from the queue. Once
// the received messages are visible again, the restart archives every
// message exactly once and empties the queue: nothing lost, nothing
// doubled.
func killDLQArchive(t *testing.T, srv *mototest.Server, bin string) {
	srv.Reset(t)
	moto := srv.Config("eu-west-2")
	seedDLQ(t, moto, "order failed", "customer-1")
	proxy := mototest.NewProxy(t, srv.URL())
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\ndlq: {enabled: true, archive: {bucket: opsd-dlq-archive, when: arrival, wait_time: 1s, visibility_timeout: 1s}}\n", proxy.URL()))

	ks := armKill(t, proxy, "PUT /{bucket}/{key+}", 2, nil)
	runKilled(t, bin, ks, onceArgs(path, "", "dlq")...)
	// The archiver writes a batch's objects concurrently: the third may
	// have reached S3 too.
	if n := len(archived(t, moto)); n < 2 {
		t.Fatalf("%d objects archived at the kill, want at least 2", n)
	}
	if n := proxy.Count("AmazonSQS.DeleteMessageBatch"); n != 0 {
		t.Fatalf("messages were deleted before the kill (%d calls)", n)
	}
	waitVisible(t, moto, "orders-dlq", 3)

	mustRunOnce(t, bin, path, "", "dlq")
	ids, bodies := map[string]bool{}, map[string]bool{}
	objects := archived(t, moto)
	for _, o := range objects {
		rec, err := dlq.DecodeRecord([]byte(o))
		if err != nil {
			t.Fatalf("archive object: %v\n%s", err, o)
		}
		ids[rec.MessageID], bodies[rec.Body] = true, true
	}
	if len(objects) != 3 || len(ids) != 3 || len(bodies) != 3 {
		t.Errorf("after the restart %d objects archived (%d messages, %d bodies), want the 3 messages once each", len(objects), len(ids), len(bodies))
	}
	if left := queueDepth(t, moto, "orders-dlq"); left != 0 {
		t.Errorf("%d messages left in orders-dlq after the restart", left)
	}
}
