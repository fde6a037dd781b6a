package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/opsd-dev/opsd/dlq"
	"github.com/opsd-dev/opsd/internal/mototest"
)

// A source queue whose redrive policy names orders-dlq, with three
// messages waiting in the DLQ and an archive of two messages in S3.
func dlqEstate(t *testing.T, srv *mototest.Server) (dlqURL, targetURL string) {
	t.Helper()
	ctx := context.Background()
	cfg := srv.Config("eu-west-2")
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
		if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: dl.QueueUrl, MessageBody: aws.String(fmt.Sprintf("order %d failed", i))}); err != nil {
			t.Fatal(err)
		}
	}
	target, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders-replay")})
	if err != nil {
		t.Fatal(err)
	}
	b := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := b.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("archive"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest2}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"m-1", "m-2"} {
		body, err := dlq.EncodeRecord(dlq.Record{MessageID: id, Body: "replayed " + id, QueueARN: attrs.Attributes["QueueArn"]})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("archive"), Key: aws.String("dlq-archive/x/" + id + ".json"), Body: strings.NewReader(string(body))}); err != nil {
			t.Fatal(err)
		}
	}
	return aws.ToString(dl.QueueUrl), aws.ToString(target.QueueUrl)
}

func TestDLQListAndReplay(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	_, targetURL := dlqEstate(t, srv)
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\n", srv.URL()))

	code, stdout, stderr := opsd(t, "dlq", "list", "--config", path)
	if code != exitOK {
		t.Fatalf("dlq list exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "orders-dlq") || !strings.Contains(stdout, "orders") || strings.Contains(stdout, "orders-replay") {
		t.Errorf("dlq list should show orders-dlq (source orders) and not the plain queue orders-replay:\n%s", stdout)
	}
	if line := lineWith(stdout, "orders-dlq"); !strings.Contains(line, " 3 ") {
		t.Errorf("orders-dlq should show 3 visible messages: %q", line)
	}

	code, stdout, stderr = opsd(t, "dlq", "replay", "--config", path, "--from", "s3://archive/dlq-archive/", "--to", "orders-replay", "--dry-run")
	if code != exitOK || !strings.Contains(stdout, "2 would send") {
		t.Fatalf("dry run exit %d\n%s%s", code, stdout, stderr)
	}
	if n := visible(t, srv, targetURL); n != 0 {
		t.Fatalf("a dry run sent %d messages", n)
	}
	code, stdout, stderr = opsd(t, "dlq", "replay", "--config", path, "--from", "s3://archive/dlq-archive/", "--to", "orders-replay")
	if code != exitOK || !strings.Contains(stdout, "2 sent") {
		t.Fatalf("replay exit %d\n%s%s", code, stdout, stderr)
	}
	if n := visible(t, srv, targetURL); n != 2 {
		t.Errorf("replay left %d messages in the target, want 2", n)
	}

	code, _, stderr = opsd(t, "dlq", "replay", "--config", path, "--from", "archive/dlq-archive", "--to", "orders-replay")
	if code != exitUsage || !strings.Contains(stderr, `"archive/dlq-archive": not an s3://bucket/prefix address`) {
		t.Errorf("a --from that is not an s3:// URL: exit %d, want 2 (a usage error), stderr %q", code, stderr)
	}
	if code, _, _ := opsd(t, "dlq", "replay", "--config", path, "--to", "orders-replay"); code != exitUsage {
		t.Errorf("replay without --from: exit %d, want 2", code)
	}
	if code, _, _ := opsd(t, "dlq", "archive"); code != exitUsage {
		t.Errorf("unknown dlq command: exit %d, want 2", code)
	}
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub+" ") {
			return l
		}
	}
	return ""
}

func visible(t *testing.T, srv *mototest.Server, url string) int {
	t.Helper()
	out, err := sqs.NewFromConfig(srv.Config("eu-west-2")).GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages}})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(out.Attributes["ApproximateNumberOfMessages"], &n)
	return n
}
