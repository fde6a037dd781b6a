package patching

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// ringsConfig is three rings by the Environment tag: development in the
// default window (Sunday 29 November 01:00–04:00), staging two days after
// it (Tuesday 1 December), production two days after that, each soaking
// a day.
func ringsConfig(c *Config) {
	c.Rings = DefaultRings()
	c.PatchListBucket = "patch-lists"
}

// ringService is a daemon start with a state store that outlives it.
func (e *motoEnv) ringService(t *testing.T, st state.Keeper) *Service {
	t.Helper()
	svc, err := New(testConfig(ringsConfig), Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return []accounts.Target{{Account: mototest.DefaultAccountID, Region: region, Config: e.cfg}}, nil
		},
		FanOut:   accounts.FanOut{Limit: 2},
		Notifier: e.rec,
		Location: london(t),
		State:    st,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// installs returns the Install commands in moto by comment, with their
// InstallOverrideList.
func (e *motoEnv) installs(t *testing.T) map[string]string {
	t.Helper()
	out, err := e.ssm.ListCommands(context.Background(), &ssm.ListCommandsInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, c := range out.Commands {
		if c.Parameters["Operation"][0] == "Install" {
			m[aws.ToString(c.Comment)] = strings.Join(c.Parameters["InstallOverrideList"], ",")
		}
	}
	return m
}

func TestMotoRingsHaltOnFailuresThenReleaseInstallsTheFirstRingsList(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	if _, err := s3.NewFromConfig(e.cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{
		Bucket:                    aws.String("patch-lists"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest2},
	}); err != nil {
		t.Fatal(err)
	}
	dev1 := e.launch(t, "Name=dev-1", "TOPATCH", "Environment=development")
	dev2 := e.launch(t, "Name=dev-2", "TOPATCH", "Environment=dev")
	stg := e.launch(t, "Name=stg-1", "TOPATCH", "Environment=staging")
	prd := e.launch(t, "Name=prd-1", "TOPATCH", "Environment=production")
	e.fake.setManaged(online("Ubuntu"), dev1, dev2, stg, prd)
	e.fake.setScript(func(comment, id string, _ int) string {
		if id == dev2 && strings.Contains(comment, "development") {
			return "Failed"
		}
		return "Success"
	})
	installedAt := sundayWindow.Add(20 * time.Minute)
	e.fake.patches[dev1] = []fakePatch{
		{KBID: "openssl", Title: "openssl 3.0.2-0ubuntu1.15", State: "Installed", Installed: installedAt},
		{KBID: "libc6", Title: "libc6 2.35-0ubuntu3.6", State: "InstalledPendingReboot", Installed: installedAt},
		// Installed after the ring's window: not in the list.
		{KBID: "curl", Title: "curl 7.81.0-1ubuntu1.16", State: "Installed", Installed: sundayWindow.Add(30 * time.Hour)},
		{KBID: "bash", Title: "bash 5.1-6ubuntu1.1", State: "Missing"},
	}
	store := state.NewTolerant(state.NewMemory(), slog.New(slog.DiscardHandler))

	// Development is patched in its window; dev-2's install fails.
	res := run(t, e.ringService(t, store), sundayWindow.Add(10*time.Minute), reconcile.Apply)
	if got := e.installs(t); len(got) != 1 || got["opsd install development 2026-11-29T01:00Z"] != "" {
		t.Fatalf("installs after development's window: %v (errors %v)", got, res.Errors)
	}

	// Staging's window opens: 1 of 2 failed (50% > 10%): halted, told
	// once, nothing sent to staging.
	tuesday := time.Date(2026, 12, 1, 1, 10, 0, 0, time.UTC)
	before := len(e.rec.Messages())
	res = run(t, e.ringService(t, store), tuesday, reconcile.Apply)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	if got := e.installs(t); len(got) != 1 {
		t.Fatalf("the halt let an install through: %v", got)
	}
	msgs := e.rec.Messages()[before:]
	if len(msgs) != 1 || !strings.Contains(msgs[0].Title, "ring development failed its gate in cycle 2026-11-29T01:00Z; staging, production not patched") {
		t.Fatalf("messages %+v", msgs)
	}
	for _, want := range []string{"failure rate 1/2 (50%) is over 10%", dev2, "opsd:patching:release", "aws ec2 create-tags --resources " + dev2} {
		if !strings.Contains(msgs[0].Text, want) {
			t.Errorf("halt message lacks %q:\n%s", want, msgs[0].Text)
		}
	}
	var stgAction *reconcile.Action
	for _, a := range actionsOf(res, stg) {
		stgAction = &a
	}
	if stgAction == nil || stgAction.Action != "none" || stgAction.Details["ring"] != "staging" || !strings.Contains(stgAction.Details["gate"], "halted: ring development failed its gate") {
		t.Errorf("staging's action %+v", stgAction)
	}

	// A restart keeps the halt, and does not tell it again.
	res = run(t, e.ringService(t, store), tuesday.Add(10*time.Minute), reconcile.Apply)
	if got := e.installs(t); len(got) != 1 || len(e.rec.Messages()) != before+1 || len(res.Errors) != 0 {
		t.Fatalf("after a restart: installs %v, %d messages, errors %v", got, len(e.rec.Messages())-before, res.Errors)
	}

	// A release tag from before the halt releases nothing; one after it
	// does, and staging installs exactly development's list.
	tag := func(v string) {
		t.Helper()
		if _, err := e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{dev2},
			Tags: []ec2types.Tag{{Key: aws.String(DefaultReleaseTag), Value: aws.String(v)}}}); err != nil {
			t.Fatal(err)
		}
	}
	tag("2026-11-30T00:00:00Z")
	run(t, e.ringService(t, store), tuesday.Add(15*time.Minute), reconcile.Apply)
	if got := e.installs(t); len(got) != 1 {
		t.Fatalf("a stale release tag released the gate: %v", got)
	}
	tag("not a time")
	run(t, e.ringService(t, store), tuesday.Add(16*time.Minute), reconcile.Apply)
	if got := e.installs(t); len(got) != 1 {
		t.Fatalf("a malformed release tag released the gate: %v", got)
	}
	tag(tuesday.Add(18 * time.Minute).Format(time.RFC3339))
	res = run(t, e.ringService(t, store), tuesday.Add(20*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	const url = "s3://patch-lists/opsd/patching/patch-lists/2026-11-29T01-00Z/ubuntu.yaml"
	got := e.installs(t)
	if len(got) != 2 || got["opsd install staging 2026-12-01T01:00Z"] != url {
		t.Fatalf("installs after the release: %v", got)
	}
	obj, err := s3.NewFromConfig(e.cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String("patch-lists"), Key: aws.String("opsd/patching/patch-lists/2026-11-29T01-00Z/ubuntu.yaml"),
	})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(obj.Body)
	want := "patches:\n  - id: 'libc6'\n    title: 'libc6 2.35-0ubuntu3.6'\n  - id: 'openssl'\n    title: 'openssl 3.0.2-0ubuntu1.15'\n"
	if string(body) != want {
		t.Errorf("patch list:\n%s\nwant:\n%s", body, want)
	}
	out, _ := e.ssm.ListCommands(ctx, &ssm.ListCommandsInput{})
	for _, c := range out.Commands {
		if aws.ToString(c.Comment) == "opsd install staging 2026-12-01T01:00Z" && (len(c.InstanceIds) != 1 || c.InstanceIds[0] != stg) {
			t.Errorf("staging's install went to %v", c.InstanceIds)
		}
	}
	if len(e.rec.Messages()) < before+2 {
		t.Errorf("staging's run was not reported: %+v", e.rec.Messages()[before:])
	}
	// Production waits for staging's gate.
	for _, a := range actionsOf(res, prd) {
		if !strings.Contains(a.Details["gate"], "waits for the gate after ring staging's window") {
			t.Errorf("production's action %+v", a)
		}
	}
}
