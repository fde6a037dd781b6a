package config

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse loads arbitrary YAML and environment overrides: the result is
// a valid configuration or an error, never a panic; a *ValidationError
// lists at least one problem, each naming a key and none in the decoder's
// words.
func FuzzParse(f *testing.F) {
	for _, s := range []struct{ yaml, env string }{
		{"aws: {regions: [eu-west-2]}\nshutdown: {enabled: true}\n", ""},
		{"timezone: Mars/Olympus\n", "OPSD_AWS__REGIONS=eu-wset-2"},
		{"shutdown:\n  schedules:\n    x: {periods: [{off: \"25:00\", on: \"07:00\"}]}\n", ""},
		{"aws: {accounts: [{id: 12, role_arn: nope}]}\n", "OPSD_SHUTDOWN__ENABLED=maybe"},
		{"ha: {enabled: true, ttl: 1s}\n", "OPSD_HA__TABLE=x"},
		{"notify: {slack: {token: xoxb-1, channel: ''}}\n", ""},
		{"- a\n- b\n", ""},
		{"aws: [1, 2]\nhttp: 7\n", "OPSD_HTTP__LISTEN="},
		{"scheduler: {history: 2.5, grace_period: 30}\ndlq: {enabled: maybe, schedule: nightly}\n", "OPSD_AWS__MAX_ATTEMPTS=99999999999999999999"},
		{"shutdown: {holidays: [[1]], schedules: {x: {periods: [\"19:00\", {off: [1]}]}}}\n", "OPSD_NOTIFY__SLACK__CHANNELS=a,b"},
	} {
		f.Add(s.yaml, s.env)
	}
	f.Fuzz(func(t *testing.T, doc, envVar string) {
		var environ []string
		if strings.HasPrefix(envVar, EnvPrefix) && strings.Contains(envVar, "=") {
			environ = []string{envVar}
		}
		cfg, err := Parse([]byte(doc), environ)
		if err == nil {
			if cfg == nil {
				t.Fatal("nil config and nil error")
			}
			if v := cfg.Validate(); v != nil {
				t.Fatalf("Parse accepted a configuration Validate rejects: %v", v)
			}
			return
		}
		if cfg != nil {
			t.Fatalf("config returned with error %v", err)
		}
		var v *ValidationError
		if errors.As(err, &v) {
			if len(v.Problems) == 0 {
				t.Fatal("validation error with no problems")
			}
			for _, p := range v.Problems {
				msg := p.Error()
				if !strings.Contains(msg, ": ") {
					t.Fatalf("problem %q names no key", msg)
				}
				for _, internal := range []string{"cannot parse value as", "unconvertible type", "expected a map or struct", "strconv."} {
					if strings.Contains(msg, internal) {
						t.Fatalf("problem %q shows the decoder's internals", msg)
					}
				}
			}
		}
	})
}
