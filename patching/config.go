package patching

import (
	"strings"
	"time"
)

// ServiceName is the service's name and configuration key.
const ServiceName = "patching"

// DefaultHoldUntilTag is the tag key the patching service writes on an
// instance it started for a patch window: the window's end, RFC 3339 in
// UTC. The shutdown service leaves an instance running while the time it
// reads there is in the future.
const DefaultHoldUntilTag = "opsd:patching:hold-until"

// DefaultStoppedAtTag is the tag key the patching service writes on an
// instance it started for a window when it stops it again (see
// [TagKeys.StoppedAt]); the shutdown service reads it under the same key.
const DefaultStoppedAtTag = "opsd:patching:stopped-at"

// DefaultReleaseTag is the tag key people set on an instance of a halted
// ring to release its gate: an RFC 3339 time at or after the halt.
const DefaultReleaseTag = "opsd:patching:release"

// Config is the patching: section of opsd's configuration.
//
//	patching:
//	  enabled: false                 # the service is off until enabled
//	  schedule: "*/10 * * * *"       # cron for the reconcile job
//	  timeout: 8m                    # bound on one reconcile; commands still running then are followed by the next
//	  poll_interval: 30s             # how often a running SSM command is looked at
//	  tags:                          # tag keys (case-sensitive)
//	    scan: TOSCAN                 # present = scanned daily; value false opts out
//	    patch: TOPATCH               # present = patched in a window; value false opts out, a window name picks the window
//	    hold_until: opsd:patching:hold-until               # written by opsd on an instance it started: keep running until (RFC 3339 UTC)
//	    woken: opsd:patching:woken                         # written by opsd on an instance it started: which window occurrence
//	    stopped_at: opsd:patching:stopped-at               # written by opsd when it stops again an instance it started (RFC 3339 UTC)
//	    scan_reported: opsd:patching:scan-reported         # written by opsd: the scan whose result was last reported
//	    install_reported: opsd:patching:install-reported   # written by opsd: the patch run whose result was last reported
//	    skip_until: opsd:patching:skip-until               # set by people: not patched until this time (RFC 3339 or HH:MM); removed by opsd once passed
//	    release: opsd:patching:release                     # set by people on an instance of a halted ring: an RFC 3339 time at or after the halt resumes the rollout
//	  scan_schedule: "0 2 * * *"     # cron: when scans are due (daily 02:00); a missed or offline instance is scanned at the next reconcile
//	  scan_timezone: ""              # IANA name for scan_schedule; empty = the top-level timezone
//	  scan_max_concurrency: "50%"    # SSM MaxConcurrency of a scan command (a number or a percentage)
//	  scan_max_errors: "100%"        # SSM MaxErrors of a scan command: one instance's failure never stops the others' scans
//	  sns_topic_arn: ""              # also publish the scan alert to this SNS topic; empty = Slack only
//	  # The scan alert counts missing patches from SSM's patch state (DescribeInstancePatchStates):
//	  #   Windows: critical = CriticalNonCompliantCount, important = SecurityNonCompliantCount
//	  #   Ubuntu:  critical = CriticalNonCompliantCount, important = MissingCount + FailedCount - critical
//	  #   (Ubuntu updates carry no severity Patch Manager reads; the predefined Ubuntu baseline approves
//	  #   security updates only. Predefined baselines set no compliance levels, so critical stays 0
//	  #   unless your baseline marks patches Critical.)
//	  default_window: default        # the window for TOPATCH=true (or empty)
//	  windows:                       # patch windows, by name (TOPATCH=<name> picks one; names are matched case-insensitively)
//	    default:
//	      schedule: "0 1 * * sun"    # cron of the window's start: Sundays 01:00, out of hours; or "patch_tuesday+2d 02:00"
//	      patch_tuesday:             # instead of schedule: monthly, relative to Patch Tuesday (the second Tuesday)
//	        days_after: 2            # 0 to 20 days after Patch Tuesday
//	        at: "02:00"              # local time of day
//	      duration: 3h               # the window is open from its start for this long
//	      timezone: ""               # IANA name; empty = the top-level timezone
//	      reboot_option: RebootIfNeeded   # or NoReboot (patches then wait for a reboot and are reported as pending)
//	      max_concurrency: "10%"     # SSM MaxConcurrency of each install command (at most 50 instances each)
//	      max_errors: "10%"          # SSM MaxErrors of each install command
//	      first_wave: 0              # 0 = none; N = patch N instances first (per account and region), the rest once they all succeeded
//	      wake_stopped: false        # start stopped instances for the window, patch them and stop them again (keep such a window inside the shutdown off period)
//	      wake_before: 20m           # with wake_stopped: how long before the window's start they are started
//	      online_timeout: 15m        # with wake_stopped: how long a started instance may take to show Online in SSM
//	      # Steps around each instance's install, each an SSM command of its own (same comment scheme):
//	      # pre_install:             # sent first; the install waits for it to succeed, and is skipped (reported) where it failed
//	      #   document: AWS-RunShellScript
//	      #   parameters: {commands: ["systemctl drain-me"]}
//	      # post_install:            # sent once the install succeeded; a failure counts as a failed install (report, ring gates)
//	      #   document: AWS-RunShellScript
//	      #   parameters: {commands: ["curl -fsS localhost/health"]}
//	  rings: []                      # patch in order, each ring gated on the one before; empty = every window on its own, as above
//	  # - name: development          # written in SSM command comments like a window name
//	  #   tag: Environment           # the tag that chooses the ring's instances (default Environment)
//	  #   values: [development, dev] # its values, any case (default: the name and its short form: dev, stg, prod)
//	  #   window: default            # the window the ring patches in; the first ring defaults to default_window
//	  #   after: 48h                 # instead of window (later rings): open this long after the previous ring opened, for as long
//	  #   soak: 24h                  # after the window, how long the ring is watched before the next ring may start
//	  #   max_failure_rate: 0.1      # failed installs ÷ instances at or under which the next ring may start
//	  #   reboot_option: ""          # "" = the window's; RebootIfNeeded or NoReboot
//	  #   max_concurrency: ""        # "" = the window's
//	  #   max_errors: ""             # "" = the window's
//	  patch_list_bucket: ""          # S3 bucket of the patch list the first ring installed, which later rings install (required with two rings or more)
//	  patch_list_prefix: opsd/patching/patch-lists/   # key prefix of the lists in patch_list_bucket
//	  patch_list_region: ""          # region of patch_list_bucket; empty = the first target's region
//
// With rings, an instance tagged TOPATCH whose ring tag matches a ring is
// patched in that ring's window; one that matches no ring is patched in
// its window as without rings. A ring after the first opens only once the
// ring before it finished its window and soaked for soak with its failure
// rate at or under max_failure_rate, no patched instance failing an EC2
// status check (DescribeInstanceStatus) and no CloudWatch alarm with the
// dimension InstanceId of a patched instance in ALARM since the install
// (DescribeAlarms, DescribeAlarmHistory). Otherwise the rollout halts for
// the cycle, which is told once, kept in the state store and released by
// the release tag. Later rings install exactly the patches the first ring
// had installed (AWS-RunPatchBaseline's InstallOverrideList).
//
// Keys left out of a window take the defaults above. Missing patches are
// counted as Critical or Important as described at [Missing].
type Config struct {
	// Enabled turns the service on.
	Enabled bool `koanf:"enabled"`
	// Schedule is the cron expression the reconcile job runs on. The
	// config package checks it, with every other job's.
	Schedule string `koanf:"schedule"`
	// Timeout bounds one reconcile. Commands still running when it ends
	// are found again by their comment and followed by the next
	// reconcile, never sent again.
	Timeout time.Duration `koanf:"timeout"`
	// PollInterval is how long the service waits between looks at an SSM
	// command it follows to completion.
	PollInterval time.Duration `koanf:"poll_interval"`
	// Tags are the tag keys read and written.
	Tags TagKeys `koanf:"tags"`
	// ScanSchedule is the cron expression of the scans: a scan is due for
	// an instance when the latest time it names has no opsd scan of the
	// instance yet.
	ScanSchedule string `koanf:"scan_schedule"`
	// ScanTimezone is the IANA timezone ScanSchedule is read in; empty
	// means the daemon's.
	ScanTimezone string `koanf:"scan_timezone"`
	// ScanMaxConcurrency is the SSM MaxConcurrency of a scan command.
	ScanMaxConcurrency string `koanf:"scan_max_concurrency"`
	// ScanMaxErrors is the SSM MaxErrors of a scan command.
	ScanMaxErrors string `koanf:"scan_max_errors"`
	// SNSTopicARN, when set, receives the scan alert as text as well.
	SNSTopicARN string `koanf:"sns_topic_arn"`
	// DefaultWindow names the window of TOPATCH=true and of an empty
	// TOPATCH value.
	DefaultWindow string `koanf:"default_window"`
	// Windows are the patch windows, by name.
	Windows map[string]Window `koanf:"windows"`
	// Rings are the patch rings, in rollout order; empty means none.
	Rings []Ring `koanf:"rings"`
	// PatchListBucket is the S3 bucket the first ring's patch list is
	// written to for later rings to install.
	PatchListBucket string `koanf:"patch_list_bucket"`
	// PatchListPrefix is the key prefix of the patch lists.
	PatchListPrefix string `koanf:"patch_list_prefix"`
	// PatchListRegion is PatchListBucket's region; empty means the first
	// target's.
	PatchListRegion string `koanf:"patch_list_region"`
}

// Ring is one stage of a rollout: the instances a tag chooses, patched in
// a window once the ring before passed its gate.
type Ring struct {
	// Name names the ring in commands, reports and state.
	Name string `koanf:"name"`
	// Tag is the tag key that chooses the ring's instances; empty means
	// Environment.
	Tag string `koanf:"tag"`
	// Values are the tag's values that choose the ring (any case); empty
	// means the name and its short form ([DefaultRingValues]).
	Values []string `koanf:"values"`
	// Window names the window the ring patches in. The first ring
	// defaults to the default window; a later ring names one or sets
	// After.
	Window string `koanf:"window"`
	// After opens a later ring this long after the previous ring opened,
	// for as long as the previous ring's window.
	After time.Duration `koanf:"after"`
	// Soak is how long after its window the ring is watched before the
	// next ring may start; zero means 24h.
	Soak time.Duration `koanf:"soak"`
	// MaxFailureRate is the failed installs ÷ instances at or under which
	// the next ring may start; nil means 0.1.
	MaxFailureRate *float64 `koanf:"max_failure_rate"`
	// RebootOption, MaxConcurrency and MaxErrors override the window's
	// when set.
	RebootOption   string `koanf:"reboot_option"`
	MaxConcurrency string `koanf:"max_concurrency"`
	MaxErrors      string `koanf:"max_errors"`
}

// The ring defaults.
const (
	// DefaultRingTag is the tag that chooses a ring's instances.
	DefaultRingTag = "Environment"
	// DefaultSoak is how long a ring is watched after its window.
	DefaultSoak = 24 * time.Hour
	// DefaultMaxFailureRate is the failure rate a ring may have.
	DefaultMaxFailureRate = 0.1
	// DefaultPatchListPrefix is where the patch lists are kept in the
	// bucket.
	DefaultPatchListPrefix = "opsd/patching/patch-lists/"
)

// DefaultRingValues returns the Environment values of the tag contract
// that a ring named name chooses: the name and its short form
// (development, dev; staging, stg; production, prod), or the name alone.
func DefaultRingValues(name string) []string {
	switch strings.ToLower(name) {
	case "development", "dev":
		return []string{"development", "dev"}
	case "staging", "stg":
		return []string{"staging", "stg"}
	case "production", "prod":
		return []string{"production", "prod"}
	}
	return []string{name}
}

// DefaultRings returns development, staging and production, chosen by
// the Environment tag, each opening two days after the one before in the
// default window.
func DefaultRings() []Ring {
	return []Ring{{Name: "development"}, {Name: "staging", After: 48 * time.Hour}, {Name: "production", After: 48 * time.Hour}}
}

// withDefaults fills the keys a ring left out.
func (r Ring) withDefaults() Ring {
	if r.Tag == "" {
		r.Tag = DefaultRingTag
	}
	if len(r.Values) == 0 {
		r.Values = DefaultRingValues(r.Name)
	}
	if r.Soak == 0 {
		r.Soak = DefaultSoak
	}
	if r.MaxFailureRate == nil {
		v := DefaultMaxFailureRate
		r.MaxFailureRate = &v
	}
	return r
}

// TagKeys are the tag keys the service reads and writes. Keys are
// case-sensitive.
type TagKeys struct {
	// Scan opts an instance in to scanning; the value false opts out.
	Scan string `koanf:"scan"`
	// Patch opts an instance in to patching; the value false opts out and
	// a window's name picks that window.
	Patch string `koanf:"patch"`
	// HoldUntil is written by opsd on an instance it started for a
	// window: the window's end (RFC 3339 UTC), until which the shutdown
	// service leaves it running.
	HoldUntil string `koanf:"hold_until"`
	// Woken is written by opsd on an instance it started for a window:
	// the window occurrence, and when it started it.
	Woken string `koanf:"woken"`
	// StoppedAt is written by opsd when it stops again an instance it
	// started for a window: the time of that stop (RFC 3339 UTC). The
	// shutdown service reads it (shutdown.tags.patching_stopped), so that
	// an instance it stopped for the night, woken and stopped again for
	// patching, is still one it starts in the morning.
	StoppedAt string `koanf:"stopped_at"`
	// ScanReported is written by opsd: the scan whose result for the
	// instance was last reported, so a result is told once.
	ScanReported string `koanf:"scan_reported"`
	// InstallReported is written by opsd: the patch run whose result for
	// the instance was last reported.
	InstallReported string `koanf:"install_reported"`
	// SkipUntil is set by people: an RFC 3339 time or HH:MM (in the
	// window's timezone) until which the instance is not patched, nor
	// started for patching. opsd removes it once the time has passed.
	SkipUntil string `koanf:"skip_until"`
	// Release is set by people on an instance of a ring whose gate halted
	// the rollout: an RFC 3339 time at or after the halt releases the gate.
	Release string `koanf:"release"`
}

// Window is a named patch window: when it opens, how long it lasts and
// how instances are patched in it.
type Window struct {
	// Schedule is the cron expression of the window's start, or
	// "patch_tuesday+Nd HH:MM".
	Schedule string `koanf:"schedule"`
	// PatchTuesday, instead of Schedule, opens the window monthly
	// relative to Patch Tuesday.
	PatchTuesday *PatchTuesday `koanf:"patch_tuesday"`
	// Duration is how long the window stays open from its start. No
	// install command is sent outside it, and a command still waiting to
	// start when the window closes does not start.
	Duration time.Duration `koanf:"duration"`
	// Timezone is the IANA timezone Schedule is read in; empty means the
	// daemon's.
	Timezone string `koanf:"timezone"`
	// RebootOption is AWS-RunPatchBaseline's RebootOption: RebootIfNeeded
	// or NoReboot.
	RebootOption string `koanf:"reboot_option"`
	// MaxConcurrency is the SSM MaxConcurrency of each install command.
	MaxConcurrency string `koanf:"max_concurrency"`
	// MaxErrors is the SSM MaxErrors of each install command.
	MaxErrors string `koanf:"max_errors"`
	// FirstWave, when positive, is how many instances of each account and
	// region are patched first; the rest follow once all of those
	// succeeded, and are held back when one failed.
	FirstWave int `koanf:"first_wave"`
	// WakeStopped starts the window's stopped instances before it opens,
	// patches them and stops them again. Such a window belongs inside the
	// overnight shutdown's off period: an instance opsd started is stopped
	// again after patching even if the shutdown schedule has meanwhile
	// come to its on period.
	WakeStopped bool `koanf:"wake_stopped"`
	// WakeBefore is how long before the window opens stopped instances
	// are started.
	WakeBefore time.Duration `koanf:"wake_before"`
	// OnlineTimeout is how long an instance opsd started may take to show
	// Online in SSM before opsd gives up and stops it again.
	OnlineTimeout time.Duration `koanf:"online_timeout"`
	// PreInstall, when set, is sent to each instance as a command of its
	// own before its install (to drain it, say); the install waits for it
	// to succeed there and is skipped, and reported, where it failed.
	PreInstall *Hook `koanf:"pre_install"`
	// PostInstall, when set, is sent to each instance whose install
	// succeeded (to check its service, say); where it fails, the install
	// counts as failed, in the report and in a ring's gate.
	PostInstall *Hook `koanf:"post_install"`
}

// The values of AWS-RunPatchBaseline's RebootOption parameter.
const (
	// RebootIfNeeded reboots an instance when anything was installed.
	RebootIfNeeded = "RebootIfNeeded"
	// NoReboot never reboots; installed patches wait for a reboot.
	NoReboot = "NoReboot"
)

// DefaultConfig returns the seed's defaults: TOSCAN instances scanned
// daily at 02:00 and TOPATCH instances patched out of hours, Sundays from
// 01:00 for three hours, in the daemon's timezone. Enabling the service is
// all that is needed to run it.
func DefaultConfig() Config {
	return Config{
		Schedule:           "*/10 * * * *",
		Timeout:            8 * time.Minute,
		PollInterval:       30 * time.Second,
		Tags:               DefaultTagKeys(),
		ScanSchedule:       "0 2 * * *",
		ScanMaxConcurrency: "50%",
		ScanMaxErrors:      "100%",
		DefaultWindow:      "default",
		Windows:            map[string]Window{"default": DefaultWindow()},
		PatchListPrefix:    DefaultPatchListPrefix,
	}
}

// DefaultWindow returns the default patch window: Sundays 01:00 to 04:00,
// rebooting when needed, 10% at a time.
func DefaultWindow() Window {
	return Window{
		Schedule:       "0 1 * * sun",
		Duration:       3 * time.Hour,
		RebootOption:   RebootIfNeeded,
		MaxConcurrency: "10%",
		MaxErrors:      "10%",
		WakeBefore:     20 * time.Minute,
		OnlineTimeout:  15 * time.Minute,
	}
}

// withDefaults fills the keys a window left out with the defaults.
func (w Window) withDefaults() Window {
	d := DefaultWindow()
	if w.Duration == 0 {
		w.Duration = d.Duration
	}
	if w.RebootOption == "" {
		w.RebootOption = d.RebootOption
	}
	if w.MaxConcurrency == "" {
		w.MaxConcurrency = d.MaxConcurrency
	}
	if w.MaxErrors == "" {
		w.MaxErrors = d.MaxErrors
	}
	if w.WakeBefore == 0 {
		w.WakeBefore = d.WakeBefore
	}
	if w.OnlineTimeout == 0 {
		w.OnlineTimeout = d.OnlineTimeout
	}
	return w
}

// DefaultTagKeys returns the tag keys of DESIGN.md's tag contract and the
// keys opsd writes its own state under.
func DefaultTagKeys() TagKeys {
	return TagKeys{
		Scan:            "TOSCAN",
		Patch:           "TOPATCH",
		HoldUntil:       DefaultHoldUntilTag,
		Woken:           "opsd:patching:woken",
		StoppedAt:       DefaultStoppedAtTag,
		ScanReported:    "opsd:patching:scan-reported",
		InstallReported: "opsd:patching:install-reported",
		SkipUntil:       "opsd:patching:skip-until",
		Release:         DefaultReleaseTag,
	}
}

// fields lists the keys with their configuration names.
func (k TagKeys) fields() []tagField {
	return []tagField{
		{"scan", k.Scan},
		{"patch", k.Patch},
		{"hold_until", k.HoldUntil},
		{"woken", k.Woken},
		{"stopped_at", k.StoppedAt},
		{"scan_reported", k.ScanReported},
		{"install_reported", k.InstallReported},
		{"skip_until", k.SkipUntil},
		{"release", k.Release},
	}
}

type tagField struct{ key, value string }
