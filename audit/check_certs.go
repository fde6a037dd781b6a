package audit

import (
	"fmt"
	"strings"
)

// checkCertificatesRenew: every ACM certificate in use renews
// automatically. ACM renews only certificates it issued and that are
// eligible (in use; for a private certificate, with permission on its
// CA); an imported one lapses unless someone imports a new one.
func checkCertificatesRenew() Check {
	return Check{
		ID:       "reliability.certificates-renew",
		Pillar:   PillarReliability,
		Severity: Warning,
		Title:    "Certificates in use renew automatically",
		Kinds:    []Kind{KindCertificate},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, c := range inv.Certificates {
				out = append(out, judgeRenewal(r, inv, c))
			}
			return out
		},
	}
}

// judgeRenewal judges one certificate: one cause per branch.
func judgeRenewal(r *Rules, inv *Inventory, c Certificate) Finding {
	users := fmt.Sprintf("%d resource(s)", len(c.InUseBy))
	switch {
	case len(c.InUseBy) == 0:
		return r.notApplicable(inv, c.Resource, "not in use")
	case c.Status == "EXPIRED":
		return r.fail(inv, c.Resource, "expired and still used by %s: %s", users, strings.Join(c.InUseBy, ", "))
	case c.Type == "IMPORTED":
		return r.fail(inv, c.Resource, "imported, so ACM never renews it; used by %s (issue it from ACM, or re-import before it expires)", users)
	case c.RenewalStatus == "FAILED":
		return r.fail(inv, c.Resource, "ACM's managed renewal failed; used by %s", users)
	case c.RenewalEligibility == "INELIGIBLE":
		reason := "ACM says it is not eligible for managed renewal"
		if c.Type == "PRIVATE" {
			reason += " (ACM needs permission on its private CA)"
		}
		return r.fail(inv, c.Resource, "%s; used by %s", reason, users)
	case c.RenewalEligibility == "ELIGIBLE":
		return r.pass(inv, c.Resource, "ACM renews it (%s, in use by %s)", strings.ToLower(c.Type), users)
	}
	return r.unknown(inv, c.Resource, "ACM did not say whether it will renew it (renewal eligibility %q)", c.RenewalEligibility)
}
