package audit

import (
	"time"

	"github.com/opsd-dev/opsd/monitor"
)

// ServiceName is the service's config key and its name in plans, metrics
// and notifications.
const ServiceName = "audit"

// Config is the audit: section of opsd's configuration.
//
//	audit:
//	  enabled: false                 # the service is off until enabled
//	  schedule: "0 7 * * 1-5"        # cron for the assessment job: 07:00 on weekdays, daemon's timezone
//	  timeout: 15m                   # bound on one assessment of every account and region
//	  concurrency: 4                 # collectors run at once within one account and region
//	  tags:                          # tag keys (case-sensitive)
//	    application: Application     # groups resources into applications; none = "(untagged)"
//	    environment: Environment
//	    team_email: TeamEmail
//	    confidentiality: Confidentiality
//	    backup_policy: BackupPolicy  # required on data stores
//	    database_exception: DatabaseException   # any value: a database engine other than the preferred ones was agreed
//	    public_assets: PublicAssets  # "true" on an S3 bucket that serves public assets: public access allowed
//	  environments: [development, dev, staging, stg, pre-prod, preprod, production, prod, mgmt]   # allowed Environment values (case-insensitive)
//	  production_environments: [production, prod]   # production-only checks apply here (case-insensitive)
//	  confidentiality_levels: [Public, Internal, Restricted]   # allowed Confidentiality values (case-insensitive)
//	  backup_policies: [Dev, Stg, Preprod, Prod, Mgmt]        # allowed BackupPolicy values (case-sensitive, as AWS Backup selections are)
//	  docs_routes: [/swagger, /docs, /api-docs, /openapi]     # API Gateway path prefixes that need no authorizer
//	  open_methods: [OPTIONS]        # HTTP methods that need no authorizer (CORS preflight)
//	  log_retention:                 # log group retention, days (6–8 months; of CloudWatch's settings only 180 lies in it)
//	    min_days: 180
//	    max_days: 240
//	  availability_zones: 3          # AZs a production resource must span
//	  max_gsis: 2                    # most global secondary indexes a DynamoDB table may have
//	  database_engines: [postgres, aurora-postgresql]   # preferred RDS engines (DynamoDB and S3 are always preferred)
//	  canary_interval: 5m            # longest interval between an API canary's runs
//	  skip_checks: []                # check ids not run, e.g. [cost.database-engine] (every id is in the JSON report's checks)
//	  report_url: ""                 # link to the daemon's /report put in the Slack summary; empty = none
type Config struct {
	// Enabled turns the service on.
	Enabled bool `koanf:"enabled"`
	// Schedule is the cron expression the assessment job runs on. The
	// config package checks it, with every other job's.
	Schedule string `koanf:"schedule"`
	// Timeout bounds one assessment.
	Timeout time.Duration `koanf:"timeout"`
	// Concurrency is how many collectors run at once within one account
	// and region (targets themselves are fanned out by the daemon).
	Concurrency int `koanf:"concurrency"`
	// Tags are the tag keys read.
	Tags TagKeys `koanf:"tags"`
	// Environments are the allowed values of the environment tag,
	// compared case-insensitively.
	Environments []string `koanf:"environments"`
	// ProductionEnvironments are the environment tag values where the
	// production-only checks (three AZs, read replicas, PITR) apply.
	ProductionEnvironments []string `koanf:"production_environments"`
	// ConfidentialityLevels are the allowed values of the confidentiality
	// tag, compared case-insensitively.
	ConfidentialityLevels []string `koanf:"confidentiality_levels"`
	// BackupPolicies are the allowed values of the backup policy tag,
	// compared exactly: AWS Backup tag selections are case-sensitive.
	BackupPolicies []string `koanf:"backup_policies"`
	// DocsRoutes are API Gateway resource path prefixes (Swagger and other
	// documentation) whose methods need no authorizer. A prefix matches
	// the path itself and everything under it.
	DocsRoutes []string `koanf:"docs_routes"`
	// OpenMethods are HTTP methods that need no authorizer anywhere
	// (browsers send CORS preflight OPTIONS requests without credentials).
	OpenMethods []string `koanf:"open_methods"`
	// LogRetention is the range a log group's retention must lie in.
	LogRetention RetentionRange `koanf:"log_retention"`
	// AvailabilityZones is how many AZs a production resource must span.
	AvailabilityZones int `koanf:"availability_zones"`
	// MaxGSIs is the most global secondary indexes a table may have.
	MaxGSIs int `koanf:"max_gsis"`
	// DatabaseEngines are the preferred RDS engines; any other needs the
	// database exception tag.
	DatabaseEngines []string `koanf:"database_engines"`
	// CanaryInterval is the longest interval between an API canary's runs.
	CanaryInterval time.Duration `koanf:"canary_interval"`
	// SkipChecks are ids of checks that are not run.
	SkipChecks []string `koanf:"skip_checks"`
	// ReportURL is where people read the full report (the daemon's
	// /report); the Slack summary links to it when set.
	ReportURL string `koanf:"report_url"`
	// RestoreTests are the backup service's restore testing settings the
	// reliability.restore-tested check judges by. They are not audit
	// keys: the daemon fills them from backup's configuration.
	RestoreTests RestoreTestRules `koanf:"-"`
	// Monitor is the monitor service's configuration, for the
	// monitoring.coverage check; nil when the service is off. It is not an
	// audit key: the daemon fills it from monitor's configuration.
	Monitor *monitor.Config `koanf:"-"`
}

// TagKeys are the tag keys the assessment reads. Keys are case-sensitive.
type TagKeys struct {
	// Application names the application a resource belongs to.
	Application string `koanf:"application"`
	// Environment holds the resource's environment.
	Environment string `koanf:"environment"`
	// TeamEmail holds the owning team's email address.
	TeamEmail string `koanf:"team_email"`
	// Confidentiality holds the data's confidentiality level.
	Confidentiality string `koanf:"confidentiality"`
	// BackupPolicy names the backup policy of a data store.
	BackupPolicy string `koanf:"backup_policy"`
	// DatabaseException, with any value, records that a database engine
	// other than the preferred ones was agreed.
	DatabaseException string `koanf:"database_exception"`
	// PublicAssets, "true" on a bucket, says it serves public assets and
	// may allow public access.
	PublicAssets string `koanf:"public_assets"`
}

// RetentionRange is an inclusive range of days.
type RetentionRange struct {
	// MinDays is the shortest retention allowed.
	MinDays int `koanf:"min_days"`
	// MaxDays is the longest retention allowed.
	MaxDays int `koanf:"max_days"`
}

// DefaultConfig returns the production checklist's defaults. Enabling the
// service is all that is needed to run it.
func DefaultConfig() Config {
	return Config{
		Schedule:               "0 7 * * 1-5",
		Timeout:                15 * time.Minute,
		Concurrency:            4,
		Tags:                   DefaultTagKeys(),
		Environments:           []string{"development", "dev", "staging", "stg", "pre-prod", "preprod", "production", "prod", "mgmt"},
		ProductionEnvironments: []string{"production", "prod"},
		ConfidentialityLevels:  []string{"Public", "Internal", "Restricted"},
		BackupPolicies:         []string{"Dev", "Stg", "Preprod", "Prod", "Mgmt"},
		DocsRoutes:             []string{"/swagger", "/docs", "/api-docs", "/openapi"},
		OpenMethods:            []string{"OPTIONS"},
		LogRetention:           RetentionRange{MinDays: 180, MaxDays: 240},
		AvailabilityZones:      3,
		MaxGSIs:                2,
		DatabaseEngines:        []string{"postgres", "aurora-postgresql"},
		CanaryInterval:         5 * time.Minute,
	}
}

// DefaultTagKeys returns the tag keys of opsd's tag contract.
func DefaultTagKeys() TagKeys {
	return TagKeys{
		Application:       "Application",
		Environment:       "Environment",
		TeamEmail:         "TeamEmail",
		Confidentiality:   "Confidentiality",
		BackupPolicy:      "BackupPolicy",
		DatabaseException: "DatabaseException",
		PublicAssets:      "PublicAssets",
	}
}
