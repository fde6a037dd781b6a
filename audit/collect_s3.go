package audit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// collectS3 lists the buckets that live in the inventory's region (S3
// lists every bucket of the account from any region: asking for the
// region's own assigns each bucket to one target), with their default
// encryption, Block Public Access configuration, policy status, public
// ACL grants and tags.
func collectS3(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	p := s3.NewListBucketsPaginator(c.S3, &s3.ListBucketsInput{BucketRegion: aws.String(inv.Region)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list s3 buckets: %w", err)
		}
		for _, b := range page.Buckets {
			if r := aws.ToString(b.BucketRegion); r != "" && r != inv.Region {
				continue
			}
			bucket, err := readBucket(ctx, c.S3, aws.ToString(b.Name), aws.ToString(b.BucketArn))
			switch {
			case isCode(err, "NoSuchBucket"):
			case err != nil:
				e.add(err)
			default:
				inv.Buckets = append(inv.Buckets, bucket)
			}
		}
	}
	return e.err()
}

func readBucket(ctx context.Context, api S3API, name, arn string) (Bucket, error) {
	b := Bucket{Resource: Resource{Kind: KindS3Bucket, ID: name, ARN: arn, Tags: map[string]string{}}}
	enc, err := api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(name)})
	switch {
	case isCode(err, "ServerSideEncryptionConfigurationNotFoundError"):
	case err != nil:
		return b, fmt.Errorf("get encryption of s3 bucket %s: %w", name, err)
	case enc.ServerSideEncryptionConfiguration != nil:
		for _, rule := range enc.ServerSideEncryptionConfiguration.Rules {
			if d := rule.ApplyServerSideEncryptionByDefault; d != nil && d.SSEAlgorithm != "" {
				b.Encryption = string(d.SSEAlgorithm)
				break
			}
		}
	}
	block, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(name)})
	switch {
	case isCode(err, "NoSuchPublicAccessBlockConfiguration"):
	case err != nil:
		return b, fmt.Errorf("get public access block of s3 bucket %s: %w", name, err)
	case block.PublicAccessBlockConfiguration != nil:
		cfg := block.PublicAccessBlockConfiguration
		b.Block = &PublicAccessBlock{
			BlockPublicAcls:       aws.ToBool(cfg.BlockPublicAcls),
			IgnorePublicAcls:      aws.ToBool(cfg.IgnorePublicAcls),
			BlockPublicPolicy:     aws.ToBool(cfg.BlockPublicPolicy),
			RestrictPublicBuckets: aws.ToBool(cfg.RestrictPublicBuckets),
		}
	}
	status, err := api.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String(name)})
	switch {
	case isCode(err, "NoSuchBucketPolicy"):
	case err != nil:
		return b, fmt.Errorf("get policy status of s3 bucket %s: %w", name, err)
	case status.PolicyStatus != nil:
		b.PolicyPublic = aws.ToBool(status.PolicyStatus.IsPublic)
	}
	acl, err := api.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(name)})
	if err != nil {
		return b, fmt.Errorf("get acl of s3 bucket %s: %w", name, err)
	}
	b.PublicGrants = publicGrants(acl.Grants)
	tags, err := api.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(name)})
	switch {
	case isCode(err, "NoSuchTagSet", "NoSuchTagSetError"):
	case err != nil:
		return b, fmt.Errorf("get tags of s3 bucket %s: %w", name, err)
	default:
		for _, t := range tags.TagSet {
			b.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return b, nil
}

// The ACL groups that make a grant public.
const (
	allUsersGroup           = "http://acs.amazonaws.com/groups/global/AllUsers"
	authenticatedUsersGroup = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// publicGrants returns the grants to everyone or to any AWS account, as
// "AllUsers:READ".
func publicGrants(grants []s3types.Grant) []string {
	var out []string
	for _, g := range grants {
		if g.Grantee == nil || g.Grantee.Type != s3types.TypeGroup {
			continue
		}
		switch aws.ToString(g.Grantee.URI) {
		case allUsersGroup:
			out = append(out, "AllUsers:"+string(g.Permission))
		case authenticatedUsersGroup:
			out = append(out, "AuthenticatedUsers:"+string(g.Permission))
		}
	}
	return out
}
