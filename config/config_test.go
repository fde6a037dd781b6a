package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, yaml string, environ ...string) (*Config, error) {
	t.Helper()
	return Parse([]byte(yaml), environ)
}

func problems(t *testing.T, err error) []string {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("want a *ValidationError, got %v", err)
	}
	out := make([]string, len(verr.Problems))
	for i, p := range verr.Problems {
		out[i] = p.Error()
	}
	return out
}

func TestMinimalConfigGetsTheSeedDefaults(t *testing.T) {
	cfg, err := parse(t, "aws: {regions: [eu-west-2]}\nshutdown: {enabled: true}\n")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timezone != "Europe/London" || cfg.HTTP.Listen != "127.0.0.1:9102" || cfg.AWS.Concurrency != 16 {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	if !cfg.Shutdown.Enabled || cfg.Shutdown.Schedule != "*/5 * * * *" {
		t.Errorf("shutdown = %+v", cfg.Shutdown)
	}
	if got := cfg.Shutdown.Environments; strings.Join(got, ",") != "development,dev,staging,stg" {
		t.Errorf("shutdown.environments = %v", got)
	}
	if _, ok := cfg.Shutdown.Schedules["default"]; !ok {
		t.Error("default schedule missing")
	}
}

func TestFileReplacesListsAndMergesMaps(t *testing.T) {
	cfg, err := parse(t, `
aws: {regions: [eu-west-1, us-east-1]}
shutdown:
  environments: [sandbox]
  schedules:
    office:
      timezone: America/New_York
      periods: [{days: mon-fri, off: "18:00", on: "08:00"}]
`)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.AWS.Regions, ",") != "eu-west-1,us-east-1" {
		t.Errorf("regions = %v", cfg.AWS.Regions)
	}
	if strings.Join(cfg.Shutdown.Environments, ",") != "sandbox" {
		t.Errorf("a list in the file must replace the default, got %v", cfg.Shutdown.Environments)
	}
	if _, ok := cfg.Shutdown.Schedules["default"]; !ok {
		t.Error("a map in the file must merge with the defaults: default schedule lost")
	}
	if cfg.Shutdown.Schedules["office"].Timezone != "America/New_York" {
		t.Errorf("office schedule = %+v", cfg.Shutdown.Schedules["office"])
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	cfg, err := parse(t, "aws: {regions: [eu-west-2], endpoint_url: http://file:1}\n",
		"OPSD_AWS__ENDPOINT_URL=http://127.0.0.1:5000",
		"OPSD_AWS__REGIONS=eu-west-1, eu-central-1",
		"OPSD_SCHEDULER__GRACE_PERIOD=90s",
		"OPSD_SHUTDOWN__ENABLED=true",
		"OPSD_NOTIFY__SLACK__TOKEN=xoxb-secret",
		"OPSD_NOTIFY__SLACK__CHANNEL=C1",
		"OPSD_HTTP__METRICS_TOKEN=metrics-secret",
		"HOME=/root",
	)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AWS.EndpointURL != "http://127.0.0.1:5000" {
		t.Errorf("endpoint = %q", cfg.AWS.EndpointURL)
	}
	if strings.Join(cfg.AWS.Regions, ",") != "eu-west-1,eu-central-1" {
		t.Errorf("regions = %v", cfg.AWS.Regions)
	}
	if cfg.Scheduler.GracePeriod != 90*time.Second || !cfg.Shutdown.Enabled {
		t.Errorf("grace = %s, shutdown = %v", cfg.Scheduler.GracePeriod, cfg.Shutdown.Enabled)
	}
	if cfg.Notify.Slack.Token.Reveal() != "xoxb-secret" {
		t.Error("slack token from the environment not applied")
	}
	if cfg.HTTP.MetricsToken.Reveal() != "metrics-secret" {
		t.Error("http.metrics_token from the environment not applied")
	}
}

func TestUnknownKeysAreNamed(t *testing.T) {
	_, err := parse(t, `
aws: {regions: [eu-west-2], regoins: [eu-west-1]}
shutdown: {enabled: true, tags: {enviroment: Env}}
colour: blue
`, "OPSD_HTTP__LISTN=:1")
	got := strings.Join(problems(t, err), "\n")
	for _, want := range []string{
		`aws.regoins: unknown key (did you mean "regions"?)`,
		`shutdown.tags.enviroment: unknown key (did you mean "environment"?)`,
		"colour: unknown key",
		`http.listn: unknown key (did you mean "listen"?) (from environment variable OPSD_HTTP__LISTN)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

func TestFiveMistakesAreAllReported(t *testing.T) {
	_, err := parse(t, `
timezone: Europe/Londn
aws:
  regions: [eu-wset-2]
  accounts:
    - {role_arn: "arn:aws:iam::12345:role/x"}
scheduler: {grace_period: -5s}
shutdown:
  enabled: true
  schedule: "every evening"
`)
	got := problems(t, err)
	joined := strings.Join(got, "\n")
	for _, want := range []string{
		"timezone:",
		`aws.regions[0]: "eu-wset-2" is not a known AWS region (did you mean "eu-west-2"?)`,
		"aws.accounts[0].role_arn:",
		"scheduler.grace_period: must not be negative",
		"shutdown.schedule:",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q:\n%s", want, joined)
		}
	}
	if len(got) != 5 {
		t.Errorf("want exactly 5 problems, got %d:\n%s", len(got), joined)
	}
}

func TestValidationCatchesEachMistake(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"region shape":       {"aws: {regions: [euwest2]}", `aws.regions[0]: "euwest2" is not an AWS region name`},
		"no regions":         {"aws: {regions: []}", "aws.regions: at least one region is required"},
		"duplicate region":   {"aws: {regions: [eu-west-2, eu-west-2]}", "aws.regions[1]: region \"eu-west-2\" is listed twice"},
		"endpoint":           {"aws: {endpoint_url: 'localhost:5000'}", "aws.endpoint_url:"},
		"account id":         {"aws: {accounts: [{id: '12'}]}", "aws.accounts[0].id:"},
		"role not iam":       {"aws: {accounts: [{role_arn: 'arn:aws:s3:::bucket'}]}", "is not an IAM role ARN"},
		"role other account": {"aws: {accounts: [{id: '111111111111', role_arn: 'arn:aws:iam::222222222222:role/x'}]}", "role is in account 222222222222 but id is 111111111111"},
		"org without role":   {"aws: {organization: {enabled: true}}", "aws.organization.role_name: is required"},
		"org and accounts":   {"aws: {organization: {enabled: true, role_name: r}, accounts: [{id: '111111111111'}]}", "aws.organization.enabled: cannot be combined"},
		"concurrency":        {"aws: {concurrency: 0}", "aws.concurrency: must be at least 1"},
		"call timeout":       {"aws: {call_timeout: -1s}", "aws.call_timeout: must be positive"},
		"listen":             {"http: {listen: 'nowhere'}", "http.listen:"},
		"alb signer":         {"http: {alb_oidc_signer: my-alb}", `http.alb_oidc_signer: "my-alb" is not a load balancer ARN`},
		"metrics token":      {"http: {token: same-SECRET-1, metrics_token: same-SECRET-1}", "http.metrics_token: must differ from http.token"},
		"slack no channel":   {"notify: {slack: {token: x}}", "notify.slack.channel: is required"},
		"slack two tokens":   {"notify: {slack: {token: x, token_ssm_parameter: /p, channel: c}}", "set either token or token_ssm_parameter"},
		"slack kind":         {"notify: {slack: {channels: {billing: C1}}}", "notify.slack.channels.billing: unknown kind"},
		"buttons no group":   {"notify: {slack: {token: xoxb-1, channel: c, app_token: xapp-1}}", "notify.slack.buttons_user_group: is required with an app token"},
		"buttons no bot":     {"notify: {slack: {app_token: xapp-1, buttons_user_group: S1}}", "notify.slack.app_token: answers buttons of messages opsd posts"},
		"buttons bad token":  {"notify: {slack: {token: xoxb-1, channel: c, app_token: xoxb-2, buttons_user_group: S1}}", "notify.slack.app_token: is not an app-level token"},
		"keep up time":       {"shutdown: {keep_up_until: '10pm'}", `shutdown.keep_up_until: "10pm" is not a clock time HH:MM`},
		"log level":          {"log: {level: loud}", "log.level:"},
		"not a number":       {"aws: {concurrency: many}", "aws.concurrency"},
		"service cron":       {"backup: {enabled: true, schedule: \"every hour\"}", "backup.schedule: \"every hour\" is not a cron expression"},
		"service section":    {"patching: {windows: {night: {duration: -1h}}}", "patching.windows.night"},
		"hold tags differ":   {"patching: {tags: {hold_until: x}}", "patching.tags.hold_until"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parse(t, tc.yaml)
			if got := strings.Join(problems(t, err), "\n"); !strings.Contains(got, tc.want) {
				t.Errorf("problems lack %q:\n%s", tc.want, got)
			}
		})
	}
}

func TestBrokenYAMLIsAnError(t *testing.T) {
	if _, err := parse(t, "aws: [unclosed"); err == nil || !strings.Contains(err.Error(), "parse config yaml") {
		t.Fatalf("err = %v", err)
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	s := Secret("xoxb-very-secret")
	for _, out := range []string{s.String(), s.GoString(), s.LogValue().String()} {
		if strings.Contains(out, "very-secret") {
			t.Fatalf("secret leaked: %q", out)
		}
	}
	b, _ := s.MarshalJSON()
	if strings.Contains(string(b), "very-secret") {
		t.Fatalf("secret leaked in JSON: %s", b)
	}
}

func TestExampleConfigIsValidAndComplete(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "deploy", "opsd.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(data, nil)
	if err != nil {
		t.Fatalf("example config: %v", err)
	}
	// Every key opsd knows is documented in the example.
	for _, key := range knownKeys(typeOfConfig, "") {
		leaf := key[strings.LastIndex(key, ".")+1:]
		if !strings.Contains(string(data), leaf+":") {
			t.Errorf("deploy/opsd.example.yaml does not document %s", key)
		}
	}
	def := Default()
	if cfg.AWS.Concurrency != def.AWS.Concurrency || cfg.Scheduler.GracePeriod != def.Scheduler.GracePeriod {
		t.Error("example config's values differ from the defaults")
	}
}

func TestWrongTypesAndOtherMistakesAreReportedTogether(t *testing.T) {
	_, err := parse(t, "aws: {regions: [eu-wset-2], concurrency: many}\nshutdown: {enabled: maybe}\n")
	got := problems(t, err)
	joined := strings.Join(got, "\n")
	for _, want := range []string{`aws.concurrency: "many" is not a whole number`, `shutdown.enabled: "maybe" is not true or false`, "aws.regions[0]:"} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q:\n%s", want, joined)
		}
	}
	if len(got) != 3 {
		t.Errorf("want 3 problems (no follow-on complaint about the zero concurrency), got %d:\n%s", len(got), joined)
	}
}
