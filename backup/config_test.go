package backup

import (
	"errors"
	"fmt"
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
// mapstructure with the koanf tag, durations as strings) over the
// defaults.
func decode(t *testing.T, doc string) Config {
	t.Helper()
	raw, err := yaml.Parser().Unmarshal([]byte(doc))
	if err != nil {
		t.Fatalf("parse yaml: %v", err)
	}
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(raw, ""), nil); err != nil {
		t.Fatalf("load yaml: %v", err)
	}
	c := DefaultConfig()
	err = k.UnmarshalWithConf("backup", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
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

func TestDefaultConfigFollowsTheSeed(t *testing.T) {
	c := DefaultConfig()
	if errs := c.Validate("backup"); len(errs) != 0 {
		t.Fatalf("DefaultConfig().Validate() = %v", errs)
	}
	if c.Enabled {
		t.Error("enabled by default")
	}
	if len(c.Policies) != 5 {
		t.Errorf("policies = %v", policyNames(c.Policies))
	}
	for _, name := range []string{"Dev", "Stg", "Preprod", "Prod", "Mgmt"} {
		p, ok := c.Policies[name]
		if !ok {
			t.Errorf("policy %s missing", name)
			continue
		}
		if p.RPO != 24*time.Hour || p.RTO != 4*time.Hour || p.RetentionDays != 30 || p.Immutability != Governance || p.ChangeableForDays != 3 {
			t.Errorf("policy %s = %+v, want RPO 24h, RTO 4h, 30 days, governance", name, p)
		}
		ps, err := compilePolicy(c, name, p)
		if err != nil {
			t.Fatal(err)
		}
		if ps.policy.Vault != "opsd-"+strings.ToLower(name) || ps.rule.Schedule != "cron(0 1 ? * * *)" {
			t.Errorf("policy %s compiles to vault %s schedule %s", name, ps.policy.Vault, ps.rule.Schedule)
		}
	}
	if _, err := New(c, Deps{}); err != nil {
		t.Errorf("New(DefaultConfig()) = %v", err)
	}
}

func TestYAMLShape(t *testing.T) {
	c := decode(t, `
backup:
  enabled: true
  timeout: 5m
  backup_time: "02:30"
  backup_timezone: Europe/London
  policies:
    Prod: {retention_days: 35, immutability: compliance, changeable_for_days: 7}
    Archive:
      rpo: 12h
      rto: 8h
      retention_days: 365
      vault: archive-vault
      kms_key: arn:aws:kms:eu-west-2:123456789012:key/abc
      iam_role: BackupRole
  production_environments: [production, live]
  audit: {pitr: report, exempt_values: [None]}
  health: {lookback: 48h, grace: 1h}
`)
	if errs := c.Validate("backup"); len(errs) != 0 {
		t.Fatalf("Validate() = %v", errs)
	}
	if !c.Enabled || c.Timeout != 5*time.Minute || c.Audit.PITR != PITRReport || c.Health.Lookback != 48*time.Hour {
		t.Errorf("decoded %+v", c)
	}
	a, err := compilePolicy(c, "Archive", c.Policies["Archive"])
	if err != nil {
		t.Fatal(err)
	}
	if a.rule.Schedule != "cron(30 2,14 ? * * *)" || a.rule.Timezone != "Europe/London" || a.rule.DeleteAfterDays != 365 ||
		a.rule.StartWindowMinutes != 120 || a.rule.CompletionWindowMinutes != 480 || a.policy.Immutability != Governance {
		t.Errorf("Archive rule = %+v, policy %+v", a.rule, a.policy)
	}
	d := a.desired("123456789012", "eu-west-2")
	if d.Vault.Name != "archive-vault" || d.Vault.KMSKey == "" || d.Plan.Name != "opsd-archive" || d.Selection.TagValue != "Archive" ||
		d.Selection.IAMRoleARN != "arn:aws:iam::123456789012:role/BackupRole" {
		t.Errorf("Archive desired = %+v", d)
	}
	p, _ := compilePolicy(c, "Prod", c.Policies["Prod"])
	if pd := p.desired("1", "eu-west-2"); !pd.Lock.Compliance || pd.Lock.ChangeableForDays != 7 || pd.Lock.MinRetentionDays != 35 {
		t.Errorf("Prod lock = %+v", pd.Lock)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		path string
		msg  string
	}{
		{"timeout", func(c *Config) { c.Timeout = 0 }, "backup.timeout", "must be positive"},
		{"rpo", func(c *Config) { p := c.Policies["Prod"]; p.RPO = 5 * time.Hour; c.Policies["Prod"] = p }, "backup.policies.Prod.rpo", "does not divide a day"},
		{"rpo minutes", func(c *Config) { p := c.Policies["Prod"]; p.RPO = 30 * time.Minute; c.Policies["Prod"] = p }, "backup.policies.Prod.rpo", "at most hourly"},
		{"retention", func(c *Config) { p := c.Policies["Dev"]; p.RetentionDays = 40000; c.Policies["Dev"] = p }, "backup.policies.Dev.retention_days", "between 1 and 36500"},
		{"immutability", func(c *Config) { p := c.Policies["Dev"]; p.Immutability = "immutable"; c.Policies["Dev"] = p }, "backup.policies.Dev.immutability", "not governance or compliance"},
		{"changeable", func(c *Config) { p := c.Policies["Dev"]; p.ChangeableForDays = 1; c.Policies["Dev"] = p }, "backup.policies.Dev.changeable_for_days", "at least 3"},
		{"vault", func(c *Config) { p := c.Policies["Dev"]; p.Vault = "my vault"; c.Policies["Dev"] = p }, "backup.policies.Dev.vault", "not valid in AWS Backup"},
		{"shared vault", func(c *Config) { p := c.Policies["Dev"]; p.Vault = "opsd-stg"; c.Policies["Dev"] = p }, "backup.policies.Stg.vault", "also the vault of"},
		{"kms", func(c *Config) { p := c.Policies["Dev"]; p.KMSKey = "alias/backup"; c.Policies["Dev"] = p }, "backup.policies.Dev.kms_key", "not a KMS key ARN"},
		{"role", func(c *Config) { p := c.Policies["Dev"]; p.IAMRole = "arn:aws:iam::1:user/x"; c.Policies["Dev"] = p }, "backup.policies.Dev.iam_role", "not an IAM role ARN"},
		{"policy name", func(c *Config) { c.Policies["Pre Prod"] = Policy{} }, "backup.policies.Pre Prod", "letters, digits"},
		{"same lower-case name", func(c *Config) { c.Policies["PROD"] = Policy{} }, "backup.policies.Prod", "same plan name"},
		{"no policies", func(c *Config) { c.Policies = nil }, "backup.policies", "at least one policy"},
		{"backup time", func(c *Config) { c.BackupTime = "25:00" }, "backup.backup_time", "not a time of day"},
		{"timezone", func(c *Config) { c.BackupTimezone = "Mars/Olympus" }, "backup.backup_timezone", "not an IANA timezone"},
		{"resources", func(c *Config) { c.SelectionResources = nil }, "backup.selection_resources", "at least one"},
		{"resource", func(c *Config) { c.SelectionResources = []string{"ec2"} }, "backup.selection_resources[0]", "neither"},
		{"tag key", func(c *Config) { c.Tags.BackupPolicy = "aws:backup" }, "backup.tags.backup_policy", "reserves"},
		{"same tag keys", func(c *Config) { c.Tags.TeamEmail = "Application" }, "backup.tags.application", "also"},
		{"managed tag", func(c *Config) { c.ManagedTag = "" }, "backup.managed_tag", "empty"},
		{"prefix", func(c *Config) { c.NamePrefix = "opsd/" }, "backup.name_prefix", "letters, digits"},
		{"pitr", func(c *Config) { c.Audit.PITR = "fix" }, "backup.audit.pitr", "enable, report, off"},
		{"exempt", func(c *Config) { c.Audit.ExemptValues = []string{"Prod"} }, "backup.audit.exempt_values[0]", "is a policy"},
		{"lookback", func(c *Config) { c.Health.Lookback = 0 }, "backup.health.lookback", "must be positive"},
		{"grace", func(c *Config) { c.Health.Grace = -time.Hour }, "backup.health.grace", "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			errs := c.Validate("backup")
			found := false
			for _, err := range errs {
				var ke *configkey.Error
				if !errors.As(err, &ke) || !strings.HasPrefix(ke.Path, "backup") {
					t.Errorf("error %v is not a configkey.Error under backup", err)
				}
				if ke != nil && ke.Path == tc.path && strings.Contains(err.Error(), tc.msg) {
					found = true
				}
			}
			if !found {
				t.Errorf("Validate() = %v, want %s: …%s…", errs, tc.path, tc.msg)
			}
			if _, err := New(c, Deps{}); err == nil {
				t.Error("New accepted an invalid configuration")
			}
		})
	}
}

func TestNewPolicyTakesTheDefaults(t *testing.T) {
	c := DefaultConfig()
	c.Policies["Gold"] = Policy{RetentionDays: 90}
	if errs := c.Validate("backup"); len(errs) != 0 {
		t.Fatal(errs)
	}
	ps, err := compilePolicy(c, "Gold", c.Policies["Gold"])
	if err != nil {
		t.Fatal(err)
	}
	p := ps.policy
	if p.RPO != 24*time.Hour || p.RTO != 4*time.Hour || p.RetentionDays != 90 || p.Immutability != Governance || p.Vault != "opsd-gold" || p.IAMRole != defaultIAMRole {
		t.Errorf("Gold = %+v", p)
	}
}

// documentedYAML is the section as Config's doc comment (and the example
// configuration) shows it.
const documentedYAML = `
backup:
  enabled: false
  schedule: "*/30 * * * *"
  timeout: 10m
  tags:
    backup_policy: BackupPolicy
    environment: Environment
    team_email: TeamEmail
    application: Application
  managed_tag: "opsd:managed"
  name_prefix: opsd-
  backup_time: "01:00"
  backup_timezone: Etc/UTC
  selection_resources:
    - "arn:aws:ec2:*:*:instance/*"
    - "arn:aws:ec2:*:*:volume/*"
    - "arn:aws:rds:*:*:db:*"
    - "arn:aws:rds:*:*:cluster:*"
    - "arn:aws:dynamodb:*:*:table/*"
    - "arn:aws:elasticfilesystem:*:*:file-system/*"
  policies:
    Prod:
      rpo: 24h
      rto: 4h
      retention_days: 30
      immutability: governance
      changeable_for_days: 3
      vault: ""
      kms_key: ""
      iam_role: ""
    Dev:     {rpo: 24h, rto: 4h, retention_days: 30, immutability: governance}
    Stg:     {rpo: 24h, rto: 4h, retention_days: 30, immutability: governance}
    Preprod: {rpo: 24h, rto: 4h, retention_days: 30, immutability: governance}
    Mgmt:    {rpo: 24h, rto: 4h, retention_days: 30, immutability: governance}
  production_environments: [production, prod]
  audit:
    enabled: true
    exempt_values: []
    pitr: enable
  health:
    enabled: true
    lookback: 24h
    grace: 2h
  restore_testing:
    enabled: false
    schedule: "cron(0 5 1 * ? *)"
    timezone: ""
    start_window_hours: 24
    selection_window_days: 0
    validation_window_hours: 4
    iam_role: ""
    resource_types: [EC2, EBS, RDS, Aurora, DynamoDB, EFS]
    lookback: 720h
    cold_restore_delay: 4h
    metadata_overrides: {}
`

func TestDocumentedYAMLIsTheDefault(t *testing.T) {
	raw, err := yaml.Parser().Unmarshal([]byte(documentedYAML))
	if err != nil {
		t.Fatal(err)
	}
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(raw, ""), nil); err != nil {
		t.Fatal(err)
	}
	var c Config
	if err := k.UnmarshalWithConf("backup", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.StringToTimeDurationHookFunc(), WeaklyTypedInput: true, TagName: "koanf", Result: &c,
	}}); err != nil {
		t.Fatal(err)
	}
	def := DefaultConfig()
	for name, p := range c.Policies {
		// The documented policies leave changeable_for_days to its default.
		if p.ChangeableForDays == 0 {
			p.ChangeableForDays = 3
			c.Policies[name] = p
		}
	}
	if fmt.Sprintf("%+v", c) != fmt.Sprintf("%+v", def) {
		t.Errorf("documented YAML decodes to\n%+v\nDefaultConfig() is\n%+v", c, def)
	}
}
