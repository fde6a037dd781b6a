package dlq

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/opsd-dev/opsd/awsenv"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// releaseTimeout bounds making held messages visible again once a scan
// ends, even when the reconcile's time is up.
const releaseTimeout = 15 * time.Second

// maxOutcomeErrors is how many distinct problems one scan keeps.
const maxOutcomeErrors = 5

// archiver archives the due messages of one queue.
type archiver struct {
	sqs       SQSAPI
	s3        S3API
	cfg       ArchiveConfig
	q         Queue
	retention time.Duration
	// now decides what is due and stamps the records.
	now time.Time
	log *slog.Logger
}

// archiveOutcome is what one scan of a queue did.
type archiveOutcome struct {
	// Received is how many distinct messages were received; Due how many
	// of them were due.
	Received, Due int
	// Archived were written to S3 by this scan; AlreadyArchived were
	// found there already (the 412 path). Deleted is how many of both
	// were deleted from the queue.
	Archived, AlreadyArchived, Deleted int
	// Held were not yet due and made visible again.
	Held int
	// Kept were due but are still in the queue: not written, or written
	// and not deleted. None is lost; a later scan takes them again.
	Kept int
	// Hidden are the messages the scan leaves hidden until their
	// visibility timeout ends: written and not deleted, or not made
	// visible again. ReceiveFailed is set when a receive failed: SQS may
	// have hidden messages it meant to return, unseen and uncounted.
	Hidden        int
	ReceiveFailed bool
	// Complete is set when the scan saw every visible message.
	Complete bool
	// OldestSent is the oldest SentTimestamp received.
	OldestSent time.Time
	// Errors are the distinct problems met, at most maxOutcomeErrors;
	// MoreErrors counts the others.
	Errors     []error
	MoreErrors int
}

func (o *archiveOutcome) fail(err error) {
	for _, e := range o.Errors {
		if e.Error() == err.Error() {
			return
		}
	}
	if len(o.Errors) >= maxOutcomeErrors {
		o.MoreErrors++
		return
	}
	o.Errors = append(o.Errors, err)
}

// Err joins the scan's problems, or is nil.
func (o archiveOutcome) Err() error {
	err := errors.Join(o.Errors...)
	if o.MoreErrors > 0 {
		err = fmt.Errorf("%w (and %d more problems)", err, o.MoreErrors)
	}
	return err
}

// putResult is the outcome of writing one message to S3.
type putResult int

const (
	putFailed putResult = iota
	putWritten
	putExists
)

// scan receives from the queue in batches of at most ten, archives the
// messages that are due and deletes each from the queue once S3 has
// confirmed it holds it. Messages not yet due are kept invisible until
// the scan ends, so that each receive brings new ones, and then made
// visible again. It stops after MaxMessagesPerRun distinct messages, once
// it has seen as many as the queue showed visible (visible), when a
// receive brings nothing new, or when ctx ends. Nothing in memory grows
// beyond MaxMessagesPerRun messages' ids and receipt handles plus one
// batch.
func (a *archiver) scan(ctx context.Context, visible int64) archiveOutcome {
	var out archiveOutcome
	seen := map[string]bool{}
	var held []handle
	heldAt := map[string]int{}
	hold := func(h handle) {
		if i, ok := heldAt[h.id]; ok {
			held[i] = h
			return
		}
		heldAt[h.id] = len(held)
		held = append(held, h)
	}
	limit := a.cfg.MaxMessagesPerRun
	for out.Received < limit && ctx.Err() == nil {
		resp, err := a.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(a.q.URL),
			MaxNumberOfMessages:         int32(min(maxBatch, limit-out.Received)),
			WaitTimeSeconds:             int32(a.cfg.WaitTime / time.Second),
			VisibilityTimeout:           int32(a.cfg.VisibilityTimeout / time.Second),
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"},
		})
		if err != nil {
			out.ReceiveFailed = true
			if ctx.Err() == nil {
				out.fail(fmt.Errorf("receive from queue %s: %w", a.q.Name, err))
			}
			break
		}
		if len(resp.Messages) == 0 {
			out.Complete = true
			break
		}
		fresh := 0
		var due []sqstypes.Message
		for _, m := range resp.Messages {
			id := aws.ToString(m.MessageId)
			if !seen[id] {
				seen[id] = true
				fresh++
				out.Received++
			}
			sent := sentTime(m.Attributes)
			if !sent.IsZero() && (out.OldestSent.IsZero() || sent.Before(out.OldestSent)) {
				out.OldestSent = sent
			}
			if isDue(a.cfg.When, sent, a.retention, a.cfg.SafetyMargin, a.now) {
				due = append(due, m)
				continue
			}
			hold(handle{id: id, receipt: aws.ToString(m.ReceiptHandle)})
		}
		out.Due += len(due)
		for _, h := range a.archive(ctx, due, &out) {
			hold(h)
		}
		if fresh == 0 {
			break
		}
		if int64(out.Received) >= visible {
			out.Complete = true
			break
		}
	}
	out.Held = len(held)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	for _, f := range releaseMessages(rctx, a.sqs, a.q.URL, held) {
		out.Hidden++
		a.log.WarnContext(ctx, "release dlq message", "queue", a.q.Name, "message_id", f.h.id, "error", f.Error())
	}
	return out
}

// archive writes the due messages of one batch to S3, concurrently, and
// deletes those S3 confirmed. It returns the messages not written, to be
// made visible again; messages written but not deleted stay invisible
// until their visibility timeout ends, and their next receipt finds them
// archived.
func (a *archiver) archive(ctx context.Context, due []sqstypes.Message, out *archiveOutcome) (unwritten []handle) {
	if len(due) == 0 {
		return nil
	}
	results := make([]putResult, len(due))
	errs := make([]error, len(due))
	forEach(ctx, maxBatch, len(due), func(i int) {
		results[i], errs[i] = a.put(ctx, due[i])
	})
	var written []handle
	for i, m := range due {
		h := handle{id: aws.ToString(m.MessageId), receipt: aws.ToString(m.ReceiptHandle)}
		switch results[i] {
		case putWritten:
			out.Archived++
			written = append(written, h)
		case putExists:
			out.AlreadyArchived++
			written = append(written, h)
		default:
			out.Kept++
			if errs[i] != nil {
				out.fail(errs[i])
			} else {
				out.fail(fmt.Errorf("archive message from queue %s: %w", a.q.Name, ctx.Err()))
			}
			unwritten = append(unwritten, h)
		}
	}
	deleted, kept := deleteMessages(ctx, a.sqs, a.q.URL, written)
	out.Deleted += len(deleted)
	out.Kept += len(kept)
	out.Hidden += len(kept)
	for _, f := range kept {
		out.fail(fmt.Errorf("delete archived message from queue %s (it stays in the queue and is deleted when next received): %w", a.q.Name, f))
	}
	return unwritten
}

// put writes one message to its key unless an object is there already.
// A 412 Precondition Failed means the key holds an object: when that
// object is this message's record, the message is archived (putExists).
func (a *archiver) put(ctx context.Context, m sqstypes.Message) (putResult, error) {
	id := aws.ToString(m.MessageId)
	rec := recordFromMessage(m, a.q.ARN, a.now)
	body, err := EncodeRecord(rec)
	if err != nil {
		return putFailed, fmt.Errorf("archive message %s from queue %s: %w", id, a.q.Name, err)
	}
	key := ObjectKey(a.cfg.Prefix, a.q.Account, a.q.Region, a.q.Name, sentTime(m.Attributes), id)
	digest := digestOf(body)
	in := &s3.PutObjectInput{
		Bucket:               aws.String(a.cfg.Bucket),
		Key:                  aws.String(key),
		Body:                 bytes.NewReader(body),
		ContentLength:        aws.Int64(int64(len(body))),
		ContentType:          aws.String("application/json"),
		ContentMD5:           aws.String(digest.contentMD5()),
		ChecksumSHA256:       aws.String(digest.checksumSHA256()),
		IfNoneMatch:          aws.String("*"),
		ServerSideEncryption: s3types.ServerSideEncryptionAes256,
	}
	if a.cfg.KMSKeyID != "" {
		in.ServerSideEncryption = s3types.ServerSideEncryptionAwsKms
		in.SSEKMSKeyId = aws.String(a.cfg.KMSKeyID)
	}
	out, err := a.s3.PutObject(ctx, in)
	switch {
	case err == nil:
		if err := confirmWrite(out, digest, a.cfg.KMSKeyID != ""); err != nil {
			return putFailed, fmt.Errorf("archive message %s from queue %s to s3://%s/%s: write not confirmed (the message stays in the queue): %w", id, a.q.Name, a.cfg.Bucket, key, err)
		}
		return putWritten, nil
	case preconditionFailed(err):
		return a.verify(ctx, key, rec)
	}
	return putFailed, fmt.Errorf("archive message %s from queue %s to s3://%s/%s: %w", id, a.q.Name, a.cfg.Bucket, key, err)
}

// verify checks that the object at key, which a conditional write found
// there, is the archive of rec's message: the same message id, body and
// message attributes (sameContent).
func (a *archiver) verify(ctx context.Context, key string, rec Record) (putResult, error) {
	where := fmt.Sprintf("s3://%s/%s", a.cfg.Bucket, key)
	out, err := a.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(a.cfg.Bucket), Key: aws.String(key)})
	if err != nil {
		return putFailed, fmt.Errorf("read archived message %s at %s: %w", rec.MessageID, where, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, maxRecordSize+1))
	if err != nil {
		return putFailed, fmt.Errorf("read archived message %s at %s: %w", rec.MessageID, where, err)
	}
	got, err := DecodeRecord(b)
	if err != nil {
		return putFailed, fmt.Errorf("archived message %s at %s: %w; the message stays in the queue", rec.MessageID, where, err)
	}
	if !sameContent(got, rec) {
		return putFailed, fmt.Errorf("archived message %s at %s holds another message or other content (message %s); the message stays in the queue", rec.MessageID, where, got.MessageID)
	}
	return putExists, nil
}

// maxRecordSize bounds an archive object read back: a 1 MiB body in
// base64 and its attributes fit well within it.
const maxRecordSize = 8 << 20

// preconditionFailed reports whether err is S3's 412 Precondition Failed
// answer to a conditional write.
func preconditionFailed(err error) bool {
	if awsenv.ErrorCode(err) == "PreconditionFailed" {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusPreconditionFailed
}
