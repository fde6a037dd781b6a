package audit

import (
	"errors"
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

func TestDefaultConfigIsValidAndOff(t *testing.T) {
	c := DefaultConfig()
	if errs := c.Validate("audit"); len(errs) != 0 {
		t.Fatalf("DefaultConfig().Validate() = %v", errs)
	}
	if c.Enabled {
		t.Error("the service is enabled by default")
	}
	if c.Schedule != "0 7 * * 1-5" || c.Timeout != 15*time.Minute || c.LogRetention != (RetentionRange{180, 240}) || c.AvailabilityZones != 3 || c.MaxGSIs != 2 {
		t.Errorf("defaults = %+v", c)
	}
	if !slices.Equal(c.BackupPolicies, []string{"Dev", "Stg", "Preprod", "Prod", "Mgmt"}) {
		t.Errorf("backup policies = %v", c.BackupPolicies)
	}
	if _, err := New(c, Deps{}); err != nil {
		t.Errorf("New(DefaultConfig()) = %v", err)
	}
}

// decode reads a YAML document the way the config package does: koanf over
// the defaults, mapstructure with the koanf tag.
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
	err = k.UnmarshalWithConf("audit", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
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

func TestYAMLShape(t *testing.T) {
	c := decode(t, `
audit:
  enabled: true
  schedule: "30 6 * * *"
  timeout: 20m
  tags: {application: App, public_assets: "opsd:public"}
  confidentiality_levels: [OFFICIAL, OFFICIAL-SENSITIVE]
  docs_routes: [/swagger, /v1/docs]
  log_retention: {min_days: 180, max_days: 400}
  availability_zones: 2
  canary_interval: 10m
  skip_checks: [cost.database-engine]
  report_url: https://opsd.example.org/report
`)
	if errs := c.Validate("audit"); len(errs) != 0 {
		t.Fatalf("Validate() = %v", errs)
	}
	if !c.Enabled || c.Timeout != 20*time.Minute || c.Tags.Application != "App" || c.Tags.Environment != "Environment" || c.Tags.PublicAssets != "opsd:public" {
		t.Errorf("decoded %+v", c)
	}
	if c.LogRetention.MaxDays != 400 || c.AvailabilityZones != 2 || c.CanaryInterval != 10*time.Minute || !slices.Equal(c.SkipChecks, []string{"cost.database-engine"}) {
		t.Errorf("decoded %+v", c)
	}
}

func TestValidateNamesEveryProblem(t *testing.T) {
	c := DefaultConfig()
	c.Timeout = 0
	c.Concurrency = 0
	c.Tags.TeamEmail = ""
	c.Tags.Confidentiality = "aws:class"
	c.Tags.BackupPolicy = "Environment"
	c.Environments = []string{"dev", " "}
	c.ProductionEnvironments = []string{"live"}
	c.ConfidentialityLevels = nil
	c.DocsRoutes = []string{"swagger"}
	c.OpenMethods = []string{"FETCH"}
	c.LogRetention = RetentionRange{MinDays: 200, MaxDays: 300}
	c.AvailabilityZones = 0
	c.MaxGSIs = 21
	c.CanaryInterval = time.Second
	c.SkipChecks = []string{"security.everything"}
	c.ReportURL = "opsd.example.org/report"
	errs := c.Validate("audit")
	var paths []string
	for _, err := range errs {
		var ke *configkey.Error
		if !errors.As(err, &ke) {
			t.Fatalf("%v is not a *configkey.Error", err)
		}
		paths = append(paths, ke.Path)
	}
	for _, want := range []string{
		"audit.timeout", "audit.concurrency", "audit.tags.team_email", "audit.tags.confidentiality", "audit.tags.backup_policy",
		"audit.environments[1]", "audit.production_environments[0]", "audit.confidentiality_levels", "audit.docs_routes[0]",
		"audit.open_methods[0]", "audit.log_retention", "audit.availability_zones", "audit.max_gsis", "audit.canary_interval",
		"audit.skip_checks[0]", "audit.report_url",
	} {
		if !slices.Contains(paths, want) {
			t.Errorf("no error for %s (got %v)", want, paths)
		}
	}
	text := errors.Join(errs...).Error()
	for _, want := range []string{
		`audit.log_retention: no CloudWatch Logs retention setting lies in 200–300 days`,
		`audit.tags.backup_policy: "Environment" is also audit.tags.environment`,
		`audit.production_environments[0]: "live" is not in audit.environments`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("errors lack %q:\n%s", want, text)
		}
	}
	if _, err := New(c, Deps{}); err == nil {
		t.Error("New accepts an invalid configuration")
	}
}
