package backup

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/configkey"
)

// RestoreTestingConfig is backup.restore_testing: AWS Backup restore
// testing plans opsd keeps, one per policy in use, and the evidence it
// draws from their restore jobs.
//
//	restore_testing:
//	  enabled: false                   # every test is a real restore that costs money
//	  schedule: "cron(0 5 1 * ? *)"    # AWS cron of each plan: monthly, the 1st at 05:00
//	  timezone: ""                     # IANA timezone of schedule; empty = backup_timezone
//	  start_window_hours: 24           # a test that has not started within this is cancelled (1 to 168)
//	  selection_window_days: 0         # recovery points this recent are chosen; 0 = the RPO in whole days (24h: 1)
//	  validation_window_hours: 4       # restored copies are kept this long for opsd's probes, then deleted (1 to 168)
//	  iam_role: ""                     # role AWS Backup restores with; empty = each policy's iam_role
//	  resource_types: [EC2, EBS, RDS, Aurora, DynamoDB, EFS]   # selections made for the types a policy has
//	  lookback: 720h                   # evidence window: the last 30 days of restore jobs
//	  cold_restore_delay: 4h           # how much longer a restore from cold storage is taken to be
//	  metadata_overrides:              # RestoreMetadataOverrides by resource type, e.g. where there is no default VPC
//	    EC2: {subnetId: subnet-1, securityGroupIds: '["sg-1"]'}
//	    RDS: {dbSubnetGroupName: restore-tests, vpcSecurityGroupIds: '["sg-1"]'}
//
// A policy may override schedule and the windows under
// policies.<name>.restore_testing.
type RestoreTestingConfig struct {
	// Enabled turns restore testing on.
	Enabled bool `koanf:"enabled"`
	// Schedule is the AWS cron expression of each restore testing plan.
	Schedule string `koanf:"schedule"`
	// Timezone is the IANA timezone of Schedule; empty means the backup
	// timezone.
	Timezone string `koanf:"timezone"`
	// StartWindowHours is how long after its scheduled time a test may
	// wait to start before AWS Backup cancels it.
	StartWindowHours int `koanf:"start_window_hours"`
	// SelectionWindowDays is how recent a recovery point must be to be
	// tested (the latest within it is); zero means the policy's RPO in
	// whole days, so a passing test also shows the RPO.
	SelectionWindowDays int `koanf:"selection_window_days"`
	// ValidationWindowHours is how long AWS Backup keeps a restored copy
	// for validation before deleting it; opsd probes within it.
	ValidationWindowHours int `koanf:"validation_window_hours"`
	// IAMRole is the role AWS Backup restores with (name, path or ARN);
	// empty means each policy's iam_role. opsd needs iam:PassRole on it.
	IAMRole string `koanf:"iam_role"`
	// ResourceTypes are the restore testing resource types opsd makes
	// selections for, when a policy has resources of the type.
	ResourceTypes []string `koanf:"resource_types"`
	// Lookback is how far back restore jobs count as evidence.
	Lookback time.Duration `koanf:"lookback"`
	// ColdRestoreDelay is how much longer a restore from cold storage is
	// taken to be than the measured warm restore.
	ColdRestoreDelay time.Duration `koanf:"cold_restore_delay"`
	// MetadataOverrides are RestoreMetadataOverrides by resource type:
	// where a restore would otherwise fail (no default VPC or subnet).
	MetadataOverrides map[string]map[string]string `koanf:"metadata_overrides"`
}

// RestoreTestingOverrides are a policy's own restore testing schedule
// and windows; zero values take backup.restore_testing's.
type RestoreTestingOverrides struct {
	Schedule              string `koanf:"schedule"`
	StartWindowHours      int    `koanf:"start_window_hours"`
	SelectionWindowDays   int    `koanf:"selection_window_days"`
	ValidationWindowHours int    `koanf:"validation_window_hours"`
}

// DefaultRestoreTestingConfig returns restore testing off, monthly tests
// of the latest recovery point within the RPO, kept 4 hours for
// validation, with 30 days of evidence.
func DefaultRestoreTestingConfig() RestoreTestingConfig {
	return RestoreTestingConfig{
		Schedule:              "cron(0 5 1 * ? *)",
		StartWindowHours:      24,
		ValidationWindowHours: 4,
		ResourceTypes:         []string{"EC2", "EBS", "RDS", "Aurora", "DynamoDB", "EFS"},
		Lookback:              30 * 24 * time.Hour,
		ColdRestoreDelay:      4 * time.Hour,
		MetadataOverrides:     map[string]map[string]string{},
	}
}

// awsCron is an AWS Backup cron expression: cron( six fields ).
var awsCron = regexp.MustCompile(`^cron\(\S+( \S+){5}\)$`)

// restorePlanName is the restore testing plan's name for a policy: AWS
// allows only letters, digits and underscores, so the name prefix's
// hyphens become underscores ("opsd-" + "Prod" → "opsd_prod").
func restorePlanName(prefix, policy string) string {
	return strings.ReplaceAll(resourceName(prefix, policy), "-", "_")
}

// validRestoreName reports whether s is a restore testing plan or
// selection name AWS Backup accepts: 1 to 50 letters, digits and _.
func validRestoreName(s string) bool { return validName(s, 1, "_") }

// validate returns every problem in the section, root being the
// service's key ("backup") and c the service's configuration.
func (r RestoreTestingConfig) validate(root string, c Config) []error {
	path := root + ".restore_testing"
	var errs []error
	add := func(p, format string, args ...any) { errs = append(errs, configkey.Errorf(p, format, args...)) }
	if !awsCron.MatchString(r.Schedule) {
		add(path+".schedule", "%q is not an AWS cron expression with six fields, such as cron(0 5 1 * ? *)", r.Schedule)
	}
	if r.Timezone != "" {
		if _, err := time.LoadLocation(r.Timezone); err != nil {
			add(path+".timezone", "%q is not an IANA timezone (e.g. Etc/UTC, Europe/London): %v", r.Timezone, err)
		}
	}
	if r.StartWindowHours < 1 || r.StartWindowHours > 168 {
		add(path+".start_window_hours", "must be between 1 and 168 hours, got %d", r.StartWindowHours)
	}
	if r.SelectionWindowDays < 0 || r.SelectionWindowDays > 365 {
		add(path+".selection_window_days", "must be between 1 and 365 days (0 = the RPO), got %d", r.SelectionWindowDays)
	}
	if r.ValidationWindowHours < 1 || r.ValidationWindowHours > 168 {
		add(path+".validation_window_hours", "must be between 1 and 168 hours (opsd probes restored copies within it), got %d", r.ValidationWindowHours)
	}
	if ir := r.IAMRole; strings.HasPrefix(ir, "arn:") && !strings.Contains(ir, ":role/") {
		add(path+".iam_role", "%q is not an IAM role ARN", ir)
	} else if strings.ContainsAny(ir, " :") && !strings.HasPrefix(ir, "arn:") {
		add(path+".iam_role", "%q is neither a role name or path nor a role ARN", ir)
	}
	known := []string{"EC2", "EBS", "RDS", "Aurora", "DynamoDB", "EFS"}
	if len(r.ResourceTypes) == 0 {
		add(path+".resource_types", "must list at least one of %s", strings.Join(known, ", "))
	}
	for i, t := range r.ResourceTypes {
		if !slices.Contains(known, t) {
			add(fmt.Sprintf("%s.resource_types[%d]", path, i), "%q is not one of %s (case-sensitive, as AWS Backup spells them)", t, strings.Join(known, ", "))
		}
	}
	for t := range r.MetadataOverrides {
		if !slices.Contains(known, t) {
			add(path+".metadata_overrides."+t, "%q is not one of %s", t, strings.Join(known, ", "))
		}
	}
	if r.Lookback < 24*time.Hour {
		add(path+".lookback", "must be at least 24h, got %s", r.Lookback)
	}
	if r.ColdRestoreDelay < 0 {
		add(path+".cold_restore_delay", "must not be negative, got %s", r.ColdRestoreDelay)
	}
	for _, name := range policyNames(c.Policies) {
		p := c.Policies[name]
		pp := root + ".policies." + name + ".restore_testing"
		o := p.RestoreTesting
		if n := restorePlanName(c.NamePrefix, name); r.Enabled && !validRestoreName(n+"_aurora") {
			add(root+".policies."+name, "gives the restore testing plan name %q, which AWS Backup refuses: letters, digits and _ only, with room for a selection suffix (at most 42)", n)
		}
		if o.Schedule != "" && !awsCron.MatchString(o.Schedule) {
			add(pp+".schedule", "%q is not an AWS cron expression with six fields, such as cron(0 5 1 * ? *)", o.Schedule)
		}
		if o.StartWindowHours < 0 || o.StartWindowHours > 168 {
			add(pp+".start_window_hours", "must be between 1 and 168 hours (0 = %s.start_window_hours), got %d", path, o.StartWindowHours)
		}
		if o.SelectionWindowDays < 0 || o.SelectionWindowDays > 365 {
			add(pp+".selection_window_days", "must be between 1 and 365 days (0 = %s.selection_window_days), got %d", path, o.SelectionWindowDays)
		}
		if o.ValidationWindowHours < 0 || o.ValidationWindowHours > 168 {
			add(pp+".validation_window_hours", "must be between 1 and 168 hours (0 = %s.validation_window_hours), got %d", path, o.ValidationWindowHours)
		}
	}
	return errs
}

// restoreSettings are one policy's effective restore testing settings.
type restoreSettings struct {
	schedule, timezone    string
	startWindowHours      int32
	selectionWindowDays   int32
	validationWindowHours int32
}

// settings are policy p's effective restore testing settings under r,
// backupTZ being the backup timezone.
func (r RestoreTestingConfig) settings(p Policy, backupTZ string) restoreSettings {
	o := p.RestoreTesting
	s := restoreSettings{schedule: r.Schedule, timezone: r.Timezone,
		startWindowHours: int32(r.StartWindowHours), selectionWindowDays: int32(r.SelectionWindowDays),
		validationWindowHours: int32(r.ValidationWindowHours)}
	if s.timezone == "" {
		s.timezone = backupTZ
	}
	if o.Schedule != "" {
		s.schedule = o.Schedule
	}
	if o.StartWindowHours != 0 {
		s.startWindowHours = int32(o.StartWindowHours)
	}
	if o.SelectionWindowDays != 0 {
		s.selectionWindowDays = int32(o.SelectionWindowDays)
	}
	if o.ValidationWindowHours != 0 {
		s.validationWindowHours = int32(o.ValidationWindowHours)
	}
	if s.selectionWindowDays == 0 {
		rpo := p.RPO
		if rpo == 0 {
			rpo = defaultRPO
		}
		s.selectionWindowDays = int32((rpo + 24*time.Hour - 1) / (24 * time.Hour))
	}
	return s
}
