package main

import (
	"context"
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
