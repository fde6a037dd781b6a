package dlq

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/awsenv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

// Hand-written fakes of the narrow interfaces: SQS and S3 in memory, with
// the behaviour the archiver's guarantees depend on (visibility timeouts
// on a fake clock, a new receipt handle per receipt, deletes with a stale
// receipt handle that report success and delete nothing, partial batch
// failures, If-None-Match), every call recorded, failures injected per
// operation, and a kill switch that makes a client die at a chosen call.

const (
	testAccount = "111111111111"
	testRegion  = "eu-west-2"
	pageSize    = 2
)

func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// calls records the operations a fake was asked for, in order.
type calls struct {
	mu  sync.Mutex
	ops []string
}

func (c *calls) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = append(c.ops, op)
}

func (c *calls) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ops)
}

func (c *calls) count(op string) int {
	n := 0
	for _, o := range c.all() {
		if o == op {
			n++
		}
	}
	return n
}

func (c *calls) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = nil
}

// errKilled is what every call of a killed client returns.
var errKilled = errors.New("killed: the process died")

// Kill modes.
const (
	killBefore = iota // the call is refused and not carried out
	killAfter         // the call is carried out, then the answer is lost
	killMid           // a batch call carries out part of its entries
)

// killSwitch kills a client at the n-th call of op ("" for any call):
// that call and every later one fail with errKilled.
type killSwitch struct {
	mu   sync.Mutex
	op   string
	n    int
	mode int
	seen int
	dead bool
	// fired says where the kill happened.
	fired string
}

// enter is called at the start of every call. It returns an error when
// the call must not happen, and whether this is the fatal call.
func (k *killSwitch) enter(op string) (fatal bool, mode int, err error) {
	if k == nil {
		return false, 0, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dead {
		return false, 0, errKilled
	}
	if k.op != "" && k.op != op {
		return false, 0, nil
	}
	k.seen++
	if k.seen != k.n {
		return false, 0, nil
	}
	k.dead = true
	k.fired = fmt.Sprintf("%s #%d mode %d", op, k.n, k.mode)
	if k.mode == killBefore {
		return false, 0, errKilled
	}
	return true, k.mode, nil
}

func (k *killSwitch) isDead() bool {
	if k == nil {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.dead
}

// fakeMessage is one message in a fake queue.
type fakeMessage struct {
	id, body     string
	md5          string
	sent         time.Time
	sender       string
	group, dedup string
	seq          string
	trace        string
	attrs        map[string]sqstypes.MessageAttributeValue
	visibleAt    time.Time
	receipt      string // the latest receipt handle; "" before the first receipt
	receipts     int
	firstReceive time.Time
	deleted      bool
}

// fakeQueue is one fake queue.
type fakeQueue struct {
	name, url, arn string
	fifo           bool
	attrs          map[string]string
	tags           map[string]string
	msgs           []*fakeMessage
}

// fakeSQS is SQS in memory for one account and region.
type fakeSQS struct {
	mu      sync.Mutex
	clock   *fakeClock
	account string
	region  string
	queues  map[string]*fakeQueue // by URL
	calls   calls
	fail    map[string]error
	rng     *rand.Rand
	// dupRate is the chance that a receive also returns a message already
	// in flight, with a new receipt handle (SQS's at-least-once delivery).
	dupRate float64
	// deleteFailRate is the chance a delete entry fails with InternalError.
	deleteFailRate float64
	// shuffle returns visible messages in random order.
	shuffle bool
	kill    *killSwitch
	nextID  int
}

func newFakeSQS(clock *fakeClock, account, region string) *fakeSQS {
	return &fakeSQS{clock: clock, account: account, region: region, queues: map[string]*fakeQueue{},
		fail: map[string]error{}, rng: rand.New(rand.NewPCG(1, 2))}
}

// addQueue creates a queue with retention (0: four days) and redrive
// policy to the queue named dlq ("" for none).
func (f *fakeSQS) addQueue(name string, retention time.Duration, dlq string, tags map[string]string) *fakeQueue {
	f.mu.Lock()
	defer f.mu.Unlock()
	if retention == 0 {
		retention = 4 * 24 * time.Hour
	}
	q := &fakeQueue{
		name: name,
		url:  fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", f.region, f.account, name),
		arn:  fmt.Sprintf("arn:aws:sqs:%s:%s:%s", f.region, f.account, name),
		fifo: strings.HasSuffix(name, ".fifo"),
		attrs: map[string]string{
			"MessageRetentionPeriod": strconv.Itoa(int(retention / time.Second)),
		},
		tags: map[string]string{},
	}
	for k, v := range tags {
		q.tags[k] = v
	}
	if dlq != "" {
		q.attrs["RedrivePolicy"] = fmt.Sprintf(`{"deadLetterTargetArn":"arn:aws:sqs:%s:%s:%s","maxReceiveCount":"3"}`, f.region, f.account, dlq)
	}
	if q.fifo {
		q.attrs["FifoQueue"] = "true"
	}
	f.queues[q.url] = q
	return q
}

func (f *fakeSQS) queueURL(name string) string {
	return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", f.region, f.account, name)
}

// put adds a message sent at sent.
func (f *fakeSQS) put(name string, body string, sent time.Time, attrs map[string]sqstypes.MessageAttributeValue) *fakeMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.putLocked(f.queues[f.queueURL(name)], body, sent, attrs, "", "")
}

func (f *fakeSQS) putLocked(q *fakeQueue, body string, sent time.Time, attrs map[string]sqstypes.MessageAttributeValue, group, dedup string) *fakeMessage {
	f.nextID++
	m := &fakeMessage{
		id:     fmt.Sprintf("%08x-0000-4000-8000-%012x", f.nextID, f.nextID),
		body:   body,
		md5:    fmt.Sprintf("md5-%d", len(body)),
		sent:   sent,
		sender: "AIDAEXAMPLE",
		attrs:  attrs,
		group:  group, dedup: dedup,
	}
	if q.fifo {
		m.seq = strconv.Itoa(10000000 + f.nextID)
	}
	q.msgs = append(q.msgs, m)
	return m
}

// live returns the messages of a queue not deleted.
func (f *fakeSQS) live(name string) []*fakeMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*fakeMessage
	for _, m := range f.queues[f.queueURL(name)].msgs {
		if !m.deleted {
			out = append(out, m)
		}
	}
	return out
}

func (f *fakeSQS) begin(op string) (bool, int, error) {
	f.calls.add(op)
	fatal, mode, err := f.kill.enter(op)
	if err != nil {
		return false, 0, err
	}
	f.mu.Lock()
	injected := f.fail[op]
	f.mu.Unlock()
	if injected != nil {
		return false, 0, injected
	}
	return fatal, mode, nil
}

func (f *fakeSQS) queue(url *string) (*fakeQueue, error) {
	q, ok := f.queues[aws.ToString(url)]
	if !ok {
		return nil, &sqstypes.QueueDoesNotExist{Message: aws.String("The specified queue does not exist.")}
	}
	return q, nil
}

func (f *fakeSQS) ListQueues(ctx context.Context, in *sqs.ListQueuesInput, _ ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	if _, _, err := f.begin("ListQueues"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var urls []string
	for u := range f.queues {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	items, next := page(urls, in.NextToken)
	return &sqs.ListQueuesOutput{QueueUrls: items, NextToken: next}, nil
}

// page returns one page of pageSize items and the next token.
func page[T any](items []T, token *string) ([]T, *string) {
	from := 0
	if token != nil {
		from, _ = strconv.Atoi(*token)
	}
	to := min(from+pageSize, len(items))
	var next *string
	if to < len(items) {
		next = aws.String(strconv.Itoa(to))
	}
	return items[from:to], next
}

func (f *fakeSQS) GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	if _, _, err := f.begin("GetQueueAttributes"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	now := f.clock.now()
	var visible, inflight int
	for _, m := range q.msgs {
		switch {
		case m.deleted:
		case m.visibleAt.After(now):
			inflight++
		default:
			visible++
		}
	}
	all := map[string]string{
		"QueueArn":                              q.arn,
		"ApproximateNumberOfMessages":           strconv.Itoa(visible),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inflight),
		"ApproximateNumberOfMessagesDelayed":    "0",
	}
	for k, v := range q.attrs {
		all[k] = v
	}
	out := map[string]string{}
	for _, n := range in.AttributeNames {
		if v, ok := all[string(n)]; ok {
			out[string(n)] = v
		}
	}
	return &sqs.GetQueueAttributesOutput{Attributes: out}, nil
}

func (f *fakeSQS) ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput, _ ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error) {
	if _, _, err := f.begin("ListQueueTags"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for k, v := range q.tags {
		tags[k] = v
	}
	return &sqs.ListQueueTagsOutput{Tags: tags}, nil
}

func (f *fakeSQS) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, _ ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	if _, _, err := f.begin("GetQueueUrl"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.queueURL(aws.ToString(in.QueueName))
	if _, err := f.queue(&u); err != nil {
		return nil, err
	}
	return &sqs.GetQueueUrlOutput{QueueUrl: aws.String(u)}, nil
}

// deliver makes m received with a new receipt handle at now.
func (f *fakeSQS) deliver(m *fakeMessage, vt int32, now time.Time) sqstypes.Message {
	m.receipts++
	m.receipt = fmt.Sprintf("%s#%d", m.id, m.receipts)
	if m.firstReceive.IsZero() {
		m.firstReceive = now
	}
	m.visibleAt = now.Add(time.Duration(vt) * time.Second)
	attrs := map[string]string{
		"SentTimestamp":                    strconv.FormatInt(m.sent.UnixMilli(), 10),
		"SenderId":                         m.sender,
		"ApproximateReceiveCount":          strconv.Itoa(m.receipts),
		"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.firstReceive.UnixMilli(), 10),
	}
	if m.group != "" {
		attrs["MessageGroupId"] = m.group
	}
	if m.dedup != "" {
		attrs["MessageDeduplicationId"] = m.dedup
	}
	if m.seq != "" {
		attrs["SequenceNumber"] = m.seq
	}
	if m.trace != "" {
		attrs["AWSTraceHeader"] = m.trace
	}
	out := sqstypes.Message{
		MessageId: aws.String(m.id), ReceiptHandle: aws.String(m.receipt), Body: aws.String(m.body),
		MD5OfBody: aws.String(m.md5), Attributes: attrs,
	}
	if len(m.attrs) > 0 {
		out.MessageAttributes = map[string]sqstypes.MessageAttributeValue{}
		for k, v := range m.attrs {
			out.MessageAttributes[k] = v
		}
		out.MD5OfMessageAttributes = aws.String("md5-attrs")
	}
	return out
}

func (f *fakeSQS) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	fatal, _, err := f.begin("ReceiveMessage")
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	now := f.clock.now()
	lockedGroups := map[string]bool{}
	var visible, inflight []*fakeMessage
	for _, m := range q.msgs {
		switch {
		case m.deleted:
		case m.visibleAt.After(now):
			inflight = append(inflight, m)
			if q.fifo {
				lockedGroups[m.group] = true
			}
		default:
			visible = append(visible, m)
		}
	}
	if f.shuffle && !q.fifo {
		f.rng.Shuffle(len(visible), func(i, j int) { visible[i], visible[j] = visible[j], visible[i] })
	}
	var out sqs.ReceiveMessageOutput
	n := int(max(in.MaxNumberOfMessages, 1))
	for _, m := range visible {
		if len(out.Messages) >= n {
			break
		}
		if q.fifo && lockedGroups[m.group] {
			continue
		}
		out.Messages = append(out.Messages, f.deliver(m, in.VisibilityTimeout, now))
	}
	if !q.fifo && len(inflight) > 0 && len(out.Messages) < n && f.rng.Float64() < f.dupRate {
		out.Messages = append(out.Messages, f.deliver(inflight[f.rng.IntN(len(inflight))], in.VisibilityTimeout, now))
	}
	if fatal {
		return nil, errKilled
	}
	return &out, nil
}

func (f *fakeSQS) DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	fatal, mode, err := f.begin("DeleteMessageBatch")
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	entries := in.Entries
	if fatal && mode == killMid {
		entries = entries[:f.rng.IntN(len(entries)+1)]
	}
	out := &sqs.DeleteMessageBatchOutput{}
	for _, e := range entries {
		if f.deleteFailRate > 0 && f.rng.Float64() < f.deleteFailRate {
			out.Failed = append(out.Failed, sqstypes.BatchResultErrorEntry{Id: e.Id, Code: aws.String("InternalError"), Message: aws.String("try again"), SenderFault: false})
			continue
		}
		m := q.byReceipt(aws.ToString(e.ReceiptHandle))
		if m == nil {
			out.Failed = append(out.Failed, sqstypes.BatchResultErrorEntry{Id: e.Id, Code: aws.String("ReceiptHandleIsInvalid"), SenderFault: true})
			continue
		}
		if m.receipt == aws.ToString(e.ReceiptHandle) {
			m.deleted = true
		}
		// A stale receipt handle: SQS reports success and deletes nothing.
		out.Successful = append(out.Successful, sqstypes.DeleteMessageBatchResultEntry{Id: e.Id})
	}
	if fatal {
		return nil, errKilled
	}
	return out, nil
}

// byReceipt finds the message any of whose receipt handles is h.
func (q *fakeQueue) byReceipt(h string) *fakeMessage {
	id, n, ok := strings.Cut(h, "#")
	if !ok {
		return nil
	}
	k, err := strconv.Atoi(n)
	if err != nil {
		return nil
	}
	for _, m := range q.msgs {
		if m.id == id && k >= 1 && k <= m.receipts {
			return m
		}
	}
	return nil
}

func (f *fakeSQS) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	fatal, _, err := f.begin("ChangeMessageVisibilityBatch")
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	now := f.clock.now()
	out := &sqs.ChangeMessageVisibilityBatchOutput{}
	for _, e := range in.Entries {
		m := q.byReceipt(aws.ToString(e.ReceiptHandle))
		if m == nil || m.deleted || m.receipt != aws.ToString(e.ReceiptHandle) || !m.visibleAt.After(now) {
			out.Failed = append(out.Failed, sqstypes.BatchResultErrorEntry{Id: e.Id, Code: aws.String("MessageNotInflight"), SenderFault: true})
			continue
		}
		m.visibleAt = now.Add(time.Duration(e.VisibilityTimeout) * time.Second)
		out.Successful = append(out.Successful, sqstypes.ChangeMessageVisibilityBatchResultEntry{Id: e.Id})
	}
	if fatal {
		return nil, errKilled
	}
	return out, nil
}

func (f *fakeSQS) SendMessage(ctx context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	if _, _, err := f.begin("SendMessage"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	m, err := f.sendLocked(q, aws.ToString(in.MessageBody), in.MessageAttributes, in.MessageSystemAttributes, in.MessageGroupId, in.MessageDeduplicationId)
	if err != nil {
		return nil, err
	}
	return &sqs.SendMessageOutput{MessageId: aws.String(m.id)}, nil
}

func (f *fakeSQS) sendLocked(q *fakeQueue, body string, attrs map[string]sqstypes.MessageAttributeValue, sys map[string]sqstypes.MessageSystemAttributeValue, group, dedup *string) (*fakeMessage, error) {
	if q.fifo && aws.ToString(group) == "" {
		return nil, apiError("MissingParameter", "The request must contain the parameter MessageGroupId.")
	}
	if !q.fifo && (group != nil || dedup != nil) {
		return nil, apiError("InvalidParameterValue", "MessageGroupId and MessageDeduplicationId are for FIFO queues")
	}
	m := f.putLocked(q, body, f.clock.now(), attrs, aws.ToString(group), aws.ToString(dedup))
	if th, ok := sys["AWSTraceHeader"]; ok {
		m.trace = aws.ToString(th.StringValue)
	}
	return m, nil
}

func (f *fakeSQS) SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	if _, _, err := f.begin("SendMessageBatch"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if len(in.Entries) > maxBatch {
		return nil, apiError("TooManyEntriesInBatchRequest", "at most 10")
	}
	out := &sqs.SendMessageBatchOutput{}
	for _, e := range in.Entries {
		if strings.HasPrefix(aws.ToString(e.MessageBody), "refuse") {
			out.Failed = append(out.Failed, sqstypes.BatchResultErrorEntry{Id: e.Id, Code: aws.String("InvalidMessageContents"), SenderFault: true})
			continue
		}
		m, err := f.sendLocked(q, aws.ToString(e.MessageBody), e.MessageAttributes, e.MessageSystemAttributes, e.MessageGroupId, e.MessageDeduplicationId)
		if err != nil {
			out.Failed = append(out.Failed, sqstypes.BatchResultErrorEntry{Id: e.Id, Code: aws.String(awsenv.ErrorCode(err)), SenderFault: true})
			continue
		}
		out.Successful = append(out.Successful, sqstypes.SendMessageBatchResultEntry{Id: e.Id, MessageId: aws.String(m.id)})
	}
	return out, nil
}

// fakeObject is one object in the fake S3.
type fakeObject struct {
	body []byte
	sse  s3types.ServerSideEncryption
	kms  string
}

// fakeS3 is S3 in memory.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string]map[string]fakeObject // bucket → key → object
	pab     map[string]*s3types.PublicAccessBlockConfiguration
	enc     map[string]bool
	calls   calls
	fail    map[string]error
	kill    *killSwitch
	// overwrites counts puts that replaced an object.
	overwrites int
}

func newFakeS3() *fakeS3 {
	return &fakeS3{objects: map[string]map[string]fakeObject{}, pab: map[string]*s3types.PublicAccessBlockConfiguration{},
		enc: map[string]bool{}, fail: map[string]error{}}
}

// addBucket creates a bucket that blocks public access and is encrypted.
func (f *fakeS3) addBucket(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[name] = map[string]fakeObject{}
	t := aws.Bool(true)
	f.pab[name] = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: t, IgnorePublicAcls: t, BlockPublicPolicy: t, RestrictPublicBuckets: t}
	f.enc[name] = true
}

// keys returns the keys of a bucket, sorted.
func (f *fakeS3) keys(bucket string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for k := range f.objects[bucket] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (f *fakeS3) object(bucket, key string) (fakeObject, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[bucket][key]
	return o, ok
}

func (f *fakeS3) setObject(bucket, key string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[bucket][key] = fakeObject{body: body}
}

func (f *fakeS3) begin(op string) (bool, int, error) {
	f.calls.add(op)
	fatal, mode, err := f.kill.enter(op)
	if err != nil {
		return false, 0, err
	}
	f.mu.Lock()
	injected := f.fail[op]
	f.mu.Unlock()
	if injected != nil {
		return false, 0, injected
	}
	return fatal, mode, nil
}

func (f *fakeS3) PutObject(ctx context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	fatal, _, err := f.begin("PutObject")
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.objects[aws.ToString(in.Bucket)]
	if !ok {
		return nil, apiError("NoSuchBucket", "The specified bucket does not exist")
	}
	key := aws.ToString(in.Key)
	sum, md := sha256.Sum256(body), md5.Sum(body)
	if want := aws.ToString(in.ContentMD5); want != "" && want != base64.StdEncoding.EncodeToString(md[:]) {
		return nil, apiError("BadDigest", "The Content-MD5 you specified did not match what we received.")
	}
	if want := aws.ToString(in.ChecksumSHA256); want != "" && want != base64.StdEncoding.EncodeToString(sum[:]) {
		return nil, apiError("BadDigest", "The SHA256 you specified did not match the calculated checksum.")
	}
	if _, exists := b[key]; exists {
		if aws.ToString(in.IfNoneMatch) == "*" {
			return nil, apiError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
		}
		f.overwrites++
	}
	b[key] = fakeObject{body: body, sse: in.ServerSideEncryption, kms: aws.ToString(in.SSEKMSKeyId)}
	if fatal {
		return nil, errKilled
	}
	// Like S3: the ETag of a single-part SSE-S3 object is its MD5, and a
	// checksum sent is echoed.
	return &s3.PutObjectOutput{ETag: aws.String(`"` + hex.EncodeToString(md[:]) + `"`), ChecksumSHA256: in.ChecksumSHA256}, nil
}

func (f *fakeS3) GetObject(ctx context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if _, _, err := f.begin("GetObject"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[aws.ToString(in.Bucket)][aws.ToString(in.Key)]
	if !ok {
		return nil, &s3types.NoSuchKey{Message: aws.String("The specified key does not exist.")}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(o.body))}, nil
}

func (f *fakeS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	if _, _, err := f.begin("ListObjectsV2"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.objects[aws.ToString(in.Bucket)]
	if !ok {
		return nil, apiError("NoSuchBucket", "The specified bucket does not exist")
	}
	var keys []string
	for k := range b {
		if strings.HasPrefix(k, aws.ToString(in.Prefix)) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	items, next := page(keys, in.ContinuationToken)
	out := &s3.ListObjectsV2Output{NextContinuationToken: next, IsTruncated: aws.Bool(next != nil)}
	for _, k := range items {
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(k)})
	}
	return out, nil
}

func (f *fakeS3) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	if _, _, err := f.begin("GetPublicAccessBlock"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pab[aws.ToString(in.Bucket)]
	if p == nil {
		return nil, apiError("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	c := *p
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &c}, nil
}

func (f *fakeS3) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	if _, _, err := f.begin("GetBucketEncryption"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.enc[aws.ToString(in.Bucket)] {
		return nil, apiError("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}},
	}}, nil
}

// fakeCloudWatch answers the age metric and the alarm lookup.
type fakeCloudWatch struct {
	mu     sync.Mutex
	ages   map[string]time.Duration // by queue name
	alarms []cwtypes.MetricAlarm
	calls  calls
	fail   map[string]error
}

func newFakeCloudWatch() *fakeCloudWatch {
	return &fakeCloudWatch{ages: map[string]time.Duration{}, fail: map[string]error{}}
}

func (f *fakeCloudWatch) GetMetricStatistics(ctx context.Context, in *cloudwatch.GetMetricStatisticsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricStatisticsOutput, error) {
	f.calls.add("GetMetricStatistics")
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail["GetMetricStatistics"]; err != nil {
		return nil, err
	}
	name := aws.ToString(in.Dimensions[0].Value)
	age, ok := f.ages[name]
	if !ok {
		return &cloudwatch.GetMetricStatisticsOutput{}, nil
	}
	end := aws.ToTime(in.EndTime)
	return &cloudwatch.GetMetricStatisticsOutput{Datapoints: []cwtypes.Datapoint{
		{Timestamp: aws.Time(end.Add(-5 * time.Minute)), Maximum: aws.Float64((age - 4*time.Minute).Seconds())},
		{Timestamp: aws.Time(end.Add(-time.Minute)), Maximum: aws.Float64(age.Seconds())},
	}}, nil
}

func (f *fakeCloudWatch) DescribeAlarmsForMetric(ctx context.Context, in *cloudwatch.DescribeAlarmsForMetricInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsForMetricOutput, error) {
	f.calls.add("DescribeAlarmsForMetric")
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail["DescribeAlarmsForMetric"]; err != nil {
		return nil, err
	}
	var out []cwtypes.MetricAlarm
	for _, a := range f.alarms {
		if aws.ToString(a.MetricName) == aws.ToString(in.MetricName) {
			out = append(out, a)
		}
	}
	return &cloudwatch.DescribeAlarmsForMetricOutput{MetricAlarms: out}, nil
}

// addAlarm adds an alarm on a queue's visible-messages metric.
func (f *fakeCloudWatch) addAlarm(name, queue string, state cwtypes.StateValue) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.alarms = append(f.alarms, cwtypes.MetricAlarm{
		AlarmName: aws.String(name), MetricName: aws.String(metricVisible), Namespace: aws.String(sqsNamespace),
		Dimensions: []cwtypes.Dimension{{Name: aws.String(queueNameDim), Value: aws.String(queue)}},
		StateValue: state,
	})
}
