package dlq

import (
	"context"
	"fmt"
	"strconv"

	"github.com/opsd-dev/opsd/awsenv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// maxBatch is the most entries an SQS batch call takes.
const maxBatch = 10

// handle is a received message's id and receipt handle.
type handle struct {
	id, receipt string
}

// entryFailure is one batch entry SQS did not carry out.
type entryFailure struct {
	h           handle
	code, msg   string
	senderFault bool
}

func (f entryFailure) Error() string {
	if f.msg != "" {
		return f.code + ": " + f.msg
	}
	return f.code
}

// batchResult splits a batch call's entries into those SQS reports done
// and those it does not: Failed[] entries, entries in neither list, and
// every entry when the call itself failed.
func batchResult(hs []handle, successful []string, failed []sqstypes.BatchResultErrorEntry, callErr error) (done []handle, notDone []entryFailure) {
	if callErr != nil {
		for _, h := range hs {
			notDone = append(notDone, entryFailure{h: h, code: awsenv.ErrorCode(callErr), msg: awsenv.ErrorText(callErr)})
		}
		return nil, notDone
	}
	ok := map[string]bool{}
	for _, id := range successful {
		ok[id] = true
	}
	why := map[string]sqstypes.BatchResultErrorEntry{}
	for _, f := range failed {
		why[aws.ToString(f.Id)] = f
	}
	for i, h := range hs {
		id := strconv.Itoa(i)
		if ok[id] {
			if _, alsoFailed := why[id]; !alsoFailed {
				done = append(done, h)
				continue
			}
		}
		f, known := why[id]
		if !known {
			notDone = append(notDone, entryFailure{h: h, code: "Unconfirmed", msg: "neither successful nor failed in the batch response"})
			continue
		}
		notDone = append(notDone, entryFailure{h: h, code: aws.ToString(f.Code), msg: aws.ToString(f.Message), senderFault: f.SenderFault})
	}
	return done, notDone
}

// deleteMessages deletes the messages of hs from the queue in batches of
// ten, retrying once the entries SQS failed through no fault of the
// caller. It returns the messages deleted and those still in the queue,
// each with SQS's reason.
func deleteMessages(ctx context.Context, c SQSAPI, queueURL string, hs []handle) (deleted []handle, kept []entryFailure) {
	for start := 0; start < len(hs); start += maxBatch {
		chunk := hs[start:min(start+maxBatch, len(hs))]
		done, failed := deleteBatch(ctx, c, queueURL, chunk)
		deleted = append(deleted, done...)
		var retry []handle
		for _, f := range failed {
			if f.senderFault || ctx.Err() != nil {
				kept = append(kept, f)
				continue
			}
			retry = append(retry, f.h)
		}
		if len(retry) > 0 {
			done, failed = deleteBatch(ctx, c, queueURL, retry)
			deleted = append(deleted, done...)
			kept = append(kept, failed...)
		}
	}
	return deleted, kept
}

func deleteBatch(ctx context.Context, c SQSAPI, queueURL string, hs []handle) ([]handle, []entryFailure) {
	in := &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(queueURL)}
	for i, h := range hs {
		in.Entries = append(in.Entries, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(h.receipt)})
	}
	out, err := c.DeleteMessageBatch(ctx, in)
	if err != nil {
		return batchResult(hs, nil, nil, fmt.Errorf("delete messages: %w", err))
	}
	ids := make([]string, 0, len(out.Successful))
	for _, s := range out.Successful {
		ids = append(ids, aws.ToString(s.Id))
	}
	return batchResult(hs, ids, out.Failed, nil)
}

// releaseMessages makes the messages of hs visible again at once
// (visibility timeout 0), in batches of ten. It returns those SQS did not
// release; they become visible when their visibility timeout ends.
func releaseMessages(ctx context.Context, c SQSAPI, queueURL string, hs []handle) []entryFailure {
	var notDone []entryFailure
	for start := 0; start < len(hs); start += maxBatch {
		chunk := hs[start:min(start+maxBatch, len(hs))]
		in := &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(queueURL)}
		for i, h := range chunk {
			in.Entries = append(in.Entries, sqstypes.ChangeMessageVisibilityBatchRequestEntry{
				Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(h.receipt), VisibilityTimeout: 0,
			})
		}
		out, err := c.ChangeMessageVisibilityBatch(ctx, in)
		if err != nil {
			_, failed := batchResult(chunk, nil, nil, fmt.Errorf("release messages: %w", err))
			notDone = append(notDone, failed...)
			continue
		}
		ids := make([]string, 0, len(out.Successful))
		for _, s := range out.Successful {
			ids = append(ids, aws.ToString(s.Id))
		}
		_, failed := batchResult(chunk, ids, out.Failed, nil)
		notDone = append(notDone, failed...)
	}
	return notDone
}
