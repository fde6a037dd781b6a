package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/v2"
)

// A value of the wrong type is reported as what was found and what the key
// wants, with the key path first: never the decoder's Go internals.
func TestTypeErrorsSayWhatWasFoundAndWhatIsWanted(t *testing.T) {
	cases := []struct {
		name    string
		yaml    string
		environ []string
		want    string
	}{
		{"bool from text", `shutdown: {enabled: "yes"}`, nil,
			`shutdown.enabled: "yes" is not true or false`},
		{"bool from a number", `patching: {enabled: 2.5}`, nil,
			`patching.enabled: 2.5 is not true or false`},
		{"bool from the environment", ``, []string{"OPSD_SHUTDOWN__ENABLED=maybe"},
			`shutdown.enabled: "maybe" is not true or false (from environment variable OPSD_SHUTDOWN__ENABLED)`},
		{"list of maps from the environment", ``, []string{"OPSD_AWS__ACCOUNTS=111111111111,222222222222"},
			`aws.accounts: "111111111111,222222222222" is text, and this is a list of maps of keys: set it in the YAML file (from environment variable OPSD_AWS__ACCOUNTS)`},
		{"number list item from the environment", ``, []string{"OPSD_CERTS__WARN_DAYS=30, soon"},
			`certs.warn_days[1]: "soon" is not a whole number (from environment variable OPSD_CERTS__WARN_DAYS)`},
		{"list item from the environment", ``, []string{"OPSD_AWS__REGIONS=eu-west-1, mars-1"},
			`aws.regions[1]: "mars-1" is not an AWS region name (e.g. eu-west-2) (from environment variable OPSD_AWS__REGIONS)`},
		{"duration from words", `dlq: {burst_gap: 1 hour}`, nil,
			`dlq.burst_gap: "1 hour" is not a duration (e.g. 1h, 90m)`},
		{"duration without a unit", `shutdown: {timeout: 30}`, nil,
			`shutdown.timeout: 30 is not a duration: it needs a unit (e.g. 30s, 30m)`},
		{"duration without a unit from the environment", ``, []string{"OPSD_AWS__CALL_TIMEOUT=30"},
			`aws.call_timeout: "30" is not a duration: it needs a unit (e.g. 30s, 30m) (from environment variable OPSD_AWS__CALL_TIMEOUT)`},
		{"duration from a list", `scheduler: {grace_period: [1m]}`, nil,
			`scheduler.grace_period: a list is not a duration (e.g. 1h, 90m)`},
		{"whole number from words", `aws: {concurrency: ten}`, nil,
			`aws.concurrency: "ten" is not a whole number`},
		{"whole number from a fraction", `scheduler: {history: 2.5}`, nil,
			`scheduler.history: 2.5 is not a whole number`},
		{"whole number too large", `aws: {max_attempts: "99999999999999999999"}`, nil,
			`aws.max_attempts: "99999999999999999999" is too large a number`},
		{"whole number from a map", `audit: {log_retention: {min_days: {days: 3}}}`, nil,
			`audit.log_retention.min_days: a map is not a whole number`},
		{"number from words", `monitor: {alarms: {ec2: {cpu: {threshold: high}}}}`, nil,
			`monitor.alarms.ec2.cpu.threshold: "high" is not a number`},
		{"text from a list", `log: {level: [info, debug]}`, nil,
			`log.level: a list is not a single value`},
		{"text in a list from a map", `shutdown: {environments: [dev, {name: stg}]}`, nil,
			`shutdown.environments[1]: a map is not a single value`},
		{"section from a number", `aws: 7`, nil,
			`aws: a number is not a map of keys`},
		{"section from text", `monitor: {alarms: {ec2: "off"}}`, nil,
			`monitor.alarms.ec2: text is not a map of keys`},
		{"list item from text", `shutdown: {schedules: {office: {periods: ["19:00-07:00"]}}}`, nil,
			`shutdown.schedules.office.periods[0]: text is not a map of keys`},
		{"map from a list", `notify: {slack: {channels: [C1]}}`, nil,
			`notify.slack.channels: a list is not a map of keys`},
		{"date from a list", `shutdown: {holidays: [[2026-12-25]]}`, nil,
			`shutdown.holidays[0]: a list is not a date (YYYY-MM-DD)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, tc.yaml+"\n", tc.environ...)
			got := problems(t, err)
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("problems:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), tc.want)
			}
		})
	}
}

// A secret of the wrong type is named by its key; its value never shows.
func TestTypeErrorsNeverEchoSecrets(t *testing.T) {
	_, err := parse(t, `
aws: {accounts: [{id: "222222222222", external_id: [s3cret-1]}]}
notify: {slack: {token: {value: s3cret-2}, channel: C1}}
`)
	got := strings.Join(problems(t, err), "\n")
	for _, want := range []string{"aws.accounts[0].external_id: a list is not a single value", "notify.slack.token: a map is not a single value"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "s3cret") {
		t.Errorf("a secret is echoed:\n%s", got)
	}
}

// A type error in one key hides nothing else in its section: not a bad
// schedule (even when the bad key is enabled itself), not another type
// error, not a value the section's own validation rejects.
func TestTypeErrorDoesNotHideOtherProblemsInItsSection(t *testing.T) {
	_, err := parse(t, `
dlq: {enabled: maybe, burst_gap: 1 hour, schedule: "every night"}
shutdown: {enabled: true, timeout: forever, environments: [], schedule: "at seven"}
`)
	got := problems(t, err)
	joined := strings.Join(got, "\n")
	for _, want := range []string{
		`dlq.burst_gap: "1 hour" is not a duration (e.g. 1h, 90m)`,
		`dlq.enabled: "maybe" is not true or false`,
		`dlq.schedule: "every night" is not a cron expression`,
		`shutdown.environments: must list at least one environment`,
		`shutdown.schedule: "at seven" is not a cron expression`,
		`shutdown.timeout: "forever" is not a duration (e.g. 1h, 90m)`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q:\n%s", want, joined)
		}
	}
	if len(got) != 6 {
		t.Errorf("want 6 problems, got %d:\n%s", len(got), joined)
	}
}

// A key of the wrong type keeps its default for the rest of the checks, so
// nothing is reported about the value it was not given.
func TestTypeErrorHasNoFollowOnComplaints(t *testing.T) {
	for yaml, want := range map[string]string{
		"aws: 7":                            "aws: a number is not a map of keys",
		"ha: {enabled: true, ttl: forever}": `ha.ttl: "forever" is not a duration (e.g. 1h, 90m)`,
		"shutdown: {schedules: {office: {periods: [{days: mon, off: [19], on: \"07:00\"}]}}}": "shutdown.schedules.office.periods[0].off: a list is not a single value",
	} {
		got := problems(t, func() error { _, err := parse(t, yaml+"\n"); return err }())
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s:\n  %s\nwant exactly:\n  %s", yaml, strings.Join(got, "\n  "), want)
		}
	}
}

// A section that is switched off is checked all the same: switching it on
// later, or from the environment, must not be the first time a mistake in
// it shows.
func TestDisabledSectionIsStillChecked(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"service schedule": {`dlq: {enabled: false, schedule: "every night"}`, `dlq.schedule: "every night" is not a cron expression`},
		"default off":      {`backup: {schedule: "hourly"}`, `backup.schedule: "hourly" is not a cron expression`},
		"service section":  {`audit: {enabled: false, concurrency: 0}`, `audit.concurrency: must be between 1 and 32, got 0`},
		"leader election":  {`ha: {enabled: false, ttl: 1s}`, `ha.ttl: must be at least 5s, got 1s`},
		"lease table":      {`ha: {table: "no spaces"}`, `ha.table: "no spaces" is not a DynamoDB table name`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parse(t, tc.yaml+"\n")
			if err == nil {
				t.Fatalf("accepted; want %q", tc.want)
			}
			got := problems(t, err)
			if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) {
				t.Errorf("problems:\n  %s\nwant exactly one starting %q", strings.Join(got, "\n  "), tc.want)
			}
		})
	}
	// A leader election that is off needs no lease name.
	if _, err := parse(t, "ha: {enabled: false, name: \"\"}\n"); err != nil {
		t.Errorf("ha off without a name: %v", err)
	}
}

// A configuration with nothing of the wrong type decodes key by key to
// exactly what the decoder makes of it in one go.
func TestKeyByKeyDecodeChangesNoGoodValue(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "deploy", "opsd.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	environ := []string{
		"OPSD_AWS__REGIONS=eu-west-1,eu-central-1",
		"OPSD_SCHEDULER__GRACE_PERIOD=90s",
		"OPSD_SCHEDULER__HISTORY=7",
		"OPSD_SHUTDOWN__ENABLED=true",
		"OPSD_MONITOR__ALARMS__EC2__CPU__THRESHOLD=92.5",
	}
	for name, doc := range map[string]string{
		"example": string(example),
		"various": `
aws:
  regions: eu-west-2
  accounts: {id: 123456789012, role_arn: "arn:aws:iam::123456789012:role/x"}
  concurrency: 8.0
ha: {enabled: 1, renew_every: 0}
shutdown:
  holidays: [2026-12-25, "2026-12-26"]
  schedules: {office: {periods: [{days: [mon, tue], off: "19:00", on: "07:00"}]}}
dlq: {enabled: false, archive: {bucket: opsd-dlq-archive, wait_time: 1s}}
`,
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := Parse([]byte(doc), environ)
			if err != nil {
				t.Fatal(err)
			}
			if want := decodeInOneGo(t, doc, environ); !reflect.DeepEqual(*cfg, want) {
				t.Errorf("decoded key by key:\n%+v\nin one go:\n%+v", *cfg, want)
			}
		})
	}
}

// decodeInOneGo is how configurations were decoded before issue 15: every
// layer merged, then one pass of the decoder.
func decodeInOneGo(t *testing.T, doc string, environ []string) Config {
	t.Helper()
	raw, err := yaml.Parser().Unmarshal([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	pruneNulls(raw)
	k := koanf.New(".")
	for _, p := range []koanf.Provider{
		confmap.Provider(toMap(Default()), ""),
		confmap.Provider(raw, ""),
		env.Provider(".", env.Opt{Prefix: EnvPrefix, TransformFunc: envKey, EnvironFunc: func() []string { return environ }}),
	} {
		if err := k.Load(p, nil); err != nil {
			t.Fatal(err)
		}
	}
	var cfg Config
	if err := k.UnmarshalWithConf("", &cfg, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
			mapstructure.TextUnmarshallerHookFunc(),
		),
		WeaklyTypedInput: true,
		TagName:          "koanf",
	}}); err != nil {
		t.Fatal(err)
	}
	return cfg
}
