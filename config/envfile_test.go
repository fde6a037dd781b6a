package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeEnvFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "opsd.env")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadEnvFile(t *testing.T) {
	path := writeEnvFile(t, "# comment\n; another\n\nAWS_REGION=eu-west-2\nOPSD_NOTIFY__SLACK__CHANNEL=\"#platform ops\"\nOPSD_LOG__LEVEL = 'debug'\nOPSD_HTTP__TOKEN=\"a\\\"b\"\n")
	got, err := ReadEnvFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"AWS_REGION=eu-west-2", "OPSD_NOTIFY__SLACK__CHANNEL=#platform ops", "OPSD_LOG__LEVEL=debug", `OPSD_HTTP__TOKEN=a"b`}
	if !slices.Equal(got, want) {
		t.Errorf("ReadEnvFile = %q, want %q", got, want)
	}
	for _, bad := range []string{"JUST A LINE\n", "A=\"open\n"} {
		_, err := ReadEnvFile(writeEnvFile(t, bad))
		if err == nil || !strings.Contains(err.Error(), ":1: ") {
			t.Errorf("%q: %v, want an error naming line 1", bad, err)
		}
	}
}

// The shipped example parses.
func TestShippedEnvFileExampleParses(t *testing.T) {
	got, err := ReadEnvFile("../deploy/systemd/opsd.env.example")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got, "AWS_REGION=eu-west-2") {
		t.Errorf("example gives %q", got)
	}
}
