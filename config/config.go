// Package config loads and validates opsd's configuration: built-in
// defaults, then a YAML file, then OPSD_ environment variables. Loading has
// no side effects beyond reading the file; Validate reports every problem at
// once, each with its key path.
package config

import (
	"time"

	"github.com/opsd-dev/opsd/audit"
	"github.com/opsd-dev/opsd/backup"
	"github.com/opsd-dev/opsd/certs"
	"github.com/opsd-dev/opsd/dlq"
	"github.com/opsd-dev/opsd/monitor"
	"github.com/opsd-dev/opsd/patching"
	"github.com/opsd-dev/opsd/shutdown"
)

// Config is the whole of opsd's configuration. The top-level keys are a
// contract shared with operators' config files, the docs and the tests.
type Config struct {
	// Timezone is the IANA timezone for every schedule that names none.
	Timezone  string    `koanf:"timezone"`
	AWS       AWS       `koanf:"aws"`
	HTTP      HTTP      `koanf:"http"`
	Notify    Notify    `koanf:"notify"`
	Scheduler Scheduler `koanf:"scheduler"`
	Log       Log       `koanf:"log"`
	HA        HA        `koanf:"ha"`
	State     State     `koanf:"state"`
	Events    Events    `koanf:"events"`

	Shutdown shutdown.Config `koanf:"shutdown"`
	Patching patching.Config `koanf:"patching"`
	Backup   backup.Config   `koanf:"backup"`
	Monitor  monitor.Config  `koanf:"monitor"`
	DLQ      dlq.Config      `koanf:"dlq"`
	Audit    audit.Config    `koanf:"audit"`
	Certs    certs.Config    `koanf:"certs"`
}

// AWS says where opsd acts and how it calls AWS.
type AWS struct {
	// Regions opsd acts in, in every account.
	Regions []string `koanf:"regions"`
	// EndpointURL points every AWS client at one endpoint (an emulator).
	EndpointURL string `koanf:"endpoint_url"`
	// Accounts reached by assuming a role; empty means the current account.
	Accounts []Account `koanf:"accounts"`
	// Organization, when enabled, acts in every active account of the
	// AWS Organization instead of Accounts.
	Organization Organization `koanf:"organization"`
	// Concurrency is the most account×region targets worked on at once.
	Concurrency int `koanf:"concurrency"`
	// CallTimeout bounds one AWS call, retries included.
	CallTimeout time.Duration `koanf:"call_timeout"`
	// MaxAttempts bounds the attempts of one AWS call (adaptive retries).
	MaxAttempts int `koanf:"max_attempts"`
}

// Account is one member account and the role opsd assumes in it.
type Account struct {
	ID         string `koanf:"id"`
	RoleARN    string `koanf:"role_arn"`
	ExternalID Secret `koanf:"external_id"`
}

// Organization lists member accounts from AWS Organizations.
type Organization struct {
	Enabled bool `koanf:"enabled"`
	// RoleName is the role assumed in each member account.
	RoleName   string `koanf:"role_name"`
	ExternalID Secret `koanf:"external_id"`
	// Exclude lists account ids opsd never acts in.
	Exclude []string `koanf:"exclude"`
}

// HTTP configures the operations endpoint (/healthz, /readyz, /status,
// /metrics, /report and the page at /). Beyond loopback, every endpoint
// but /healthz and /readyz asks for Token or an ALB's OIDC identity
// (ALBOIDCSigner); /metrics also for MetricsToken.
type HTTP struct {
	Listen string `koanf:"listen"`
	// Token, when set, is asked of visitors to /, /status, /report and
	// /metrics when Listen is not a loopback address.
	Token Secret `koanf:"token"`
	// MetricsToken, when set, opens /metrics (and nothing else) beyond
	// loopback to a scraper that sends it as a bearer token.
	MetricsToken Secret `koanf:"metrics_token"`
	// ALBOIDCSigner, an Application Load Balancer's ARN, lets in visitors
	// that load balancer authenticated with OIDC, when Listen is not
	// loopback: opsd verifies the token it signs (X-Amzn-Oidc-Data) with
	// the load balancer's public key from
	// public-keys.auth.elb.<region>.amazonaws.com.
	ALBOIDCSigner string `koanf:"alb_oidc_signer"`
	// History is how long the page at / keeps the actions opsd took or
	// tried, in the state store (at most its 1000 newest, 300 KiB).
	History time.Duration `koanf:"history"`
}

// Notify configures where people hear from opsd.
type Notify struct {
	Slack Slack `koanf:"slack"`
	// Routes send messages to Slack channels by what they are about; the
	// first that matches wins, then slack.channels and slack.channel.
	Routes []Route `koanf:"routes"`
	// PagerDuty pages for critical conditions.
	PagerDuty PagerDuty `koanf:"pagerduty"`
	// SNS publishes every message and page event to a topic.
	SNS SNS `koanf:"sns"`
}

// Route sends the messages it matches to a Slack channel. Every list set
// must contain the message's value; an empty list matches anything.
type Route struct {
	// Services are kinds of event: shutdown, patching, backup, monitor,
	// dlq, audit.
	Services []string `koanf:"services"`
	// Severities are info, warning, error.
	Severities []string `koanf:"severities"`
	// Accounts are 12-digit account ids.
	Accounts []string `koanf:"accounts"`
	// Environments, Applications and TeamEmails are the owner's tag values
	// (case-insensitive).
	Environments []string `koanf:"environments"`
	Applications []string `koanf:"applications"`
	TeamEmails   []string `koanf:"team_emails"`
	// Channel receives the matching messages.
	Channel string `koanf:"channel"`
}

// PagerDuty configures paging through the PagerDuty Events API v2. With no
// routing key nothing pages.
type PagerDuty struct {
	// RoutingKeySSMParameter names an SSM Parameter Store SecureString
	// holding the integration's routing key, read at start-up and on
	// reload.
	RoutingKeySSMParameter string `koanf:"routing_key_ssm_parameter"`
	// RoutingKey is the routing key itself, for tests; use the parameter.
	RoutingKey Secret `koanf:"routing_key"`
	// EventsURL is the Events API's base URL.
	EventsURL string `koanf:"events_url"`
	// ProductionEnvironments are the Environment tag values that page.
	ProductionEnvironments []string `koanf:"production_environments"`
}

// SNS configures publishing to an SNS topic. Empty topic_arn: off.
type SNS struct {
	TopicARN string `koanf:"topic_arn"`
}

// Paging reports whether anything receives page events.
func (n Notify) Paging() bool {
	return n.PagerDuty.RoutingKey != "" || n.PagerDuty.RoutingKeySSMParameter != "" || n.SNS.TopicARN != ""
}

// Slack configures Slack delivery. With no token, messages go to the log.
type Slack struct {
	Token Secret `koanf:"token"`
	// TokenSSMParameter names an SSM Parameter Store SecureString holding
	// the token, read at start-up and on reload.
	TokenSSMParameter string `koanf:"token_ssm_parameter"`
	// Channel receives every kind of message that Channels does not route.
	Channel string `koanf:"channel"`
	// Channels routes a kind of event (shutdown, patching, backup, monitor,
	// dlq, audit, certs) to its own channel.
	Channels map[string]string `koanf:"channels"`
	// APIURL is a Slack-compatible API endpoint; empty for Slack itself.
	APIURL string `koanf:"api_url"`
	// AppToken is the Slack app-level token (xapp-…) with
	// connections:write, or AppTokenSSMParameter the SecureString holding
	// it: with one, opsd answers its messages' buttons over Socket Mode.
	AppToken             Secret `koanf:"app_token"`
	AppTokenSSMParameter string `koanf:"app_token_ssm_parameter"`
	// ButtonsUserGroup is the id of the Slack user group (S…) whose members
	// may press the buttons; required with an app token.
	ButtonsUserGroup string `koanf:"buttons_user_group"`
}

// Interactive reports whether opsd answers its messages' buttons.
func (s Slack) Interactive() bool { return s.AppToken != "" || s.AppTokenSSMParameter != "" }

// Scheduler configures how jobs run.
type Scheduler struct {
	// GracePeriod is how long running jobs may finish after SIGTERM.
	GracePeriod time.Duration `koanf:"grace_period"`
	// History is how many runs per job /status keeps.
	History int `koanf:"history"`
}

// Log configures the JSON log on stdout.
type Log struct {
	Level string `koanf:"level"`
}

// service is what Validate and EnabledServices need of each service's
// section.
type service struct {
	name     string
	enabled  bool
	schedule string
	validate func(path string) []error
}

// services lists every service's section, in the order services run.
func (c *Config) services() []service {
	return []service{
		{"shutdown", c.Shutdown.Enabled, c.Shutdown.Schedule, c.Shutdown.Validate},
		{"patching", c.Patching.Enabled, c.Patching.Schedule, c.Patching.Validate},
		{"backup", c.Backup.Enabled, c.Backup.Schedule, c.Backup.Validate},
		{"monitor", c.Monitor.Enabled, c.Monitor.Schedule, c.Monitor.Validate},
		{"dlq", c.DLQ.Enabled, c.DLQ.Schedule, c.DLQ.Validate},
		{"audit", c.Audit.Enabled, c.Audit.Schedule, c.Audit.Validate},
		{"certs", c.Certs.Enabled, c.Certs.Schedule, c.Certs.Validate},
	}
}

// EnabledServices names the services the configuration turns on.
func (c *Config) EnabledServices() []string {
	var names []string
	for _, s := range c.services() {
		if s.enabled {
			names = append(names, s.name)
		}
	}
	return names
}
