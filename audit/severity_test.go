package audit

import (
	"slices"
	"strings"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"critical": Critical, "warning": Warning, "Critical": Critical, " WARNING ": Warning} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "error", "warn", "high"} {
		if _, err := ParseSeverity(in); err == nil || !strings.Contains(err.Error(), "critical, warning") {
			t.Errorf("ParseSeverity(%q): error %v, want one naming critical, warning", in, err)
		}
	}
}

func TestSeverityAtLeast(t *testing.T) {
	for _, tc := range []struct {
		s, min Severity
		want   bool
	}{
		{Critical, Critical, true},
		{Critical, Warning, true},
		{Warning, Warning, true},
		{Warning, Critical, false},
		// A finding kept by an older opsd has no severity: it counts as a
		// warning.
		{"", Warning, true},
		{"", Critical, false},
	} {
		if got := tc.s.AtLeast(tc.min); got != tc.want {
			t.Errorf("%q.AtLeast(%q) = %v, want %v", tc.s, tc.min, got, tc.want)
		}
	}
}

func TestEveryCheckHasASeverity(t *testing.T) {
	critical := []string{
		"security.encryption-at-rest", "security.api-authorizer", "security.s3-block-public-access", "security.lambda-public-invoke",
		"security.rds-private", "security.opensearch-private", "security.security-group-open-ports",
		"reliability.dynamodb-pitr", "reliability.backup-policy-tag", "reliability.rds-automated-backups",
	}
	for _, c := range Checks() {
		want := Warning
		if slices.Contains(critical, c.ID) {
			want = Critical
		}
		if c.Severity != want {
			t.Errorf("check %s has severity %q, want %q", c.ID, c.Severity, want)
		}
	}
}

func TestFindingsCarryTheirChecksSeverity(t *testing.T) {
	inv := &Inventory{Account: testAccount, Region: testRegion,
		Tables: []Table{{Resource: res(KindDynamoDB, "t", prodTags("pay"))}},
	}
	fs, _ := evaluate(registry(), defaultRules(), inv)
	for _, f := range fs {
		want := Warning
		if f.Check == "reliability.dynamodb-pitr" {
			want = Critical
		}
		if f.Check == "reliability.dynamodb-pitr" || f.Check == "cost.dynamodb-gsi-limit" {
			if f.Severity != want {
				t.Errorf("%s on %s: severity %q, want %q", f.Check, f.Resource, f.Severity, want)
			}
		}
	}
}

func TestFailuresAtLeast(t *testing.T) {
	crit := finding("security.s3-block-public-access", PillarSecurity, Fail, "pay", "b")
	crit.Severity = Critical
	warn := finding("tagging.mandatory-tags", PillarTagging, Fail, "pay", "a")
	warn.Severity = Warning
	unknown := finding("security.encryption-at-rest", PillarSecurity, Unknown, "pay", "c")
	unknown.Severity = Critical
	pass := finding("security.encryption-at-rest", PillarSecurity, Pass, "web", "d")
	pass.Severity = Critical
	rep := buildReport(testNow, Checks(), []Finding{crit, warn, unknown, pass}, nil)
	if got := rep.FailuresAtLeast(Critical); len(got) != 1 || got[0].Resource != "b" {
		t.Errorf("FailuresAtLeast(critical) = %+v, want the failing bucket b only", got)
	}
	if got := rep.FailuresAtLeast(Warning); len(got) != 2 {
		t.Errorf("FailuresAtLeast(warning) = %+v, want b and a", got)
	}
	if got := rep.Filter("web").FailuresAtLeast(Warning); len(got) != 0 {
		t.Errorf("web has no failure, got %+v", got)
	}
	var none *Report
	if got := none.FailuresAtLeast(Warning); got != nil {
		t.Errorf("nil report: %+v", got)
	}
}
