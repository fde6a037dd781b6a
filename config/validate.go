package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/robfig/cron/v3"
)

// ValidationError lists every problem found in a configuration, each
// naming its key path.
type ValidationError struct {
	Problems []error
}

// Error lists the problems, one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.Error()
	}
	return fmt.Sprintf("invalid configuration (%s):\n%s", Plural(len(e.Problems), "problem"), strings.Join(lines, "\n"))
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// Validate checks the whole configuration and returns every problem found,
// or nil.
func (c *Config) Validate() *ValidationError {
	var p []error
	add := func(path, format string, args ...any) {
		p = append(p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}

	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		add("timezone", "%q is not an IANA timezone (e.g. Europe/London)", c.Timezone)
	}
	p = append(p, c.AWS.validate()...)

	if msg := checkListen(c.HTTP.Listen); msg != "" {
		add("http.listen", "%s", msg)
	}
	if c.HTTP.MetricsToken != "" && c.HTTP.MetricsToken == c.HTTP.Token {
		add("http.metrics_token", "must differ from http.token: the scraper's token would open every endpoint")
	}
	if s := c.HTTP.ALBOIDCSigner; s != "" {
		if f := strings.Split(s, ":"); len(f) < 6 || f[0] != "arn" || f[2] != "elasticloadbalancing" || f[3] == "" {
			add("http.alb_oidc_signer", "%q is not a load balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/…)", s)
		}
	}
	if c.HTTP.History < time.Hour {
		add("http.history", "must be at least 1h, got %s", c.HTTP.History)
	}
	p = append(p, c.Notify.validate()...)
	if c.Scheduler.GracePeriod < 0 {
		add("scheduler.grace_period", "must not be negative, got %s", c.Scheduler.GracePeriod)
	}
	if c.Scheduler.History < 1 {
		add("scheduler.history", "must be at least 1, got %d", c.Scheduler.History)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}

	p = append(p, c.HA.validate()...)
	p = append(p, c.Events.validate()...)
	p = append(p, c.State.validate()...)

	// A section that is switched off is checked all the same: it may be
	// switched on later, or from the environment, and that must not be the
	// first time a mistake in it shows.
	for _, s := range c.services() {
		p = append(p, s.validate(s.name)...)
		if _, err := cron.ParseStandard(s.schedule); err != nil {
			add(s.name+".schedule", "%q is not a cron expression: %v", s.schedule, err)
		}
	}
	if c.Shutdown.Tags.PatchingHold != c.Patching.Tags.HoldUntil {
		add("patching.tags.hold_until", "%q differs from shutdown.tags.patching_hold %q: shutdown would stop instances patching started", c.Patching.Tags.HoldUntil, c.Shutdown.Tags.PatchingHold)
	}
	if c.Monitor.Tags.ShutdownMarker != c.Shutdown.Tags.LastAction {
		add("monitor.tags.shutdown_marker", "%q differs from shutdown.tags.last_action %q: monitor would turn back on the alarm actions shutdown turned off for the night", c.Monitor.Tags.ShutdownMarker, c.Shutdown.Tags.LastAction)
	}
	if c.Shutdown.Tags.PatchingStopped != c.Patching.Tags.StoppedAt {
		add("patching.tags.stopped_at", "%q differs from shutdown.tags.patching_stopped %q: shutdown would leave stopped in the morning the instances patching woke", c.Patching.Tags.StoppedAt, c.Shutdown.Tags.PatchingStopped)
	}
	if len(p) == 0 {
		return nil
	}
	sortProblems(p)
	return &ValidationError{Problems: p}
}

// checkListen says what is wrong with a listen address, or "": it must be
// host:port with a port from 0 to 65535 (0: any free port).
func checkListen(listen string) string {
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Sprintf("%q is not host:port: %v", listen, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("%q: port %q is not a number from 0 to 65535", listen, port)
	}
	return ""
}

func (a AWS) validate() []error {
	var p []error
	add := func(path, format string, args ...any) {
		p = append(p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if len(a.Regions) == 0 {
		add("aws.regions", "at least one region is required")
	}
	seen := map[string]bool{}
	for i, r := range a.Regions {
		path := fmt.Sprintf("aws.regions[%d]", i)
		if msg := checkRegion(r); msg != "" {
			add(path, "%s", msg)
		}
		if seen[r] {
			add(path, "region %q is listed twice", r)
		}
		seen[r] = true
	}
	if a.EndpointURL != "" {
		if u, err := url.Parse(a.EndpointURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("aws.endpoint_url", "%q is not an http(s) URL", a.EndpointURL)
		}
	}
	for i, acct := range a.Accounts {
		path := fmt.Sprintf("aws.accounts[%d]", i)
		if acct.ID != "" && !accountIDPattern.MatchString(acct.ID) {
			add(path+".id", "%q is not a 12-digit account id", acct.ID)
		}
		if acct.RoleARN == "" {
			if acct.ID == "" {
				add(path, "needs an id, a role_arn, or both")
			}
			continue
		}
		parsed, err := arn.Parse(acct.RoleARN)
		switch {
		case err != nil:
			add(path+".role_arn", "%q is not an ARN: %v", acct.RoleARN, err)
		case parsed.Service != "iam" || !strings.HasPrefix(parsed.Resource, "role/") || !accountIDPattern.MatchString(parsed.AccountID):
			add(path+".role_arn", "%q is not an IAM role ARN (arn:aws:iam::123456789012:role/name)", acct.RoleARN)
		case acct.ID != "" && parsed.AccountID != acct.ID:
			add(path+".role_arn", "role is in account %s but id is %s", parsed.AccountID, acct.ID)
		}
	}
	if a.Organization.Enabled {
		if len(a.Accounts) > 0 {
			add("aws.organization.enabled", "cannot be combined with aws.accounts; use aws.organization.exclude to leave accounts out")
		}
		if a.Organization.RoleName == "" {
			add("aws.organization.role_name", "is required when the organization is enabled")
		}
	}
	for i, id := range a.Organization.Exclude {
		if !accountIDPattern.MatchString(id) {
			add(fmt.Sprintf("aws.organization.exclude[%d]", i), "%q is not a 12-digit account id", id)
		}
	}
	if a.Concurrency < 1 {
		add("aws.concurrency", "must be at least 1, got %d", a.Concurrency)
	}
	if a.CallTimeout <= 0 {
		add("aws.call_timeout", "must be positive, got %s", a.CallTimeout)
	}
	if a.MaxAttempts < 1 {
		add("aws.max_attempts", "must be at least 1, got %d", a.MaxAttempts)
	}
	return p
}

func (s Slack) validate() []error {
	var p []error
	add := func(path, format string, args ...any) {
		p = append(p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if s.Token != "" && s.TokenSSMParameter != "" {
		add("notify.slack.token_ssm_parameter", "set either token or token_ssm_parameter, not both")
	}
	if (s.Token != "" || s.TokenSSMParameter != "") && s.Channel == "" {
		add("notify.slack.channel", "is required when Slack is configured")
	}
	if s.AppToken != "" && s.AppTokenSSMParameter != "" {
		add("notify.slack.app_token_ssm_parameter", "set either app_token or app_token_ssm_parameter, not both")
	}
	if s.Interactive() {
		if s.Token == "" && s.TokenSSMParameter == "" {
			add("notify.slack.app_token", "answers buttons of messages opsd posts: set notify.slack.token (or token_ssm_parameter) too")
		}
		if strings.TrimSpace(s.ButtonsUserGroup) == "" {
			add("notify.slack.buttons_user_group", "is required with an app token: the Slack user group (S…) whose members may press opsd's buttons")
		}
	}
	if s.AppToken != "" && !strings.HasPrefix(string(s.AppToken), "xapp-") {
		add("notify.slack.app_token", "is not an app-level token (they begin xapp-)")
	}
	if s.APIURL != "" {
		if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("notify.slack.api_url", "%q is not an http(s) URL", s.APIURL)
		}
	}
	for kind := range s.Channels {
		switch kind {
		case "shutdown", "patching", "backup", "monitor", "dlq", "audit", "certs":
		default:
			add("notify.slack.channels."+kind, "unknown kind of event (shutdown, patching, backup, monitor, dlq, audit, certs)")
		}
	}
	return p
}

// Plural returns "1 problem", "2 problems".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
