package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Events configures reacting to AWS events: the hub account's SQS queue,
// fed by its EventBridge bus (which the member accounts' rules forward tag
// changes, instance state changes and CloudTrail calls to), is read by the
// leader with long polling, and each event runs the services it concerns
// at once instead of at their next schedule. Polling stays: the scheduled
// reconciles catch whatever events miss.
type Events struct {
	// Enabled turns the event reader on.
	Enabled bool `koanf:"enabled"`
	// QueueURL is the SQS queue the hub bus targets.
	QueueURL string `koanf:"queue_url"`
	// Coalesce is how long after an event the services it concerns run,
	// so a burst (a team tagging thousands of resources at once) becomes
	// one run of each service, not one per event.
	Coalesce time.Duration `koanf:"coalesce"`
	// IgnorePrincipals are substrings of the CloudTrail caller ARN whose
	// calls are opsd's own and so ignored (its role in each account).
	IgnorePrincipals []string `koanf:"ignore_principals"`
}

func (e Events) validate() []error {
	var p []error
	add := func(path, format string, args ...any) {
		p = append(p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if e.Enabled && e.QueueURL == "" {
		add("events.queue_url", "is required when events.enabled is true (the hub's events queue, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)")
	}
	if e.QueueURL != "" {
		if u, err := url.Parse(e.QueueURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add("events.queue_url", "%q is not a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)", e.QueueURL)
		}
	}
	if e.Coalesce < time.Second || e.Coalesce > 5*time.Minute {
		add("events.coalesce", "must be from 1s to 5m, got %s", e.Coalesce)
	}
	for i, s := range e.IgnorePrincipals {
		if strings.TrimSpace(s) == "" {
			add(fmt.Sprintf("events.ignore_principals[%d]", i), "is empty: it would ignore every call")
		}
	}
	return p
}
