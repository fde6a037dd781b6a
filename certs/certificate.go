package certs

import (
	"strings"
	"time"
)

// Certificate types, as ACM names them.
const (
	TypeAmazonIssued = "AMAZON_ISSUED"
	TypeImported     = "IMPORTED"
	TypePrivate      = "PRIVATE"
)

// Certificate statuses the planner looks at, as ACM names them.
const (
	StatusIssued  = "ISSUED"
	StatusExpired = "EXPIRED"
)

// Managed renewal statuses and eligibility, as ACM names them.
const (
	RenewalPendingValidation = "PENDING_VALIDATION"
	RenewalFailed            = "FAILED"
	Eligible                 = "ELIGIBLE"
	Ineligible               = "INELIGIBLE"
)

// validationSuccess is a domain's validation status once it is validated.
const validationSuccess = "SUCCESS"

// Certificate is one ACM certificate as the planner needs it: what
// DescribeCertificate says of it, and its tags.
type Certificate struct {
	Account string
	Region  string
	ARN     string
	// Domain is the certificate's primary domain name.
	Domain string
	// Type is TypeAmazonIssued, TypeImported or TypePrivate.
	Type string
	// Status is ACM's status of the certificate (ISSUED, EXPIRED, ...).
	Status string
	// NotAfter is when the certificate expires; zero for one never issued.
	NotAfter time.Time
	// InUseBy are the ARNs of the AWS resources (load balancers,
	// CloudFront distributions, ...) that use it.
	InUseBy []string
	// RenewalEligibility is Eligible or Ineligible: whether ACM will
	// renew it.
	RenewalEligibility string
	// Renewal is the state of ACM's managed renewal; nil when none is
	// under way.
	Renewal *Renewal
	// Tags are the certificate's tags; nil when they were not read.
	Tags map[string]string
}

// Renewal is ACM's managed renewal of a certificate.
type Renewal struct {
	// Status is PENDING_AUTO_RENEWAL, PENDING_VALIDATION, SUCCESS or
	// FAILED.
	Status string
	// Reason is ACM's reason for a failed renewal (a FailureReason).
	Reason string
	// Unvalidated are the domains ACM could not yet validate for the
	// renewal.
	Unvalidated []Validation
}

// Validation is one domain's validation for a renewal.
type Validation struct {
	Domain string
	// Method is DNS, EMAIL or HTTP.
	Method string
	// Status is PENDING_VALIDATION, SUCCESS or FAILED.
	Status string
	// RecordName, RecordType and RecordValue are the DNS record ACM looks
	// for (DNS validation): a CNAME from RecordName to RecordValue.
	RecordName, RecordType, RecordValue string
}

// inUse reports whether an AWS resource uses the certificate.
func (c *Certificate) inUse() bool { return len(c.InUseBy) > 0 }

// name is the certificate for people: its domain, else its ARN's id.
func (c *Certificate) name() string {
	if c.Domain != "" {
		return c.Domain
	}
	return c.ARN[strings.LastIndex(c.ARN, "/")+1:]
}

// target is the account and region the certificate is in.
func (c *Certificate) target() string { return c.Account + "/" + c.Region }

// owner is who the certificate belongs to, for grouping the summary: its
// team email, else its application, else a note that it has neither tag.
func (k TagKeys) owner(c *Certificate) string {
	if v := strings.TrimSpace(c.Tags[k.TeamEmail]); v != "" {
		return v
	}
	if v := strings.TrimSpace(c.Tags[k.Application]); v != "" {
		return k.Application + " " + v
	}
	return "no " + k.TeamEmail + " or " + k.Application + " tag"
}
