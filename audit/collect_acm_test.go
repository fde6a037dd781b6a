package audit

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
)

// fakeACM is one account's certificates, listed pageSize at a time. The
// account fakes of the other tests hold none.
type fakeACM struct {
	*fakeAccount
	certs []acmtypes.CertificateDetail
	tags  map[string][]acmtypes.Tag
}

func (f fakeACM) ListCertificates(_ context.Context, in *acm.ListCertificatesInput, _ ...func(*acm.Options)) (*acm.ListCertificatesOutput, error) {
	if err := f.call("ListCertificates", ""); err != nil {
		return nil, err
	}
	var all []acmtypes.CertificateSummary
	if in.Includes == nil || len(in.Includes.KeyTypes) < 2 {
		// As ACM: by default only RSA_1024 and RSA_2048 certificates.
		for _, c := range f.certs {
			if c.KeyAlgorithm == acmtypes.KeyAlgorithmRsa2048 || c.KeyAlgorithm == acmtypes.KeyAlgorithmRsa1024 {
				all = append(all, acmtypes.CertificateSummary{CertificateArn: c.CertificateArn})
			}
		}
	} else {
		for _, c := range f.certs {
			all = append(all, acmtypes.CertificateSummary{CertificateArn: c.CertificateArn})
		}
	}
	items, next := page(all, aws.ToString(in.NextToken))
	return &acm.ListCertificatesOutput{CertificateSummaryList: items, NextToken: optional(next)}, nil
}

func (f fakeACM) DescribeCertificate(_ context.Context, in *acm.DescribeCertificateInput, _ ...func(*acm.Options)) (*acm.DescribeCertificateOutput, error) {
	arn := aws.ToString(in.CertificateArn)
	if err := f.call("DescribeCertificate", arn); err != nil {
		return nil, err
	}
	for _, c := range f.certs {
		if aws.ToString(c.CertificateArn) == arn {
			return &acm.DescribeCertificateOutput{Certificate: &c}, nil
		}
	}
	return nil, apiError("ResourceNotFoundException", "no such certificate")
}

func (f fakeACM) ListTagsForCertificate(_ context.Context, in *acm.ListTagsForCertificateInput, _ ...func(*acm.Options)) (*acm.ListTagsForCertificateOutput, error) {
	arn := aws.ToString(in.CertificateArn)
	if err := f.call("ListTagsForCertificate", arn); err != nil {
		return nil, err
	}
	return &acm.ListTagsForCertificateOutput{Tags: f.tags[arn]}, nil
}

func TestCollectCertificates(t *testing.T) {
	arn := func(id string) string { return "arn:aws:acm:eu-west-2:111111111111:certificate/" + id }
	f := fakeACM{fakeAccount: newFakeAccount(), tags: map[string][]acmtypes.Tag{
		arn("a"): {{Key: aws.String("Application"), Value: aws.String("pay")}},
	}}
	for _, c := range []struct {
		id  string
		alg acmtypes.KeyAlgorithm
	}{{"a", acmtypes.KeyAlgorithmRsa2048}, {"b", acmtypes.KeyAlgorithmEcPrime256v1}, {"c", acmtypes.KeyAlgorithmRsa4096}, {"gone", acmtypes.KeyAlgorithmRsa2048}, {"denied", acmtypes.KeyAlgorithmRsa2048}} {
		f.certs = append(f.certs, acmtypes.CertificateDetail{
			CertificateArn: aws.String(arn(c.id)), DomainName: aws.String(c.id + ".example.org"), KeyAlgorithm: c.alg,
			Type: acmtypes.CertificateTypeAmazonIssued, Status: acmtypes.CertificateStatusIssued, InUseBy: []string{"lb"},
			RenewalEligibility: acmtypes.RenewalEligibilityEligible,
			RenewalSummary:     &acmtypes.RenewalSummary{RenewalStatus: acmtypes.RenewalStatusPendingValidation},
		})
	}
	f.fail["DescribeCertificate "+arn("gone")] = apiError("ResourceNotFoundException", "deleted")
	f.fail["ListTagsForCertificate "+arn("denied")] = apiError("AccessDeniedException", "no")
	inv := &Inventory{Account: testAccount, Region: testRegion, Failed: map[Source]error{}}
	err := collectCertificates(context.Background(), Clients{ACM: f}, inv)
	if err == nil || !strings.Contains(err.Error(), "list tags of acm certificate "+arn("denied")) {
		t.Fatalf("err = %v, want the tag failure named", err)
	}
	var ids []string
	for _, c := range inv.Certificates {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, ",") != "a,b,c" {
		t.Fatalf("collected %v, want every key type (a, b, c), the deleted and unreadable ones left out", ids)
	}
	a := inv.Certificates[0]
	if a.Name != "a.example.org" || a.ARN != arn("a") || a.Tags["Application"] != "pay" || a.RenewalStatus != "PENDING_VALIDATION" ||
		a.RenewalEligibility != "ELIGIBLE" || a.Type != "AMAZON_ISSUED" || len(a.InUseBy) != 1 || a.Kind != KindCertificate {
		t.Errorf("certificate %+v", a)
	}
}
