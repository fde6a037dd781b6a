package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsageErrors(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "opsd")
	if err := os.WriteFile(bin, []byte("not a binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		code int
		says string
	}{
		"no binary":     {[]string{"-version", "v1.0.0"}, 2, "-binary and -version are required"},
		"no version":    {[]string{"-binary", bin}, 2, "-binary and -version are required"},
		"bad created":   {[]string{"-binary", bin, "-version", "v1.0.0", "-created", "yesterday"}, 2, "RFC 3339"},
		"bad level":     {[]string{"-binary", bin, "-version", "v1.0.0", "-gzip-level", "12"}, 2, "between 1 and 9"},
		"unknown flag":  {[]string{"-push"}, 2, "flag provided but not defined"},
		"not a binary":  {[]string{"-binary", bin, "-version", "v1.0.0", "-config", bin, "-o", filepath.Join(t.TempDir(), "i.tar")}, 1, "not an ELF"},
		"missing input": {[]string{"-binary", filepath.Join(t.TempDir(), "absent"), "-version", "v1.0.0"}, 1, "read the opsd binary"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("exit %d, want %d; stderr %q should say %q", code, tc.code, stderr.String(), tc.says)
			}
		})
	}
}
