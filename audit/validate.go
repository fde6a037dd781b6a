package audit

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/configkey"
)

// Validate returns every problem in c, or nil. Each error is a
// *configkey.Error whose path starts with path, the section's own key
// ("audit"). The cron expression in Schedule is left to the caller that
// runs jobs.
func (c Config) Validate(path string) []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, configkey.Errorf(path+"."+key, format, args...))
	}
	if c.Timeout <= 0 {
		add("timeout", "must be positive, got %s", c.Timeout)
	}
	if c.Concurrency < 1 || c.Concurrency > 32 {
		add("concurrency", "must be between 1 and 32, got %d", c.Concurrency)
	}
	errs = append(errs, c.Tags.validate(path+".tags")...)
	errs = append(errs, validList(path+".environments", c.Environments, true)...)
	errs = append(errs, validList(path+".production_environments", c.ProductionEnvironments, false)...)
	for i, env := range c.ProductionEnvironments {
		if strings.TrimSpace(env) != "" && !containsFold(c.Environments, env) {
			add(fmt.Sprintf("production_environments[%d]", i), "%q is not in %s.environments, so no resource could carry it", env, path)
		}
	}
	errs = append(errs, validList(path+".confidentiality_levels", c.ConfidentialityLevels, true)...)
	errs = append(errs, validList(path+".backup_policies", c.BackupPolicies, true)...)
	for i, r := range c.DocsRoutes {
		if !strings.HasPrefix(r, "/") {
			add(fmt.Sprintf("docs_routes[%d]", i), "%q is not a resource path (it must start with /)", r)
		}
	}
	for i, m := range c.OpenMethods {
		if !slices.Contains(httpMethods(), strings.ToUpper(strings.TrimSpace(m))) {
			add(fmt.Sprintf("open_methods[%d]", i), "%q is not an API Gateway HTTP method (%s)", m, strings.Join(httpMethods(), ", "))
		}
	}
	errs = append(errs, c.LogRetention.validate(path+".log_retention")...)
	if c.AvailabilityZones < 1 || c.AvailabilityZones > 6 {
		add("availability_zones", "must be between 1 and 6, got %d", c.AvailabilityZones)
	}
	if c.MaxGSIs < 0 || c.MaxGSIs > 20 {
		add("max_gsis", "must be between 0 and 20 (DynamoDB's own limit), got %d", c.MaxGSIs)
	}
	errs = append(errs, validList(path+".database_engines", c.DatabaseEngines, true)...)
	if c.CanaryInterval < time.Minute {
		add("canary_interval", "must be at least 1m (canaries run at most once a minute), got %s", c.CanaryInterval)
	}
	known := checkIDs()
	for i, id := range c.SkipChecks {
		if !slices.Contains(known, id) {
			add(fmt.Sprintf("skip_checks[%d]", i), "%q is not a check (have %s)", id, strings.Join(known, ", "))
		}
	}
	if c.ReportURL != "" {
		if u, err := url.Parse(c.ReportURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("report_url", "%q is not an http or https URL", c.ReportURL)
		}
	}
	return errs
}

// httpMethods returns the methods API Gateway knows.
func httpMethods() []string {
	return []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}
}

// validList checks a list of names: no empty entries and, when required,
// at least one.
func validList(path string, list []string, required bool) []error {
	var errs []error
	if required && len(list) == 0 {
		errs = append(errs, configkey.Errorf(path, "must list at least one value"))
	}
	for i, v := range list {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, configkey.Errorf(fmt.Sprintf("%s[%d]", path, i), "is empty"))
		}
	}
	return errs
}

func (r RetentionRange) validate(path string) []error {
	var errs []error
	switch {
	case r.MinDays < 1:
		errs = append(errs, configkey.Errorf(path+".min_days", "must be at least 1, got %d", r.MinDays))
	case r.MaxDays < r.MinDays:
		errs = append(errs, configkey.Errorf(path+".max_days", "must be at least min_days (%d), got %d", r.MinDays, r.MaxDays))
	case len(r.allowed()) == 0:
		errs = append(errs, configkey.Errorf(path, "no CloudWatch Logs retention setting lies in %d–%d days, so no log group could pass (the settings are %s)",
			r.MinDays, r.MaxDays, joinInts(logRetentionDays())))
	}
	return errs
}

// allowed returns the CloudWatch Logs retention settings inside the range.
func (r RetentionRange) allowed() []int {
	var out []int
	for _, d := range logRetentionDays() {
		if d >= r.MinDays && d <= r.MaxDays {
			out = append(out, d)
		}
	}
	return out
}

// logRetentionDays returns the retention settings CloudWatch Logs accepts.
func logRetentionDays() []int {
	return []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// validate checks every key is usable as an AWS tag key and that no two
// are the same.
func (k TagKeys) validate(path string) []error {
	var errs []error
	seen := map[string]string{}
	for _, f := range k.fields() {
		p := path + "." + f.key
		switch {
		case f.value == "":
			errs = append(errs, configkey.Errorf(p, "is empty"))
			continue
		case len(f.value) > 128:
			errs = append(errs, configkey.Errorf(p, "%q is longer than an AWS tag key may be (128)", f.value))
		case strings.HasPrefix(strings.ToLower(f.value), "aws:"):
			errs = append(errs, configkey.Errorf(p, "%q starts with aws:, which AWS reserves", f.value))
		}
		if other, dup := seen[f.value]; dup {
			errs = append(errs, configkey.Errorf(p, "%q is also %s.%s", f.value, path, other))
		}
		seen[f.value] = f.key
	}
	return errs
}

type tagField struct{ key, value string }

func (k TagKeys) fields() []tagField {
	return []tagField{
		{"application", k.Application},
		{"environment", k.Environment},
		{"team_email", k.TeamEmail},
		{"confidentiality", k.Confidentiality},
		{"backup_policy", k.BackupPolicy},
		{"database_exception", k.DatabaseException},
		{"public_assets", k.PublicAssets},
	}
}

// containsFold reports whether list holds s, ignoring case and
// surrounding spaces.
func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(v string) bool { return sameWord(v, s) })
}

// sameWord reports whether a and b are equal ignoring case and surrounding
// spaces.
func sameWord(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
