package certs

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/smithy-go"
)

// listInput lists every certificate: without Includes.KeyTypes ACM lists
// only RSA_1024 and RSA_2048 certificates, and without
// CertificateKeyPairOrigins only some key pair origins.
func listInput() *acm.ListCertificatesInput {
	return &acm.ListCertificatesInput{
		Includes:                  &types.Filters{KeyTypes: types.KeyAlgorithm("").Values()},
		CertificateKeyPairOrigins: types.CertificateKeyPairOrigin("").Values(),
	}
}

// observe lists the certificates of one account and region and
// describes those that quiet does not rule out (see [Quiet]). A
// certificate that cannot be described is left out and its failure
// returned with the others'; one deleted between the list and the
// describe is skipped.
func observe(ctx context.Context, api ACMAPI, account, region string, quiet func(types.CertificateSummary) bool) ([]Certificate, error) {
	var out []Certificate
	var errs []error
	p := acm.NewListCertificatesPaginator(api, listInput())
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("list acm certificates: %w", err)
		}
		for _, s := range page.CertificateSummaryList {
			if quiet(s) {
				continue
			}
			arn := aws.ToString(s.CertificateArn)
			d, err := api.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(arn)})
			switch {
			case isNotFound(err):
				continue
			case err != nil:
				errs = append(errs, fmt.Errorf("describe acm certificate %s: %w", arn, err))
				continue
			case d.Certificate == nil:
				errs = append(errs, fmt.Errorf("describe acm certificate %s: no certificate in the answer", arn))
				continue
			}
			out = append(out, fromDetail(account, region, d.Certificate))
		}
	}
	return out, errors.Join(errs...)
}

// readTags fills in the tags of the certificates that have findings: only
// those are grouped by owner. A failure leaves that certificate without
// tags and is returned with the others'.
func readTags(ctx context.Context, api ACMAPI, findings []Finding) error {
	var errs []error
	for _, f := range findings {
		c := f.Cert
		if c.Tags != nil {
			continue
		}
		out, err := api.ListTagsForCertificate(ctx, &acm.ListTagsForCertificateInput{CertificateArn: aws.String(c.ARN)})
		if err != nil {
			if !isNotFound(err) {
				errs = append(errs, fmt.Errorf("list tags of acm certificate %s: %w", c.ARN, err))
			}
			continue
		}
		c.Tags = map[string]string{}
		for _, t := range out.Tags {
			c.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return errors.Join(errs...)
}

// isNotFound reports whether err is ACM's answer for a certificate that
// no longer exists.
func isNotFound(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "ResourceNotFoundException"
}

// fromDetail is the planner's view of a described certificate.
func fromDetail(account, region string, d *types.CertificateDetail) Certificate {
	c := Certificate{
		Account:            account,
		Region:             region,
		ARN:                aws.ToString(d.CertificateArn),
		Domain:             aws.ToString(d.DomainName),
		Type:               string(d.Type),
		Status:             string(d.Status),
		NotAfter:           aws.ToTime(d.NotAfter),
		InUseBy:            d.InUseBy,
		RenewalEligibility: string(d.RenewalEligibility),
	}
	if r := d.RenewalSummary; r != nil {
		c.Renewal = &Renewal{Status: string(r.RenewalStatus), Reason: string(r.RenewalStatusReason)}
		for _, v := range r.DomainValidationOptions {
			if v.ValidationStatus == validationSuccess {
				continue
			}
			val := Validation{
				Domain: aws.ToString(v.DomainName),
				Method: string(v.ValidationMethod),
				Status: string(v.ValidationStatus),
			}
			if rr := v.ResourceRecord; rr != nil {
				val.RecordName, val.RecordType, val.RecordValue = aws.ToString(rr.Name), string(rr.Type), aws.ToString(rr.Value)
			}
			c.Renewal.Unvalidated = append(c.Renewal.Unvalidated, val)
		}
	}
	return c
}
