package awssim

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func TestQueueListingAndAttributes(t *testing.T) {
	s := start(t, Options{})
	for i := range 5 {
		s.CreateQueue(acct, "eu-west-2", fmt.Sprintf("q%d", i), nil, nil)
	}
	dlq := s.CreateQueue(acct, "eu-west-2", "orders-dlq", map[string]string{"MessageRetentionPeriod": "1209600"}, map[string]string{"opsd:dlq": "true"})
	s.CreateQueue(acct, "eu-west-1", "elsewhere", nil, nil)
	if err := s.SendMessages(acct, "eu-west-2", "orders-dlq", 7, time.Time{}, func(i int) string { return "m" + strconv.Itoa(i) }); err != nil {
		t.Fatal(err)
	}
	client := sqs.NewFromConfig(config(s, acct, "eu-west-2", 1))
	ctx := context.Background()
	var urls []string
	p := sqs.NewListQueuesPaginator(client, &sqs.ListQueuesInput{MaxResults: aws.Int32(4)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		urls = append(urls, page.QueueUrls...)
	}
	if len(urls) != 6 || pages != 2 {
		t.Errorf("%d queues in %d pages: %v", len(urls), pages, urls)
	}
	attrs, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(dlq), AttributeNames: []sqstypes.QueueAttributeName{
		sqstypes.QueueAttributeNameQueueArn, sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameMessageRetentionPeriod,
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"QueueArn": "arn:aws:sqs:eu-west-2:" + acct + ":orders-dlq", "ApproximateNumberOfMessages": "7", "MessageRetentionPeriod": "1209600"}
	if fmt.Sprint(attrs.Attributes) != fmt.Sprint(want) {
		t.Errorf("attributes %v, want %v", attrs.Attributes, want)
	}
	tags, err := client.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(dlq)})
	if err != nil || tags.Tags["opsd:dlq"] != "true" {
		t.Errorf("tags %v, %v", tags, err)
	}
	got, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders-dlq")})
	if err != nil || aws.ToString(got.QueueUrl) != dlq {
		t.Errorf("GetQueueUrl: %v, %v", got, err)
	}
	_, err = client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("elsewhere")})
	var dne *sqstypes.QueueDoesNotExist
	if !errors.As(err, &dne) {
		t.Errorf("another region's queue: %v, want QueueDoesNotExist", err)
	}
}

func TestReceiveHidesAndDeleteRemoves(t *testing.T) {
	s := start(t, Options{})
	url := s.CreateQueue(acct, "eu-west-2", "dlq", nil, nil)
	client := sqs.NewFromConfig(config(s, acct, "eu-west-2", 1))
	ctx := context.Background()
	for i := range 12 {
		if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(fmt.Sprintf("body %d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	recv := func() *sqs.ReceiveMessageOutput {
		t.Helper()
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, VisibilityTimeout: 60,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := recv()
	if len(first.Messages) != 10 || aws.ToString(first.Messages[0].Body) != "body 0" || first.Messages[0].Attributes["SentTimestamp"] == "" ||
		first.Messages[0].Attributes["ApproximateReceiveCount"] != "1" {
		t.Fatalf("first receive: %d messages, first %+v", len(first.Messages), first.Messages[0])
	}
	if second := recv(); len(second.Messages) != 2 {
		t.Errorf("second receive got %d messages, want the 2 not hidden", len(second.Messages))
	}
	entries := []sqstypes.DeleteMessageBatchRequestEntry{{Id: aws.String("bad"), ReceiptHandle: aws.String("not-a-receipt")}}
	for i, m := range first.Messages {
		entries = append(entries[:min(len(entries), 9)], sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
	}
	del, err := client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.Successful) != 9 || len(del.Failed) != 1 || aws.ToString(del.Failed[0].Id) != "bad" || !del.Failed[0].SenderFault {
		t.Errorf("delete answer: %d successful, failed %+v", len(del.Successful), del.Failed)
	}
	visible, inFlight, _ := s.QueueDepth(acct, "eu-west-2", "dlq")
	if visible != 0 || inFlight != 3 {
		t.Errorf("depth after deleting 9 of 12: visible %d in flight %d, want 0 and 3", visible, inFlight)
	}
	tooMany := make([]sqstypes.DeleteMessageBatchRequestEntry, 11)
	for i := range tooMany {
		tooMany[i] = sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String("1.1")}
	}
	_, err = client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: tooMany})
	var tm *sqstypes.TooManyEntriesInBatchRequest
	if !errors.As(err, &tm) {
		t.Errorf("11 entries: %v, want TooManyEntriesInBatchRequest", err)
	}
}

func TestReleasedMessagesComeBackAndLongPollsWake(t *testing.T) {
	s := start(t, Options{})
	url := s.CreateQueue(acct, "eu-west-2", "dlq", nil, nil)
	client := sqs.NewFromConfig(config(s, acct, "eu-west-2", 1))
	ctx := context.Background()
	if err := s.SendMessages(acct, "eu-west-2", "dlq", 1, time.Time{}, func(int) string { return "x" }); err != nil {
		t.Fatal(err)
	}
	out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, VisibilityTimeout: 300})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("receive: %v, %v", out, err)
	}
	done := make(chan *sqs.ReceiveMessageOutput, 1)
	go func() {
		o, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 20})
		if err != nil {
			t.Error(err)
		}
		done <- o
	}()
	rel, err := client.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url), Entries: []sqstypes.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("0"), ReceiptHandle: out.Messages[0].ReceiptHandle, VisibilityTimeout: 0},
	}})
	if err != nil || len(rel.Successful) != 1 {
		t.Fatalf("release: %+v, %v", rel, err)
	}
	select {
	case o := <-done:
		if o == nil || len(o.Messages) != 1 || o.Messages[0].Attributes != nil {
			t.Errorf("long poll got %+v", o)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll did not wake when the message was released")
	}
	// The first receipt is stale now: deleting with it succeeds but keeps
	// the message, as SQS documents.
	if _, err := client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: []sqstypes.DeleteMessageBatchRequestEntry{
		{Id: aws.String("0"), ReceiptHandle: out.Messages[0].ReceiptHandle},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, inFlight, _ := s.QueueDepth(acct, "eu-west-2", "dlq"); inFlight != 1 {
		t.Errorf("a stale receipt deleted the message")
	}
}
