package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// With no AWS credentials anywhere, plan and run --once say so and how
// opsd looks for them, exit 1, and never print that there is nothing to
// do.
func TestNoCredentialsIsSaidPlainly(t *testing.T) {
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_ROLE_ARN": "",
	} {
		t.Setenv(k, v)
	}
	path := writeConfig(t, "aws: {regions: [eu-west-2], endpoint_url: \"http://127.0.0.1:9\"}\nshutdown: {enabled: true}\n")
	for _, args := range [][]string{
		{"plan", "--config", path},
		{"plan", "--config", path, "--json"},
		{"run", "--once", "--config", path},
	} {
		code, stdout, stderr := opsd(t, args...)
		if code != exitFailure {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
		if strings.Contains(stdout, "nothing to do") {
			t.Errorf("%v: claims there is nothing to do:\n%s", args, stdout)
		}
		if !strings.Contains(stderr, "no AWS credentials found") || !strings.Contains(stderr, "AWS_PROFILE") || !strings.Contains(stderr, "instance role") {
			t.Errorf("%v: stderr %q", args, stderr)
		}
	}
}
