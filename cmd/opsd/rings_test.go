package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
	"github.com/opsd-dev/opsd/internal/slackrecord"
)

// The cycle of the rings below: development opens with the default window
// on Sunday 29 November 2026 01:00 (GMT), staging 48 hours later, on
// Tuesday 1 December, production on Thursday 3 December.
const (
	ringsDevWindow   = "2026-11-29T01:05:00Z"
	ringsDevLater    = "2026-11-29T01:15:00Z"
	ringsStgWindow   = "2026-12-01T01:10:00Z"
	ringsStgRestart  = "2026-12-01T01:20:00Z"
	ringsReleasedAt  = "2026-12-01T01:25:00Z"
	ringsStgReleased = "2026-12-01T01:30:00Z"
	ringsDevInstall  = "opsd install development 2026-11-29T01:00Z"
	ringsStgInstall  = "opsd install staging 2026-12-01T01:00Z"
	ringsListKey     = "opsd/patching/patch-lists/2026-11-29T01-00Z/ubuntu.yaml"
)

// Three rings by Environment, the real binary, moto behind the emulator
// (SSM) and Slack's stand-in. Development is patched in its window and
// one of its two installs fails (demo:install=fail): over the 10%
// threshold, so staging is halted at its window, told once in Slack, and
// a restart keeps the halt. The release tag on the failed instance
// resumes it: staging installs exactly what development installed (the
// InstallOverrideList in S3), and production waits for staging's gate.
// `opsd plan --json` shows each instance's ring, gate and patch time.
func TestRingsHaltOnDevelopmentFailureThenReleaseInstallsItsList(t *testing.T) {
	srv := mototest.Shared(t)
	mototest.SetCredentialsEnv(t)
	srv.Reset(t)
	bin := opsdbin.Build(t)
	em := startEmulator(t, buildEmulator(t), srv.URL())
	slack := slackrecord.Start(t)
	moto := srv.Config("eu-west-2")
	ctx := context.Background()
	s3c := s3.NewFromConfig(moto, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{
		Bucket:                    aws.String("patch-lists"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest2},
	}); err != nil {
		t.Fatal(err)
	}
	missing := []string{"TOPATCH", "demo:missing-critical=1", "demo:missing-important=1"}
	dev1 := launchTagged(t, moto, []string{"dev-1"}, append(missing, "Environment=development")...)["dev-1"]
	dev2 := launchTagged(t, moto, []string{"dev-2"}, append(missing, "Environment=dev", "demo:install=fail")...)["dev-2"]
	// Staging misses a patch development did not: it waits for the next
	// cycle.
	stg := launchTagged(t, moto, []string{"stg-1"}, "TOPATCH", "Environment=staging", "demo:missing-critical=1", "demo:missing-important=2")["stg-1"]
	prd := launchTagged(t, moto, []string{"prd-1"}, append(missing, "Environment=production")...)["prd-1"]
	path := writeConfig(t, fmt.Sprintf(`aws: {regions: [eu-west-2], endpoint_url: %q}
notify: {slack: {token: xoxb-rings, channel: C-OPS, api_url: %q}}
patching:
  enabled: true
  poll_interval: 1s
  rings:
    - {name: development}
    - {name: staging, after: 48h}
    - {name: production, after: 48h}
  patch_list_bucket: patch-lists
`, em.url, slack.URL()))

	// Development's window: one install to both of its instances, no
	// list; dev-2's fails, and so does the run.
	runRings(t, bin, path, ringsDevWindow, 1)
	runRings(t, bin, path, ringsDevLater, 0)
	got := installCommands(t, moto)
	if len(got) != 1 || got[ringsDevInstall].list != "" || got[ringsDevInstall].ids != joinSorted(dev1, dev2) {
		t.Fatalf("installs after development's window = %+v", got)
	}

	// Staging's window: 1 of 2 failed (50% > 10%): halted, told once.
	runRings(t, bin, path, ringsStgWindow, 0)
	if got := installCommands(t, moto); len(got) != 1 {
		t.Fatalf("the halt let an install through: %+v", got)
	}
	halts := haltsTold(slack)
	if len(halts) != 1 {
		t.Fatalf("the halt was told %d times, want once: %q", len(halts), slack.Texts(0))
	}
	for _, want := range []string{"ring development failed its gate", "failure rate 1/2 (50%) is over 10%", dev2, "opsd:patching:release"} {
		if !strings.Contains(halts[0], want) {
			t.Errorf("the halt message lacks %q:\n%s", want, halts[0])
		}
	}

	// A restart keeps the halt and does not tell it again.
	runRings(t, bin, path, ringsStgRestart, 0)
	if n := len(haltsTold(slack)); n != 1 || len(installCommands(t, moto)) != 1 {
		t.Fatalf("after a restart: halt told %d times, installs %+v", n, installCommands(t, moto))
	}
	plan := planAt(t, bin, path, ringsStgRestart)
	if d := plan[stg]; d["ring"] != "staging" || !strings.Contains(d["gate"], "halted: ring development failed its gate") {
		t.Errorf("plan of staging while halted: %v", d)
	}
	if d := plan[prd]; d["ring"] != "production" || d["gate"] == "" {
		t.Errorf("plan of production while halted: %v", d)
	}

	// The release tag, set after the halt, resumes the rollout: staging
	// installs development's list.
	if _, err := ec2.NewFromConfig(moto).CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{dev2},
		Tags: []ec2types.Tag{{Key: aws.String("opsd:patching:release"), Value: aws.String(ringsReleasedAt)}}}); err != nil {
		t.Fatal(err)
	}
	runRings(t, bin, path, ringsStgReleased, 0)
	got = installCommands(t, moto)
	const url = "s3://patch-lists/" + ringsListKey
	if len(got) != 2 || got[ringsStgInstall].list != url || got[ringsStgInstall].ids != stg {
		t.Fatalf("installs after the release = %+v, want staging's to %s with %s", got, stg, url)
	}
	obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("patch-lists"), Key: aws.String(ringsListKey)})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(obj.Body)
	const want = "patches:\n  - id: 'demo-critical-1'\n    title: 'Demo critical security update 1'\n  - id: 'demo-important-1'\n    title: 'Demo important security update 1'\n"
	if string(body) != want {
		t.Errorf("the frozen list:\n%s\nwant what dev-1 installed:\n%s", body, want)
	}
	if states := patchStates(t, mototest.Config(em.url, "eu-west-2"), stg); states["demo-critical-1"] != "Installed" || states["demo-important-1"] != "Installed" || states["demo-important-2"] != "Missing" {
		t.Errorf("staging's patches after its install = %v, want the list installed and demo-important-2 missing", states)
	}

	// Production waits for staging's gate.
	plan = planAt(t, bin, path, ringsStgReleased)
	if d := plan[prd]; d["ring"] != "production" || !strings.Contains(d["gate"], "waits for the gate after ring staging's window") || d["patch_at"] == "" {
		t.Errorf("plan of production after the release: %v", d)
	}
	if d := plan[stg]; d["ring"] != "staging" {
		t.Errorf("plan of staging after the release: %v", d)
	}
}

// haltsTold are the Slack messages that say a rollout halted.
func haltsTold(slack *slackrecord.Server) []string {
	var out []string
	for _, text := range slack.Texts(0) {
		if strings.HasPrefix(strings.TrimPrefix(text, ":rotating_light: "), "Patching rollout halted") {
			out = append(out, text)
		}
	}
	return out
}

// runRings runs the patching service once at now and fails the test
// unless opsd exits with want: 1 when a run's install failed on an
// instance, else 0.
func runRings(t *testing.T, bin, config, now string, want int) {
	t.Helper()
	args := onceArgs(config, now, "patching")
	if code, out := runChild(t, bin, args...); code != want {
		t.Fatalf("opsd %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
}

// installCommand is one install command in moto: its instances (sorted,
// comma-joined) and its InstallOverrideList.
type installCommand struct{ ids, list string }

// installCommands returns moto's Install commands by comment.
func installCommands(t *testing.T, cfg aws.Config) map[string]installCommand {
	t.Helper()
	out, err := ssm.NewFromConfig(cfg).ListCommands(context.Background(), &ssm.ListCommandsInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]installCommand{}
	for _, c := range out.Commands {
		if strings.Join(c.Parameters["Operation"], ",") == "Install" {
			m[aws.ToString(c.Comment)] = installCommand{ids: joinSorted(c.InstanceIds...), list: strings.Join(c.Parameters["InstallOverrideList"], ",")}
		}
	}
	return m
}

func joinSorted(ids ...string) string {
	return strings.Join(slices.Sorted(slices.Values(ids)), ",")
}

// planAt runs `opsd plan --json` for patching at now and returns each
// instance's details (ring, gate, patch_at).
func planAt(t *testing.T, bin, config, now string) map[string]map[string]string {
	t.Helper()
	cmd := exec.Command(bin, "plan", "--config", config, "--only", "patching", "--now", now, "--json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("opsd plan: %v\n%s", err, stderr.String())
	}
	var actions []struct {
		Resource string
		Details  map[string]string
	}
	if err := json.Unmarshal(out, &actions); err != nil {
		t.Fatalf("opsd plan --json: %v\n%s", err, out)
	}
	m := map[string]map[string]string{}
	for _, a := range actions {
		id := a.Resource[strings.LastIndex(a.Resource, "/")+1:]
		if len(a.Details) > 0 {
			m[id] = a.Details
		}
	}
	return m
}

// patchStates is the state of each patch of instance id, as SSM's
// DescribeInstancePatches answers it.
func patchStates(t *testing.T, cfg aws.Config, id string) map[string]string {
	t.Helper()
	out, err := ssm.NewFromConfig(cfg).DescribeInstancePatches(context.Background(), &ssm.DescribeInstancePatchesInput{InstanceId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, p := range out.Patches {
		m[aws.ToString(p.KBId)] = string(p.State)
	}
	return m
}
