package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// People type flags anywhere: before, between and after the positional
// arguments, in every subcommand.
func TestFlagsMayFollowPositionalArguments(t *testing.T) {
	for _, tc := range []struct {
		args []string
		pos  []string
	}{
		{[]string{"--config", "f.yaml", "i-0abc", "--now", "2026-11-24T22:10:00Z"}, []string{"i-0abc"}},
		{[]string{"i-0abc", "--config", "f.yaml", "--now", "2026-11-24T22:10:00Z"}, []string{"i-0abc"}},
		{[]string{"--config", "f.yaml", "--now", "2026-11-24T22:10:00Z", "i-0abc"}, []string{"i-0abc"}},
		{[]string{"--config=f.yaml", "a", "--now", "2026-11-24T22:10:00Z", "b"}, []string{"a", "b"}},
		{[]string{"--config", "f.yaml", "--", "--now"}, []string{"--now"}},
	} {
		fs := flag.NewFlagSet("explain", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		config := fs.String("config", "", "")
		now := fs.String("now", "", "")
		pos, err := parseArgs(fs, tc.args)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if !slices.Equal(pos, tc.pos) || *config != "f.yaml" || (*now != "2026-11-24T22:10:00Z" && !slices.Contains(tc.pos, "--now")) {
			t.Errorf("%q: positional %q, config %q, now %q; want %q", tc.args, pos, *config, *now, tc.pos)
		}
	}
}

// The command line from the report: the resource before --now was refused
// as a second resource.
func TestExplainTakesFlagsAfterTheResource(t *testing.T) {
	path := writeConfig(t, "aws: {regions: [eu-west-2]}\n")
	code, _, stderr := opsd(t, "explain", "--config", path, "i-0abc", "--now", "not-a-time")
	if strings.Contains(stderr, "one resource at a time") {
		t.Fatalf("flags after the resource were taken for resources: %s", stderr)
	}
	// --now was read: its bad value is what is refused.
	if code != exitUsage || !strings.Contains(stderr, "not-a-time") {
		t.Errorf("exit %d, stderr %q; want the bad --now refused", code, stderr)
	}
	if code, _, stderr := opsd(t, "explain", "--config", path, "i-0abc", "i-0def"); code != exitUsage || !strings.Contains(stderr, "one resource at a time") {
		t.Errorf("two resources: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := opsd(t, "check-config", "extra", "--config", path); code != exitUsage || !strings.Contains(stderr, `unexpected argument "extra"`) {
		t.Errorf("check-config with an argument: exit %d, stderr %q", code, stderr)
	}
}

// An unknown subcommand that looks like a typo gets a suggestion, as
// configuration keys do.
func TestUnknownCommandSuggestsTheNearest(t *testing.T) {
	if code, _, stderr := opsd(t, "pln"); code != exitUsage || !strings.Contains(stderr, `unknown command "pln" (did you mean "plan"?)`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := opsd(t, "frobnicate"); code != exitUsage || strings.Contains(stderr, "did you mean") {
		t.Errorf("exit %d, stderr %q: no suggestion for a word far from every command", code, stderr)
	}
}
