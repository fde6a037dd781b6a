package patching

import (
	"fmt"
	"strings"
)

// validateRings checks the rings: names usable in command comments and
// apart from the windows', each with a window (the first ring may take
// the default one), rate controls and thresholds SSM and the gate take,
// and, with a ring after the first, a bucket for the patch list.
func (c Config) validateRings(path string) []error {
	var errs []error
	seen := map[string]string{}
	for n, r := range c.Rings {
		p := fmt.Sprintf("%s.rings[%d]", path, n)
		add := func(key, format string, args ...any) {
			errs = append(errs, fieldErrorf(p+"."+key, format, args...))
		}
		switch name := r.Name; {
		case name == "":
			add("name", "is required")
		case !windowNamePattern.MatchString(name):
			add("name", "a ring name is letters, digits, '-', '_' and '.', starting with a letter or digit (it is written in SSM command comments)")
		case len(name) > maxWindowName:
			add("name", "a ring name is at most %d characters", maxWindowName)
		case hasWindow(c.Windows, name):
			add("name", "%q is also the name of %s.windows.%s: a ring's commands are named after it", name, path, name)
		case seen[strings.ToLower(name)] != "":
			add("name", "%q is also %s.name (names are matched case-insensitively)", name, seen[strings.ToLower(name)])
		}
		if r.Name != "" {
			seen[strings.ToLower(r.Name)] = p
		}
		switch {
		case r.Window != "" && r.After != 0:
			add("after", "is instead of window: set one of them")
		case r.Window != "" && !hasWindow(c.Windows, r.Window):
			add("window", "%q names no window in %s.windows", r.Window, path)
		case n > 0 && r.Window == "" && r.After <= 0:
			add("window", "is required for a ring after the first: a window name, or after: a duration from the previous ring's start")
		case n == 0 && r.After != 0:
			add("after", "the first ring has no ring before it: give it a window")
		}
		if r.Soak < 0 {
			add("soak", "must not be negative, got %s", r.Soak)
		}
		if f := r.MaxFailureRate; f != nil && (*f < 0 || *f > 1) {
			add("max_failure_rate", "%v is not a fraction from 0 to 1 (0.1 is 10%%)", *f)
		}
		if r.RebootOption != "" && r.RebootOption != RebootIfNeeded && r.RebootOption != NoReboot {
			add("reboot_option", "%q is not %s or %s", r.RebootOption, RebootIfNeeded, NoReboot)
		}
		if r.MaxConcurrency != "" {
			errs = append(errs, validateRate(p+".max_concurrency", r.MaxConcurrency, maxConcurrencyPattern, "a number from 1 or a percentage from 1% to 100%")...)
		}
		if r.MaxErrors != "" {
			errs = append(errs, validateRate(p+".max_errors", r.MaxErrors, maxErrorsPattern, "a number from 0 or a percentage from 0% to 100%")...)
		}
		for k, v := range r.Values {
			if strings.TrimSpace(v) == "" {
				add(fmt.Sprintf("values[%d]", k), "is empty: an empty tag value never chooses a ring")
			}
		}
	}
	if len(c.Rings) > 1 && strings.TrimSpace(c.PatchListBucket) == "" {
		errs = append(errs, fieldErrorf(path+".patch_list_bucket", "is required with %d rings: the first ring's patch list is written there for the later rings to install", len(c.Rings)))
	}
	return errs
}
