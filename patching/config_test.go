package patching

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"

	"github.com/opsd-dev/opsd/configkey"
)

func TestDefaultConfigIsValidAndFollowsTheSeed(t *testing.T) {
	c := DefaultConfig()
	if errs := c.Validate("patching"); len(errs) != 0 {
		t.Fatalf("DefaultConfig().Validate() = %v", errs)
	}
	if c.Enabled {
		t.Error("the service is enabled by default; it must be off until enabled")
	}
	if c.Schedule != "*/10 * * * *" || c.ScanSchedule != "0 2 * * *" || c.DefaultWindow != "default" {
		t.Errorf("schedule %q scan %q default window %q", c.Schedule, c.ScanSchedule, c.DefaultWindow)
	}
	w := c.Windows["default"]
	if w.RebootOption != RebootIfNeeded || w.WakeStopped || !strings.HasSuffix(w.MaxConcurrency, "%") {
		t.Errorf("default window %+v", w)
	}
	if c.Tags.HoldUntil != DefaultHoldUntilTag || c.Tags.Scan != "TOSCAN" || c.Tags.Patch != "TOPATCH" {
		t.Errorf("tags %+v", c.Tags)
	}
	c.Enabled = true
	p, err := NewPlanner(c, london(t))
	if err != nil {
		t.Fatal(err)
	}
	// Out of hours: the default window opens Sunday 01:00 London time and
	// scans run nightly at 02:00.
	occ, ok := p.window("default").latest(at(t, "2026-11-24T12:00:00Z"))
	if !ok || !occ.Start.Equal(at(t, "2026-11-22T01:00:00Z")) || !occ.End.Equal(at(t, "2026-11-22T04:00:00Z")) {
		t.Errorf("default window latest = %+v", occ)
	}
	if r, _ := p.scanRun(at(t, "2026-07-01T12:00:00Z")); !r.Start.Equal(at(t, "2026-07-01T01:00:00Z")) {
		t.Errorf("summer scan run %s, want 02:00 BST", r)
	}
}

// TestYAMLDocCommentNamesEveryKey keeps the YAML doc comment on Config in
// step with the koanf keys.
func TestYAMLDocCommentNamesEveryKey(t *testing.T) {
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	doc = doc[strings.Index(doc, "// Config is"):strings.Index(doc, "type Config struct")]
	for _, typ := range []reflect.Type{reflect.TypeOf(Config{}), reflect.TypeOf(TagKeys{}), reflect.TypeOf(Window{}), reflect.TypeOf(Ring{}), reflect.TypeOf(PatchTuesday{}), reflect.TypeOf(Hook{})} {
		for i := range typ.NumField() {
			key := typ.Field(i).Tag.Get("koanf")
			if !strings.Contains(doc, "//\t  "+key+":") && !strings.Contains(doc, " "+key+":") {
				t.Errorf("the doc comment on Config does not show %s.%s", typ.Name(), key)
			}
		}
	}
}

// decode reads a YAML document over the defaults the way the config
// package does.
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
	err = k.UnmarshalWithConf("patching", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
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
patching:
  enabled: true
  scan_schedule: "30 3 * * mon-fri"
  sns_topic_arn: arn:aws:sns:eu-west-2:111111111111:patching
  default_window: Nightly
  windows:
    nightly:
      schedule: "0 22 * * mon-thu"
      timezone: America/New_York
      wake_stopped: true
      first_wave: 2
`)
	if errs := c.Validate("patching"); len(errs) != 0 {
		t.Fatalf("Validate() = %v", errs)
	}
	p, err := NewPlanner(c, london(t))
	if err != nil {
		t.Fatal(err)
	}
	w := p.window("NIGHTLY")
	if w == nil || p.defaultWindow != w {
		t.Fatalf("nightly window not found or not the default")
	}
	// Keys left out take the defaults.
	if w.cfg.Duration != 3*time.Hour || w.cfg.RebootOption != RebootIfNeeded || w.cfg.OnlineTimeout != 15*time.Minute || w.cfg.FirstWave != 2 {
		t.Errorf("nightly = %+v", w.cfg)
	}
	if occ, _ := w.latest(at(t, "2026-11-24T04:00:00Z")); !occ.Start.Equal(at(t, "2026-11-24T03:00:00Z")) {
		t.Errorf("nightly opened %s, want Monday 22:00 New York", occ.Start)
	}
	if p.window("default") == nil {
		t.Error("the built-in default window is lost")
	}
}

func TestValidateReportsEveryProblemWithItsPath(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		path   string
		text   string
	}{
		{"timeout", func(c *Config) { c.Timeout = 0 }, "patching.timeout", "positive"},
		{"poll interval", func(c *Config) { c.PollInterval = -time.Second }, "patching.poll_interval", "positive"},
		{"empty tag", func(c *Config) { c.Tags.Scan = "" }, "patching.tags.scan", "empty"},
		{"aws tag", func(c *Config) { c.Tags.Woken = "aws:woken" }, "patching.tags.woken", "aws:"},
		{"same tag", func(c *Config) { c.Tags.ScanReported = c.Tags.InstallReported }, "patching.tags.install_reported", "also"},
		{"scan cron", func(c *Config) { c.ScanSchedule = "at two" }, "patching.scan_schedule", "cron"},
		{"scan never", func(c *Config) { c.ScanSchedule = "0 0 30 2 *" }, "patching.scan_schedule", "no time"},
		{"scan timezone", func(c *Config) { c.ScanTimezone = "Mars/Olympus" }, "patching.scan_timezone", "IANA"},
		{"scan concurrency", func(c *Config) { c.ScanMaxConcurrency = "0" }, "patching.scan_max_concurrency", "number"},
		{"scan errors", func(c *Config) { c.ScanMaxErrors = "101%" }, "patching.scan_max_errors", "percentage"},
		{"sns", func(c *Config) { c.SNSTopicARN = "arn:aws:sqs:eu-west-2:111111111111:q" }, "patching.sns_topic_arn", "SNS"},
		{"default window", func(c *Config) { c.DefaultWindow = "weekly" }, "patching.default_window", "names no window"},
		{"no default window", func(c *Config) { c.DefaultWindow = "" }, "patching.default_window", "required"},
		{"window name", func(c *Config) { c.Windows["two words"] = DefaultWindow() }, "patching.windows.two words", "letters"},
		{"window name long", func(c *Config) { c.Windows[strings.Repeat("w", 41)] = DefaultWindow() }, "patching.windows." + strings.Repeat("w", 41), "at most 40"},
		{"window named true", func(c *Config) { c.Windows["True"] = DefaultWindow() }, "patching.windows.True", "cannot name"},
		{"window names clash", func(c *Config) { c.Windows["Default"] = DefaultWindow() }, "patching.windows.default", "same name"},
		{"window schedule", func(c *Config) { c.Windows["x"] = Window{} }, "patching.windows.x.schedule", "required"},
		{"window cron", func(c *Config) { c.Windows["x"] = Window{Schedule: "sunday"} }, "patching.windows.x.schedule", "cron"},
		{"window timezone", func(c *Config) { c.Windows["x"] = Window{Schedule: "0 1 * * *", Timezone: "Nowhere"} }, "patching.windows.x.timezone", "IANA"},
		{"window duration", func(c *Config) { c.Windows["x"] = Window{Schedule: "0 1 * * *", Duration: -time.Hour} }, "patching.windows.x.duration", "positive"},
		{"reboot", func(c *Config) { c.Windows["x"] = Window{Schedule: "0 1 * * *", RebootOption: "Always"} }, "patching.windows.x.reboot_option", "RebootIfNeeded"},
		{"concurrency", func(c *Config) { c.Windows["x"] = Window{Schedule: "0 1 * * *", MaxConcurrency: "ten"} }, "patching.windows.x.max_concurrency", "number"},
		{"errors", func(c *Config) { c.Windows["x"] = Window{Schedule: "0 1 * * *", MaxErrors: "-1"} }, "patching.windows.x.max_errors", "number"},
		{"first wave", func(c *Config) { c.Windows["x"] = Window{Schedule: "0 1 * * *", FirstWave: -1} }, "patching.windows.x.first_wave", "0"},
		{"wake before", func(c *Config) { c.Windows["x"] = Window{Schedule: "0 1 * * *", WakeBefore: -time.Minute} }, "patching.windows.x.wake_before", "negative"},
		{"patch tuesday and cron", func(c *Config) {
			c.Windows["x"] = Window{Schedule: "0 1 * * *", PatchTuesday: &PatchTuesday{At: "02:00"}}
		}, "patching.windows.x.patch_tuesday", "instead of schedule"},
		{"patch tuesday days", func(c *Config) { c.Windows["x"] = Window{PatchTuesday: &PatchTuesday{DaysAfter: 30, At: "02:00"}} }, "patching.windows.x.patch_tuesday", "0 to 20"},
		{"patch tuesday string", func(c *Config) { c.Windows["x"] = Window{Schedule: "patch_tuesday+2d 2am"} }, "patching.windows.x.schedule", "HH:MM"},
		{"ring name", func(c *Config) { c.Rings = []Ring{{}} }, "patching.rings[0].name", "required"},
		{"ring name is a window", func(c *Config) { c.Rings = []Ring{{Name: "Default"}} }, "patching.rings[0].name", "also the name"},
		{"ring names clash", func(c *Config) {
			c.PatchListBucket = "b"
			c.Rings = []Ring{{Name: "dev"}, {Name: "DEV", After: time.Hour}}
		}, "patching.rings[1].name", "also"},
		{"later ring without window", func(c *Config) { c.PatchListBucket = "b"; c.Rings = []Ring{{Name: "dev"}, {Name: "prod"}} }, "patching.rings[1].window", "required"},
		{"ring window", func(c *Config) { c.Rings = []Ring{{Name: "dev", Window: "weekly"}} }, "patching.rings[0].window", "names no window"},
		{"first ring after", func(c *Config) { c.Rings = []Ring{{Name: "dev", After: time.Hour}} }, "patching.rings[0].after", "first ring"},
		{"ring rate", func(c *Config) { f := 1.5; c.Rings = []Ring{{Name: "dev", MaxFailureRate: &f}} }, "patching.rings[0].max_failure_rate", "fraction"},
		{"ring reboot", func(c *Config) { c.Rings = []Ring{{Name: "dev", RebootOption: "Yes"}} }, "patching.rings[0].reboot_option", "NoReboot"},
		{"ring errors", func(c *Config) { c.Rings = []Ring{{Name: "dev", MaxErrors: "lots"}} }, "patching.rings[0].max_errors", "number"},
		{"ring empty value", func(c *Config) { c.Rings = []Ring{{Name: "dev", Values: []string{" "}}} }, "patching.rings[0].values[0]", "empty"},
		{"patch list bucket", func(c *Config) { c.Rings = DefaultRings() }, "patching.patch_list_bucket", "required"},
		{"empty release tag", func(c *Config) { c.Tags.Release = "" }, "patching.tags.release", "empty"},
		{"online timeout too long", func(c *Config) {
			c.Windows["x"] = Window{Schedule: "0 1 * * *", WakeStopped: true, Duration: time.Hour, WakeBefore: time.Minute, OnlineTimeout: 2 * time.Hour}
		}, "patching.windows.x.online_timeout", "no time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			c.Windows = map[string]Window{"default": DefaultWindow()}
			tt.mutate(&c)
			errs := c.Validate("patching")
			for _, err := range errs {
				var ke *configkey.Error
				if !errors.As(err, &ke) {
					t.Errorf("%v is not a *configkey.Error", err)
					continue
				}
				if ke.Path == tt.path && strings.Contains(err.Error(), tt.text) {
					return
				}
			}
			t.Errorf("Validate() = %v, want an error at %s mentioning %q", errs, tt.path, tt.text)
		})
	}
}

func TestYAMLRings(t *testing.T) {
	c := decode(t, `
patching:
  enabled: true
  patch_list_bucket: patch-lists
  windows:
    monthly:
      patch_tuesday: {days_after: 2, at: "02:00"}
      duration: 4h
  rings:
    - name: development
      window: monthly
      soak: 12h
      max_failure_rate: 0
    - name: staging
      after: 48h
      max_concurrency: "5"
    - {name: production, tag: Tier, values: [prod, live], window: monthly, reboot_option: NoReboot}
`)
	if errs := c.Validate("patching"); len(errs) != 0 {
		t.Fatalf("Validate() = %v", errs)
	}
	p, err := NewPlanner(c, london(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.rings) != 3 {
		t.Fatalf("rings %d", len(p.rings))
	}
	dev, stg, prod := p.rings[0], p.rings[1], p.rings[2]
	if *dev.cfg.MaxFailureRate != 0 || dev.cfg.Soak != 12*time.Hour || !dev.values["dev"] || dev.cfg.Tag != "Environment" {
		t.Errorf("development %+v", dev.cfg)
	}
	if *stg.cfg.MaxFailureRate != DefaultMaxFailureRate || stg.cfg.Soak != DefaultSoak || stg.w.cfg.MaxConcurrency != "5" || stg.w.cfg.Duration != 4*time.Hour {
		t.Errorf("staging %+v %+v", stg.cfg, stg.w.cfg)
	}
	// Development opens on 12 November 2026 (Patch Tuesday the 10th + 2
	// days), staging two days later, production at the next monthly
	// opening after staging's start: December's, in the same cycle.
	if o, _ := dev.w.next(at(t, "2026-11-01T00:00:00Z")); !o.Start.Equal(at(t, "2026-11-12T02:00:00Z")) {
		t.Errorf("development opens %s", o.Start)
	}
	if o, _ := stg.w.next(at(t, "2026-11-01T00:00:00Z")); !o.Start.Equal(at(t, "2026-11-14T02:00:00Z")) {
		t.Errorf("staging opens %s", o.Start)
	}
	if c, _ := stg.cycle(at(t, "2026-11-14T02:00:00Z")); !c.Equal(at(t, "2026-11-12T02:00:00Z")) {
		t.Errorf("staging's cycle %s", c)
	}
	if c, _ := prod.cycle(at(t, "2026-12-10T02:00:00Z")); !c.Equal(at(t, "2026-11-12T02:00:00Z")) {
		t.Errorf("production's December opening belongs to cycle %s, want November's", c)
	}
	if prod.w.cfg.RebootOption != NoReboot || !prod.values["live"] || prod.values["production"] {
		t.Errorf("production %+v", prod.cfg)
	}
	if r := p.ringOf(inst("i-1", stateRunning, "TOPATCH", "Environment=DEV")); r != dev {
		t.Errorf("Environment=DEV is in ring %v", r)
	}
	if r := p.ringOf(inst("i-2", stateRunning, "TOPATCH", "Environment=pre-prod")); r != nil {
		t.Errorf("Environment=pre-prod is in ring %s", r.cfg.Name)
	}
	if w, _, problem := p.patchWindow(inst("i-3", stateRunning, "TOPATCH=staging")); w != nil || problem == "" {
		t.Errorf("TOPATCH=staging picks the ring's window %v", w)
	}
}

func TestValidateCollectsAllProblemsAtOnce(t *testing.T) {
	c := DefaultConfig()
	c.Timeout = 0
	c.ScanSchedule = "bad"
	c.DefaultWindow = "missing"
	if errs := c.Validate("patching"); len(errs) != 3 {
		t.Errorf("Validate() = %d errors %v, want 3", len(errs), errs)
	}
	if _, err := New(c, Deps{}); err == nil || !strings.Contains(err.Error(), "patching.timeout") {
		t.Errorf("New with a bad config = %v", err)
	}
}
