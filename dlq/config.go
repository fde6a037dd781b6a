package dlq

import "time"

// ServiceName is the service's config key and its name in plans, metrics
// and notifications.
const ServiceName = "dlq"

// When the archiver writes a message to S3.
const (
	// ArchiveOnExpiry archives a message once SentTimestamp +
	// MessageRetentionPeriod - safety_margin has passed.
	ArchiveOnExpiry = "expiry"
	// ArchiveOnArrival archives every message as soon as it is seen.
	ArchiveOnArrival = "arrival"
)

// Config is the dlq: section of opsd's configuration.
//
//	dlq:
//	  enabled: false                 # the service is off until enabled
//	  schedule: "* * * * *"          # cron for the reconcile job (watch, alert, archive)
//	  timeout: 50s                   # bound on one reconcile
//	  queues: []                     # more DLQs: a queue name (in every account and region) or an SQS queue ARN
//	  exclude: []                    # never DLQs, whatever names them: a queue name or ARN
//	  tag: opsd:dlq                  # tag key: true marks a queue as a DLQ, false opts it out; "" = tags not read
//	  review_tag: opsd:dlq:reviewed  # tag key people set to the RFC 3339 time they last reviewed the queue's messages
//	  owner_tags:                    # tag keys saying whose a queue is, for routing messages and paging in production
//	    environment: Environment
//	    application: Application
//	    team_email: TeamEmail
//	  discovery_interval: 10m        # how often the queues are listed again to find DLQs; 0 = every run
//	  burst_gap: 1h                  # arrivals closer together than this are one burst, told once
//	  remind_after: 24h              # remind when messages sit unreviewed this long, and again every as long; 0 = never
//	  archive:
//	    bucket: ""                   # S3 bucket for archived messages; empty = watch and alert only
//	    prefix: dlq-archive          # key prefix: <prefix>/<account>/<region>/<queue>/<YYYY>/<MM>/<DD>/<message-id>.json
//	    region: ""                   # the bucket's region; empty = each account/region's own
//	    kms_key_id: ""               # KMS key (id, ARN or alias) for SSE-KMS; empty = SSE-S3 (AES256)
//	    when: expiry                 # expiry: before the retention period ends; arrival: as soon as seen
//	    safety_margin: 24h           # expiry: archive this long before a message would expire
//	    scan_interval: 1h            # expiry: how often a queue whose messages are not yet due is read again
//	    visibility_timeout: 2m       # messages received for archiving are hidden this long (covers the S3 write)
//	    wait_time: 20s               # long-poll wait of each receive (1s to 20s)
//	    max_messages_per_run: 1000   # most messages received from one queue in one run
//
// The archive bucket must block all public access (its own public access
// block, all four settings) and have default encryption; the archiver
// refuses any other and keeps the messages in their queues.
type Config struct {
	// Enabled turns the service on.
	Enabled bool `koanf:"enabled"`
	// Schedule is the cron expression the reconcile job runs on. The
	// config package checks it, with every other job's.
	Schedule string `koanf:"schedule"`
	// Timeout bounds one reconcile.
	Timeout time.Duration `koanf:"timeout"`
	// Queues are more dead-letter queues: a name, looked for in every
	// account and region, or an SQS queue ARN, which names one account
	// and region.
	Queues []string `koanf:"queues"`
	// Exclude are queues never treated as dead-letter queues, even when a
	// redrive policy, Queues or a tag names them: a name or an ARN.
	Exclude []string `koanf:"exclude"`
	// Tag is the tag key whose value true marks a queue as a dead-letter
	// queue and false opts it out (case-insensitive values). Empty means
	// queue tags are not read.
	Tag string `koanf:"tag"`
	// ReviewTag is the tag key people set on a dead-letter queue to the
	// RFC 3339 time they last reviewed its messages; messages that arrived
	// before then are reviewed. Empty means none is read.
	ReviewTag string `koanf:"review_tag"`
	// OwnerTags are the tag keys that say whose a queue is: its messages
	// are routed by them, and arrivals in a production queue page.
	OwnerTags OwnerTags `koanf:"owner_tags"`
	// DiscoveryInterval is how often the queues are listed again to find
	// dead-letter queues; the depth of the ones found is read every run.
	// Zero means every run.
	DiscoveryInterval time.Duration `koanf:"discovery_interval"`
	// BurstGap is the quiet time that ends a burst: arrivals less than
	// BurstGap after the previous arrival belong to the same burst and are
	// not told again.
	BurstGap time.Duration `koanf:"burst_gap"`
	// RemindAfter is how long messages may sit unreviewed before a
	// reminder, and how often the reminder repeats. Zero means no
	// reminders.
	RemindAfter time.Duration `koanf:"remind_after"`
	// Archive says where and when messages are archived.
	Archive ArchiveConfig `koanf:"archive"`
}

// ArchiveConfig is the dlq.archive: section: the S3 archive.
type ArchiveConfig struct {
	// Bucket is the S3 bucket archived messages are written to. Empty
	// means nothing is archived: the service only watches and alerts.
	Bucket string `koanf:"bucket"`
	// Prefix starts every object key.
	Prefix string `koanf:"prefix"`
	// Region is the bucket's region; empty means the region of the
	// account and region being archived.
	Region string `koanf:"region"`
	// KMSKeyID is the KMS key objects are encrypted with (SSE-KMS); empty
	// means SSE-S3 (AES256).
	KMSKeyID string `koanf:"kms_key_id"`
	// When is ArchiveOnExpiry or ArchiveOnArrival.
	When string `koanf:"when"`
	// SafetyMargin is how long before its expiry a message is archived
	// (ArchiveOnExpiry).
	SafetyMargin time.Duration `koanf:"safety_margin"`
	// ScanInterval is how often, with ArchiveOnExpiry, a queue holding
	// only messages that are not yet due is received from again. New
	// arrivals are always looked at in the next run.
	ScanInterval time.Duration `koanf:"scan_interval"`
	// VisibilityTimeout hides a message received for archiving from
	// other consumers while it is written to S3 (whole seconds).
	VisibilityTimeout time.Duration `koanf:"visibility_timeout"`
	// WaitTime is the long-poll wait of each ReceiveMessage call (whole
	// seconds, 1 to 20).
	WaitTime time.Duration `koanf:"wait_time"`
	// MaxMessagesPerRun bounds the messages received from one queue in
	// one run.
	MaxMessagesPerRun int `koanf:"max_messages_per_run"`
}

// DefaultConfig returns the defaults: watch every minute, alert once per
// burst, remind after a day, and archive each message a day before it
// would expire once a bucket is configured.
func DefaultConfig() Config {
	return Config{
		Schedule:          "* * * * *",
		Timeout:           50 * time.Second,
		Tag:               "opsd:dlq",
		ReviewTag:         "opsd:dlq:reviewed",
		OwnerTags:         OwnerTags{Environment: "Environment", Application: "Application", TeamEmail: "TeamEmail"},
		DiscoveryInterval: 10 * time.Minute,
		BurstGap:          time.Hour,
		RemindAfter:       24 * time.Hour,
		Archive: ArchiveConfig{
			Prefix:            "dlq-archive",
			When:              ArchiveOnExpiry,
			SafetyMargin:      24 * time.Hour,
			ScanInterval:      time.Hour,
			VisibilityTimeout: 2 * time.Minute,
			WaitTime:          20 * time.Second,
			MaxMessagesPerRun: 1000,
		},
	}
}

// archiving reports whether messages are archived at all.
func (a ArchiveConfig) archiving() bool { return a.Bucket != "" }

// OwnerTags are tag keys naming a queue's owner; an empty key is not read.
type OwnerTags struct {
	Environment string `koanf:"environment"`
	Application string `koanf:"application"`
	TeamEmail   string `koanf:"team_email"`
}

// any reports whether any key is set.
func (o OwnerTags) any() bool { return o.Environment != "" || o.Application != "" || o.TeamEmail != "" }
