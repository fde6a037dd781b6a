package dlq

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
// mapstructure with the koanf tag, durations and comma lists as strings).
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
	err = k.UnmarshalWithConf("dlq", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
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

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	if errs := c.Validate("dlq"); len(errs) != 0 {
		t.Fatalf("DefaultConfig().Validate() = %v", errs)
	}
	if c.Enabled {
		t.Error("enabled by default")
	}
	if c.Schedule != "* * * * *" || c.Archive.When != ArchiveOnExpiry || c.Archive.SafetyMargin != 24*time.Hour ||
		c.RemindAfter != 24*time.Hour || c.Archive.Bucket != "" || c.Tag != "opsd:dlq" {
		t.Errorf("defaults = %+v", c)
	}
	on := decode(t, "dlq: {enabled: true}")
	want := DefaultConfig()
	want.Enabled = true
	if !reflect.DeepEqual(on, want) {
		t.Errorf("dlq: {enabled: true} = %+v, want the defaults enabled", on)
	}
}

// TestDocumentedConfigIsTheDefault decodes the YAML in Config's doc
// comment: it must say exactly what DefaultConfig does.
func TestDocumentedConfigIsTheDefault(t *testing.T) {
	doc := `
dlq:
  enabled: false
  schedule: "* * * * *"
  timeout: 50s
  queues: []
  exclude: []
  tag: opsd:dlq
  review_tag: opsd:dlq:reviewed
  discovery_interval: 10m
  burst_gap: 1h
  remind_after: 24h
  archive:
    bucket: ""
    prefix: dlq-archive
    region: ""
    kms_key_id: ""
    when: expiry
    safety_margin: 24h
    scan_interval: 1h
    visibility_timeout: 2m
    wait_time: 20s
    max_messages_per_run: 1000
`
	got := decode(t, doc)
	want := DefaultConfig()
	got.Queues, got.Exclude = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("documented config = %+v\nwant %+v", got, want)
	}
}

func TestConfigDecodesEveryKey(t *testing.T) {
	c := decode(t, `
dlq:
  enabled: true
  queues: [orders-dlq, "arn:aws:sqs:eu-west-2:111111111111:billing-dlq"]
  exclude: scratch-dlq
  remind_after: 0s
  archive:
    bucket: opsd-dlq-archive
    region: eu-west-1
    kms_key_id: alias/dlq-archive
    when: arrival
    visibility_timeout: 5m
`)
	if errs := c.Validate("dlq"); len(errs) != 0 {
		t.Fatalf("Validate = %v", errs)
	}
	if !slices.Equal(c.Queues, []string{"orders-dlq", "arn:aws:sqs:eu-west-2:111111111111:billing-dlq"}) ||
		!slices.Equal(c.Exclude, []string{"scratch-dlq"}) || c.RemindAfter != 0 ||
		c.Archive.Bucket != "opsd-dlq-archive" || c.Archive.Region != "eu-west-1" || c.Archive.KMSKeyID != "alias/dlq-archive" ||
		c.Archive.When != ArchiveOnArrival || c.Archive.VisibilityTimeout != 5*time.Minute {
		t.Errorf("decoded = %+v", c)
	}
}

func TestValidateNamesEveryProblem(t *testing.T) {
	c := DefaultConfig()
	c.Timeout = 10 * time.Second
	c.Queues = []string{"ok", "bad name!", "arn:aws:sqs:eu-west-2:12:q", "x.fifo"}
	c.Exclude = []string{strings.Repeat("a", 81)}
	c.Tag = "aws:dlq"
	c.ReviewTag = " padded"
	c.DiscoveryInterval = -time.Minute
	c.BurstGap = 0
	c.RemindAfter = -time.Hour
	c.Archive = ArchiveConfig{
		Bucket: "Bad_Bucket", Prefix: "/abs", Region: "london", KMSKeyID: "alias/x y", When: "sometimes",
		SafetyMargin: 15 * 24 * time.Hour, ScanInterval: 0, VisibilityTimeout: 1500 * time.Millisecond,
		WaitTime: 30 * time.Second, MaxMessagesPerRun: 0,
	}
	errs := c.Validate("dlq")
	want := []string{
		"dlq.timeout", "dlq.queues[1]", "dlq.queues[2]", "dlq.exclude[0]", "dlq.tag", "dlq.review_tag",
		"dlq.discovery_interval", "dlq.burst_gap", "dlq.remind_after",
		"dlq.archive.bucket", "dlq.archive.prefix", "dlq.archive.region", "dlq.archive.kms_key_id", "dlq.archive.when",
		"dlq.archive.safety_margin", "dlq.archive.scan_interval", "dlq.archive.visibility_timeout",
		"dlq.archive.wait_time", "dlq.archive.max_messages_per_run",
	}
	var got []string
	for _, err := range errs {
		var ke *configkey.Error
		if !errors.As(err, &ke) {
			t.Fatalf("%v is not a *configkey.Error", err)
		}
		if !strings.HasPrefix(err.Error(), ke.Path+": ") {
			t.Errorf("%q does not start with its path", err)
		}
		got = append(got, ke.Path)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("paths = %v\nwant    %v\nerrors: %v", got, want, errs)
	}
}

func TestValidateTimeoutAgainstWaitTime(t *testing.T) {
	c := DefaultConfig()
	c.Archive.Bucket = "opsd-archive"
	c.Timeout = 20 * time.Second
	errs := c.Validate("dlq")
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "dlq.timeout: ") {
		t.Errorf("Validate = %v, want one dlq.timeout error", errs)
	}
	c.Archive.Bucket = ""
	if errs := c.Validate("dlq"); len(errs) != 0 {
		t.Errorf("watch-only with a short timeout: %v", errs)
	}
}

func TestNewRefusesAnInvalidConfig(t *testing.T) {
	c := DefaultConfig()
	c.Archive.When = "never"
	if _, err := New(c, Deps{}); err == nil || !strings.Contains(err.Error(), "dlq.archive.when") {
		t.Errorf("New = %v", err)
	}
}
