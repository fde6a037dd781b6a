package certs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/notify"
)

// Cause is why a certificate needs a person; [Finding.Reason] explains
// it. A certificate may have several findings, one per cause.
type Cause int

// The causes, most urgent first.
const (
	// CauseExpiredInUse: the certificate has expired and a load balancer,
	// CloudFront distribution or other resource still uses it: clients
	// are refused now. Critical.
	CauseExpiredInUse Cause = iota
	// CauseRenewalFailed: ACM's managed renewal failed (its reason is
	// given); the certificate expires unless someone acts.
	CauseRenewalFailed
	// CauseRenewalPendingValidation: ACM's managed renewal waits for
	// domain validation, for DNS validation the CNAME record named in the
	// finding, which is missing.
	CauseRenewalPendingValidation
	// CauseImported: an imported certificate; ACM never renews one, so
	// its owner must import a new one before it expires.
	CauseImported
	// CauseNotInUse: an ACM-issued certificate nothing uses; ACM renews
	// only certificates in use, so this one is ineligible and will lapse.
	CauseNotInUse
	// CauseIneligible: ACM says it will not renew the certificate for
	// another reason (for a private certificate: ACM has no permission on
	// its private CA).
	CauseIneligible
	// CauseExpiring: the certificate expires within one of the warn_days
	// thresholds (the smallest it is within is the finding's Threshold).
	CauseExpiring
)

// Action is the action name of a finding's row in plans and metrics.
func (c Cause) Action() string {
	switch c {
	case CauseExpiredInUse:
		return "report-expired-in-use"
	case CauseRenewalFailed:
		return "report-renewal-failed"
	case CauseRenewalPendingValidation:
		return "report-renewal-pending-validation"
	case CauseImported, CauseNotInUse, CauseIneligible:
		return "report-not-renewing"
	case CauseExpiring:
		return "warn-expiry"
	}
	return "report"
}

// WillNotRenew reports whether c is a cause for which ACM will not renew
// the certificate (imported, not in use, or otherwise ineligible). Such a
// finding is told once, as news rather than as needing a person: the
// certificate needs someone only once it comes within an expiry
// threshold, which is told as for any expiring certificate.
func (c Cause) WillNotRenew() bool {
	return c == CauseImported || c == CauseNotInUse || c == CauseIneligible
}

// Finding is one thing about one certificate that a person must know.
type Finding struct {
	Cert  *Certificate
	Cause Cause
	// Threshold is the warn_days threshold crossed (CauseExpiring).
	Threshold int
	// DaysLeft is the whole days until the certificate expires (negative
	// once it has).
	DaysLeft int
}

// Key identifies what is told, so each is told once: the certificate,
// its expiry (a renewed or re-imported certificate is a new one), the
// cause, and the threshold or the renewal's reason.
func (f Finding) Key() string {
	parts := []string{f.Cert.ARN, f.Cert.NotAfter.UTC().Format(time.RFC3339), f.Cause.Action()}
	switch f.Cause {
	case CauseExpiring:
		parts = append(parts, strconv.Itoa(f.Threshold))
	case CauseRenewalFailed:
		parts = append(parts, f.Cert.Renewal.Reason)
	case CauseImported:
		parts = append(parts, "imported")
	case CauseNotInUse:
		parts = append(parts, "not-in-use")
	case CauseIneligible:
		parts = append(parts, "ineligible")
	}
	return strings.Join(parts, "|")
}

// Severity is how urgently the finding needs a person.
func (f Finding) Severity() notify.Severity {
	switch f.Cause {
	case CauseExpiredInUse, CauseRenewalFailed:
		return notify.Error
	case CauseExpiring:
		if f.DaysLeft < 7 {
			return notify.Error
		}
	}
	return notify.Warning
}

// Reason says what was found, for plans and the summary.
func (f Finding) Reason() string {
	c := f.Cert
	switch f.Cause {
	case CauseExpiredInUse:
		return fmt.Sprintf("expired %s and still in use by %s", day(c.NotAfter), strings.Join(c.InUseBy, ", "))
	case CauseRenewalFailed:
		s := "ACM's renewal failed"
		if r := c.Renewal.Reason; r != "" {
			s += ": " + r
		}
		return s + missingRecords(c.Renewal) + "; " + expiry(f)
	case CauseRenewalPendingValidation:
		return "ACM's renewal waits for domain validation" + missingRecords(c.Renewal) + "; " + expiry(f)
	case CauseImported:
		return "imported: ACM never renews an imported certificate; import a new one before it expires; " + expiry(f)
	case CauseNotInUse:
		return "not in use, so ACM will not renew it: attach it or delete it; " + expiry(f)
	case CauseIneligible:
		s := "ACM says it will not renew it"
		if c.Type == TypePrivate {
			s += " (a private certificate: ACM needs permission on its private CA to renew it)"
		}
		return s + "; " + expiry(f)
	case CauseExpiring:
		s := fmt.Sprintf("expires within %d days (%s)", f.Threshold, expiry(f))
		if cause, ok := c.notRenewing(); ok {
			s += "; " + map[Cause]string{
				CauseImported:   "imported, so ACM will not renew it: import a new one",
				CauseNotInUse:   "not in use, so ACM will not renew it",
				CauseIneligible: "ACM will not renew it",
			}[cause]
		}
		return s
	}
	return ""
}

// expiry says when the certificate expires.
func expiry(f Finding) string {
	switch {
	case f.DaysLeft < 0:
		return "expired " + day(f.Cert.NotAfter)
	case f.DaysLeft == 1:
		return "expires " + day(f.Cert.NotAfter) + ", in 1 day"
	}
	return fmt.Sprintf("expires %s, in %d days", day(f.Cert.NotAfter), f.DaysLeft)
}

// day is t's date in UTC.
func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// missingRecords names the validations a renewal still waits for: for
// DNS validation the CNAME record that is missing.
func missingRecords(r *Renewal) string {
	var parts []string
	for _, v := range r.Unvalidated {
		switch {
		case v.RecordName != "":
			typ := v.RecordType
			if typ == "" {
				typ = "CNAME"
			}
			parts = append(parts, fmt.Sprintf("%s: %s record %s → %s is missing", v.Domain, typ, v.RecordName, v.RecordValue))
		case v.Method != "":
			parts = append(parts, fmt.Sprintf("%s: %s validation %s", v.Domain, v.Method, strings.ToLower(v.Status)))
		default:
			parts = append(parts, v.Domain+" not validated")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// Plan returns the findings about certs as of now, certificate by
// certificate in the order given, each certificate's most urgent first.
// warnDays are the expiry thresholds in days, in any order. Plan is
// pure: what was told before is left to [Fresh].
func Plan(certs []Certificate, now time.Time, warnDays []int) []Finding {
	thresholds := slices.Sorted(slices.Values(warnDays))
	var out []Finding
	for i := range certs {
		out = append(out, planOne(&certs[i], now, thresholds)...)
	}
	return out
}

// planOne returns the findings about one certificate; thresholds are
// sorted, smallest first.
func planOne(c *Certificate, now time.Time, thresholds []int) []Finding {
	if c.NotAfter.IsZero() {
		// Never issued (pending, failed or timed-out requests): nothing
		// to expire or renew.
		return nil
	}
	left := c.NotAfter.Sub(now)
	f := func(cause Cause) Finding {
		return Finding{Cert: c, Cause: cause, DaysLeft: daysLeft(left)}
	}
	if left <= 0 || c.Status == StatusExpired {
		if c.inUse() {
			return []Finding{f(CauseExpiredInUse)}
		}
		// Expired and used by nothing: harmless.
		return nil
	}
	var out []Finding
	if r := c.Renewal; r != nil {
		switch r.Status {
		case RenewalFailed:
			out = append(out, f(CauseRenewalFailed))
		case RenewalPendingValidation:
			out = append(out, f(CauseRenewalPendingValidation))
		}
	}
	if cause, ok := c.notRenewing(); ok {
		out = append(out, f(cause))
	}
	for _, t := range thresholds {
		if left <= time.Duration(t)*24*time.Hour {
			e := f(CauseExpiring)
			e.Threshold = t
			out = append(out, e)
			break
		}
	}
	return out
}

// notRenewing is why ACM will not renew c, if it will not: imported,
// ACM-issued and used by nothing, or otherwise ineligible.
func (c *Certificate) notRenewing() (Cause, bool) {
	switch {
	case c.Type == TypeImported:
		return CauseImported, true
	case c.RenewalEligibility != Ineligible:
		// ACM will renew it (or says nothing either way).
		return 0, false
	case c.Type == TypeAmazonIssued && !c.inUse():
		return CauseNotInUse, true
	}
	return CauseIneligible, true
}

// renewalWindow is how long before expiry ACM starts the managed renewal
// of a certificate it issued: up to 60 days.
const renewalWindow = 60 * 24 * time.Hour

// Quiet reports whether a certificate that ListCertificates summarises
// with typ, status, eligibility and notAfter can have no finding as of
// now, so it need not be described: issued by ACM (publicly or from a
// private CA), ISSUED, ELIGIBLE for managed renewal, and further from
// its expiry than both the largest of warnDays and ACM's renewal window
// (before which no renewal can be pending or have failed). A summary
// that lacks any of these is never quiet.
func Quiet(typ, status, eligibility string, notAfter, now time.Time, warnDays []int) bool {
	if typ != TypeAmazonIssued && typ != TypePrivate || status != StatusIssued || eligibility != Eligible || notAfter.IsZero() {
		return false
	}
	horizon := renewalWindow
	for _, d := range warnDays {
		horizon = max(horizon, time.Duration(d)*24*time.Hour)
	}
	// A day more, so a certificate is described from the run before it
	// crosses the horizon.
	return notAfter.Sub(now) > horizon+24*time.Hour
}

// daysLeft is left in whole days, rounded down; negative once expired.
func daysLeft(left time.Duration) int {
	d := left / (24 * time.Hour)
	if left < 0 && left%(24*time.Hour) != 0 {
		d--
	}
	return int(d)
}

// Fresh returns the findings whose keys told does not hold: those to
// tell now.
func Fresh(findings []Finding, told map[string]bool) []Finding {
	var out []Finding
	for _, f := range findings {
		if !told[f.Key()] {
			out = append(out, f)
		}
	}
	return out
}
