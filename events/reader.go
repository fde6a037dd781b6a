package events

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// QueueAPI is the part of SQS the reader calls.
type QueueAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

var _ QueueAPI = (*sqs.Client)(nil)

// How the queue is read: SQS's longest wait and largest batch.
const (
	waitSeconds = 20
	batchSize   = 10
	// seenFor is how long an event id is remembered, to drop the copies
	// EventBridge and SQS may deliver.
	seenFor = time.Hour
)

// Reader reads the events queue and runs the services each event
// concerns, once per service for every burst within Coalesce of its first
// event. Only the leader reads (Leading); a follower that becomes leader
// continues from the queue.
type Reader struct {
	Queue    QueueAPI
	QueueURL string
	Options  Options
	// Coalesce is how long after a service's first pending event it runs.
	Coalesce time.Duration
	// Leading reports whether this replica leads; nil: it always does.
	Leading func() bool
	// Enabled reports whether a service is enabled; nil: every one is.
	Enabled func(service string) bool
	// Run runs a service now (its scheduled job, outside its schedule).
	Run func(service string)
	// Now is the clock; nil: time.Now.
	Now    func() time.Time
	Logger *slog.Logger

	mu      sync.Mutex
	seen    map[string]time.Time
	pending map[string]time.Time // service → its first pending event
}

// Loop reads the queue until ctx ends, waiting a little after a failed
// receive.
func (r *Reader) Loop(ctx context.Context) {
	for ctx.Err() == nil {
		if r.Leading != nil && !r.Leading() {
			if !sleep(ctx, 5*time.Second) {
				return
			}
			continue
		}
		if _, err := r.Poll(ctx, waitSeconds); err != nil && ctx.Err() == nil {
			r.log().WarnContext(ctx, "read the events queue", "queue", r.QueueURL, "error", err.Error())
			if !sleep(ctx, 10*time.Second) {
				return
			}
		}
		r.Flush()
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (r *Reader) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Reader) log() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Poll receives one batch (waiting up to wait seconds), notes the services
// each new event concerns and deletes the batch: an event that cannot be
// read, or that opsd does nothing with, is logged and deleted too, since
// reading it again changes nothing. It returns the events noted.
func (r *Reader) Poll(ctx context.Context, wait int32) ([]Event, error) {
	out, err := r.Queue.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(r.QueueURL), MaxNumberOfMessages: batchSize, WaitTimeSeconds: wait,
	})
	if err != nil {
		return nil, fmt.Errorf("receive from %s: %w", r.QueueURL, err)
	}
	var noted []Event
	var del []sqstypes.DeleteMessageBatchRequestEntry
	for i, m := range out.Messages {
		del = append(del, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
		ev, err := Parse([]byte(aws.ToString(m.Body)), r.Options)
		switch {
		case err != nil:
			r.log().DebugContext(ctx, "event not acted on", "error", err.Error())
		case ev.Ignored != "":
			r.log().DebugContext(ctx, "event ignored", "event", ev.ID, "why", ev.Ignored)
		case r.dup(ev.ID):
			r.log().DebugContext(ctx, "event seen before", "event", ev.ID)
		default:
			r.note(ev)
			noted = append(noted, ev)
			r.log().InfoContext(ctx, "event", "event", ev.ID, "kind", ev.Kind, "resource", ev.Resource,
				"account", ev.Account, "region", ev.Region, "services", ev.Services)
		}
	}
	if len(del) > 0 {
		res, err := r.Queue.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(r.QueueURL), Entries: del})
		if err != nil {
			return noted, fmt.Errorf("delete %d events from %s: %w", len(del), r.QueueURL, err)
		}
		if len(res.Failed) > 0 {
			// They come back after their visibility timeout and are
			// dropped then as seen before.
			return noted, fmt.Errorf("delete events from %s: %d of %d not deleted: %s", r.QueueURL, len(res.Failed), len(del), aws.ToString(res.Failed[0].Message))
		}
	}
	return noted, nil
}

// dup reports whether the event id was seen within seenFor, and
// remembers it.
func (r *Reader) dup(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if r.seen == nil {
		r.seen = map[string]time.Time{}
	}
	for k, at := range r.seen {
		if now.Sub(at) > seenFor {
			delete(r.seen, k)
		}
	}
	if _, ok := r.seen[id]; ok {
		return true
	}
	r.seen[id] = now
	return false
}

func (r *Reader) note(ev Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending == nil {
		r.pending = map[string]time.Time{}
	}
	for _, s := range ev.Services {
		if r.Enabled != nil && !r.Enabled(s) {
			continue
		}
		if _, ok := r.pending[s]; !ok {
			r.pending[s] = r.now()
		}
	}
}

// Flush runs each service whose first pending event is Coalesce old, and
// returns the services it ran.
func (r *Reader) Flush() []string {
	r.mu.Lock()
	now := r.now()
	var due []string
	for s, at := range r.pending {
		if now.Sub(at) >= r.Coalesce {
			due = append(due, s)
			delete(r.pending, s)
		}
	}
	r.mu.Unlock()
	slices.Sort(due)
	for _, s := range due {
		if r.Run != nil {
			r.Run(s)
		}
	}
	return due
}
