package monitor

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"

	"github.com/opsd-dev/opsd/configkey"
)

// decode reads a YAML document the way the config package does (koanf,
// mapstructure with the koanf tag, durations and comma lists as strings),
// over the defaults.
func decode(t *testing.T, doc string) Config {
	t.Helper()
	return decodeOver(t, doc, DefaultConfig())
}

// decodeOver is decode over c instead of the defaults.
func decodeOver(t *testing.T, doc string, c Config) Config {
	t.Helper()
	raw, err := yaml.Parser().Unmarshal([]byte(doc))
	if err != nil {
		t.Fatalf("parse yaml: %v", err)
	}
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(raw, ""), nil); err != nil {
		t.Fatalf("load yaml: %v", err)
	}
	err = k.UnmarshalWithConf("monitor", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
			mapstructure.TextUnmarshallerHookFunc(),
		),
		WeaklyTypedInput: true,
		TagName:          "koanf",
		Result:           &c,
	}})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return c
}

func TestDefaultConfigIsValidAndFollowsTheSeeds(t *testing.T) {
	c := DefaultConfig()
	if errs := c.Validate("monitor"); len(errs) != 0 {
		t.Fatalf("DefaultConfig().Validate() = %v", errs)
	}
	if c.Enabled {
		t.Error("the service is enabled by default")
	}
	if c.Schedule != "*/15 * * * *" || c.Timeout != 10*time.Minute {
		t.Errorf("schedule %q timeout %s", c.Schedule, c.Timeout)
	}
	// 001: retention of 6 to 8 months.
	if r := c.LogRetention; r.MinDays != 180 || r.MaxDays != 240 || r.Days != 180 || !r.Enabled {
		t.Errorf("log retention = %+v", r)
	}
	// 001: every API, canary, topic and dead-letter queue; production and
	// opt-ins for the rest.
	if !slices.Equal(c.Scope.Every, []string{"api", "canary", "sns", "dlq"}) || !slices.Equal(c.Scope.Environments, []string{"production", "prod"}) {
		t.Errorf("scope = %+v", c.Scope)
	}
	for _, k := range allKinds {
		for _, m := range kindMetrics[k] {
			if s, ok := c.Alarms.spec(k, m); !ok || !s.Enabled {
				t.Errorf("alarm %s.%s is not on by default", k, m)
			}
		}
	}
	if _, ok := c.Alarms.spec(KindSNS, MetricCPU); ok {
		t.Error("spec of a metric the kind has not")
	}
}

func TestDecodeSectionOverDefaults(t *testing.T) {
	c := decode(t, `
monitor:
  enabled: true
  alarm_topics: ["arn:aws:sns:{region}:{account}:ops-alerts"]
  scope: {by: [tag]}
  alarms:
    ec2:
      cpu: {threshold: 90, period: 10m}
    rds:
      logins: {enabled: false}
  log_retention: {days: 365, max_days: 400}
`)
	if errs := c.Validate("monitor"); len(errs) != 0 {
		t.Fatalf("Validate() = %v", errs)
	}
	if !c.Enabled || len(c.AlarmTopics) != 1 || !slices.Equal(c.Scope.By, []string{"tag"}) {
		t.Errorf("decoded %+v", c)
	}
	if cpu := c.Alarms.EC2.CPU; cpu.Threshold != 90 || cpu.Period != 10*time.Minute || cpu.EvaluationPeriods != 3 || !cpu.Enabled {
		t.Errorf("ec2.cpu = %+v, want threshold and period changed, the rest default", cpu)
	}
	if c.Alarms.RDS.Logins.Enabled || c.Alarms.RDS.CPU.Threshold != 80 {
		t.Errorf("rds = %+v", c.Alarms.RDS)
	}
	if c.LogRetention.Days != 365 || c.LogRetention.MinDays != 180 {
		t.Errorf("log_retention = %+v", c.LogRetention)
	}
	if on := decode(t, "monitor: {enabled: true}\n"); on.Validate("monitor") != nil || !on.Enabled {
		t.Error("monitor: {enabled: true} alone is not a valid configuration")
	}
}

func TestValidateNamesEveryProblem(t *testing.T) {
	c := DefaultConfig()
	c.Timeout = 0
	c.AlarmTopics = []string{"arn:aws:sns:{region}:{account}:ok", "ops-alerts", "arn:aws:sqs:eu-west-2:123456789012:q"}
	c.Scope.Kinds = []string{"ec2", "eks"}
	c.Scope.By = []string{"team"}
	c.Scope.Every = nil
	c.Tags.Monitor = "aws:monitor"
	c.Tags.Application = "Environment"
	c.Tags.Shutdown = []string{""}
	c.Alarms.EC2.CPU.Threshold = 120
	c.Alarms.EC2.Status.Period = 90 * time.Second
	c.Alarms.RDS.Memory.Threshold = 0
	c.Alarms.API.FiveXX.EvaluationPeriods = 0
	c.Alarms.DLQ.Messages = AlarmSpec{Enabled: true, Threshold: 0, Period: time.Hour, EvaluationPeriods: 25}
	c.Alarms.Canary.Success.DatapointsToAlarm = 2
	// Switched off, and still checked: a mistake in it would surface only
	// on the day someone turns it on.
	c.Alarms.SNS.Failed = AlarmSpec{Enabled: false, Threshold: -5}
	c.RDSEvents.Enabled = false
	c.LogRetention.Enabled = false
	c.Agent.Namespace = ""
	c.Agent.LinuxDiskPath = "root"
	c.RDSEvents.Name = "1-bad name"
	c.RDSEvents.Categories = nil
	c.LoginFailures.Namespace = "AWS/RDS"
	c.DeliveryLogging.RoleARN = "arn:aws:iam::123456789012:user/me"
	c.DeliveryLogging.SuccessSampleRate = 101
	c.LogRetention.Days = 200
	errs := c.Validate("monitor")
	want := []string{
		"monitor.timeout",
		"monitor.alarm_topics[1]",
		"monitor.alarm_topics[2]",
		"monitor.scope.kinds[1]",
		"monitor.scope.by[0]",
		"monitor.tags.application",
		"monitor.tags.monitor",
		"monitor.tags.shutdown[0]",
		"monitor.alarms.ec2.status.period",
		"monitor.alarms.ec2.cpu.threshold",
		"monitor.alarms.rds.memory.threshold",
		"monitor.alarms.api.5xx.evaluation_periods",
		"monitor.alarms.canary.success.datapoints_to_alarm",
		"monitor.alarms.dlq.messages.evaluation_periods",
		"monitor.alarms.sns.failed.threshold",
		"monitor.alarms.sns.failed.period",
		"monitor.alarms.sns.failed.evaluation_periods",
		"monitor.agent.namespace",
		"monitor.agent.linux_disk_path",
		"monitor.rds_events.name",
		"monitor.rds_events.categories",
		"monitor.login_failures.namespace",
		"monitor.delivery_logging.role_arn",
		"monitor.delivery_logging.success_sample_rate",
		"monitor.log_retention.days",
	}
	var got []string
	for _, err := range errs {
		var ke *configkey.Error
		if !errors.As(err, &ke) {
			t.Fatalf("%v is not a configkey.Error", err)
		}
		got = append(got, ke.Path)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("paths:\n%s\nwant:\n%s\nerrors:\n%v", strings.Join(got, "\n"), strings.Join(want, "\n"), errs)
	}
	text := map[string]bool{}
	for _, err := range errs {
		text[err.Error()] = true
	}
	for _, msg := range []string{
		`monitor.alarm_topics[1]: "ops-alerts" is not an ARN: arn: invalid prefix`,
		`monitor.scope.kinds[1]: "eks" is not a kind (ec2, rds, api, alb, canary, sns, dlq, asg, lambda, ecs)`,
		`monitor.alarms.ec2.cpu.threshold: 120 must be at most 100 (%)`,
		`monitor.log_retention.days: 200 is not a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)`,
		`monitor.alarms.dlq.messages.evaluation_periods: 25 periods of 1h0m0s exceed one day, the longest an alarm evaluates`,
	} {
		if !text[msg] {
			t.Errorf("missing error %q", msg)
		}
	}
}

func TestValidateScopeNeedsARule(t *testing.T) {
	c := DefaultConfig()
	c.Scope.By = nil
	errs := c.Validate("monitor")
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "monitor.scope.by: must list environment, tag or both: nothing would bring ec2, rds, alb, asg, lambda, ecs resources into scope") {
		t.Errorf("errors = %v", errs)
	}
	c.Scope.Kinds = []string{"sns", "dlq"}
	if errs := c.Validate("monitor"); len(errs) != 0 {
		t.Errorf("every kind watched everywhere needs no rule: %v", errs)
	}
}

// documented is the section as the example configuration shows it, every
// key at its default.
const documented = `
monitor:
  enabled: false
  schedule: "*/15 * * * *"
  timeout: 10m
  alarm_topics: []
  scope:
    kinds: [ec2, rds, api, alb, canary, sns, dlq, asg, lambda, ecs]
    by: [environment, tag]
    environments: [production, prod]
    every: [api, canary, sns, dlq]
  tags:
    environment: Environment
    application: Application
    monitor: opsd:monitor
    override_prefix: "opsd:monitor:"
    mute_until: opsd:monitor:mute-until    # set by people: the alarms send nothing until this time (RFC 3339)
    shutdown_marker: opsd:shutdown:last-action
    log_retention: opsd:log-retention
    managed: opsd:managed
    resource: opsd:resource
    shutdown: [OOOShutdown, OutOfHoursShutdown, WeekendShutdown, opsd:schedule]
  alarms:
    ec2:
      status:  {enabled: true, threshold: 1,  period: 1m, evaluation_periods: 2, datapoints_to_alarm: 0}
      cpu:     {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3, datapoints_to_alarm: 0}
      memory:  {enabled: true, threshold: 90, period: 5m, evaluation_periods: 3, datapoints_to_alarm: 0}
      disk:    {enabled: true, threshold: 85, period: 5m, evaluation_periods: 2, datapoints_to_alarm: 0}
      diskio:  {enabled: true, threshold: 20, period: 5m, evaluation_periods: 3, datapoints_to_alarm: 0}
    rds:
      cpu:     {enabled: true, threshold: 80,  period: 5m, evaluation_periods: 3, datapoints_to_alarm: 0}
      storage: {enabled: true, threshold: 10,  period: 5m, evaluation_periods: 1, datapoints_to_alarm: 0}
      memory:  {enabled: true, threshold: 256, period: 5m, evaluation_periods: 3, datapoints_to_alarm: 0}
      logins:  {enabled: true, threshold: 5,   period: 5m, evaluation_periods: 1, datapoints_to_alarm: 0}
    api:
      5xx:     {enabled: true, threshold: 0,   period: 5m, evaluation_periods: 1, datapoints_to_alarm: 0}
    alb:
      5xx:     {enabled: true, threshold: 0,   period: 5m, evaluation_periods: 1, datapoints_to_alarm: 0}
    canary:
      success: {enabled: true, threshold: 100, period: 5m, evaluation_periods: 1, datapoints_to_alarm: 0}
    sns:
      failed:  {enabled: true, threshold: 0,   period: 5m, evaluation_periods: 1, datapoints_to_alarm: 0}
    dlq:
      messages: {enabled: true, threshold: 0,  period: 5m, evaluation_periods: 1, datapoints_to_alarm: 0}
    asg:
      capacity: {enabled: true, threshold: 0, period: 5m, evaluation_periods: 3}
      cpu: {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3}
    lambda:
      errors: {enabled: true, threshold: 0, period: 5m, evaluation_periods: 1}
      throttles: {enabled: true, threshold: 0, period: 5m, evaluation_periods: 1}
      duration: {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3}
    ecs:
      running: {enabled: true, threshold: 0, period: 1m, evaluation_periods: 5}
      cpu: {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3}
      memory: {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3}
  agent:
    namespace: CWAgent
    dimensions: [InstanceId]
    linux_disk_path: /
    windows_disk: "C:"
    install:
      enabled: false
      platforms: [windows, linux]
      max_concurrency: "10%"
      max_errors: "10%"
      metrics_within: 30m
      follow: 2m
  rds_events:
    enabled: true
    name: opsd-rds-events
    categories: [availability, failure, failover, low storage]
  login_failures:
    namespace: opsd/RDS
    pattern: '"password authentication failed"'
  delivery_logging:
    enabled: true
    role_arn: ""
    success_sample_rate: 0
  dashboards:
    enabled: true
  log_retention:
    enabled: true
    days: 180
    min_days: 180
    max_days: 240
    shorten: false
    shorten_prefixes: []
    shorten_value: shorten
    exempt_value: exempt
`

func TestDocumentedSectionIsTheDefault(t *testing.T) {
	got := decodeOver(t, documented, Config{AlarmTopics: []string{}})
	want := DefaultConfig()
	want.AlarmTopics = []string{}
	want.LogRetention.ShortenPrefixes = []string{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("documented section decodes to\n%+v\nwant the defaults\n%+v", got, want)
	}
}

// Shortening deletes events, so it is off unless asked for; the opt-ins
// are checked with their key paths.
func TestLogRetentionShortensOnlyWhenAsked(t *testing.T) {
	if p := DefaultConfig().LogRetention; p.Shorten || len(p.ShortenPrefixes) != 0 || p.ShortenValue != "shorten" {
		t.Errorf("default log retention = %+v, want shortening off, no prefixes, tag value shorten", p)
	}
	c := decode(t, `
monitor:
  log_retention: {shorten_prefixes: [/aws/lambda/, /app/debug-]}
`)
	if errs := c.Validate("monitor"); len(errs) != 0 || !slices.Equal(c.LogRetention.ShortenPrefixes, []string{"/aws/lambda/", "/app/debug-"}) {
		t.Errorf("decoded %+v, errors %v", c.LogRetention, errs)
	}
	c = DefaultConfig()
	c.LogRetention.ShortenPrefixes = []string{"/ok/", "", "/aws/*", "has space"}
	c.LogRetention.ShortenValue = "Exempt"
	var got []string
	for _, err := range c.Validate("monitor") {
		got = append(got, err.Error())
	}
	want := []string{
		`monitor.log_retention.shorten_value: "Exempt" is also exempt_value: one tag value cannot both exempt a log group and allow shortening it`,
		`monitor.log_retention.shorten_prefixes[1]: is empty: it would allow shortening every log group (that is shorten: true)`,
		`monitor.log_retention.shorten_prefixes[2]: "/aws/*" is not the start of a log group name (up to 512 of a-z, A-Z, 0-9, _ - / . #; no wildcards)`,
		`monitor.log_retention.shorten_prefixes[3]: "has space" is not the start of a log group name (up to 512 of a-z, A-Z, 0-9, _ - / . #; no wildcards)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c = DefaultConfig()
	c.LogRetention.ShortenValue = " "
	if errs := c.Validate("monitor"); len(errs) != 1 || errs[0].Error() != "monitor.log_retention.shorten_value: is empty" {
		t.Errorf("empty shorten_value: %v", errs)
	}
}
