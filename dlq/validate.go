package dlq

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/configkey"
)

// Limits SQS and S3 set on the values below.
const (
	maxRetention         = 14 * 24 * time.Hour
	maxVisibilityTimeout = 12 * time.Hour
	maxWaitTime          = 20 * time.Second
	maxPrefix            = 512
)

var (
	bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// Validate returns every problem in c, or nil. Each error is a
// *configkey.Error whose path starts with path, the section's own key
// ("dlq"). The cron expression in Schedule is left to the caller that runs
// jobs.
func (c Config) Validate(path string) []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, configkey.Errorf(path+"."+key, format, args...))
	}
	if c.Timeout <= 0 {
		add("timeout", "must be positive, got %s", c.Timeout)
	}
	for i, q := range c.Queues {
		if err := checkQueueRef(q); err != nil {
			add(fmt.Sprintf("queues[%d]", i), "%w", err)
		}
	}
	for i, q := range c.Exclude {
		if err := checkQueueRef(q); err != nil {
			add(fmt.Sprintf("exclude[%d]", i), "%w", err)
		}
	}
	for _, t := range []struct{ key, value string }{{"tag", c.Tag}, {"review_tag", c.ReviewTag}} {
		if err := checkTagKey(t.value); err != nil {
			add(t.key, "%w", err)
		}
	}
	if c.Tag != "" && c.Tag == c.ReviewTag {
		add("review_tag", "%q is also %s.tag", c.ReviewTag, path)
	}
	if c.DiscoveryInterval < 0 {
		add("discovery_interval", "must not be negative, got %s", c.DiscoveryInterval)
	}
	if c.BurstGap <= 0 {
		add("burst_gap", "must be positive, got %s", c.BurstGap)
	}
	if c.RemindAfter < 0 {
		add("remind_after", "must not be negative (0 turns reminders off), got %s", c.RemindAfter)
	}
	errs = append(errs, c.Archive.validate(path+".archive")...)
	if c.Archive.archiving() && c.Timeout > 0 && c.Archive.WaitTime > 0 && c.Timeout <= c.Archive.WaitTime {
		add("timeout", "%s leaves no time to archive: it must be longer than %s.archive.wait_time (%s)", c.Timeout, path, c.Archive.WaitTime)
	}
	return errs
}

func (a ArchiveConfig) validate(path string) []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, configkey.Errorf(path+"."+key, format, args...))
	}
	if a.Bucket != "" && (!bucketName.MatchString(a.Bucket) || strings.Contains(a.Bucket, "..")) {
		add("bucket", "%q is not an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)", a.Bucket)
	}
	switch p := a.Prefix; {
	case strings.HasPrefix(p, "/"):
		add("prefix", "%q must not start with /", p)
	case strings.Contains(p, "//"):
		add("prefix", "%q has an empty path segment (//)", p)
	case len(p) > maxPrefix:
		add("prefix", "is longer than %d characters", maxPrefix)
	case strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		add("prefix", "%q contains control characters", p)
	}
	if a.Region != "" && !regionName.MatchString(a.Region) {
		add("region", "%q is not an AWS region (e.g. eu-west-2)", a.Region)
	}
	if strings.ContainsFunc(a.KMSKeyID, func(r rune) bool { return r <= ' ' }) {
		add("kms_key_id", "%q contains spaces or control characters", a.KMSKeyID)
	}
	switch a.When {
	case ArchiveOnExpiry, ArchiveOnArrival:
	default:
		add("when", "%q is not %s or %s", a.When, ArchiveOnExpiry, ArchiveOnArrival)
	}
	if a.SafetyMargin < 0 || a.SafetyMargin >= maxRetention {
		add("safety_margin", "must be at least 0 and less than 14 days (the longest SQS retention period), got %s", a.SafetyMargin)
	}
	if a.ScanInterval <= 0 {
		add("scan_interval", "must be positive, got %s", a.ScanInterval)
	}
	if err := wholeSeconds(a.VisibilityTimeout, time.Second, maxVisibilityTimeout); err != nil {
		add("visibility_timeout", "%w", err)
	}
	if err := wholeSeconds(a.WaitTime, time.Second, maxWaitTime); err != nil {
		add("wait_time", "%w", err)
	}
	if a.MaxMessagesPerRun < 1 {
		add("max_messages_per_run", "must be at least 1, got %d", a.MaxMessagesPerRun)
	}
	return errs
}

// wholeSeconds checks d is a whole number of seconds within [lo, hi].
func wholeSeconds(d, lo, hi time.Duration) error {
	if d < lo || d > hi {
		return fmt.Errorf("must be between %s and %s, got %s", lo, hi, d)
	}
	if d%time.Second != 0 {
		return fmt.Errorf("must be a whole number of seconds, got %s", d)
	}
	return nil
}

// checkTagKey checks k is usable as an SQS tag key; empty is allowed.
func checkTagKey(k string) error {
	if k == "" {
		return nil
	}
	return configkey.CheckTagKey(k)
}

// checkQueueRef checks a queue reference from the configuration: a queue
// name or an SQS queue ARN.
func checkQueueRef(s string) error {
	if strings.HasPrefix(s, "arn:") {
		if _, err := parseQueueARN(s); err != nil {
			return err
		}
		return nil
	}
	if !validQueueName(s) {
		return fmt.Errorf("%q is neither an SQS queue name (1 to 80 letters, digits, - and _, .fifo at the end of a FIFO queue's) nor a queue ARN", s)
	}
	return nil
}
