package awssim

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Queue defaults, as SQS sets them.
const (
	defaultRetention  = 4 * 24 * time.Hour
	defaultVisibility = 30 * time.Second
)

// sqsStore holds the queues of every account and region.
type sqsStore struct {
	srv    *Server
	mu     sync.RWMutex
	queues map[queueKey]*queue
	// seq and prefix make message ids.
	seq    atomic.Uint64
	prefix uint32
	now    func() time.Time
}

type queueKey struct{ account, region, name string }

// queue is one SQS standard queue. msgs keeps messages in send order; a
// deleted or expired message leaves a nil, and head skips the nils at the
// front.
type queue struct {
	mu      sync.Mutex
	account string
	region  string
	name    string
	created time.Time
	attrs   map[string]string
	tags    map[string]string
	msgs    []*message
	// base is the absolute index of msgs[0]; head the index in msgs of
	// the first message not yet gone.
	base, head int
	// changed is closed, and replaced, when messages may have become
	// receivable: long polls wait on it.
	changed chan struct{}
}

// message is one message in a queue.
type message struct {
	id, body, md5 string
	// attrs are the message attributes as SendMessage gave them (JSON).
	attrs        json.RawMessage
	sent         int64 // epoch ms
	firstReceive int64 // epoch ms; 0 before the first receive
	receives     int32
	// visibleAt is when the message can next be received (unix ns).
	visibleAt int64
}

func newSQSStore(srv *Server) *sqsStore {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &sqsStore{srv: srv, queues: map[queueKey]*queue{}, prefix: binary.BigEndian.Uint32(b[:]), now: time.Now}
}

func (s *sqsStore) queue(account, region, name string) *queue {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.queues[queueKey{account, region, name}]
}

// url is the queue's URL: the endpoint, the account and the name.
func (s *sqsStore) url(q *queue) string { return s.srv.URL() + "/" + q.account + "/" + q.name }

func (q *queue) arn() string { return "arn:aws:sqs:" + q.region + ":" + q.account + ":" + q.name }

func (q *queue) retention() time.Duration {
	if v, err := strconv.Atoi(q.attrs["MessageRetentionPeriod"]); err == nil && v > 0 {
		return time.Duration(v) * time.Second
	}
	return defaultRetention
}

func (q *queue) visibility() time.Duration {
	if v, err := strconv.Atoi(q.attrs["VisibilityTimeout"]); err == nil && v >= 0 {
		return time.Duration(v) * time.Second
	}
	return defaultVisibility
}

// wake tells long polls that messages may be receivable. Called with mu
// held.
func (q *queue) wake() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// messageID is a UUID-shaped id, distinct within the server.
func (s *sqsStore) messageID() string {
	n := s.seq.Add(1)
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", s.prefix, uint16(n>>48), uint16(n>>36)&0xfff, uint16(n>>24)&0xfff, n&0xffffffffffff)
}

func bodyMD5(body string) string {
	sum := md5.Sum([]byte(body))
	return hex.EncodeToString(sum[:])
}

// add appends a message sent at now, receivable after delay. Called with
// q.mu held.
func (s *sqsStore) add(q *queue, body string, attrs json.RawMessage, delay time.Duration, now time.Time) *message {
	m := &message{id: s.messageID(), body: body, md5: bodyMD5(body), attrs: attrs, sent: now.UnixMilli(), visibleAt: now.Add(delay).UnixNano()}
	q.msgs = append(q.msgs, m)
	return m
}

// expire drops messages older than the retention period and moves head
// past the messages gone from the front. Messages are in send order, so
// only the front can have expired. Called with q.mu held.
func (q *queue) expire(now time.Time) {
	cutoff := now.Add(-q.retention()).UnixMilli()
	for q.head < len(q.msgs) {
		m := q.msgs[q.head]
		if m != nil && m.sent >= cutoff {
			break
		}
		q.msgs[q.head] = nil
		q.head++
	}
	if q.head > 1024 && q.head > len(q.msgs)/2 {
		// Receipt handles hold absolute indexes, so dropping the gone
		// prefix moves base with it.
		q.msgs = slices.Clone(q.msgs[q.head:])
		q.base += q.head
		q.head = 0
	}
}

// counts returns the visible, in-flight and delayed messages at now.
// Called with q.mu held.
func (q *queue) counts(now time.Time) (visible, inFlight, delayed int) {
	ns := now.UnixNano()
	for _, m := range q.msgs[q.head:] {
		switch {
		case m == nil:
		case m.visibleAt <= ns:
			visible++
		case m.receives == 0:
			delayed++
		default:
			inFlight++
		}
	}
	return visible, inFlight, delayed
}

// receipt is a receipt handle: the message's absolute index and its
// receive count, so an old receipt is told from the current one.
func receipt(abs int, receives int32) string {
	return strconv.Itoa(abs) + "." + strconv.Itoa(int(receives))
}

// parseReceipt reads a receipt handle made by receipt.
func parseReceipt(h string) (abs int, n int32, ok bool) {
	a, b, found := strings.Cut(h, ".")
	if !found {
		return 0, 0, false
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || x < 0 || y < 1 {
		return 0, 0, false
	}
	return x, int32(y), true
}

// byReceipt returns the message a receipt handle names, if it is still in
// the queue, and whether the handle is its latest; valid is false for a
// handle the queue never made. Called with q.mu held.
func (q *queue) byReceipt(h string) (m *message, latest, valid bool) {
	abs, n, ok := parseReceipt(h)
	if !ok {
		return nil, false, false
	}
	i := abs - q.base
	if i < 0 || i >= len(q.msgs) {
		return nil, false, abs < q.base+len(q.msgs)
	}
	m = q.msgs[i]
	return m, m != nil && m.receives == n, true
}

// remove deletes the message a valid receipt handle names. Called with
// q.mu held.
func (q *queue) remove(h string) {
	if abs, _, ok := parseReceipt(h); ok {
		if i := abs - q.base; i >= 0 && i < len(q.msgs) {
			q.msgs[i] = nil
		}
	}
}
