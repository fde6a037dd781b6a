package faults

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/opsd-dev/opsd/dlq"
)

// This file is the harness of the DLQ archive tests: a dead-letter queue
// full of messages of mixed sizes and attribute types, opsd processes run
// against it and killed, and a reconciliation of every message sent
// against the archive bucket and the queue.

// dlqQueue and dlqBucket are the queue and (with the account appended)
// bucket of an archive estate.
const (
	dlqQueue  = "orders-dlq"
	dlqBucket = "opsd-dlq-kill"
)

// sentMessage is one message as it was sent.
type sentMessage struct {
	body  string
	attrs map[string]sqstypes.MessageAttributeValue
}

// archiveEstate is a dead-letter queue in one account and the bucket its
// messages are archived to.
type archiveEstate struct {
	tg       target
	queueURL string
	bucket   string
	sent     map[string]sentMessage // by message id
	bytes    int
}

// bodyRunes are the characters bodies are made of: ASCII, two-, three-
// and four-byte UTF-8.
var bodyRunes = []rune("abc xyz 019 é ü ß € 漢 字 😀 🚀 \n\t\"{}")

// messageBody is a body of 0 to maxChars characters: most small, some
// large, a few as large as maxChars.
func messageBody(rng *rand.Rand, maxChars int) string {
	var n int
	switch p := rng.Float64(); {
	case p < 0.05:
		n = 0
	case p < 0.6:
		n = rng.IntN(min(1000, maxChars) + 1)
	case p < 0.9:
		n = rng.IntN(min(20000, maxChars) + 1)
	default:
		n = maxChars - rng.IntN(maxChars/10+1)
	}
	var b strings.Builder
	for range n {
		b.WriteRune(bodyRunes[rng.IntN(len(bodyRunes))])
	}
	return b.String()
}

// messageAttributes are a String (non-ASCII), a Number and a Binary
// attribute, and sometimes a custom type.
func messageAttributes(rng *rand.Rand, i int) map[string]sqstypes.MessageAttributeValue {
	bin := make([]byte, 1+rng.IntN(64))
	for j := range bin {
		bin[j] = byte(rng.UintN(256))
	}
	attrs := map[string]sqstypes.MessageAttributeValue{
		"customer": {DataType: aws.String("String"), StringValue: aws.String(fmt.Sprintf("kunde-%d-ü€", i))},
		"attempt":  {DataType: aws.String("Number"), StringValue: aws.String(strconv.Itoa(rng.IntN(1000) - 500))},
		"trace":    {DataType: aws.String("Binary"), BinaryValue: bin},
	}
	if rng.IntN(4) == 0 {
		attrs["amount"] = sqstypes.MessageAttributeValue{DataType: aws.String("Number.float"), StringValue: aws.String("12.50")}
	}
	return attrs
}

// newArchiveEstate creates, in tg, a bucket that blocks public access and
// encrypts by default, and a dead-letter queue keeping messages for a day
// with n messages in it.
func newArchiveEstate(t *testing.T, m *moto, tg target, n, maxChars int, rng *rand.Rand) *archiveEstate {
	t.Helper()
	ctx := context.Background()
	cfg := m.config(t, tg)
	e := &archiveEstate{tg: tg, bucket: dlqBucket + "-" + tg.account, sent: map[string]sentMessage{}}

	b := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := b.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(e.bucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(tg.region)}}); err != nil {
		t.Fatalf("create bucket %s: %v", e.bucket, err)
	}
	if _, err := b.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(e.bucket), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
		t.Fatalf("block public access on %s: %v", e.bucket, err)
	}
	if _, err := b.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(e.bucket), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}}); err != nil {
		t.Fatalf("encrypt %s: %v", e.bucket, err)
	}

	q := sqs.NewFromConfig(cfg)
	out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(dlqQueue),
		Attributes: map[string]string{"MessageRetentionPeriod": "86400"}, Tags: map[string]string{"opsd:dlq": "true"}})
	if err != nil {
		t.Fatalf("create queue %s: %v", dlqQueue, err)
	}
	e.queueURL = aws.ToString(out.QueueUrl)

	type msg struct {
		sentMessage
		i int
	}
	msgs := make([]msg, n)
	for i := range msgs {
		msgs[i] = msg{sentMessage{body: messageBody(rng, maxChars), attrs: messageAttributes(rng, i)}, i}
	}
	var mu sync.Mutex
	work := make(chan msg)
	var wg sync.WaitGroup
	var sendErr error
	for range 8 {
		wg.Go(func() {
			for mm := range work {
				r, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: out.QueueUrl, MessageBody: aws.String(mm.body), MessageAttributes: mm.attrs})
				mu.Lock()
				if err != nil {
					sendErr = fmt.Errorf("send message %d (%d bytes): %w", mm.i, len(mm.body), err)
				} else {
					e.sent[aws.ToString(r.MessageId)] = mm.sentMessage
					e.bytes += len(mm.body)
				}
				mu.Unlock()
			}
		})
	}
	for _, mm := range msgs {
		work <- mm
	}
	close(work)
	wg.Wait()
	if sendErr != nil {
		t.Fatal(sendErr)
	}
	return e
}

// config is opsd's configuration archiving the estate's queue, through
// endpoint, with a short visibility timeout so that the messages a killed
// process held come back within seconds.
func (e *archiveEstate) config(t *testing.T, endpoint string) string {
	return writeConfig(t, fmt.Sprintf(`aws:
  regions: [%s]
  endpoint_url: %q
  call_timeout: 20s
  accounts: [{id: %q, role_arn: %q}]
dlq:
  enabled: true
  timeout: 5m
  archive: {bucket: %s, wait_time: 1s, visibility_timeout: 3s, max_messages_per_run: 100000}
`, e.tg.region, endpoint, e.tg.account, roleARN(e.tg.account), e.bucket))
}

// counts are the queue's visible and in-flight messages.
func (e *archiveEstate) counts(t *testing.T, m *moto) (visible, inFlight int) {
	t.Helper()
	out, err := sqs.NewFromConfig(m.config(t, e.tg)).GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(e.queueURL), AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatalf("read the depth of %s: %v", dlqQueue, err)
	}
	visible, _ = strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)])
	inFlight, _ = strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	return visible, inFlight
}

// dlqProcess is one `opsd run --once --only dlq` process.
type dlqProcess struct {
	cmd    *exec.Cmd
	out    bytes.Buffer
	done   chan struct{}
	killed bool
	mu     sync.Mutex
}

// startDLQRun starts `opsd run --once --only dlq --now now`.
func startDLQRun(t *testing.T, bin, config, now string) *dlqProcess {
	t.Helper()
	p := &dlqProcess{done: make(chan struct{})}
	p.cmd = exec.Command(bin, "run", "--once", "--config", config, "--now", now, "--only", "dlq")
	p.cmd.Env = opsdEnv(t)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start opsd: %v", err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	return p
}

// kill sends SIGKILL, once.
func (p *dlqProcess) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.killed {
		p.killed = true
		_ = p.cmd.Process.Signal(os.Kill)
	}
}

// wait waits for the process to end, killing it after limit.
func (p *dlqProcess) wait(t *testing.T, limit time.Duration) (exit int, out string) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(limit):
		p.kill()
		<-p.done
		t.Fatalf("opsd run --once did not end within %s:\n%s", limit, tailText(p.out.String(), 4000))
	}
	return p.cmd.ProcessState.ExitCode(), p.out.String()
}

// drain runs opsd unkilled until the queue is empty, waiting for the
// messages killed processes left in flight to come back; it returns the
// number of runs.
func (e *archiveEstate) drain(t *testing.T, m *moto, bin, config, now string, maxRuns int) int {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	runs := 0
	for runs < maxRuns && time.Now().Before(deadline) {
		visible, inFlight := e.counts(t, m)
		if visible+inFlight == 0 {
			return runs
		}
		if visible == 0 {
			time.Sleep(500 * time.Millisecond)
			continue
		}
		runs++
		began := time.Now()
		exit, out := startDLQRun(t, bin, config, now).wait(t, 5*time.Minute)
		t.Logf("drain run %d: exit %d after %s", runs, exit, time.Since(began).Round(time.Millisecond))
		if os.Getenv("DLQ_DEBUG") != "" {
			t.Log(tailText(out, 6000))
		}
		if exit != 0 && exit != 1 {
			t.Fatalf("drain run %d: exit %d:\n%s", runs, exit, tailText(out, 4000))
		}
		if strings.Contains(out, "panic") || strings.Contains(out, "fatal error:") {
			t.Fatalf("drain run %d crashed:\n%s", runs, tailText(out, 4000))
		}
	}
	visible, inFlight := e.counts(t, m)
	t.Fatalf("after %d runs the queue still holds %d visible and %d in-flight messages", runs, visible, inFlight)
	return runs
}

// tally is the reconciliation of the messages sent against the bucket and
// the queue.
type tally struct {
	sent, archived, inQueue int
	// missing are in neither place; duplicated are archived under more
	// than one key or also still in the queue; altered differ from what
	// was sent; strays are objects of no message sent.
	missing, duplicated, altered, strays []string
}

func (c tally) String() string {
	return fmt.Sprintf("sent %d, archived %d, in the queue %d, missing %d, duplicated %d, altered %d, strays %d",
		c.sent, c.archived, c.inQueue, len(c.missing), len(c.duplicated), len(c.altered), len(c.strays))
}

// problems lists what breaks the promise, a few of each kind.
func (c tally) problems() []string {
	var out []string
	for what, ids := range map[string][]string{"missing": c.missing, "duplicated": c.duplicated, "altered": c.altered, "stray": c.strays} {
		for _, id := range ids[:min(len(ids), 5)] {
			out = append(out, what+": "+id)
		}
	}
	slices.Sort(out)
	return out
}

// reconcile reads every archive object and every message left in the
// queue, and checks each message sent is in exactly one place with its
// body and message attributes intact.
func (e *archiveEstate) reconcile(t *testing.T, m *moto) tally {
	t.Helper()
	ctx := context.Background()
	cfg := m.config(t, e.tg)
	b := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	where := map[string]int{}
	c := tally{sent: len(e.sent)}
	p := s3.NewListObjectsV2Paginator(b, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("list %s: %v", e.bucket, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			obj, err := b.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: o.Key})
			if err != nil {
				t.Fatalf("read %s: %v", key, err)
			}
			raw, err := io.ReadAll(obj.Body)
			_ = obj.Body.Close()
			if err != nil {
				t.Fatalf("read %s: %v", key, err)
			}
			rec, err := dlq.DecodeRecord(raw)
			if err != nil {
				c.altered = append(c.altered, key+": "+err.Error())
				continue
			}
			sent, ok := e.sent[rec.MessageID]
			if !ok {
				c.strays = append(c.strays, key)
				continue
			}
			if !strings.HasSuffix(key, "/"+rec.MessageID+".json") {
				c.altered = append(c.altered, key+": holds message "+rec.MessageID)
			}
			if why := differs(sent, rec.Body, recordAttributes(rec)); why != "" {
				c.altered = append(c.altered, rec.MessageID+" in S3: "+why)
			}
			where[rec.MessageID]++
			c.archived++
		}
	}
	q := sqs.NewFromConfig(cfg)
	for {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queueURL), MaxNumberOfMessages: 10,
			VisibilityTimeout: 600, MessageAttributeNames: []string{"All"}})
		if err != nil {
			t.Fatalf("receive from %s: %v", dlqQueue, err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, msg := range out.Messages {
			id := aws.ToString(msg.MessageId)
			if sent, ok := e.sent[id]; ok {
				if why := differs(sent, aws.ToString(msg.Body), msg.MessageAttributes); why != "" {
					c.altered = append(c.altered, id+" in the queue: "+why)
				}
			}
			where[id]++
			c.inQueue++
		}
	}
	for id := range e.sent {
		switch n := where[id]; {
		case n == 0:
			c.missing = append(c.missing, id)
		case n > 1:
			c.duplicated = append(c.duplicated, fmt.Sprintf("%s (%d places)", id, n))
		}
	}
	return c
}

// recordAttributes are an archive record's message attributes as SQS
// spells them.
func recordAttributes(r dlq.Record) map[string]sqstypes.MessageAttributeValue {
	out := map[string]sqstypes.MessageAttributeValue{}
	for k, a := range r.MessageAttributes {
		out[k] = sqstypes.MessageAttributeValue{DataType: aws.String(a.DataType), StringValue: a.StringValue, BinaryValue: a.BinaryValue}
	}
	return out
}

// differs says how body and attrs differ from what was sent, or "".
func differs(sent sentMessage, body string, attrs map[string]sqstypes.MessageAttributeValue) string {
	if body != sent.body {
		return fmt.Sprintf("body of %d bytes, sent %d bytes", len(body), len(sent.body))
	}
	if len(attrs) != len(sent.attrs) {
		return fmt.Sprintf("%d message attributes, sent %d", len(attrs), len(sent.attrs))
	}
	for k, want := range sent.attrs {
		got, ok := attrs[k]
		switch {
		case !ok:
			return "attribute " + k + " missing"
		case aws.ToString(got.DataType) != aws.ToString(want.DataType):
			return "attribute " + k + " has type " + aws.ToString(got.DataType)
		case aws.ToString(got.StringValue) != aws.ToString(want.StringValue):
			return "attribute " + k + " has value " + aws.ToString(got.StringValue)
		case !bytes.Equal(got.BinaryValue, want.BinaryValue):
			return "attribute " + k + " has other bytes"
		}
	}
	return ""
}

// tailText is the end of s.
func tailText(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
