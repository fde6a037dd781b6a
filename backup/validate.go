package backup

import (
	"fmt"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/configkey"
)

// validVaultName reports whether s is a backup vault name AWS Backup
// accepts: 2 to 50 letters, digits, - and _.
func validVaultName(s string) bool { return validName(s, 2, "-_") }

// validPlanName reports whether s is a plan, rule or selection name AWS
// Backup accepts: 1 to 50 letters, digits, - _ and .
func validPlanName(s string) bool { return validName(s, 1, "-_.") }

func validName(s string, minLen int, punct string) bool {
	if len(s) < minLen || len(s) > 50 {
		return false
	}
	for _, r := range s {
		ok := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || strings.ContainsRune(punct, r)
		if !ok {
			return false
		}
	}
	return true
}

// AWS Backup's retention limit: 100 years.
const maxRetentionDays = 36500

// Validate returns every problem in c, or nil. Each error is a
// *configkey.Error whose path starts with path, the section's own key
// ("backup"). The cron expression in Schedule is left to the caller that
// runs jobs.
func (c Config) Validate(path string) []error {
	var errs []error
	add := func(p, format string, args ...any) { errs = append(errs, configkey.Errorf(p, format, args...)) }
	if c.Timeout <= 0 {
		add(path+".timeout", "must be positive, got %s", c.Timeout)
	}
	errs = append(errs, c.Tags.validate(path+".tags")...)
	if err := tagKeyProblem(c.ManagedTag); err != "" {
		add(path+".managed_tag", "%s", err)
	}
	if c.NamePrefix != "" && !validPlanName(c.NamePrefix+"x") {
		add(path+".name_prefix", "%q may hold only letters, digits, - and _", c.NamePrefix)
	}
	if _, err := parseClock(c.BackupTime); err != nil {
		add(path+".backup_time", "%v", err)
	}
	if strings.TrimSpace(c.BackupTimezone) == "" {
		add(path+".backup_timezone", "is required: an IANA timezone such as Etc/UTC or Europe/London")
	} else if _, err := time.LoadLocation(c.BackupTimezone); err != nil {
		add(path+".backup_timezone", "%q is not an IANA timezone (e.g. Etc/UTC, Europe/London): %v", c.BackupTimezone, err)
	}
	if len(c.SelectionResources) == 0 {
		add(path+".selection_resources", "must list at least one resource ARN pattern (or \"*\"): a selection needs resources")
	}
	for i, r := range c.SelectionResources {
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			add(fmt.Sprintf("%s.selection_resources[%d]", path, i), "%q is neither \"*\" nor an ARN pattern (arn:aws:ec2:*:*:volume/*)", r)
		}
	}
	errs = append(errs, c.validatePolicies(path)...)
	for i, env := range c.ProductionEnvironments {
		if strings.TrimSpace(env) == "" {
			add(fmt.Sprintf("%s.production_environments[%d]", path, i), "is empty")
		}
	}
	switch strings.ToLower(c.Audit.PITR) {
	case PITREnable, PITRReport, PITROff:
	default:
		add(path+".audit.pitr", "%q is not one of enable, report, off", c.Audit.PITR)
	}
	for i, v := range c.Audit.ExemptValues {
		p := fmt.Sprintf("%s.audit.exempt_values[%d]", path, i)
		switch _, isPolicy := c.Policies[v]; {
		case strings.TrimSpace(v) == "":
			add(p, "is empty")
		case isPolicy:
			add(p, "%q is a policy in %s.policies; a value cannot be both", v, path)
		}
	}
	if c.Health.Lookback <= 0 {
		add(path+".health.lookback", "must be positive, got %s", c.Health.Lookback)
	}
	if c.Health.Grace < 0 {
		add(path+".health.grace", "must not be negative, got %s", c.Health.Grace)
	}
	errs = append(errs, c.RestoreTesting.validate(path, c)...)
	return errs
}

func (c Config) validatePolicies(path string) []error {
	var errs []error
	add := func(p, format string, args ...any) { errs = append(errs, configkey.Errorf(p, format, args...)) }
	if len(c.Policies) == 0 {
		add(path+".policies", "must define at least one policy (the seed's are Dev, Stg, Preprod, Prod and Mgmt)")
	}
	names := map[string]string{}  // derived name → policy
	vaults := map[string]string{} // vault → policy
	for _, name := range policyNames(c.Policies) {
		p := path + ".policies." + name
		if strings.TrimSpace(name) == "" || name != strings.TrimSpace(name) || len(name) > 256 {
			add(p, "%q is not usable as a tag value: a policy's name is the %s tag's value", name, c.Tags.BackupPolicy)
			continue
		}
		derived := resourceName(c.NamePrefix, name)
		if !validPlanName(derived) {
			add(p, "policy names may hold only letters, digits, - _ and . so that the plan name %q is valid in AWS Backup (1 to 50 of them)", derived)
		} else if other, dup := names[derived]; dup {
			add(p, "gives the same plan name %q as %s.policies.%s (names are made lower case)", derived, path, other)
		}
		names[derived] = name
		pol := c.Policies[name].withDefaults(name, c.NamePrefix)
		if _, err := checkRPO(pol.RPO); err != nil {
			add(p+".rpo", "%v", err)
		}
		if pol.RTO < 0 || pol.RTO%time.Minute != 0 {
			add(p+".rto", "must be a positive whole number of minutes, got %s", pol.RTO)
		}
		if pol.RetentionDays < 1 || pol.RetentionDays > maxRetentionDays {
			add(p+".retention_days", "must be between 1 and %d days, got %d", maxRetentionDays, pol.RetentionDays)
		}
		switch pol.Immutability {
		case Governance, Compliance:
		default:
			add(p+".immutability", "%q is not governance or compliance", c.Policies[name].Immutability)
		}
		switch cold := pol.ColdStorageAfterDays; {
		case cold < 0:
			add(p+".cold_storage_after_days", "must not be negative (0 = never moved to cold storage), got %d", cold)
		case cold > 0 && pol.RetentionDays < cold+90:
			add(p+".cold_storage_after_days", "%d days needs retention_days of at least %d: AWS Backup keeps a point in cold storage for at least 90 days (retention_days is %d)", cold, cold+90, pol.RetentionDays)
		}
		if pol.ChangeableForDays < 3 {
			add(p+".changeable_for_days", "must be at least 3 (AWS Backup's cooling-off period), got %d", pol.ChangeableForDays)
		}
		if !validVaultName(pol.Vault) {
			key := ".vault"
			if c.Policies[name].Vault == "" {
				key = ""
			}
			add(p+key, "vault name %q is not valid in AWS Backup: 2 to 50 letters, digits, - and _", pol.Vault)
		} else if other, dup := vaults[pol.Vault]; dup {
			add(p+".vault", "%q is also the vault of %s.policies.%s; each policy's lock and retention need a vault of its own", pol.Vault, path, other)
		}
		vaults[pol.Vault] = name
		if k := pol.KMSKey; k != "" && !strings.HasPrefix(k, "arn:") {
			add(p+".kms_key", "%q is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); empty means the AWS managed key", k)
		}
		if r := pol.IAMRole; strings.HasPrefix(r, "arn:") && !strings.Contains(r, ":role/") {
			add(p+".iam_role", "%q is not an IAM role ARN", r)
		} else if strings.ContainsAny(r, " :") && !strings.HasPrefix(r, "arn:") {
			add(p+".iam_role", "%q is neither a role name or path nor a role ARN", r)
		}
	}
	return errs
}

// validate checks every key is usable as an AWS tag key and that the ones
// that must differ do.
func (k TagKeys) validate(path string) []error {
	var errs []error
	seen := map[string]string{}
	for _, f := range []struct{ key, value string }{
		{"backup_policy", k.BackupPolicy},
		{"environment", k.Environment},
		{"team_email", k.TeamEmail},
		{"application", k.Application},
	} {
		if msg := tagKeyProblem(f.value); msg != "" {
			errs = append(errs, configkey.Errorf(path+"."+f.key, "%s", msg))
			continue
		}
		if other, dup := seen[f.value]; dup {
			errs = append(errs, configkey.Errorf(path+"."+f.key, "%q is also %s.%s", f.value, path, other))
		}
		seen[f.value] = f.key
	}
	return errs
}

// tagKeyProblem says why s is not a usable tag key, or "".
func tagKeyProblem(s string) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) > 128:
		return fmt.Sprintf("%q is longer than an AWS tag key may be (128)", s)
	case strings.HasPrefix(strings.ToLower(s), "aws:"):
		return fmt.Sprintf("%q starts with aws:, which AWS reserves", s)
	case s != strings.TrimSpace(s):
		return fmt.Sprintf("%q starts or ends with a space", s)
	}
	return ""
}
