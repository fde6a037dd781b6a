package config

import (
	"slices"
	"strings"
	"testing"
)

func TestCertsIsOffUntilEnabledWithTheSeedDefaults(t *testing.T) {
	cfg, err := Parse([]byte("aws: {regions: [eu-west-2]}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Certs.Enabled || slices.Contains(cfg.EnabledServices(), "certs") {
		t.Fatal("certs is on by default")
	}
	cfg, err = Parse([]byte("aws: {regions: [eu-west-2]}\ncerts: {enabled: true, warn_days: [30, 7]}\n"), []string{"OPSD_CERTS__EXTRA_REGIONS=us-east-1,eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cfg.EnabledServices(), "certs") || !slices.Equal(cfg.Certs.WarnDays, []int{30, 7}) ||
		!slices.Equal(cfg.Certs.ExtraRegions, []string{"us-east-1", "eu-west-1"}) || cfg.Certs.Tags.TeamEmail != "TeamEmail" {
		t.Fatalf("certs config %+v", cfg.Certs)
	}
	// A list of numbers from the environment, as a list of text.
	cfg, err = Parse([]byte("aws: {regions: [eu-west-2]}\n"), []string{"OPSD_CERTS__WARN_DAYS=30, 7"})
	if err != nil || !slices.Equal(cfg.Certs.WarnDays, []int{30, 7}) {
		t.Fatalf("OPSD_CERTS__WARN_DAYS=30, 7: %v, %v", err, cfg)
	}
}

func TestCertsProblemsAreListedWithTheirKeys(t *testing.T) {
	_, err := Parse([]byte("certs: {enabled: true, schedule: \"every day\", timeout: 0s, warn_days: [14, 14]}\nnotify: {slack: {channels: {certs: \"#certs\"}}}\n"), nil)
	if err == nil {
		t.Fatal("no problems")
	}
	text := err.Error()
	for _, want := range []string{"certs.schedule", "certs.timeout", "certs.warn_days[1]"} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, "notify.slack.channels.certs") {
		t.Errorf("certs is not accepted as a channel kind:\n%s", text)
	}
}
