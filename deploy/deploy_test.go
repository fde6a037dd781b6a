package deploy_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/config"
)

// unit reads a systemd unit file into section → key → values (a key may be
// repeated).
func unit(t *testing.T, path string) map[string]map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s: malformed line %q", path, line)
			}
			out[section][k] = append(out[section][k], v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSystemdUnit(t *testing.T) {
	u := unit(t, "systemd/opsd.service")
	svc := u["Service"]
	one := func(key string) string {
		t.Helper()
		v := svc[key]
		if len(v) != 1 {
			t.Fatalf("[Service] %s set %d times, want once", key, len(v))
		}
		return v[0]
	}
	want := map[string]string{
		"Type":                    "notify",
		"NotifyAccess":            "main",
		"ExecStart":               "/usr/local/bin/opsd run --config /etc/opsd/opsd.yaml",
		"ExecReload":              "/bin/kill -HUP $MAINPID",
		"Restart":                 "on-failure",
		"KillSignal":              "SIGTERM",
		"User":                    "opsd",
		"Group":                   "opsd",
		"DynamicUser":             "no",
		"EnvironmentFile":         "-/etc/opsd/opsd.env",
		"NoNewPrivileges":         "yes",
		"ProtectSystem":           "strict",
		"CapabilityBoundingSet":   "",
		"AmbientCapabilities":     "",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
	}
	for k, v := range want {
		if got := one(k); got != v {
			t.Errorf("[Service] %s=%q, want %q", k, got, v)
		}
	}

	grace := config.Default().Scheduler.GracePeriod
	stop, err := time.ParseDuration(one("TimeoutStopSec") + "s")
	if err != nil {
		t.Fatalf("TimeoutStopSec: %v", err)
	}
	if stop <= grace {
		t.Errorf("TimeoutStopSec=%s does not outlast the default shutdown grace period %s", stop, grace)
	}
	watchdog, err := time.ParseDuration(one("WatchdogSec") + "s")
	if err != nil || watchdog < 10*time.Second {
		t.Errorf("WatchdogSec=%s: want at least 10s (%v)", watchdog, err)
	}

	users, err := os.ReadFile("systemd/opsd.sysusers")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(users), "\nu opsd ") {
		t.Error("systemd/opsd.sysusers does not create the opsd user")
	}
}

// TestSystemdVerify runs systemd-analyze verify on the unit, with the
// binary replaced by one that exists here.
func TestSystemdVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	b, err := os.ReadFile("systemd/opsd.service")
	if err != nil {
		t.Fatal(err)
	}
	truePath, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true binary to stand in for opsd")
	}
	path := filepath.Join(t.TempDir(), "opsd.service")
	text := strings.Replace(string(b), "/usr/local/bin/opsd", truePath, 1)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// taskDefinition is the part of an ECS task definition checked here.
type taskDefinition struct {
	Family                  string
	RequiresCompatibilities []string
	NetworkMode             string
	TaskRoleArn             string
	ExecutionRoleArn        string
	ContainerDefinitions    []struct {
		Name                   string
		Essential              bool
		Command                []string
		User                   string
		ReadonlyRootFilesystem bool
		StopTimeout            int
		Secrets                []struct{ Name, ValueFrom string }
		LogConfiguration       struct{ LogDriver string }
	}
}

func TestECSTaskDefinition(t *testing.T) {
	b, err := os.ReadFile("ecs/task-definition.json")
	if err != nil {
		t.Fatal(err)
	}
	var td taskDefinition
	if err := json.Unmarshal(b, &td); err != nil {
		t.Fatalf("ecs/task-definition.json: %v", err)
	}
	if len(td.RequiresCompatibilities) != 1 || td.RequiresCompatibilities[0] != "FARGATE" || td.NetworkMode != "awsvpc" {
		t.Errorf("want a Fargate (awsvpc) task definition, got %v %q", td.RequiresCompatibilities, td.NetworkMode)
	}
	if !strings.HasPrefix(td.TaskRoleArn, "arn:aws:iam::") || !strings.HasPrefix(td.ExecutionRoleArn, "arn:aws:iam::") {
		t.Errorf("taskRoleArn %q and executionRoleArn %q must be role ARNs", td.TaskRoleArn, td.ExecutionRoleArn)
	}
	if len(td.ContainerDefinitions) != 1 {
		t.Fatalf("%d containers, want 1", len(td.ContainerDefinitions))
	}
	c := td.ContainerDefinitions[0]
	if strings.Join(c.Command, " ") != "run --config /etc/opsd/opsd.yaml" {
		t.Errorf("command %q, want opsd run --config /etc/opsd/opsd.yaml", c.Command)
	}
	if c.User == "" || c.User == "0" || c.User == "root" || strings.HasPrefix(c.User, "0:") {
		t.Errorf("user %q: want a non-root user", c.User)
	}
	if !c.ReadonlyRootFilesystem || !c.Essential {
		t.Error("want an essential container with a read-only root filesystem")
	}
	// Fargate allows at most 120 seconds between SIGTERM and SIGKILL.
	grace := config.Default().Scheduler.GracePeriod
	if stop := time.Duration(c.StopTimeout) * time.Second; stop <= grace || stop > 120*time.Second {
		t.Errorf("stopTimeout %s: want more than the grace period %s and at most 120s", stop, grace)
	}
	if c.LogConfiguration.LogDriver != "awslogs" {
		t.Errorf("log driver %q, want awslogs", c.LogConfiguration.LogDriver)
	}
	for _, s := range c.Secrets {
		if !strings.HasPrefix(s.Name, "OPSD_") || !strings.HasPrefix(s.ValueFrom, "arn:aws:ssm:") {
			t.Errorf("secret %s from %s: want an OPSD_ variable from an SSM parameter ARN", s.Name, s.ValueFrom)
		}
	}
}

// maxExposure is the highest `systemd-analyze security` exposure level the
// unit may have; the README records the current figure (1.1, "OK").
const maxExposure = 1.5

// TestSystemdSecurityExposure keeps the unit's sandbox tight: the overall
// exposure level systemd-analyze computes for it stays at or below
// maxExposure.
func TestSystemdSecurityExposure(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	out, err := exec.Command(analyze, "security", "--offline=true", "--no-pager", "systemd/opsd.service").CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	level, ok := exposureLevel(string(out))
	if !ok {
		t.Fatalf("systemd-analyze security printed no overall exposure level:\n%s", out)
	}
	t.Logf("exposure level %.1f", level)
	if level > maxExposure {
		t.Errorf("exposure level %.1f, want at most %.1f:\n%s", level, maxExposure, out)
	}
}

// exposureLevel reads the figure from systemd-analyze security's
// "Overall exposure level for opsd.service: 1.1 OK" line.
func exposureLevel(out string) (float64, bool) {
	for _, line := range strings.Split(out, "\n") {
		_, rest, found := strings.Cut(line, "Overall exposure level for ")
		if !found {
			continue
		}
		_, rest, found = strings.Cut(rest, ": ")
		if !found {
			return 0, false
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, false
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		return v, err == nil
	}
	return 0, false
}
