// Package certs is opsd's certificates service: it looks at every AWS
// Certificate Manager certificate of every account and region, and of
// us-east-1, where the certificates of CloudFront distributions must be,
// and tells the certificates' owners what needs them. It changes nothing.
//
// # What it finds
//
// [Plan] turns described certificates and the time into findings, one per
// cause (plan.go):
//   - an expired certificate still used by a load balancer, a CloudFront
//     distribution or any other resource (DescribeCertificate's InUseBy):
//     critical; an expired certificate nothing uses is left alone;
//   - ACM's managed renewal waiting for domain validation
//     (RenewalSummary.RenewalStatus PENDING_VALIDATION), naming, for DNS
//     validation, the CNAME record ACM looks for, or failed (FAILED),
//     with ACM's RenewalStatusReason;
//   - a certificate ACM will not renew, as soon as it is seen: imported
//     (ACM never renews those), ACM-issued but used by nothing (ACM renews
//     only certificates in use, and says RenewalEligibility INELIGIBLE),
//     or otherwise INELIGIBLE (a private certificate whose CA has not
//     given ACM permission);
//   - a certificate within one of warn_days of its expiry: the smallest
//     threshold it is within; for one ACM will not renew, saying so.
//
// ListCertificates is asked for every key type and key pair origin: by
// default ACM lists only RSA_1024 and RSA_2048 certificates, so an ECDSA
// or RSA_4096 certificate would be missed. A certificate whose summary
// already rules out any finding ([Quiet]: issued by ACM, eligible for
// renewal, further from expiry than the largest threshold and ACM's
// 60-day renewal window) is not described, so a large estate costs one
// DescribeCertificate per certificate only near its expiry or when it
// will not renew. Tags are read only for the certificates with findings,
// to group them by owner.
//
// # Telling once
//
// An Apply reconcile sends one summary of the findings not told before,
// grouped by owner (the TeamEmail tag, else Application), most urgent
// first. That ACM will not renew a certificate is news, told once, not
// counted among the certificates that need a person: all three causes
// leave the certificate working until its expiry, so it needs someone
// from its first threshold on, which is told as for any expiring
// certificate. While that is all that is found about a certificate, the
// Apply runs after the one that told it leave it out of their actions
// (plan mode still lists it), so no run's record reports it again. A finding's key is the certificate, its expiry, the cause and
// the threshold (or the renewal's reason), so each threshold is told
// once per certificate, and a renewed or re-imported certificate, whose
// expiry moved, is a new one. Findings are remembered as told only once
// the summary was delivered, and kept in the state store (state.go), so a
// restart or a new leader repeats nothing. What is no longer found in an
// account and region that was read completely is forgotten; one that
// could not be read keeps what it had. An account or region that could
// not be read (or only in part) is named in the summary once, until it
// fails differently (another AWS error code) or recovers and fails again.
package certs
