package config

import (
	"strings"
	"testing"
)

func TestEventsConfig(t *testing.T) {
	cfg, err := parse(t, "aws: {regions: [eu-west-2]}\nevents: {enabled: false}\n")
	if err != nil || cfg.Events.Coalesce.String() != "20s" {
		t.Fatalf("events off: %v, %+v", err, cfg)
	}
	for yaml, want := range map[string]string{
		"events: {enabled: true}":                               "events.queue_url: is required when events.enabled is true",
		"events: {queue_url: \"sqs-queue\"}":                    `events.queue_url: "sqs-queue" is not a queue URL`,
		"events: {coalesce: 10m}":                               "events.coalesce: must be from 1s to 5m",
		"events: {ignore_principals: [\"\"]}":                   "events.ignore_principals[0]: is empty",
		"events: {enabled: true, queue_url: \"https://x/1/q\"}": "",
	} {
		_, err := parse(t, "aws: {regions: [eu-west-2]}\n"+yaml+"\n")
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", yaml, err)
		case want != "" && (err == nil || !strings.Contains(strings.Join(problems(t, err), "\n"), want)):
			t.Errorf("%s: %v, want %q", yaml, err, want)
		}
	}
}
