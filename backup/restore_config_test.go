package backup

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/configkey"
)

func TestRestoreTestingDefaults(t *testing.T) {
	c := DefaultConfig()
	r := c.RestoreTesting
	if r.Enabled {
		t.Error("restore testing is on by default: every test is a real restore that costs money")
	}
	p := c.Policies["Prod"]
	if p.RTO != 4*time.Hour || p.RPO != 24*time.Hour || p.ColdStorageAfterDays != 0 {
		t.Errorf("Prod policy = %+v, want the seed's RTO 4h, RPO 24h and no cold storage", p)
	}
	s := r.settings(p, c.BackupTimezone)
	want := restoreSettings{schedule: "cron(0 5 1 * ? *)", timezone: "Etc/UTC", startWindowHours: 24, selectionWindowDays: 1, validationWindowHours: 4}
	if s != want {
		t.Errorf("settings = %+v, want %+v", s, want)
	}
	if n := restorePlanName(c.NamePrefix, "Prod"); n != "opsd_prod" {
		t.Errorf("plan name = %q, want opsd_prod (AWS allows letters, digits and _ only)", n)
	}
}

func TestRestoreTestingDecodes(t *testing.T) {
	c := decode(t, `
backup:
  enabled: true
  restore_testing:
    enabled: true
    schedule: "cron(0 3 ? * 1 *)"
    validation_window_hours: 6
    iam_role: RestoreRole
    metadata_overrides:
      RDS: {dbSubnetGroupName: restore-tests}
  policies:
    Prod:
      rpo: 12h
      rto: 2h
      retention_days: 120
      cold_storage_after_days: 30
      restore_testing: {start_window_hours: 2}
`)
	if errs := c.Validate("backup"); len(errs) != 0 {
		t.Fatalf("Validate() = %v", errs)
	}
	r := c.RestoreTesting
	if !r.Enabled || r.IAMRole != "RestoreRole" || r.MetadataOverrides["RDS"]["dbSubnetGroupName"] != "restore-tests" {
		t.Errorf("restore_testing = %+v", r)
	}
	p := c.Policies["Prod"]
	s := r.settings(p, "Europe/London")
	if s.schedule != "cron(0 3 ? * 1 *)" || s.startWindowHours != 2 || s.validationWindowHours != 6 || s.selectionWindowDays != 1 || s.timezone != "Europe/London" {
		t.Errorf("Prod settings = %+v", s)
	}
	ps, err := compilePolicy(c, "Prod", p)
	if err != nil {
		t.Fatal(err)
	}
	if ps.rule.ColdStorageAfterDays != 30 || ps.rule.DeleteAfterDays != 120 {
		t.Errorf("rule = %+v, want cold storage after 30 days, kept 120", ps.rule)
	}
	if in := ruleInput(ps.rule); in.Lifecycle.MoveToColdStorageAfterDays == nil || *in.Lifecycle.MoveToColdStorageAfterDays != 30 {
		t.Errorf("rule input lifecycle = %+v", in.Lifecycle)
	}
}

func TestRestoreTestingValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		path string
		msg  string
	}{
		{"schedule", func(c *Config) { c.RestoreTesting.Schedule = "0 5 1 * *" }, "backup.restore_testing.schedule", "AWS cron"},
		{"timezone", func(c *Config) { c.RestoreTesting.Timezone = "Mars/Base" }, "backup.restore_testing.timezone", "IANA"},
		{"start window", func(c *Config) { c.RestoreTesting.StartWindowHours = 200 }, "backup.restore_testing.start_window_hours", "between 1 and 168"},
		{"selection window", func(c *Config) { c.RestoreTesting.SelectionWindowDays = 400 }, "backup.restore_testing.selection_window_days", "between 1 and 365"},
		{"validation window", func(c *Config) { c.RestoreTesting.ValidationWindowHours = 0 }, "backup.restore_testing.validation_window_hours", "between 1 and 168"},
		{"role", func(c *Config) { c.RestoreTesting.IAMRole = "arn:aws:iam::1:user/x" }, "backup.restore_testing.iam_role", "not an IAM role ARN"},
		{"resource type", func(c *Config) { c.RestoreTesting.ResourceTypes = []string{"rds"} }, "backup.restore_testing.resource_types[0]", "case-sensitive"},
		{"override type", func(c *Config) { c.RestoreTesting.MetadataOverrides = map[string]map[string]string{"S4": {}} }, "backup.restore_testing.metadata_overrides.S4", "not one of"},
		{"lookback", func(c *Config) { c.RestoreTesting.Lookback = time.Hour }, "backup.restore_testing.lookback", "at least 24h"},
		{"policy schedule", func(c *Config) {
			p := c.Policies["Prod"]
			p.RestoreTesting.Schedule = "monthly"
			c.Policies["Prod"] = p
		}, "backup.policies.Prod.restore_testing.schedule", "AWS cron"},
		{"policy validation window", func(c *Config) {
			p := c.Policies["Dev"]
			p.RestoreTesting.ValidationWindowHours = 169
			c.Policies["Dev"] = p
		}, "backup.policies.Dev.restore_testing.validation_window_hours", "between 1 and 168"},
		{"cold storage without 90 days more retention", func(c *Config) {
			p := c.Policies["Prod"]
			p.ColdStorageAfterDays = 7
			c.Policies["Prod"] = p
		}, "backup.policies.Prod.cold_storage_after_days", "at least 97"},
		{"negative cold storage", func(c *Config) {
			p := c.Policies["Prod"]
			p.ColdStorageAfterDays = -1
			c.Policies["Prod"] = p
		}, "backup.policies.Prod.cold_storage_after_days", "negative"},
		{"plan name too long", func(c *Config) {
			c.RestoreTesting.Enabled = true
			c.Policies["ThisPolicyNameIsFarTooLongForARestorePlan"] = Policy{}
		}, "backup.policies.ThisPolicyNameIsFarTooLongForARestorePlan", "restore testing plan name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			errs := c.Validate("backup")
			found := false
			for _, err := range errs {
				var ke *configkey.Error
				if errors.As(err, &ke) && ke.Path == tc.path && strings.Contains(err.Error(), tc.msg) {
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
