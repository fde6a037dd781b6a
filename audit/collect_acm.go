package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
)

// KindCertificate is an ACM certificate.
const KindCertificate Kind = "acm-certificate"

// SourceACM is the collector of ACM certificates.
const SourceACM Source = "acm"

// ACMAPI is the part of AWS Certificate Manager the audit calls.
type ACMAPI interface {
	ListCertificates(ctx context.Context, in *acm.ListCertificatesInput, optFns ...func(*acm.Options)) (*acm.ListCertificatesOutput, error)
	DescribeCertificate(ctx context.Context, in *acm.DescribeCertificateInput, optFns ...func(*acm.Options)) (*acm.DescribeCertificateOutput, error)
	ListTagsForCertificate(ctx context.Context, in *acm.ListTagsForCertificateInput, optFns ...func(*acm.Options)) (*acm.ListTagsForCertificateOutput, error)
}

var _ ACMAPI = (*acm.Client)(nil)

// Certificate is an ACM certificate.
type Certificate struct {
	Resource
	// Type is AMAZON_ISSUED, IMPORTED or PRIVATE.
	Type string
	// Status is ACM's status (ISSUED, EXPIRED, ...).
	Status string
	// InUseBy are the resources that use it.
	InUseBy []string
	// RenewalEligibility is ELIGIBLE or INELIGIBLE.
	RenewalEligibility string
	// RenewalStatus is the status of ACM's managed renewal, or "".
	RenewalStatus string
}

// collectCertificates lists the ACM certificates with what decides
// whether ACM renews them, and their tags. Every key type is asked for:
// without Includes.KeyTypes ACM lists only RSA_1024 and RSA_2048
// certificates.
func collectCertificates(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	p := acm.NewListCertificatesPaginator(c.ACM, &acm.ListCertificatesInput{
		Includes:                  &acmtypes.Filters{KeyTypes: acmtypes.KeyAlgorithm("").Values()},
		CertificateKeyPairOrigins: acmtypes.CertificateKeyPairOrigin("").Values(),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list acm certificates: %w", err)
		}
		for _, s := range page.CertificateSummaryList {
			cert, err := readCertificate(ctx, c.ACM, aws.ToString(s.CertificateArn))
			switch {
			case isCode(err, "ResourceNotFoundException"):
			case err != nil:
				e.add(err)
			default:
				inv.Certificates = append(inv.Certificates, cert)
			}
		}
	}
	return e.err()
}

func readCertificate(ctx context.Context, api ACMAPI, arn string) (Certificate, error) {
	d, err := api.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(arn)})
	if err != nil {
		return Certificate{}, fmt.Errorf("describe acm certificate %s: %w", arn, err)
	}
	if d.Certificate == nil {
		return Certificate{}, fmt.Errorf("describe acm certificate %s: no certificate in the answer", arn)
	}
	tags, err := api.ListTagsForCertificate(ctx, &acm.ListTagsForCertificateInput{CertificateArn: aws.String(arn)})
	if err != nil {
		return Certificate{}, fmt.Errorf("list tags of acm certificate %s: %w", arn, err)
	}
	cd := d.Certificate
	cert := Certificate{
		Resource: Resource{Kind: KindCertificate, ID: arn[strings.LastIndex(arn, "/")+1:], Name: aws.ToString(cd.DomainName),
			ARN: arn, Tags: map[string]string{}},
		Type:               string(cd.Type),
		Status:             string(cd.Status),
		InUseBy:            cd.InUseBy,
		RenewalEligibility: string(cd.RenewalEligibility),
	}
	if r := cd.RenewalSummary; r != nil {
		cert.RenewalStatus = string(r.RenewalStatus)
	}
	for _, t := range tags.Tags {
		cert.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return cert, nil
}
