package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// brokenButQuiet is a configuration whose only mistakes are a value of the
// wrong type next to a bad schedule in one section, and a bad schedule in a
// section that is switched off.
const brokenButQuiet = `
aws: {regions: [eu-west-2]}
http: {listen: "127.0.0.1:0"}
shutdown: {enabled: "yes", schedule: "at seven"}
dlq: {enabled: false, schedule: "every night"}
`

func TestCheckConfigReportsTypeErrorsAndDisabledSections(t *testing.T) {
	path := writeConfig(t, brokenButQuiet)
	code, out, stderr := opsd(t, "check-config", "--config", path)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2:\n%s%s", code, out, stderr)
	}
	for _, want := range []string{
		"3 problems",
		`  dlq.schedule: "every night" is not a cron expression`,
		`  shutdown.enabled: "yes" is not true or false` + "\n",
		`  shutdown.schedule: "at seven" is not a cron expression`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, internal := range []string{"strconv", "cannot parse", "unconvertible", "time: "} {
		if strings.Contains(out+stderr, internal) {
			t.Errorf("output shows the decoder's %q:\n%s%s", internal, out, stderr)
		}
	}
}

// The daemon refuses the same configuration, and so does a run whose only
// mistake is in a section that is switched off.
func TestRunRefusesAConfigCheckConfigRejects(t *testing.T) {
	for name, content := range map[string]string{
		"type error":        brokenButQuiet,
		"disabled schedule": "aws: {regions: [eu-west-2]}\nhttp: {listen: \"127.0.0.1:0\"}\ndlq: {enabled: false, schedule: \"every night\"}\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := writeConfig(t, content)
			// Were the daemon to start, the deadline would stop it: the
			// exit code, not a hang, is what fails.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var stdout, stderr strings.Builder
			if code := run(ctx, []string{"run", "--config", path}, &stdout, &stderr); code != exitUsage {
				t.Errorf("run: exit %d, want 2:\n%s%s", code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stderr.String(), "dlq.schedule:") {
				t.Errorf("stderr does not name dlq.schedule:\n%s", stderr.String())
			}
			if code, out, _ := opsd(t, "run", "--config", path, "--once", "--now", "2026-11-24T19:05:00Z"); code != exitUsage {
				t.Errorf("run --once: exit %d, want 2:\n%s", code, out)
			}
		})
	}
}

// check-config reads the systemd EnvironmentFile the service runs with, so
// a mistake in an OPSD_ variable there shows before the service starts.
func TestCheckConfigWithEnvFile(t *testing.T) {
	path := writeConfig(t, "aws: {regions: [eu-west-2]}\n")
	env := filepath.Join(t.TempDir(), "opsd.env")
	if err := os.WriteFile(env, []byte("# the service's environment\nOPSD_HTTP__LISTEN=\"0.0.0.0:99999\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := opsd(t, "check-config", "--config", path, "--env-file", env)
	if code != exitUsage || !strings.Contains(out, "http.listen") || !strings.Contains(out, "OPSD_HTTP__LISTEN") {
		t.Errorf("exit %d, out %q, stderr %q; want the listen problem named with its variable", code, out, stderr)
	}
	if code, out, _ := opsd(t, "check-config", "--config", path); code != 0 {
		t.Errorf("without the file: exit %d, %s", code, out)
	}
	if code, _, stderr := opsd(t, "check-config", "--config", path, "--env-file", filepath.Join(t.TempDir(), "absent.env")); code != exitUsage || !strings.Contains(stderr, "absent.env") {
		t.Errorf("missing env file: exit %d, %s", code, stderr)
	}
}
