package patching

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/opsd-dev/opsd/configkey"
)

// FieldError is a problem with one configuration key; see [configkey.Error].
type FieldError = configkey.Error

func fieldErrorf(path, format string, args ...any) error {
	return configkey.Errorf(path, format, args...)
}

// The patterns SendCommand checks MaxConcurrency and MaxErrors against.
var (
	maxConcurrencyPattern = regexp.MustCompile(`^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$`)
	maxErrorsPattern      = regexp.MustCompile(`^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$`)
	windowNamePattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

// maxWindowName is the longest window name: with it, an install command's
// comment stays within the 100 characters SSM takes.
const maxWindowName = 40

// Validate returns every problem in c, or nil. Each error is a *FieldError
// whose path starts with path, the section's own key ("patching"). The
// cron expression in Schedule is left to the caller that runs jobs; every
// other cron expression, timezone and duration is checked here.
func (c Config) Validate(path string) []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fieldErrorf(path+"."+key, format, args...))
	}
	if c.Timeout <= 0 {
		add("timeout", "must be positive, got %s", c.Timeout)
	}
	if c.PollInterval <= 0 {
		add("poll_interval", "must be positive, got %s", c.PollInterval)
	}
	errs = append(errs, c.Tags.validate(path+".tags")...)
	errs = append(errs, validateCron(path+".scan_schedule", c.ScanSchedule)...)
	errs = append(errs, validateTimezone(path+".scan_timezone", c.ScanTimezone)...)
	errs = append(errs, validateRate(path+".scan_max_concurrency", c.ScanMaxConcurrency, maxConcurrencyPattern, "a number from 1 or a percentage from 1% to 100%")...)
	errs = append(errs, validateRate(path+".scan_max_errors", c.ScanMaxErrors, maxErrorsPattern, "a number from 0 or a percentage from 0% to 100%")...)
	if c.SNSTopicARN != "" {
		if a, err := arn.Parse(c.SNSTopicARN); err != nil || a.Service != "sns" || a.Region == "" {
			add("sns_topic_arn", "%q is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)", c.SNSTopicARN)
		}
	}
	errs = append(errs, c.validateWindows(path)...)
	errs = append(errs, c.validateRings(path)...)
	return errs
}

func (c Config) validateWindows(path string) []error {
	var errs []error
	names := make([]string, 0, len(c.Windows))
	for name := range c.Windows {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		return strings.ToLower(names[i]) < strings.ToLower(names[j]) || strings.EqualFold(names[i], names[j]) && names[i] < names[j]
	})
	for i, name := range names {
		p := path + ".windows." + name
		switch {
		case !windowNamePattern.MatchString(name):
			errs = append(errs, fieldErrorf(p, "a window name is letters, digits, '-', '_' and '.', starting with a letter or digit (it is written in SSM command comments)"))
		case len(name) > maxWindowName:
			errs = append(errs, fieldErrorf(p, "a window name is at most %d characters (it is written in SSM command comments of at most 100)", maxWindowName))
		case strings.EqualFold(name, "true") || strings.EqualFold(name, "false"):
			errs = append(errs, fieldErrorf(p, "%q cannot name a window: TOPATCH=true picks default_window and TOPATCH=false opts out", name))
		}
		if i > 0 && strings.EqualFold(names[i-1], name) {
			errs = append(errs, fieldErrorf(p, "has the same name as %s.windows.%s (names are matched case-insensitively)", path, names[i-1]))
		}
		errs = append(errs, c.Windows[name].validate(p)...)
	}
	switch {
	case strings.TrimSpace(c.DefaultWindow) == "":
		errs = append(errs, fieldErrorf(path+".default_window", "is required: the name of a window in %s.windows", path))
	case !hasWindow(c.Windows, c.DefaultWindow):
		errs = append(errs, fieldErrorf(path+".default_window", "%q names no window in %s.windows (have %s)", c.DefaultWindow, path, strings.Join(names, ", ")))
	}
	return errs
}

// validate checks one window, with the defaults filled in.
func (w Window) validate(path string) []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fieldErrorf(path+"."+key, format, args...))
	}
	switch {
	case w.PatchTuesday != nil && strings.TrimSpace(w.Schedule) != "":
		add("patch_tuesday", "is instead of schedule: set one of them")
	case w.PatchTuesday != nil:
		if _, err := compilePatchTuesday(*w.PatchTuesday, time.UTC); err != nil {
			add("patch_tuesday", "%v", err)
		}
	case isPatchTuesdayExpr(w.Schedule):
		pt, err := parsePatchTuesdayExpr(w.Schedule)
		if err == nil {
			_, err = compilePatchTuesday(pt, time.UTC)
		}
		if err != nil {
			add("schedule", "%v", err)
		}
	case strings.TrimSpace(w.Schedule) == "":
		add("schedule", "is required: the cron expression of the window's start, e.g. \"0 1 * * sun\", or patch_tuesday")
	default:
		errs = append(errs, validateCron(path+".schedule", w.Schedule)...)
	}
	errs = append(errs, validateTimezone(path+".timezone", w.Timezone)...)
	w = w.withDefaults()
	if w.Duration < 0 {
		add("duration", "must be positive, got %s", w.Duration)
	}
	if w.RebootOption != RebootIfNeeded && w.RebootOption != NoReboot {
		add("reboot_option", "%q is not %s or %s", w.RebootOption, RebootIfNeeded, NoReboot)
	}
	errs = append(errs, validateRate(path+".max_concurrency", w.MaxConcurrency, maxConcurrencyPattern, "a number from 1 or a percentage from 1% to 100%")...)
	errs = append(errs, validateRate(path+".max_errors", w.MaxErrors, maxErrorsPattern, "a number from 0 or a percentage from 0% to 100%")...)
	if w.FirstWave < 0 {
		add("first_wave", "must be 0 (no first wave) or more, got %d", w.FirstWave)
	}
	if w.WakeBefore < 0 {
		add("wake_before", "must not be negative, got %s", w.WakeBefore)
	}
	if w.OnlineTimeout < 0 {
		add("online_timeout", "must be positive, got %s", w.OnlineTimeout)
	}
	if w.WakeStopped && w.Duration > 0 && w.OnlineTimeout >= w.Duration+w.WakeBefore {
		add("online_timeout", "%s leaves no time to patch in a window of %s started %s early", w.OnlineTimeout, w.Duration, w.WakeBefore)
	}
	errs = append(errs, validateHook(path+".pre_install", w.PreInstall)...)
	errs = append(errs, validateHook(path+".post_install", w.PostInstall)...)
	return errs
}

// validate checks every key is usable as an AWS tag key and that no two
// are the same.
func (k TagKeys) validate(path string) []error {
	var errs []error
	seen := map[string]string{}
	for _, f := range k.fields() {
		p := path + "." + f.key
		switch {
		case f.value == "":
			errs = append(errs, fieldErrorf(p, "is empty"))
			continue
		case len(f.value) > 128:
			errs = append(errs, fieldErrorf(p, "%q is longer than an AWS tag key may be (128)", f.value))
		case strings.HasPrefix(strings.ToLower(f.value), "aws:"):
			errs = append(errs, fieldErrorf(p, "%q starts with aws:, which AWS reserves", f.value))
		}
		if other, dup := seen[f.value]; dup {
			errs = append(errs, fieldErrorf(p, "%q is also %s.%s", f.value, path, other))
		}
		seen[f.value] = f.key
	}
	return errs
}

func validateCron(path, expr string) []error {
	s, err := compileCron(expr, time.UTC)
	if err != nil {
		return []error{fieldErrorf(path, "%w", err)}
	}
	if s.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return []error{fieldErrorf(path, "%q names no time that exists", expr)}
	}
	return nil
}

func validateTimezone(path, name string) []error {
	if name == "" {
		return nil
	}
	if _, err := time.LoadLocation(name); err != nil {
		return []error{fieldErrorf(path, "%q is not an IANA timezone (e.g. Europe/London): %w", name, err)}
	}
	return nil
}

func validateRate(path, v string, re *regexp.Regexp, want string) []error {
	if !re.MatchString(v) {
		return []error{fieldErrorf(path, "%q is not %s", v, want)}
	}
	return nil
}

// hasWindow reports whether the windows include name (any case).
func hasWindow(m map[string]Window, name string) bool {
	for k := range m {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}
