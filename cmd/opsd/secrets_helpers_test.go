package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// secret returns a value that cannot appear by chance: kind, "SECRET" and
// a random nonce.
func secret(t *testing.T, kind string) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return kind + "-SECRET-" + hex.EncodeToString(b)
}

// capture is a loopback HTTP server that keeps the raw body of every
// request it gets (gunzipped when sent gzipped) and answers with answer.
type capture struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newCapture(t *testing.T, answer http.HandlerFunc) *capture {
	t.Helper()
	c := &capture{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.keep(t, r)
		answer(w, r)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// keep reads r's body into the capture.
func (c *capture) keep(t *testing.T, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		z, err := gzip.NewReader(r.Body)
		if err != nil {
			t.Errorf("capture: gzip body: %v", err)
			return
		}
		body = z
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Errorf("capture: read body: %v", err)
	}
	c.mu.Lock()
	c.bodies = append(c.bodies, b)
	c.mu.Unlock()
}

// all returns every body received, joined.
func (c *capture) all() (n int, joined []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.bodies), bytes.Join(c.bodies, []byte("\n"))
}

// otlpCollector receives OTLP/HTTP protobuf trace exports.
func otlpCollector(t *testing.T) *capture {
	return newCapture(t, func(w http.ResponseWriter, _ *http.Request) {
		// An empty ExportTraceServiceResponse.
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	})
}

// memberAccount is the account opsd assumes a role in: moto puts calls
// made with the role's credentials there.
const (
	memberAccount = "222222222222"
	memberRole    = "arn:aws:iam::222222222222:role/opsd"
)

// memberConfig is SDK configuration for moto as the member account.
func memberConfig(t *testing.T, srv *mototest.Server) aws.Config {
	t.Helper()
	cfg := srv.Config("eu-west-2")
	out, err := sts.NewFromConfig(cfg).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(memberRole), RoleSessionName: aws.String("seed")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg
}

// seedSecretEstate makes, in the member account, instances every service
// acts on or reports, and a DLQ holding messages whose bodies and
// attributes carry the secrets, with an archive bucket.
func seedSecretEstate(t *testing.T, cfg aws.Config, body, attr string) {
	t.Helper()
	launchTagged(t, cfg, []string{"dev-api"}, "Environment=development", "OOOShutdown=true", "TOSCAN=true", "TOPATCH=true", "BackupPolicy=Dev", "Application=orders")
	launchTagged(t, cfg, []string{"prod-api"}, "Environment=production", "TOSCAN=true", "Application=orders", "demo:missing-critical=2")
	launchTagged(t, cfg, []string{"untagged"})
	seedDLQ(t, cfg, body, attr)
}

// seedDLQ makes orders-dlq, the dead-letter queue of orders, holding
// three messages whose bodies carry body and whose attribute "customer"
// is attr, and the archive bucket opsd-dlq-archive (public access
// blocked, encrypted by default).
func seedDLQ(t *testing.T, cfg aws.Config, body, attr string) {
	t.Helper()
	ctx := context.Background()
	q := sqs.NewFromConfig(cfg)
	dl, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders-dlq")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dl.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	redrive := fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":"3"}`, attrs.Attributes["QueueArn"])
	if _, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders"), Attributes: map[string]string{"RedrivePolicy": redrive}}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{
			QueueUrl:          dl.QueueUrl,
			MessageBody:       aws.String(fmt.Sprintf(`{"order":%d,"card":%q}`, i, body)),
			MessageAttributes: map[string]sqstypes.MessageAttributeValue{"customer": {DataType: aws.String("String"), StringValue: aws.String(attr)}},
		}); err != nil {
			t.Fatal(err)
		}
	}

	b := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	bucket := aws.String("opsd-dlq-archive")
	if _, err := b.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket,
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: bucket, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: bucket, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}},
	}}); err != nil {
		t.Fatal(err)
	}
}

// archived returns the archive bucket's objects.
func archived(t *testing.T, cfg aws.Config) []string {
	t.Helper()
	ctx := context.Background()
	b := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	list, err := b.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("opsd-dlq-archive")})
	if err != nil {
		t.Fatal(err)
	}
	var objects []string
	for _, o := range list.Contents {
		out, err := b.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("opsd-dlq-archive"), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(out.Body)
		out.Body.Close()
		objects = append(objects, string(body))
	}
	return objects
}

// leaks returns, for each output that holds one of the secrets (or the
// nonce that ends it, so a truncated or re-quoted secret counts too), a
// line naming both.
func leaks(outputs map[string][]byte, secrets map[string]string) []string {
	var out []string
	for name, data := range outputs {
		for what, s := range secrets {
			nonce := s[strings.LastIndex(s, "-")+1:]
			if bytes.Contains(data, []byte(nonce)) {
				i := bytes.Index(data, []byte(nonce))
				from, to := max(0, i-200), min(len(data), i+100)
				out = append(out, fmt.Sprintf("%s holds the %s: …%s…", name, what, data[from:to]))
			}
		}
	}
	return out
}
