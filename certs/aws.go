package certs

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
)

// Every call below is read-only: the service only tells people.

// ACMAPI is the part of AWS Certificate Manager the certs service calls.
type ACMAPI interface {
	ListCertificates(ctx context.Context, in *acm.ListCertificatesInput, optFns ...func(*acm.Options)) (*acm.ListCertificatesOutput, error)
	DescribeCertificate(ctx context.Context, in *acm.DescribeCertificateInput, optFns ...func(*acm.Options)) (*acm.DescribeCertificateOutput, error)
	ListTagsForCertificate(ctx context.Context, in *acm.ListTagsForCertificateInput, optFns ...func(*acm.Options)) (*acm.ListTagsForCertificateOutput, error)
}

var _ ACMAPI = (*acm.Client)(nil)

// Clients are the AWS clients for one account and region.
type Clients struct {
	ACM ACMAPI
}

// NewClients returns the SDK's clients for cfg: the default
// [Deps.Clients].
func NewClients(cfg aws.Config) Clients {
	return Clients{ACM: acm.NewFromConfig(cfg)}
}
