package awssim

import (
	"fmt"
	"maps"
	"time"
)

// CreateQueue creates a standard queue in account's region with the given
// attributes (RedrivePolicy, MessageRetentionPeriod, VisibilityTimeout...)
// and tags, and returns its URL. Creating an existing queue returns its
// URL and changes nothing.
func (s *Server) CreateQueue(account, region, name string, attrs, tags map[string]string) string {
	st := s.sqs
	k := queueKey{account, region, name}
	st.mu.Lock()
	defer st.mu.Unlock()
	q := st.queues[k]
	if q == nil {
		q = &queue{account: account, region: region, name: name, created: st.now(),
			attrs: maps.Clone(attrs), tags: maps.Clone(tags), changed: make(chan struct{})}
		if q.attrs == nil {
			q.attrs = map[string]string{}
		}
		if q.tags == nil {
			q.tags = map[string]string{}
		}
		st.queues[k] = q
	}
	return st.url(q)
}

// SendMessages puts n messages in a queue, body(i) being the i-th body,
// sent at sent (the zero time means now).
func (s *Server) SendMessages(account, region, name string, n int, sent time.Time, body func(i int) string) error {
	q := s.sqs.queue(account, region, name)
	if q == nil {
		return fmt.Errorf("send messages: no queue %s in %s/%s", name, account, region)
	}
	if sent.IsZero() {
		sent = s.sqs.now()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := range n {
		s.sqs.add(q, body(i), nil, 0, sent)
	}
	q.wake()
	return nil
}

// QueueDepth returns the visible and in-flight messages of a queue.
func (s *Server) QueueDepth(account, region, name string) (visible, inFlight int, err error) {
	q := s.sqs.queue(account, region, name)
	if q == nil {
		return 0, 0, fmt.Errorf("queue depth: no queue %s in %s/%s", name, account, region)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	now := s.sqs.now()
	q.expire(now)
	visible, inFlight, delayed := q.counts(now)
	return visible, inFlight + delayed, nil
}
