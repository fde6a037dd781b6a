package certs

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/notify"
)

var planNow = time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)

// cert is an issued, ACM-issued certificate in use that ACM will renew,
// expiring in days (fractional days allowed), changed by opts.
func cert(days float64, opts ...func(*Certificate)) Certificate {
	c := Certificate{
		Account: "111111111111", Region: "eu-west-2",
		ARN:    "arn:aws:acm:eu-west-2:111111111111:certificate/abc",
		Domain: "www.example.org", Type: TypeAmazonIssued, Status: StatusIssued,
		NotAfter:           planNow.Add(time.Duration(days * float64(24*time.Hour))),
		InUseBy:            []string{"arn:aws:elasticloadbalancing:eu-west-2:111111111111:loadbalancer/app/web/1"},
		RenewalEligibility: Eligible,
	}
	for _, o := range opts {
		o(&c)
	}
	return c
}

func imported(c *Certificate) { c.Type, c.RenewalEligibility = TypeImported, Ineligible }
func unused(c *Certificate)   { c.InUseBy, c.RenewalEligibility = nil, Ineligible }
func expired(c *Certificate)  { c.Status = StatusExpired }

func renewal(status, reason string, v ...Validation) func(*Certificate) {
	return func(c *Certificate) { c.Renewal = &Renewal{Status: status, Reason: reason, Unvalidated: v} }
}

// finding describes a finding for comparison: "cause[/threshold]".
func finding(f Finding) string {
	s := f.Cause.Action()
	if f.Cause == CauseExpiring {
		s += "/" + strconv.Itoa(f.Threshold)
	}
	return s
}

func TestPlan(t *testing.T) {
	dnsMissing := Validation{Domain: "www.example.org", Method: "DNS", Status: "PENDING_VALIDATION",
		RecordName: "_x1.www.example.org.", RecordType: "CNAME", RecordValue: "_y1.acm-validations.aws."}
	tests := []struct {
		name string
		cert Certificate
		want []string
	}{
		{"far from expiry, renews: nothing", cert(200), nil},
		{"just outside the largest threshold", cert(45.01), nil},
		{"exactly at the largest threshold", cert(45), []string{"warn-expiry/45"}},
		{"within 45 days", cert(40), []string{"warn-expiry/45"}},
		{"within 30 days", cert(29.5), []string{"warn-expiry/30"}},
		{"within 14 days names the smallest threshold crossed", cert(10), []string{"warn-expiry/14"}},
		{"within 7 days", cert(6), []string{"warn-expiry/7"}},
		{"within 1 day", cert(0.5), []string{"warn-expiry/1"}},
		{"renewal pending validation", cert(50, renewal(RenewalPendingValidation, "", dnsMissing)),
			[]string{"report-renewal-pending-validation"}},
		{"renewal failed, expiring", cert(20, renewal(RenewalFailed, "CAA_ERROR")),
			[]string{"report-renewal-failed", "warn-expiry/30"}},
		{"renewal under way or done: nothing", cert(55, renewal("PENDING_AUTO_RENEWAL", "")), nil},
		{"renewal succeeded: nothing", cert(390, renewal("SUCCESS", "")), nil},
		{"imported, far from expiry: flagged early", cert(300, imported), []string{"report-not-renewing"}},
		{"imported and expiring", cert(13, imported), []string{"report-not-renewing", "warn-expiry/14"}},
		{"not in use, ineligible", cert(100, unused), []string{"report-not-renewing"}},
		{"private without permission on its CA", cert(100, func(c *Certificate) { c.Type, c.RenewalEligibility = TypePrivate, Ineligible }),
			[]string{"report-not-renewing"}},
		{"not in use but eligible (ACM says it renews): nothing", cert(100, func(c *Certificate) { c.InUseBy = nil }), nil},
		{"expired and in use: critical, nothing else", cert(-2, expired, imported), []string{"report-expired-in-use"}},
		{"past NotAfter though ACM still says ISSUED, in use", cert(-0.1), []string{"report-expired-in-use"}},
		{"expired and unused: nothing", cert(-2, expired, unused), nil},
		{"never issued: nothing", cert(0, func(c *Certificate) { c.NotAfter, c.Status = time.Time{}, "PENDING_VALIDATION" }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Plan([]Certificate{tt.cert}, planNow, []int{45, 30, 14, 7, 1})
			var names []string
			for _, f := range got {
				names = append(names, finding(f))
				if f.Reason() == "" {
					t.Errorf("%s has no reason", finding(f))
				}
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("findings = %v, want %v", names, tt.want)
			}
		})
	}
}

func TestPlanThresholdsInAnyOrder(t *testing.T) {
	got := Plan([]Certificate{cert(10)}, planNow, []int{1, 30, 14})
	if len(got) != 1 || got[0].Threshold != 14 {
		t.Fatalf("findings = %+v, want one at 14 days", got)
	}
}

func TestReasons(t *testing.T) {
	tests := []struct {
		name string
		cert Certificate
		want []string
	}{
		{"pending validation names the missing CNAME", cert(50, renewal(RenewalPendingValidation, "", Validation{Domain: "api.example.org", Method: "DNS",
			Status: "PENDING_VALIDATION", RecordName: "_a.api.example.org.", RecordType: "CNAME", RecordValue: "_b.acm-validations.aws."})),
			[]string{"api.example.org: CNAME record _a.api.example.org. → _b.acm-validations.aws. is missing", "expires 2027-01-23, in 50 days"}},
		{"failed gives ACM's reason", cert(20, renewal(RenewalFailed, "CAA_ERROR")), []string{"renewal failed: CAA_ERROR"}},
		{"email validation", cert(50, renewal(RenewalPendingValidation, "", Validation{Domain: "example.org", Method: "EMAIL", Status: "PENDING_VALIDATION"})),
			[]string{"example.org: EMAIL validation pending_validation"}},
		{"expired in use names the users", cert(-1, expired), []string{"expired 2026-12-03 and still in use by arn:aws:elasticloadbalancing"}},
		{"imported", cert(300, imported), []string{"ACM never renews an imported certificate"}},
		{"private", cert(300, func(c *Certificate) { c.Type, c.RenewalEligibility = TypePrivate, Ineligible }), []string{"permission on its private CA"}},
		{"unused", cert(300, unused), []string{"not in use, so ACM will not renew it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Plan([]Certificate{tt.cert}, planNow, []int{45, 30, 14, 7, 1})
			if len(got) == 0 {
				t.Fatal("no findings")
			}
			for _, w := range tt.want {
				if !strings.Contains(got[0].Reason(), w) {
					t.Errorf("reason %q does not contain %q", got[0].Reason(), w)
				}
			}
		})
	}
}

func TestSeverity(t *testing.T) {
	tests := []struct {
		cert Certificate
		want notify.Severity
	}{
		{cert(-1, expired), notify.Error},
		{cert(20, renewal(RenewalFailed, "OTHER")), notify.Error},
		{cert(40), notify.Warning},
		{cert(5), notify.Error},
		{cert(300, imported), notify.Warning},
	}
	for _, tt := range tests {
		f := Plan([]Certificate{tt.cert}, planNow, []int{45, 30, 14, 7, 1})[0]
		if got := f.Severity(); got != tt.want {
			t.Errorf("%s: severity %s, want %s", finding(f), got, tt.want)
		}
	}
}

// TestToldOnce walks one certificate towards its expiry day by day and
// checks each threshold is told once, and that a renewed certificate (a
// new NotAfter) starts again.
func TestToldOnce(t *testing.T) {
	c := cert(50, imported)
	told := map[string]bool{}
	var tellings []string
	for day := range 52 {
		now := planNow.Add(time.Duration(day) * 24 * time.Hour)
		for _, f := range Fresh(Plan([]Certificate{c}, now, []int{45, 30, 14, 7, 1}), told) {
			tellings = append(tellings, finding(f))
			told[f.Key()] = true
		}
	}
	want := []string{"report-not-renewing", "warn-expiry/45", "warn-expiry/30", "warn-expiry/14", "warn-expiry/7", "warn-expiry/1", "report-expired-in-use"}
	if !slices.Equal(tellings, want) {
		t.Errorf("told %v, want %v", tellings, want)
	}

	renewed := c
	renewed.NotAfter = c.NotAfter.Add(365 * 24 * time.Hour)
	got := Fresh(Plan([]Certificate{renewed}, planNow, []int{45, 30, 14, 7, 1}), told)
	if len(got) != 1 || got[0].Cause != CauseImported {
		t.Errorf("re-imported certificate: fresh %v, want its not-renewing finding again", got)
	}
}

func TestKeyDistinguishesRenewalReasons(t *testing.T) {
	a := Plan([]Certificate{cert(20, renewal(RenewalFailed, "CAA_ERROR"))}, planNow, []int{45})[0]
	b := Plan([]Certificate{cert(20, renewal(RenewalFailed, "DOMAIN_NOT_ALLOWED"))}, planNow, []int{45})[0]
	if a.Key() == b.Key() {
		t.Errorf("a renewal that fails for a new reason has the same key %q", a.Key())
	}
}

func TestQuiet(t *testing.T) {
	warn := []int{45, 30, 14, 7, 1}
	tests := []struct {
		name                     string
		typ, status, eligibility string
		days                     float64
		want                     bool
	}{
		{"ACM-issued, eligible, far from expiry", TypeAmazonIssued, StatusIssued, Eligible, 200, true},
		{"private, eligible, far from expiry", TypePrivate, StatusIssued, Eligible, 200, true},
		{"within ACM's renewal window, a day's margin", TypeAmazonIssued, StatusIssued, Eligible, 60.5, false},
		{"just outside window and margin", TypeAmazonIssued, StatusIssued, Eligible, 61.1, true},
		{"imported", TypeImported, StatusIssued, Ineligible, 200, false},
		{"ineligible (not in use)", TypeAmazonIssued, StatusIssued, Ineligible, 200, false},
		{"expired", TypeAmazonIssued, StatusExpired, Eligible, 200, false},
		{"summary without eligibility", TypeAmazonIssued, StatusIssued, "", 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quiet(tt.typ, tt.status, tt.eligibility, planNow.Add(time.Duration(tt.days*float64(24*time.Hour))), planNow, warn); got != tt.want {
				t.Errorf("Quiet = %v, want %v", got, tt.want)
			}
		})
	}
	if Quiet(TypeAmazonIssued, StatusIssued, Eligible, planNow.Add(80*24*time.Hour), planNow, []int{90}) {
		t.Error("a certificate within the largest threshold is quiet")
	}
	if Quiet(TypeAmazonIssued, StatusIssued, Eligible, time.Time{}, planNow, warn) {
		t.Error("a summary without NotAfter is quiet")
	}
	// Nothing quiet has a finding.
	for _, days := range []float64{61.1, 100, 390} {
		c := cert(days)
		if !Quiet(c.Type, c.Status, c.RenewalEligibility, c.NotAfter, planNow, warn) {
			t.Fatalf("%v days: not quiet", days)
		}
		if f := Plan([]Certificate{c}, planNow, warn); len(f) > 0 {
			t.Errorf("%v days: quiet but found %v", days, f)
		}
	}
}
