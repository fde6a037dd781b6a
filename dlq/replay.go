package dlq

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// maxBatchPayload is the most message payload (bodies and attributes) a
// replay puts in one SendMessageBatch; a message larger than that is
// sent alone.
const maxBatchPayload = 256 << 10

// maxMessageAttributes is the most message attributes SQS accepts on a
// message.
const maxMessageAttributes = 10

// ReplayOptions say what [Replay] sends where.
type ReplayOptions struct {
	// From is the archive to replay: "s3://bucket/prefix". Every object
	// under the prefix whose key ends in .json is replayed, in key order
	// (by day, then message id). The prefix is matched as S3 does, as a
	// plain string: end it with "/" to stop at a path segment.
	From string
	// To is the queue to send to: a name (in the clients' account and
	// region) or a queue URL.
	To string
	// DryRun reads and checks every archived message and sends nothing.
	DryRun bool
	// Each, when set, is told of every object as its fate is known.
	Each func(ReplayEntry)
}

// Replay entry outcomes.
const (
	ReplaySent      = "sent"
	ReplayWouldSend = "would send"
	ReplaySkipped   = "skipped"
	ReplayFailed    = "failed"
)

// ReplayEntry is the fate of one archive object.
type ReplayEntry struct {
	// Key is the object's key.
	Key string
	// MessageID is the archived message's id; empty when unreadable.
	MessageID string
	// Status is ReplaySent, ReplayWouldSend, ReplaySkipped (the object is
	// not a sendable archived message) or ReplayFailed (it could not be
	// read, or SQS refused it).
	Status string
	// NewMessageID is the id SQS gave the message sent.
	NewMessageID string
	// Error says why it was skipped or failed.
	Error string
}

// ReplayReport is what a replay did.
type ReplayReport struct {
	// QueueURL is the queue sent to; FIFO says whether it is a FIFO queue.
	QueueURL string
	FIFO     bool
	// Objects is how many archive objects were read.
	Objects int
	// Sent, WouldSend, Skipped and Failed count the entries by status.
	Sent, WouldSend, Skipped, Failed int
	// Problems are the skipped and failed entries.
	Problems []ReplayEntry
}

func (r *ReplayReport) add(e ReplayEntry, each func(ReplayEntry)) {
	switch e.Status {
	case ReplaySent:
		r.Sent++
	case ReplayWouldSend:
		r.WouldSend++
	case ReplaySkipped:
		r.Skipped++
		r.Problems = append(r.Problems, e)
	case ReplayFailed:
		r.Failed++
		r.Problems = append(r.Problems, e)
	}
	if each != nil {
		each(e)
	}
}

// Replay sends archived messages back to a queue: the body and message
// attributes byte for byte, the AWSTraceHeader, and for a FIFO queue the
// archived MessageGroupId and MessageDeduplicationId (the message id when
// the archive has none, as for a message from a standard queue). An
// object that is not a complete archived message is reported by key and
// skipped: a message is sent whole or not at all. Replay never deletes or
// changes archive objects; replaying the same archive twice sends its
// messages twice (a FIFO queue drops the repeats within its five-minute
// deduplication interval).
//
// Its error is a failure to start (a bad From, a queue that does not
// exist) or to list the archive; per-object problems are in the report.
func Replay(ctx context.Context, c ReplayClients, opts ReplayOptions) (ReplayReport, error) {
	var rep ReplayReport
	bucket, prefix, err := ParseArchiveURL(opts.From)
	if err != nil {
		return rep, err
	}
	rep.QueueURL, rep.FIFO, err = resolveQueue(ctx, c.SQS, opts.To)
	if err != nil {
		return rep, err
	}
	s := &sender{c: c.SQS, rep: &rep, opts: opts}
	p := s3.NewListObjectsV2Paginator(c.S3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			s.flush(ctx)
			return rep, fmt.Errorf("list archive s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if !strings.HasSuffix(key, ".json") {
				continue
			}
			rep.Objects++
			rec, err := readRecord(ctx, c.S3, bucket, key)
			if err == nil {
				err = sendable(rec)
			}
			if err != nil {
				st := ReplaySkipped
				if !errors.Is(err, errMalformed) {
					st = ReplayFailed
				}
				rep.add(ReplayEntry{Key: key, MessageID: rec.MessageID, Status: st, Error: shortError(err)}, opts.Each)
				continue
			}
			s.add(ctx, key, rec)
		}
	}
	s.flush(ctx)
	return rep, ctx.Err()
}

// ParseArchiveURL splits a replay's --from, "s3://bucket/prefix", into
// its bucket and key prefix, or says why it is not such an address.
func ParseArchiveURL(u string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	if !ok {
		return "", "", fmt.Errorf("replay from %q: not an s3://bucket/prefix address", u)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if !bucketName.MatchString(bucket) {
		return "", "", fmt.Errorf("replay from %q: %q is not an S3 bucket name", u, bucket)
	}
	return bucket, prefix, nil
}

// resolveQueue returns the URL of the queue named by to (a name or a URL)
// and whether it is a FIFO queue.
func resolveQueue(ctx context.Context, c SQSAPI, to string) (string, bool, error) {
	url := to
	if !strings.HasPrefix(to, "https://") && !strings.HasPrefix(to, "http://") {
		if !validQueueName(to) {
			return "", false, fmt.Errorf("replay to %q: neither a queue name nor a queue URL", to)
		}
		out, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(to)})
		if err != nil {
			return "", false, fmt.Errorf("find queue %s: %w", to, err)
		}
		url = aws.ToString(out.QueueUrl)
	}
	out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameFifoQueue},
	})
	if err != nil {
		return "", false, fmt.Errorf("get attributes of queue %s: %w", queueNameFromURL(url), err)
	}
	fifo := strings.EqualFold(out.Attributes[string(sqstypes.QueueAttributeNameFifoQueue)], "true") || strings.HasSuffix(queueNameFromURL(url), ".fifo")
	return url, fifo, nil
}

// readRecord reads and decodes one archive object.
func readRecord(ctx context.Context, c S3API, bucket, key string) (Record, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return Record{}, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, maxRecordSize+1))
	if err != nil {
		return Record{}, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	if len(b) > maxRecordSize {
		return Record{}, fmt.Errorf("%w: larger than %d bytes", errMalformed, maxRecordSize)
	}
	return DecodeRecord(b)
}

// sendable checks a record can be sent as it is: a body, and message
// attributes SQS accepts, each with the value its type needs.
func sendable(r Record) error {
	if r.Body == "" {
		return fmt.Errorf("%w: message %s has an empty body", errMalformed, r.MessageID)
	}
	if len(r.MessageAttributes) > maxMessageAttributes {
		return fmt.Errorf("%w: message %s has %d message attributes; SQS takes at most %d", errMalformed, r.MessageID, len(r.MessageAttributes), maxMessageAttributes)
	}
	for name, a := range r.MessageAttributes {
		base, _, _ := strings.Cut(a.DataType, ".")
		switch {
		case base == "Binary" && a.BinaryValue != nil && a.StringValue == nil:
		case (base == "String" || base == "Number") && a.StringValue != nil && a.BinaryValue == nil:
		default:
			return fmt.Errorf("%w: message %s: message attribute %q of type %q has no value of that type", errMalformed, r.MessageID, name, a.DataType)
		}
	}
	return nil
}

// sender batches messages for SendMessageBatch.
type sender struct {
	c     SQSAPI
	rep   *ReplayReport
	opts  ReplayOptions
	batch []pending
	size  int
}

type pending struct {
	key   string
	rec   Record
	entry sqstypes.SendMessageBatchRequestEntry
}

// add queues one message, sending the batch when it is full; in a dry run
// it only reports the message.
func (s *sender) add(ctx context.Context, key string, rec Record) {
	if s.opts.DryRun {
		s.rep.add(ReplayEntry{Key: key, MessageID: rec.MessageID, Status: ReplayWouldSend}, s.opts.Each)
		return
	}
	e, size := s.entry(rec)
	if size > maxBatchPayload {
		s.single(ctx, key, rec, e)
		return
	}
	if len(s.batch) == maxBatch || s.size+size > maxBatchPayload {
		s.flush(ctx)
	}
	e.Id = aws.String(strconv.Itoa(len(s.batch)))
	s.batch = append(s.batch, pending{key: key, rec: rec, entry: e})
	s.size += size
}

// entry is the batch entry for rec and the size of its payload.
func (s *sender) entry(rec Record) (sqstypes.SendMessageBatchRequestEntry, int) {
	e := sqstypes.SendMessageBatchRequestEntry{MessageBody: aws.String(rec.Body)}
	size := len(rec.Body)
	if len(rec.MessageAttributes) > 0 {
		e.MessageAttributes = map[string]sqstypes.MessageAttributeValue{}
		for name, a := range rec.MessageAttributes {
			v := sqstypes.MessageAttributeValue{DataType: aws.String(a.DataType), BinaryValue: a.BinaryValue}
			if a.StringValue != nil {
				v.StringValue = aws.String(*a.StringValue)
			}
			e.MessageAttributes[name] = v
			size += len(name) + len(a.DataType) + len(a.BinaryValue) + len(aws.ToString(a.StringValue))
		}
	}
	if th := rec.Attributes[string(sqstypes.MessageSystemAttributeNameAWSTraceHeader)]; th != "" {
		e.MessageSystemAttributes = map[string]sqstypes.MessageSystemAttributeValue{
			string(sqstypes.MessageSystemAttributeNameForSendsAWSTraceHeader): {DataType: aws.String("String"), StringValue: aws.String(th)},
		}
	}
	if s.rep.FIFO {
		group := rec.Attributes[string(sqstypes.MessageSystemAttributeNameMessageGroupId)]
		if group == "" {
			group = rec.MessageID
		}
		dedup := rec.Attributes[string(sqstypes.MessageSystemAttributeNameMessageDeduplicationId)]
		if dedup == "" {
			dedup = rec.MessageID
		}
		e.MessageGroupId, e.MessageDeduplicationId = aws.String(group), aws.String(dedup)
	}
	return e, size
}

// single sends one message larger than a batch may carry.
func (s *sender) single(ctx context.Context, key string, rec Record, e sqstypes.SendMessageBatchRequestEntry) {
	out, err := s.c.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl: aws.String(s.rep.QueueURL), MessageBody: e.MessageBody, MessageAttributes: e.MessageAttributes,
		MessageSystemAttributes: e.MessageSystemAttributes, MessageGroupId: e.MessageGroupId, MessageDeduplicationId: e.MessageDeduplicationId,
	})
	if err != nil {
		s.rep.add(ReplayEntry{Key: key, MessageID: rec.MessageID, Status: ReplayFailed, Error: fmt.Sprintf("send message %s: %s", rec.MessageID, shortError(err))}, s.opts.Each)
		return
	}
	s.rep.add(ReplayEntry{Key: key, MessageID: rec.MessageID, Status: ReplaySent, NewMessageID: aws.ToString(out.MessageId)}, s.opts.Each)
}

// flush sends the batch and reports each entry's fate.
func (s *sender) flush(ctx context.Context) {
	if len(s.batch) == 0 {
		return
	}
	batch := s.batch
	s.batch, s.size = nil, 0
	in := &sqs.SendMessageBatchInput{QueueUrl: aws.String(s.rep.QueueURL)}
	for _, p := range batch {
		in.Entries = append(in.Entries, p.entry)
	}
	out, err := s.c.SendMessageBatch(ctx, in)
	if err != nil {
		for _, p := range batch {
			s.rep.add(ReplayEntry{Key: p.key, MessageID: p.rec.MessageID, Status: ReplayFailed, Error: fmt.Sprintf("send messages: %s", shortError(err))}, s.opts.Each)
		}
		return
	}
	sent := map[string]string{}
	for _, ok := range out.Successful {
		sent[aws.ToString(ok.Id)] = aws.ToString(ok.MessageId)
	}
	failed := map[string]sqstypes.BatchResultErrorEntry{}
	for _, f := range out.Failed {
		failed[aws.ToString(f.Id)] = f
	}
	for _, p := range batch {
		id := aws.ToString(p.entry.Id)
		e := ReplayEntry{Key: p.key, MessageID: p.rec.MessageID}
		if f, bad := failed[id]; bad {
			e.Status, e.Error = ReplayFailed, entryFailure{code: aws.ToString(f.Code), msg: aws.ToString(f.Message)}.Error()
		} else if newID, ok := sent[id]; ok {
			e.Status, e.NewMessageID = ReplaySent, newID
		} else {
			e.Status, e.Error = ReplayFailed, "neither successful nor failed in the batch response"
		}
		s.rep.add(e, s.opts.Each)
	}
}
