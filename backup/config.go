package backup

import (
	"strings"
	"time"
)

// ServiceName is the service's name and configuration key.
const ServiceName = "backup"

// Config is the backup: section of opsd's configuration.
//
//	backup:
//	  enabled: false                 # the service is off until enabled
//	  schedule: "*/30 * * * *"       # cron for the reconcile job
//	  timeout: 10m                   # bound on one reconcile
//	  tags:                          # tag keys read (case-sensitive)
//	    backup_policy: BackupPolicy  # its value names a policy below; AWS Backup selects on it
//	    environment: Environment     # decides what is production (PITR)
//	    team_email: TeamEmail        # owner, for grouping reports
//	    application: Application     # owner when there is no team email
//	  managed_tag: "opsd:managed"    # written by opsd (value "true") on the vaults and plans it creates
//	  name_prefix: opsd-             # vaults, plans, rules and selections opsd creates: <prefix><policy in lower case>
//	  backup_time: "01:00"           # when the daily backup starts (HH:MM); shorter RPOs count from it
//	  backup_timezone: Etc/UTC       # IANA timezone of backup_time (the rule's ScheduleExpressionTimezone)
//	  selection_resources:           # resource ARN patterns a selection covers, ANDed with the tag condition
//	    - "arn:aws:ec2:*:*:instance/*"
//	    - "arn:aws:ec2:*:*:volume/*"
//	    - "arn:aws:rds:*:*:db:*"
//	    - "arn:aws:rds:*:*:cluster:*"
//	    - "arn:aws:dynamodb:*:*:table/*"
//	    - "arn:aws:elasticfilesystem:*:*:file-system/*"
//	  policies:                      # by BackupPolicy value (case-sensitive, as AWS Backup compares it)
//	    Prod:
//	      rpo: 24h                   # 1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h: how often a backup is taken
//	      rto: 4h                    # sets the backup job's completion window (see Policy)
//	      retention_days: 30         # recovery points are kept this long; the vault lock's minimum
//	      immutability: governance   # governance (lock removable with IAM permission) or compliance (never, after the grace days)
//	      changeable_for_days: 3     # compliance only: grace days before the lock can never be removed (>= 3)
//	      vault: ""                  # empty = <name_prefix><policy in lower case>
//	      kms_key: ""                # key ARN for a new vault; empty = the AWS managed key
//	      iam_role: ""               # role AWS Backup uses: a name or path in each account, or an ARN;
//	                                 # empty = service-role/AWSBackupDefaultServiceRole
//	      cold_storage_after_days: 0 # move points to cold storage after N days (retention_days >= N+90); 0 = never
//	      restore_testing: {}        # this policy's schedule and windows, over backup.restore_testing's
//	    Dev:     {rpo: 24h, rto: 4h, retention_days: 30, immutability: governance}
//	    Stg:     {rpo: 24h, rto: 4h, retention_days: 30, immutability: governance}
//	    Preprod: {rpo: 24h, rto: 4h, retention_days: 30, immutability: governance}
//	    Mgmt:    {rpo: 24h, rto: 4h, retention_days: 30, immutability: governance}
//	  production_environments: [production, prod]   # Environment values that are production (case-insensitive)
//	  audit:
//	    enabled: true                # report data stores without a valid BackupPolicy tag
//	    exempt_values: []            # BackupPolicy values that mean "deliberately not backed up"
//	    pitr: enable                 # production DynamoDB tables without PITR: enable, report or off
//	  health:
//	    enabled: true                # tell failed, aborted and expired backup jobs, and stale backups
//	    lookback: 24h                # how far before the last check backup jobs are looked for
//	    grace: 2h                    # a backup is stale once older than the policy's RPO plus this
//	  restore_testing:               # see RestoreTestingConfig; off by default (real restores cost money)
//	    enabled: false
//
// A policy added under policies takes the defaults above for every key it
// leaves out.
type Config struct {
	// Enabled turns the service on.
	Enabled bool `koanf:"enabled"`
	// Schedule is the cron expression the reconcile job runs on. The
	// config package checks it, with every other job's.
	Schedule string `koanf:"schedule"`
	// Timeout bounds one reconcile.
	Timeout time.Duration `koanf:"timeout"`
	// Tags are the tag keys read.
	Tags TagKeys `koanf:"tags"`
	// ManagedTag is the tag key opsd writes, with value "true", on the
	// vaults and plans it creates. Only plans carrying it are ever updated,
	// and only their selections replaced.
	ManagedTag string `koanf:"managed_tag"`
	// NamePrefix starts the names of the vaults, plans, rules and
	// selections opsd creates: NamePrefix + the policy in lower case.
	NamePrefix string `koanf:"name_prefix"`
	// BackupTime is when each day's first backup starts, "HH:MM" in
	// BackupTimezone.
	BackupTime string `koanf:"backup_time"`
	// BackupTimezone is the IANA timezone of BackupTime, written to each
	// rule's ScheduleExpressionTimezone.
	BackupTimezone string `koanf:"backup_timezone"`
	// SelectionResources are the resource ARN patterns every selection
	// lists; the tag condition narrows them to the policy's resources.
	// "arn:aws:" patterns are rewritten for other partitions.
	SelectionResources []string `koanf:"selection_resources"`
	// Policies are the backup policies, by the value of the BackupPolicy
	// tag that selects them (case-sensitive).
	Policies map[string]Policy `koanf:"policies"`
	// ProductionEnvironments are values of the environment tag that mean
	// production, compared case-insensitively.
	ProductionEnvironments []string `koanf:"production_environments"`
	// Audit configures the report of data stores without a valid
	// BackupPolicy tag and the DynamoDB point-in-time recovery check.
	Audit AuditConfig `koanf:"audit"`
	// Health configures the backup job and freshness checks.
	Health HealthConfig `koanf:"health"`
	// RestoreTesting configures the restore tests that show each policy's
	// RTO and RPO hold (restore_testing.go). Off by default: every test is
	// a real restore, paid for.
	RestoreTesting RestoreTestingConfig `koanf:"restore_testing"`
}

// TagKeys are the tag keys the service reads. Keys are case-sensitive.
type TagKeys struct {
	// BackupPolicy holds the policy name; AWS Backup selections select on
	// it.
	BackupPolicy string `koanf:"backup_policy"`
	// Environment holds the resource's environment.
	Environment string `koanf:"environment"`
	// TeamEmail names the owning team, for grouping reports.
	TeamEmail string `koanf:"team_email"`
	// Application names the application, for grouping reports when there
	// is no team email.
	Application string `koanf:"application"`
}

// Policy is one backup policy: what its resources' backups must look like.
//
// The backup rule opsd writes for a policy is derived from it:
//   - the schedule from RPO: every RPO hours starting at backup_time, so
//     24h is a daily cron at backup_time and 12h twice a day;
//   - the lifecycle's DeleteAfterDays from RetentionDays;
//   - the start window (how long a job may wait to start) is a quarter of
//     the RTO, at most half the RPO, at least AWS's 60 minutes;
//   - the completion window is the RTO, at least the start window plus 60
//     minutes: a backup that cannot be taken within the RTO is told as a
//     failed job rather than left running.
type Policy struct {
	// RPO is the recovery point objective: how often a backup is taken.
	// It must divide a day into whole hours (1h, 2h, 3h, 4h, 6h, 8h, 12h,
	// 24h). Zero means 24h.
	RPO time.Duration `koanf:"rpo"`
	// RTO is the recovery time objective; see Policy for what it sets.
	// Zero means 4h.
	RTO time.Duration `koanf:"rto"`
	// RetentionDays is how long recovery points are kept and the vault
	// lock's minimum retention. Zero means 30.
	RetentionDays int `koanf:"retention_days"`
	// Immutability is the vault lock mode: "governance" (removable by
	// users with the IAM permission) or "compliance" (removable by no one
	// once ChangeableForDays have passed). Empty means governance.
	Immutability string `koanf:"immutability"`
	// ChangeableForDays is, for compliance locks, the grace period before
	// the lock becomes immutable; at least 3. Zero means 3.
	ChangeableForDays int `koanf:"changeable_for_days"`
	// Vault is the backup vault's name; empty means NamePrefix + the
	// policy in lower case.
	Vault string `koanf:"vault"`
	// KMSKey is the ARN of the KMS key a vault opsd creates is encrypted
	// with; empty means the AWS managed key for AWS Backup.
	KMSKey string `koanf:"kms_key"`
	// IAMRole is the role AWS Backup assumes for the policy's selection: a
	// role name or path (service-role/Name) resolved in each account, or a
	// full ARN used as it is. Empty means
	// service-role/AWSBackupDefaultServiceRole.
	IAMRole string `koanf:"iam_role"`
	// ColdStorageAfterDays moves the policy's recovery points to cold
	// storage this many days after they are taken (the rule's
	// MoveToColdStorageAfterDays); zero keeps them in warm storage. AWS
	// requires RetentionDays to be at least 90 days more. A restore from
	// cold storage takes hours longer, so restore testing flags a policy
	// whose points go cold before its RTO could be shown.
	ColdStorageAfterDays int `koanf:"cold_storage_after_days"`
	// RestoreTesting overrides, for this policy, the restore testing
	// plan's schedule and windows; zero values take
	// backup.restore_testing's.
	RestoreTesting RestoreTestingOverrides `koanf:"restore_testing"`
}

// Lock modes.
const (
	Governance = "governance"
	Compliance = "compliance"
)

// PITR modes: what the audit does about a production DynamoDB table
// without point-in-time recovery.
const (
	PITREnable = "enable"
	PITRReport = "report"
	PITROff    = "off"
)

// AuditConfig configures the audit of data stores.
type AuditConfig struct {
	// Enabled turns the report of data stores (EC2 instances, EBS
	// volumes, RDS instances and clusters, DynamoDB tables, EFS file
	// systems) without a valid BackupPolicy tag on.
	Enabled bool `koanf:"enabled"`
	// ExemptValues are BackupPolicy values that mean a resource is
	// deliberately not backed up; they are not reported.
	ExemptValues []string `koanf:"exempt_values"`
	// PITR is what is done about production DynamoDB tables without
	// point-in-time recovery: enable, report or off.
	PITR string `koanf:"pitr"`
}

// HealthConfig configures the backup health checks.
type HealthConfig struct {
	// Enabled turns the checks of backup jobs and backup freshness on.
	Enabled bool `koanf:"enabled"`
	// Lookback is how far before the last check (before now, on the
	// first) backup jobs are listed, so a job that ends in failure after
	// the check that saw it start is still seen.
	Lookback time.Duration `koanf:"lookback"`
	// Grace is how much older than its policy's RPO a resource's latest
	// backup may be before it is told as stale.
	Grace time.Duration `koanf:"grace"`
}

// Seed defaults (000 "Backups"): RPO 24 hours, RTO 4 hours, 30 days of
// locked retention.
const (
	defaultRPO               = 24 * time.Hour
	defaultRTO               = 4 * time.Hour
	defaultRetentionDays     = 30
	defaultChangeableForDays = 3
	defaultIAMRole           = "service-role/AWSBackupDefaultServiceRole"
)

// defaultPolicyNames are the BackupPolicy values of the tag contract.
func defaultPolicyNames() []string { return []string{"Dev", "Stg", "Preprod", "Prod", "Mgmt"} }

// DefaultConfig returns the seed's defaults: the five policies of the tag
// contract, each RPO 24 hours, RTO 4 hours and 30 days of retention under
// a governance vault lock; the audit and health checks on. Enabling the
// service is all that is needed to run it.
func DefaultConfig() Config {
	policies := map[string]Policy{}
	for _, name := range defaultPolicyNames() {
		policies[name] = defaultPolicy()
	}
	return Config{
		Schedule:       "*/30 * * * *",
		Timeout:        10 * time.Minute,
		Tags:           DefaultTagKeys(),
		ManagedTag:     "opsd:managed",
		NamePrefix:     "opsd-",
		BackupTime:     "01:00",
		BackupTimezone: "Etc/UTC",
		SelectionResources: []string{
			"arn:aws:ec2:*:*:instance/*",
			"arn:aws:ec2:*:*:volume/*",
			"arn:aws:rds:*:*:db:*",
			"arn:aws:rds:*:*:cluster:*",
			"arn:aws:dynamodb:*:*:table/*",
			"arn:aws:elasticfilesystem:*:*:file-system/*",
		},
		Policies:               policies,
		ProductionEnvironments: []string{"production", "prod"},
		Audit:                  AuditConfig{Enabled: true, ExemptValues: []string{}, PITR: PITREnable},
		Health:                 HealthConfig{Enabled: true, Lookback: 24 * time.Hour, Grace: 2 * time.Hour},
		RestoreTesting:         DefaultRestoreTestingConfig(),
	}
}

func defaultPolicy() Policy {
	return Policy{
		RPO:               defaultRPO,
		RTO:               defaultRTO,
		RetentionDays:     defaultRetentionDays,
		Immutability:      Governance,
		ChangeableForDays: defaultChangeableForDays,
	}
}

// DefaultTagKeys returns the tag keys of DESIGN.md's tag contract.
func DefaultTagKeys() TagKeys {
	return TagKeys{
		BackupPolicy: "BackupPolicy",
		Environment:  "Environment",
		TeamEmail:    "TeamEmail",
		Application:  "Application",
	}
}

// withDefaults returns p with every key left out (zero) set to its
// default, name being the policy's name and prefix the configured name
// prefix.
func (p Policy) withDefaults(name, prefix string) Policy {
	d := defaultPolicy()
	if p.RPO == 0 {
		p.RPO = d.RPO
	}
	if p.RTO == 0 {
		p.RTO = d.RTO
	}
	if p.RetentionDays == 0 {
		p.RetentionDays = d.RetentionDays
	}
	if p.Immutability == "" {
		p.Immutability = d.Immutability
	}
	p.Immutability = strings.ToLower(strings.TrimSpace(p.Immutability))
	if p.ChangeableForDays == 0 {
		p.ChangeableForDays = d.ChangeableForDays
	}
	if p.Vault == "" {
		p.Vault = resourceName(prefix, name)
	}
	if p.IAMRole == "" {
		p.IAMRole = defaultIAMRole
	}
	return p
}

// resourceName is the name of the plan, rule and selection (and, unless
// configured, the vault) opsd creates for policy name.
func resourceName(prefix, name string) string {
	return prefix + strings.ToLower(name)
}
