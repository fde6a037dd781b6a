package monitor

import (
	"strings"
	"testing"
)

// retentionRows plans groups under cfg and returns the log group rows by
// name.
func retentionRows(cfg Config, groups ...LogGroup) map[string]*Change {
	obs := observation()
	obs.LogGroups = groups
	out := map[string]*Change{}
	for _, c := range NewPlanner(cfg).Plan(obs) {
		if strings.HasPrefix(c.Name, "/") {
			out[c.Name] = c
		}
	}
	return out
}

// An audit trail that never expires and an application's seven years of
// logs are not shortened by default: shortening deletes their older
// events.
func TestRetentionShortensNothingByDefault(t *testing.T) {
	rows := retentionRows(testConfig(),
		LogGroup{Name: "/aws/cloudtrail/org-audit", ARN: "arn:audit"},
		LogGroup{Name: "/app/payments", ARN: "arn:payments", RetentionDays: 2557},
	)
	for _, name := range []string{"/aws/cloudtrail/org-audit", "/app/payments"} {
		c := rows[name]
		if c == nil {
			t.Errorf("%s: no row; a log group outside the policy is reported", name)
			continue
		}
		if c.acts() {
			t.Errorf("%s: %s %q, want a report that changes nothing", name, c.ActionName(), c.Reason)
		}
	}
}

// Every case of the policy, with what each opt-in changes: the reason
// says in plain words whether events are deleted.
func TestRetentionCases(t *testing.T) {
	const (
		optIn    = "not changed: shortening is opt-in (monitor.log_retention.shorten / shorten_prefixes); or tag the log group opsd:log-retention=shorten"
		deletes  = "set to 180 days: deletes events older than 180 days (shortening allowed by "
		lengthen = "keeps events for 14 days; the policy says 180–240 days; set to 180 days: keeps events longer, deletes nothing"
	)
	groups := []LogGroup{
		{Name: "/aws/cloudtrail/org-audit", ARN: "arn:audit"},
		{Name: "/app/payments", ARN: "arn:payments", RetentionDays: 2557},
		{Name: "/app/short", ARN: "arn:short", RetentionDays: 14},
		{Name: "/app/ok", RetentionDays: 180},
		{Name: "/app/debug", ARN: "arn:debug", Tags: map[string]string{"opsd:log-retention": " Shorten "}},
		{Name: "/app/exempt", ARN: "arn:exempt", Tags: map[string]string{"opsd:log-retention": "exempt"}},
	}
	type row struct{ action, reason string }
	for _, tt := range []struct {
		name string
		edit func(*LogRetention)
		want map[string]row
	}{
		{"default", func(*LogRetention) {}, map[string]row{
			"/aws/cloudtrail/org-audit": {"report", "keeps events forever; the policy says 180–240 days; " + optIn},
			"/app/payments":             {"report", "keeps events for 2557 days; the policy says 180–240 days; " + optIn},
			"/app/short":                {"set-log-retention", lengthen},
			"/app/debug":                {"set-log-retention", "keeps events forever; the policy says 180–240 days; " + deletes + "tag opsd:log-retention=shorten)"},
		}},
		{"shorten", func(p *LogRetention) { p.Shorten = true }, map[string]row{
			"/aws/cloudtrail/org-audit": {"set-log-retention", "keeps events forever; the policy says 180–240 days; " + deletes + "monitor.log_retention.shorten)"},
			"/app/payments":             {"set-log-retention", "keeps events for 2557 days; the policy says 180–240 days; " + deletes + "monitor.log_retention.shorten)"},
			"/app/short":                {"set-log-retention", lengthen},
			"/app/debug":                {"set-log-retention", "keeps events forever; the policy says 180–240 days; " + deletes + "monitor.log_retention.shorten)"},
		}},
		{"prefix", func(p *LogRetention) { p.ShortenPrefixes = []string{"/app/pay"} }, map[string]row{
			"/aws/cloudtrail/org-audit": {"report", "keeps events forever; the policy says 180–240 days; " + optIn},
			"/app/payments":             {"set-log-retention", "keeps events for 2557 days; the policy says 180–240 days; " + deletes + `monitor.log_retention.shorten_prefixes "/app/pay")`},
			"/app/short":                {"set-log-retention", lengthen},
			"/app/debug":                {"set-log-retention", "keeps events forever; the policy says 180–240 days; " + deletes + "tag opsd:log-retention=shorten)"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			tt.edit(&cfg.LogRetention)
			got := map[string]row{}
			for name, c := range retentionRows(cfg, groups...) {
				got[name] = row{c.ActionName(), c.Reason}
			}
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("%s:\n got %+v\nwant %+v", name, got[name], want)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("rows %v, want only %v", got, tt.want)
			}
		})
	}
}

// What a shortening and a lengthening carry in their details and what
// acting sets.
func TestRetentionDetails(t *testing.T) {
	cfg := testConfig()
	cfg.LogRetention.ShortenPrefixes = []string{"/aws/cloudtrail/"}
	rows := retentionRows(cfg,
		LogGroup{Name: "/aws/cloudtrail/org-audit", ARN: "arn:audit"},
		LogGroup{Name: "/app/short", ARN: "arn:short", RetentionDays: 14},
		LogGroup{Name: "/app/payments", ARN: "arn:payments", RetentionDays: 2557},
	)
	audit, short, pay := rows["/aws/cloudtrail/org-audit"], rows["/app/short"], rows["/app/payments"]
	if audit.retention != 180 || !audit.shortens || audit.Details["from_days"] != "never expire" || audit.Details["to_days"] != "180" ||
		audit.Details["deletes"] != "events older than 180 days" || audit.Details["shortening_allowed_by"] != `monitor.log_retention.shorten_prefixes "/aws/cloudtrail/"` {
		t.Errorf("shortening = %+v", audit)
	}
	if short.retention != 180 || short.shortens || short.Details["from_days"] != "14" || short.Details["deletes"] != "nothing" {
		t.Errorf("lengthening = %+v", short)
	}
	if pay.acts() || pay.Details["from_days"] != "2557" || pay.Details["to_days"] != "" {
		t.Errorf("report = %+v", pay)
	}
	if countKey(audit) != "log-retention shorten" || countKey(short) != "log-retention set" {
		t.Errorf("count keys %q %q", countKey(audit), countKey(short))
	}
}

// Groups within the policy, delivery groups and a disabled policy give no
// rows; an exempt tag wins over every opt-in.
func TestRetentionLeavesAloneWhatIsNotItsConcern(t *testing.T) {
	cfg := testConfig()
	cfg.LogRetention.Shorten = true
	rows := retentionRows(cfg,
		LogGroup{Name: "/ok-min", RetentionDays: 180},
		LogGroup{Name: "/ok-max", RetentionDays: 240},
		LogGroup{Name: "/delivery", Class: "DELIVERY", RetentionDays: 2},
		LogGroup{Name: "/exempt", Tags: map[string]string{"opsd:log-retention": "EXEMPT"}},
	)
	if len(rows) != 0 {
		t.Errorf("rows = %v", rows)
	}
	cfg.LogRetention.Enabled = false
	if rows := retentionRows(cfg, LogGroup{Name: "/never"}); len(rows) != 0 {
		t.Errorf("disabled policy rows = %v", rows)
	}
}
