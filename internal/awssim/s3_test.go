package awssim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func s3Client(s *Server) *s3.Client {
	return s3.NewFromConfig(config(s, acct, "eu-west-2", 1), func(o *s3.Options) { o.UsePathStyle = true })
}

func TestConditionalPutIsRefusedWith412(t *testing.T) {
	s := start(t, Options{})
	s.CreateBucket("archive", BucketOptions{})
	client := s3Client(s)
	ctx := context.Background()
	put := func(body string) error {
		_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("archive"), Key: aws.String("dlq/a/b.json"),
			Body: bytes.NewReader([]byte(body)), IfNoneMatch: aws.String("*"), ServerSideEncryption: s3types.ServerSideEncryptionAes256})
		return err
	}
	if err := put("first"); err != nil {
		t.Fatal(err)
	}
	err := put("second")
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusPreconditionFailed || errorCode(err) != "PreconditionFailed" {
		t.Fatalf("second conditional put: %v, want 412 PreconditionFailed", err)
	}
	got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("archive"), Key: aws.String("dlq/a/b.json")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(b) != "first" {
		t.Errorf("object holds %q, want the first write", b)
	}
	if objs := s.Objects("archive"); len(objs) != 1 {
		t.Errorf("objects %v", objs)
	}
	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("archive"), Key: aws.String("nothing")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("missing key: %v, want NoSuchKey", err)
	}
}

func TestBucketChecksAndListing(t *testing.T) {
	s := start(t, Options{})
	s.CreateBucket("secure", BucketOptions{})
	s.CreateBucket("open", BucketOptions{Unencrypted: true, NoPublicAccessBlock: true})
	client := s3Client(s)
	ctx := context.Background()
	pab, err := client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("secure")})
	if err != nil {
		t.Fatal(err)
	}
	c := pab.PublicAccessBlockConfiguration
	if !aws.ToBool(c.BlockPublicAcls) || !aws.ToBool(c.IgnorePublicAcls) || !aws.ToBool(c.BlockPublicPolicy) || !aws.ToBool(c.RestrictPublicBuckets) {
		t.Errorf("public access block %+v", c)
	}
	enc, err := client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("secure")})
	if err != nil || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Errorf("encryption %+v, %v", enc, err)
	}
	if _, err := client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("open")}); errorCode(err) != "ServerSideEncryptionConfigurationNotFoundError" {
		t.Errorf("unencrypted bucket: %v", err)
	}
	if _, err := client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("open")}); errorCode(err) != "NoSuchPublicAccessBlockConfiguration" {
		t.Errorf("bucket without a block: %v", err)
	}
	for _, k := range []string{"p/1", "p/2", "p/3", "q/1"} {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("secure"), Key: aws.String(k), Body: bytes.NewReader([]byte(k))}); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String("secure"), Prefix: aws.String("p/"), MaxKeys: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	if len(keys) != 3 || keys[0] != "p/1" || keys[2] != "p/3" {
		t.Errorf("listed %v", keys)
	}
}
