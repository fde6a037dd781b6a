package certs

import (
	"fmt"
	"regexp"

	"github.com/opsd-dev/opsd/configkey"
)

// Limits on the values below.
const (
	// maxWarnDays is the longest threshold: the longest validity of a
	// certificate ACM issues is 395 days.
	maxWarnDays = 395
)

var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// Validate returns every problem in c, or nil. Each error is a
// *configkey.Error whose path starts with path, the section's own key
// ("certs"). The cron expression in Schedule is left to the caller that
// runs jobs.
func (c Config) Validate(path string) []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, configkey.Errorf(path+"."+key, format, args...))
	}
	if c.Timeout <= 0 {
		add("timeout", "must be positive, got %s", c.Timeout)
	}
	if len(c.WarnDays) == 0 {
		add("warn_days", "must list at least one threshold in days (the default is [45, 30, 14, 7, 1])")
	}
	seen := map[int]bool{}
	for i, d := range c.WarnDays {
		switch {
		case d < 1 || d > maxWarnDays:
			add(fmt.Sprintf("warn_days[%d]", i), "must be between 1 and %d days, got %d", maxWarnDays, d)
		case seen[d]:
			add(fmt.Sprintf("warn_days[%d]", i), "%d is listed twice", d)
		}
		seen[d] = true
	}
	for i, r := range c.ExtraRegions {
		if !regionName.MatchString(r) {
			add(fmt.Sprintf("extra_regions[%d]", i), "%q is not an AWS region (e.g. us-east-1)", r)
		}
	}
	for _, t := range []struct{ key, value string }{{"tags.team_email", c.Tags.TeamEmail}, {"tags.application", c.Tags.Application}} {
		if err := configkey.CheckTagKey(t.value); err != nil {
			add(t.key, "%w", err)
		}
	}
	return errs
}
