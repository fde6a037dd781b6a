package monitor

import (
	"fmt"
	"regexp"
	"slices"
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

// retentionDays are the retention periods CloudWatch Logs accepts
// (PutRetentionPolicy's retentionInDays).
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// scopeRules are the values scope.by accepts.
var scopeRules = []string{"environment", "tag"}

// Sample values a templated ARN is checked with.
const (
	sampleAccount = "123456789012"
	sampleRegion  = "eu-west-2"
)

// subscriptionName is what RDS accepts as an event subscription name.
var subscriptionName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,254}$`)

// logGroupPrefix is what can start a CloudWatch Logs log group name.
var logGroupPrefix = regexp.MustCompile(`^[A-Za-z0-9_\-/.#]{1,512}$`)

// metricNamespace is what CloudWatch accepts as a custom namespace.
var metricNamespace = regexp.MustCompile(`^[0-9A-Za-z.\-_/#:]{1,255}$`)

// Validate returns every problem in c, or nil. Each error is a *FieldError
// whose path starts with path, the section's own key ("monitor"). The cron
// expression in Schedule is left to the caller that runs jobs.
func (c Config) Validate(path string) []error {
	var errs []error
	if c.Timeout <= 0 {
		errs = append(errs, fieldErrorf(path+".timeout", "must be positive, got %s", c.Timeout))
	}
	for i, t := range c.AlarmTopics {
		if err := checkTemplatedARN(t, "sns", ""); err != nil {
			errs = append(errs, fieldErrorf(fmt.Sprintf("%s.alarm_topics[%d]", path, i), "%q %w", t, err))
		}
	}
	errs = append(errs, c.Scope.validate(path+".scope")...)
	errs = append(errs, c.Tags.validate(path+".tags")...)
	errs = append(errs, c.Alarms.validate(path+".alarms")...)
	errs = append(errs, c.Agent.validate(path+".agent")...)
	errs = append(errs, c.RDSEvents.validate(path+".rds_events")...)
	errs = append(errs, c.LoginFailures.validate(path+".login_failures")...)
	errs = append(errs, c.DeliveryLogging.validate(path+".delivery_logging")...)
	errs = append(errs, c.LogRetention.validate(path+".log_retention")...)
	return errs
}

// checkTemplatedARN checks that s, with {account} and {region} replaced by
// sample values, is an ARN of service whose resource starts with
// resourcePrefix.
func checkTemplatedARN(s, service, resourcePrefix string) error {
	filled := fillTemplate(s, sampleAccount, sampleRegion)
	a, err := arn.Parse(filled)
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("is empty")
	case err != nil:
		return fmt.Errorf("is not an ARN: %w", err)
	case a.Service != service:
		return fmt.Errorf("is not an %s ARN (arn:aws:%s:...)", strings.ToUpper(service), service)
	case service == "sns" && (a.Region == "" || a.AccountID == "" || a.Resource == "" || strings.Contains(a.Resource, ":")):
		return fmt.Errorf("is not a topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)")
	case !strings.HasPrefix(a.Resource, resourcePrefix) || len(a.Resource) == len(resourcePrefix):
		return fmt.Errorf("does not name a resource %s<name>", resourcePrefix)
	}
	return nil
}

// fillTemplate replaces {account} and {region} in s.
func fillTemplate(s, account, region string) string {
	return strings.NewReplacer("{account}", account, "{region}", region).Replace(s)
}

func (s Scope) validate(path string) []error {
	var errs []error
	if len(s.Kinds) == 0 {
		errs = append(errs, fieldErrorf(path+".kinds", "must list at least one kind (%s)", kindList()))
	}
	for _, key := range []struct {
		name  string
		kinds []string
	}{{"kinds", s.Kinds}, {"every", s.Every}} {
		for i, k := range key.kinds {
			if !validKind(k) {
				errs = append(errs, fieldErrorf(fmt.Sprintf("%s.%s[%d]", path, key.name, i), "%q is not a kind (%s)", k, kindList()))
			}
		}
	}
	scoped := false
	for _, k := range s.Kinds {
		scoped = scoped || (validKind(k) && !slices.Contains(s.Every, k))
	}
	if scoped && len(s.By) == 0 {
		errs = append(errs, fieldErrorf(path+".by", "must list environment, tag or both: nothing would bring %s resources into scope", strings.Join(scopedKinds(s), ", ")))
	}
	for i, b := range s.By {
		if !slices.Contains(scopeRules, b) {
			errs = append(errs, fieldErrorf(fmt.Sprintf("%s.by[%d]", path, i), "%q is neither environment nor tag", b))
		}
	}
	if slices.Contains(s.By, "environment") && len(s.Environments) == 0 {
		errs = append(errs, fieldErrorf(path+".environments", "must list at least one environment when %s.by has environment", path))
	}
	for i, e := range s.Environments {
		if strings.TrimSpace(e) == "" {
			errs = append(errs, fieldErrorf(fmt.Sprintf("%s.environments[%d]", path, i), "is empty"))
		}
	}
	return errs
}

// scopedKinds are the configured kinds not watched everywhere.
func scopedKinds(s Scope) []string {
	var out []string
	for _, k := range s.Kinds {
		if !slices.Contains(s.Every, k) {
			out = append(out, k)
		}
	}
	return out
}

func kindList() string {
	names := make([]string, len(allKinds))
	for i, k := range allKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// validate checks every key is usable as an AWS tag key and that no two
// single keys are the same.
func (k TagKeys) validate(path string) []error {
	var errs []error
	seen := map[string]string{}
	for _, f := range []struct{ key, value string }{
		{"environment", k.Environment},
		{"application", k.Application},
		{"monitor", k.Monitor},
		{"override_prefix", k.OverridePrefix},
		{"log_retention", k.LogRetention},
		{"managed", k.Managed},
		{"resource", k.Resource},
		{"mute_until", k.MuteUntil},
		{"shutdown_marker", k.ShutdownMarker},
	} {
		p := path + "." + f.key
		if err := checkTagKey(f.value); err != nil {
			errs = append(errs, fieldErrorf(p, "%w", err))
			continue
		}
		if other, dup := seen[f.value]; dup {
			errs = append(errs, fieldErrorf(p, "%q is also %s.%s", f.value, path, other))
		}
		seen[f.value] = f.key
	}
	if k.OverridePrefix != "" && k.Monitor != "" && strings.HasPrefix(k.Monitor, k.OverridePrefix) {
		errs = append(errs, fieldErrorf(path+".override_prefix", "%q starts %s.monitor (%q): the monitor tag would read as an override", k.OverridePrefix, path, k.Monitor))
	}
	for i, key := range k.Shutdown {
		if err := checkTagKey(key); err != nil {
			errs = append(errs, fieldErrorf(fmt.Sprintf("%s.shutdown[%d]", path, i), "%w", err))
		}
	}
	return errs
}

func checkTagKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("is empty")
	case len(key) > 128:
		return fmt.Errorf("%q is longer than an AWS tag key may be (128)", key)
	case strings.HasPrefix(strings.ToLower(key), "aws:"):
		return fmt.Errorf("%q starts with aws:, which AWS reserves", key)
	}
	return nil
}

func (a Alarms) validate(path string) []error {
	var errs []error
	for _, k := range allKinds {
		for _, m := range kindMetrics[k] {
			s, _ := a.spec(k, m)
			errs = append(errs, s.validate(fmt.Sprintf("%s.%s.%s", path, k, m), thresholdUnit(k, m))...)
		}
	}
	return errs
}

func (s AlarmSpec) validate(path string, u unit) []error {
	var errs []error
	if err := u.check(s.Threshold); err != nil {
		errs = append(errs, fieldErrorf(path+".threshold", "%s %w", formatNumber(s.Threshold), err))
	}
	switch {
	case s.Period < time.Minute || s.Period%time.Minute != 0:
		errs = append(errs, fieldErrorf(path+".period", "must be a whole number of minutes, at least 1m, got %s", s.Period))
	case s.EvaluationPeriods >= 1 && s.Period*time.Duration(s.EvaluationPeriods) > 24*time.Hour:
		errs = append(errs, fieldErrorf(path+".evaluation_periods", "%d periods of %s exceed one day, the longest an alarm evaluates", s.EvaluationPeriods, s.Period))
	}
	if s.EvaluationPeriods < 1 {
		errs = append(errs, fieldErrorf(path+".evaluation_periods", "must be at least 1, got %d", s.EvaluationPeriods))
	}
	if s.DatapointsToAlarm < 0 || s.DatapointsToAlarm > max(s.EvaluationPeriods, 1) {
		errs = append(errs, fieldErrorf(path+".datapoints_to_alarm", "must be 0 (all) or 1 to evaluation_periods (%d), got %d", s.EvaluationPeriods, s.DatapointsToAlarm))
	}
	return errs
}

func (a Agent) validate(path string) []error {
	var errs []error
	if !metricNamespace.MatchString(a.Namespace) {
		errs = append(errs, fieldErrorf(path+".namespace", "%q is not a CloudWatch namespace", a.Namespace))
	}
	for i, d := range a.Dimensions {
		if strings.TrimSpace(d) == "" {
			errs = append(errs, fieldErrorf(fmt.Sprintf("%s.dimensions[%d]", path, i), "is empty"))
		}
	}
	if !strings.HasPrefix(a.LinuxDiskPath, "/") {
		errs = append(errs, fieldErrorf(path+".linux_disk_path", "%q is not a mount point (e.g. /)", a.LinuxDiskPath))
	}
	if strings.TrimSpace(a.WindowsDisk) == "" {
		errs = append(errs, fieldErrorf(path+".windows_disk", "is empty (e.g. C:)"))
	}
	return append(errs, a.Install.validate(path+".install", a.Dimensions)...)
}

// rateControl is what SendCommand takes as MaxConcurrency and MaxErrors:
// a number or a percentage.
var rateControl = regexp.MustCompile(`^([0-9]{1,7}|[0-9]{1,2}%|100%)$`)

// validate checks the install settings; the agent's dimensions must be
// ones the agent fills in itself when opsd writes its configuration.
func (in AgentInstall) validate(path string, dims []string) []error {
	var errs []error
	seen := map[string]bool{}
	for i, p := range in.Platforms {
		key := fmt.Sprintf("%s.platforms[%d]", path, i)
		switch {
		case p != PlatformWindows && p != PlatformLinux:
			errs = append(errs, fieldErrorf(key, "%q is not a platform (windows, linux)", p))
		case seen[p]:
			errs = append(errs, fieldErrorf(key, "%q is listed twice", p))
		}
		seen[p] = true
	}
	if in.Enabled && len(in.Platforms) == 0 {
		errs = append(errs, fieldErrorf(path+".platforms", "must list windows, linux or both when install is enabled"))
	}
	for _, f := range []struct{ key, v string }{{"max_concurrency", in.MaxConcurrency}, {"max_errors", in.MaxErrors}} {
		if !rateControl.MatchString(f.v) {
			errs = append(errs, fieldErrorf(path+"."+f.key, "%q is not a number or a percentage (10, 10%%)", f.v))
		}
	}
	if in.MetricsWithin <= 0 {
		errs = append(errs, fieldErrorf(path+".metrics_within", "must be positive, got %s", in.MetricsWithin))
	}
	if in.Follow < 0 {
		errs = append(errs, fieldErrorf(path+".follow", "must not be negative, got %s", in.Follow))
	}
	if !in.Enabled {
		return errs
	}
	if !slices.Contains(dims, dimInstanceID) {
		errs = append(errs, fieldErrorf(strings.TrimSuffix(path, ".install")+".dimensions", "must include InstanceId when install is enabled: opsd's alarms are per instance"))
	}
	for i, d := range dims {
		if _, ok := appendDimensionVariables[d]; !ok {
			errs = append(errs, fieldErrorf(fmt.Sprintf("%s.dimensions[%d]", strings.TrimSuffix(path, ".install"), i), "%q is none the agent fills in (%s): opsd cannot write it in the agent's configuration", d, strings.Join(agentDimensionNames(), ", ")))
		}
	}
	return errs
}

func (r RDSEvents) validate(path string) []error {
	var errs []error
	if !subscriptionName.MatchString(r.Name) {
		errs = append(errs, fieldErrorf(path+".name", "%q is not an RDS event subscription name (a letter, then letters, digits and hyphens)", r.Name))
	}
	if len(r.Categories) == 0 {
		errs = append(errs, fieldErrorf(path+".categories", "must list at least one RDS event category (e.g. availability, failure)"))
	}
	for i, c := range r.Categories {
		if strings.TrimSpace(c) == "" {
			errs = append(errs, fieldErrorf(fmt.Sprintf("%s.categories[%d]", path, i), "is empty"))
		}
	}
	return errs
}

func (l LoginFailures) validate(path string) []error {
	var errs []error
	if !metricNamespace.MatchString(l.Namespace) || strings.HasPrefix(l.Namespace, "AWS/") {
		errs = append(errs, fieldErrorf(path+".namespace", "%q is not a custom CloudWatch namespace", l.Namespace))
	}
	if strings.TrimSpace(l.Pattern) == "" || len(l.Pattern) > 1024 {
		errs = append(errs, fieldErrorf(path+".pattern", "must be a filter pattern of 1 to 1024 characters"))
	}
	return errs
}

func (d DeliveryLogging) validate(path string) []error {
	var errs []error
	if d.RoleARN != "" {
		if err := checkTemplatedARN(d.RoleARN, "iam", "role/"); err != nil {
			errs = append(errs, fieldErrorf(path+".role_arn", "%q %w", d.RoleARN, err))
		}
	}
	if d.SuccessSampleRate < 0 || d.SuccessSampleRate > 100 {
		errs = append(errs, fieldErrorf(path+".success_sample_rate", "must be 0 to 100, got %d", d.SuccessSampleRate))
	}
	return errs
}

func (l LogRetention) validate(path string) []error {
	var errs []error
	if !slices.Contains(retentionDays, l.Days) {
		errs = append(errs, fieldErrorf(path+".days", "%d is not a retention CloudWatch Logs accepts (%s)", l.Days, joinInts(retentionDays)))
	}
	if l.MinDays < 1 {
		errs = append(errs, fieldErrorf(path+".min_days", "must be at least 1, got %d", l.MinDays))
	}
	switch {
	case l.MaxDays < l.MinDays:
		errs = append(errs, fieldErrorf(path+".max_days", "%d is below min_days (%d)", l.MaxDays, l.MinDays))
	case l.Days < l.MinDays || l.Days > l.MaxDays:
		errs = append(errs, fieldErrorf(path+".days", "%d is outside min_days..max_days (%d..%d)", l.Days, l.MinDays, l.MaxDays))
	}
	if strings.TrimSpace(l.ExemptValue) == "" {
		errs = append(errs, fieldErrorf(path+".exempt_value", "is empty"))
	}
	switch {
	case strings.TrimSpace(l.ShortenValue) == "":
		errs = append(errs, fieldErrorf(path+".shorten_value", "is empty"))
	case strings.EqualFold(strings.TrimSpace(l.ShortenValue), strings.TrimSpace(l.ExemptValue)):
		errs = append(errs, fieldErrorf(path+".shorten_value", "%q is also exempt_value: one tag value cannot both exempt a log group and allow shortening it", l.ShortenValue))
	}
	for i, prefix := range l.ShortenPrefixes {
		key := fmt.Sprintf("%s.shorten_prefixes[%d]", path, i)
		switch {
		case prefix == "":
			errs = append(errs, fieldErrorf(key, "is empty: it would allow shortening every log group (that is shorten: true)"))
		case !logGroupPrefix.MatchString(prefix):
			errs = append(errs, fieldErrorf(key, "%q is not the start of a log group name (up to 512 of a-z, A-Z, 0-9, _ - / . #; no wildcards)", prefix))
		}
	}
	return errs
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
