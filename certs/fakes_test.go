package certs

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/smithy-go"

	"github.com/opsd-dev/opsd/notify"
)

// fakeACM is one account and region's certificates, listed pageSize at
// a time.
type fakeACM struct {
	mu       sync.Mutex
	certs    []types.CertificateDetail
	tags     map[string][]types.Tag
	pageSize int
	// failList, failDescribe and failTags make those calls fail.
	failList     error
	failDescribe map[string]error
	failTags     error
	calls        map[string]int
}

var _ ACMAPI = (*fakeACM)(nil)

func (f *fakeACM) count(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
}

func (f *fakeACM) ListCertificates(_ context.Context, in *acm.ListCertificatesInput, _ ...func(*acm.Options)) (*acm.ListCertificatesOutput, error) {
	f.count("ListCertificates")
	if f.failList != nil {
		return nil, f.failList
	}
	if in.Includes == nil || len(in.Includes.KeyTypes) < 2 {
		return nil, errors.New("fake acm: the list asks only for the default key types")
	}
	start := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &start)
	}
	size := f.pageSize
	if size == 0 {
		size = len(f.certs) + 1
	}
	out := &acm.ListCertificatesOutput{}
	for i := start; i < len(f.certs) && i < start+size; i++ {
		d := f.certs[i]
		out.CertificateSummaryList = append(out.CertificateSummaryList, types.CertificateSummary{CertificateArn: d.CertificateArn,
			Type: d.Type, Status: d.Status, RenewalEligibility: d.RenewalEligibility, NotAfter: d.NotAfter, InUse: aws.Bool(len(d.InUseBy) > 0)})
	}
	if start+size < len(f.certs) {
		out.NextToken = aws.String(fmt.Sprint(start + size))
	}
	return out, nil
}

func (f *fakeACM) DescribeCertificate(_ context.Context, in *acm.DescribeCertificateInput, _ ...func(*acm.Options)) (*acm.DescribeCertificateOutput, error) {
	f.count("DescribeCertificate")
	if err := f.failDescribe[aws.ToString(in.CertificateArn)]; err != nil {
		return nil, err
	}
	for i := range f.certs {
		if aws.ToString(f.certs[i].CertificateArn) == aws.ToString(in.CertificateArn) {
			d := f.certs[i]
			return &acm.DescribeCertificateOutput{Certificate: &d}, nil
		}
	}
	return nil, &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "no such certificate"}
}

func (f *fakeACM) ListTagsForCertificate(_ context.Context, in *acm.ListTagsForCertificateInput, _ ...func(*acm.Options)) (*acm.ListTagsForCertificateOutput, error) {
	f.count("ListTagsForCertificate")
	if f.failTags != nil {
		return nil, f.failTags
	}
	return &acm.ListTagsForCertificateOutput{Tags: f.tags[aws.ToString(in.CertificateArn)]}, nil
}

// failingNotifier fails every message.
type failingNotifier struct{ n int }

func (f *failingNotifier) Notify(context.Context, notify.Message) error {
	f.n++
	return errors.New("slack is down")
}
