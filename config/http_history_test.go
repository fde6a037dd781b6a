package config

import (
	"strings"
	"testing"
	"time"
)

// http.history is how long the page keeps the actions opsd took: a week
// unless set, from the file or the environment, and at least an hour.
func TestHTTPHistory(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		env        []string
		want       time.Duration
	}{
		{"default", "aws: {regions: [eu-west-2]}", nil, 7 * 24 * time.Hour},
		{"file", "http: {history: 72h}", nil, 72 * time.Hour},
		{"environment", "http: {history: 72h}", []string{"OPSD_HTTP__HISTORY=720h"}, 720 * time.Hour},
	} {
		cfg, err := parse(t, c.yaml, c.env...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if cfg.HTTP.History != c.want {
			t.Errorf("%s: http.history = %s, want %s", c.name, cfg.HTTP.History, c.want)
		}
	}
	for yaml, want := range map[string]string{
		"http: {history: 30m}":      "http.history: must be at least 1h, got 30m0s",
		"http: {history: -168h}":    "http.history: must be at least 1h, got -168h0m0s",
		"http: {history: 0s}":       "http.history: must be at least 1h, got 0s",
		`http: {history: "a week"}`: "http.history:",
	} {
		_, err := parse(t, yaml)
		if got := strings.Join(problems(t, err), "\n"); !strings.Contains(got, want) {
			t.Errorf("%s: problems lack %q:\n%s", yaml, want, got)
		}
	}
}
