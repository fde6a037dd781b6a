package audit

import "testing"

func TestCertificatesRenew(t *testing.T) {
	app := devTags("pay")
	alb := []string{"arn:aws:elasticloadbalancing:eu-west-2:111111111111:loadbalancer/app/web/1"}
	runCheck(t, checkCertificatesRenew(), []checkCase{
		{name: "certificates", inv: Inventory{Certificates: []Certificate{
			{Resource: res(KindCertificate, "renews", app), Type: "AMAZON_ISSUED", Status: "ISSUED", InUseBy: alb, RenewalEligibility: "ELIGIBLE"},
			{Resource: res(KindCertificate, "imported", app), Type: "IMPORTED", Status: "ISSUED", InUseBy: alb, RenewalEligibility: "INELIGIBLE"},
			{Resource: res(KindCertificate, "unused", app), Type: "AMAZON_ISSUED", Status: "ISSUED", RenewalEligibility: "INELIGIBLE"},
			{Resource: res(KindCertificate, "private", app), Type: "PRIVATE", Status: "ISSUED", InUseBy: alb, RenewalEligibility: "INELIGIBLE"},
			{Resource: res(KindCertificate, "failed", app), Type: "AMAZON_ISSUED", Status: "ISSUED", InUseBy: alb, RenewalEligibility: "ELIGIBLE", RenewalStatus: "FAILED"},
			{Resource: res(KindCertificate, "expired", app), Type: "AMAZON_ISSUED", Status: "EXPIRED", InUseBy: alb, RenewalEligibility: "INELIGIBLE"},
			{Resource: res(KindCertificate, "silent", app), Type: "AMAZON_ISSUED", Status: "ISSUED", InUseBy: alb},
		}}, want: map[string]want{
			"renews":   {Pass, "ACM renews it (amazon_issued, in use by 1 resource(s))"},
			"imported": {Fail, "imported, so ACM never renews it; used by 1 resource(s) (issue it from ACM, or re-import before it expires)"},
			"unused":   {NotApplicable, "not in use"},
			"private":  {Fail, "ACM says it is not eligible for managed renewal (ACM needs permission on its private CA); used by 1 resource(s)"},
			"failed":   {Fail, "ACM's managed renewal failed; used by 1 resource(s)"},
			"expired":  {Fail, "expired and still used by 1 resource(s): " + alb[0]},
			"silent":   {Unknown, `ACM did not say whether it will renew it (renewal eligibility "")`},
		}},
	})
}
