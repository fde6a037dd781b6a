package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/internal/opsdbin"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/internal/mototest"
)

func TestMain(m *testing.M) {
	code := mototest.Run(m)
	opsdbin.Remove()
	os.Exit(code)
}

// opsd runs the command line in-process and returns its exit code and output.
func opsd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "opsd.yaml")
	if err := os.WriteFile(path, []byte(opsdbin.WithState(t, content)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUsageErrorsExitTwo(t *testing.T) {
	good := writeConfig(t, "aws: {regions: [eu-west-2]}\n")
	for name, args := range map[string][]string{
		"no command":       {},
		"unknown command":  {"frobnicate"},
		"unknown flag":     {"plan", "--config", good, "--verbose"},
		"no config":        {"plan"},
		"bad now":          {"plan", "--config", good, "--now", "tuesday evening"},
		"now without once": {"run", "--config", good, "--now", "2026-11-24T19:05:00Z"},
		"only not enabled": {"plan", "--config", good, "--only", "shutdown"},
		"only unknown":     {"plan", "--config", good, "--only", "teleport"},
		"missing file":     {"check-config", "--config", filepath.Join(t.TempDir(), "absent.yaml")},
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, stderr := opsd(t, args...); code != exitUsage {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := opsd(t, "version"); code != 0 || !strings.HasPrefix(out, "opsd ") || !strings.Contains(out, " (commit ") {
		t.Errorf("version: %d %q", code, out)
	}
	for _, cmd := range []string{"run", "plan", "check-config"} {
		code, _, stderr := opsd(t, cmd, "--help")
		if code != 0 || !strings.Contains(stderr, "--config") && !strings.Contains(stderr, "-config") {
			t.Errorf("%s --help: exit %d, output %q", cmd, code, stderr)
		}
	}
	if code, out, _ := opsd(t, "--help"); code != 0 || !strings.Contains(out, "check-config") {
		t.Errorf("--help: %d %q", code, out)
	}
}

func TestCheckConfigListsEveryProblem(t *testing.T) {
	path := writeConfig(t, `
timezone: Mars/Olympus
aws:
  regions: [eu-wset-2]
  accounts: [{role_arn: "arn:aws:iam::12:role/x"}]
scheduler: {grace_period: -1s}
shutdown: {enabled: true, schedule: "at seven"}
`)
	code, out, _ := opsd(t, "check-config", "--config", path)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2:\n%s", code, out)
	}
	for _, want := range []string{"5 problems", "timezone:", "aws.regions[0]:", "aws.accounts[0].role_arn:", "scheduler.grace_period:", "shutdown.schedule:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckConfigAcceptsTheExample(t *testing.T) {
	code, out, stderr := opsd(t, "check-config", "--config", filepath.Join("..", "..", "deploy", "opsd.example.yaml"))
	if code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("exit %d:\n%s%s", code, out, stderr)
	}
}

// estate starts tagged instances in moto and returns their ids by name.
func estate(t *testing.T, client *ec2.Client) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for name, tags := range map[string]map[string]string{
		"dev-api":  {"Environment": "development", "OOOShutdown": "true"},
		"prod-api": {"Environment": "production", "OOOShutdown": "true"},
		"stg-job":  {"Environment": "staging", "WeekendShutdown": ""},
	} {
		spec := ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}
		for k, v := range tags {
			spec.Tags = append(spec.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		out, err := client.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			InstanceType: ec2types.InstanceTypeT3Micro, TagSpecifications: []ec2types.TagSpecification{spec}})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = aws.ToString(out.Instances[0].InstanceId)
	}
	return ids
}

func states(t *testing.T, client *ec2.Client) map[string]string {
	t.Helper()
	out, err := client.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			got[aws.ToString(i.InstanceId)] = string(i.State.Name)
		}
	}
	return got
}

func TestPlanMakesOnlyReadOnlyCalls(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	proxy := mototest.NewProxy(t, srv.URL())
	client := ec2.NewFromConfig(srv.Config("eu-west-2"))
	ids := estate(t, client)
	before := states(t, client)

	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nshutdown: {enabled: true}\n", proxy.URL()))
	code, out, stderr := opsd(t, "plan", "--config", path, "--now", "2026-11-24T19:05:00Z", "--json")
	if code != 0 {
		t.Fatalf("plan exit %d:\n%s\n%s", code, out, stderr)
	}
	calls := proxy.Calls()
	if len(calls) == 0 {
		t.Fatal("plan made no AWS call at all")
	}
	for _, op := range calls {
		// JSON protocols name the operation "Target.Operation".
		if !awsenv.IsReadOnly(op[strings.LastIndex(op, ".")+1:]) {
			t.Errorf("plan made a mutating call: %s", op)
		}
	}
	var actions []map[string]any
	if err := json.Unmarshal([]byte(out), &actions); err != nil {
		t.Fatalf("plan --json is not a JSON array: %v\n%s", err, out)
	}
	var stopDev bool
	for _, a := range actions {
		for _, key := range []string{"service", "account", "region", "resource", "action", "reason"} {
			if _, ok := a[key]; !ok {
				t.Errorf("plan action lacks %q: %v", key, a)
			}
		}
		if a["resource"] == ids["dev-api"] && a["action"] == "stop" {
			stopDev = true
		}
		if a["resource"] == ids["prod-api"] && a["action"] == "stop" {
			t.Errorf("plan stops a production instance: %v", a)
		}
	}
	if !stopDev {
		t.Errorf("plan does not stop dev-api on a Tuesday evening:\n%s", out)
	}
	if after := states(t, client); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("plan changed instance states: before %v after %v", before, after)
	}
}

func TestRunOnceActsAndReports(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	client := ec2.NewFromConfig(srv.Config("eu-west-2"))
	ids := estate(t, client)

	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nshutdown: {enabled: true}\n", srv.URL()))
	code, out, stderr := opsd(t, "run", "--once", "--config", path, "--now", "2026-11-24T19:05:00Z", "--only", "shutdown")
	if code != 0 {
		t.Fatalf("run --once exit %d:\n%s\n%s", code, out, stderr)
	}
	got := states(t, client)
	if got[ids["dev-api"]] != "stopped" && got[ids["dev-api"]] != "stopping" {
		t.Errorf("dev-api is %s after the Tuesday evening run", got[ids["dev-api"]])
	}
	if got[ids["prod-api"]] != "running" || got[ids["stg-job"]] != "running" {
		t.Errorf("prod-api %s, stg-job %s: both must keep running on a Tuesday evening", got[ids["prod-api"]], got[ids["stg-job"]])
	}
	if !strings.Contains(out, "Notifications sent to the log") {
		t.Errorf("report does not show the notification:\n%s", out)
	}
}
