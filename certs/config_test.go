package certs

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/configkey"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if errs := DefaultConfig().Validate("certs"); len(errs) > 0 {
		t.Fatalf("defaults: %v", errs)
	}
}

func TestValidateNamesEveryBadKey(t *testing.T) {
	c := DefaultConfig()
	c.Timeout = 0
	c.WarnDays = []int{30, 0, 30, 400}
	c.ExtraRegions = []string{"us-east-1", "virginia"}
	c.Tags.TeamEmail = "aws:team"
	c.Tags.Application = ""
	want := map[string]string{
		"certs.timeout":          "must be positive",
		"certs.warn_days[1]":     "between 1 and 395",
		"certs.warn_days[2]":     "listed twice",
		"certs.warn_days[3]":     "between 1 and 395",
		"certs.extra_regions[1]": `"virginia" is not an AWS region`,
		"certs.tags.team_email":  "aws:",
		"certs.tags.application": "must not be empty",
	}
	errs := c.Validate("certs")
	got := map[string]string{}
	for _, err := range errs {
		var ke *configkey.Error
		if !errors.As(err, &ke) {
			t.Fatalf("%v is not a *configkey.Error", err)
		}
		got[ke.Path] = err.Error()
	}
	for path, text := range want {
		if !strings.Contains(got[path], text) {
			t.Errorf("%s: got %q, want it to say %q", path, got[path], text)
		}
	}
	if len(errs) != len(want) {
		t.Errorf("got %d problems, want %d: %v", len(errs), len(want), errs)
	}
}

func TestValidateNeedsAThreshold(t *testing.T) {
	c := DefaultConfig()
	c.WarnDays = nil
	errs := c.Validate("certs")
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "certs.warn_days: ") {
		t.Fatalf("errs = %v", errs)
	}
}

func TestNewRefusesAnInvalidConfig(t *testing.T) {
	c := DefaultConfig()
	c.Timeout = -time.Second
	if _, err := New(c, Deps{}); err == nil || !strings.Contains(err.Error(), "certs.timeout") {
		t.Fatalf("New = %v, want an error naming certs.timeout", err)
	}
}
