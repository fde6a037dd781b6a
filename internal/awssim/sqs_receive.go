package awssim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// receivedMessage is a message in a ReceiveMessage answer.
type receivedMessage struct {
	MessageId         string
	ReceiptHandle     string
	MD5OfBody         string
	Body              string
	Attributes        map[string]string `json:",omitempty"`
	MessageAttributes json.RawMessage   `json:",omitempty"`
}

// receive answers ReceiveMessage: up to MaxNumberOfMessages visible
// messages, oldest first, hidden for the visibility timeout. With
// WaitTimeSeconds it waits, as a long poll does, until a message is
// receivable or the wait ends.
func (s *sqsStore) receive(w http.ResponseWriter, q *request) {
	var in struct {
		QueueUrl                    string
		MaxNumberOfMessages         *int
		VisibilityTimeout           *int
		WaitTimeSeconds             *int
		AttributeNames              []string
		MessageSystemAttributeNames []string
		MessageAttributeNames       []string
	}
	if !decode(w, q, &in) {
		return
	}
	max := 1
	if in.MaxNumberOfMessages != nil {
		max = *in.MaxNumberOfMessages
	}
	if max < 1 || max > maxSQSBatch {
		writeError(w, q, http.StatusBadRequest, "InvalidParameterValue", "Value "+strconv.Itoa(max)+" for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
		return
	}
	wait := 0
	if in.WaitTimeSeconds != nil {
		wait = *in.WaitTimeSeconds
	}
	if wait < 0 || wait > maxWaitSeconds {
		writeError(w, q, http.StatusBadRequest, "InvalidParameterValue", "Value "+strconv.Itoa(wait)+" for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
		return
	}
	qu := s.byURL(in.QueueUrl, q.region)
	if qu == nil {
		noQueue(w, q)
		return
	}
	sysAttrs := append(in.MessageSystemAttributeNames, in.AttributeNames...)
	withMsgAttrs := len(in.MessageAttributeNames) > 0
	deadline := s.now().Add(time.Duration(wait) * time.Second)
	for {
		qu.mu.Lock()
		vt := qu.visibility()
		if in.VisibilityTimeout != nil {
			vt = time.Duration(*in.VisibilityTimeout) * time.Second
		}
		now := s.now()
		got := s.take(qu, max, vt, now, sysAttrs, withMsgAttrs)
		if len(got) > 0 || !now.Before(deadline) {
			qu.mu.Unlock()
			writeJSON(w, map[string]any{"Messages": got})
			return
		}
		changed, next := qu.changed, qu.nextVisible(now)
		qu.mu.Unlock()
		until := deadline
		if !next.IsZero() && next.Before(until) {
			until = next
		}
		t := time.NewTimer(until.Sub(now))
		select {
		case <-changed:
		case <-t.C:
		case <-q.r.Context().Done():
			t.Stop()
			return
		}
		t.Stop()
	}
}

// take hides up to max visible messages for vt and returns them. Called
// with qu.mu held.
func (s *sqsStore) take(qu *queue, max int, vt time.Duration, now time.Time, sysAttrs []string, withMsgAttrs bool) []receivedMessage {
	qu.expire(now)
	ns := now.UnixNano()
	var out []receivedMessage
	for i := qu.head; i < len(qu.msgs) && len(out) < max; i++ {
		m := qu.msgs[i]
		if m == nil || m.visibleAt > ns {
			continue
		}
		m.receives++
		if m.firstReceive == 0 {
			m.firstReceive = now.UnixMilli()
		}
		m.visibleAt = now.Add(vt).UnixNano()
		rm := receivedMessage{MessageId: m.id, ReceiptHandle: receipt(qu.base+i, m.receives), MD5OfBody: m.md5, Body: m.body, Attributes: systemAttributes(m, sysAttrs)}
		if withMsgAttrs && len(m.attrs) > 0 {
			rm.MessageAttributes = m.attrs
		}
		out = append(out, rm)
	}
	return out
}

// nextVisible is when the next hidden message becomes receivable, or zero.
func (qu *queue) nextVisible(now time.Time) time.Time {
	ns := now.UnixNano()
	var next int64
	for _, m := range qu.msgs[qu.head:] {
		if m != nil && m.visibleAt > ns && (next == 0 || m.visibleAt < next) {
			next = m.visibleAt
		}
	}
	if next == 0 {
		return time.Time{}
	}
	return time.Unix(0, next)
}

// systemAttributes are the message's system attributes asked for.
func systemAttributes(m *message, names []string) map[string]string {
	if len(names) == 0 {
		return nil
	}
	all := slices.Contains(names, "All")
	out := map[string]string{}
	put := func(k, v string) {
		if all || slices.Contains(names, k) {
			out[k] = v
		}
	}
	put("SenderId", "AIDAAWSSIMSENDER")
	put("SentTimestamp", strconv.FormatInt(m.sent, 10))
	put("ApproximateReceiveCount", strconv.Itoa(int(m.receives)))
	put("ApproximateFirstReceiveTimestamp", strconv.FormatInt(m.firstReceive, 10))
	return out
}

// receiptEntry is a DeleteMessageBatch or ChangeMessageVisibilityBatch
// entry.
type receiptEntry struct {
	Id                string
	ReceiptHandle     string
	VisibilityTimeout int
}

func (s *sqsStore) readReceiptBatch(w http.ResponseWriter, q *request) (*queue, []receiptEntry, bool) {
	var in struct {
		QueueUrl string
		Entries  []receiptEntry
	}
	if !decode(w, q, &in) {
		return nil, nil, false
	}
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if !checkBatch(w, q, ids) {
		return nil, nil, false
	}
	qu := s.byURL(in.QueueUrl, q.region)
	if qu == nil {
		noQueue(w, q)
		return nil, nil, false
	}
	return qu, in.Entries, true
}

func invalidReceipt(id string) batchFailure {
	return batchFailure{Id: id, SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: "The input receipt handle is invalid."}
}

// deleteBatch deletes each entry's message. A receipt handle that is not
// the message's latest succeeds without deleting it, as SQS documents; one
// the queue never made fails.
func (s *sqsStore) deleteBatch(w http.ResponseWriter, q *request) {
	qu, entries, ok := s.readReceiptBatch(w, q)
	if !ok {
		return
	}
	qu.mu.Lock()
	defer qu.mu.Unlock()
	done := []map[string]string{}
	failed := []batchFailure{}
	for _, e := range entries {
		m, latest, valid := qu.byReceipt(e.ReceiptHandle)
		if !valid {
			failed = append(failed, invalidReceipt(e.Id))
			continue
		}
		if m != nil && latest {
			qu.remove(e.ReceiptHandle)
		}
		done = append(done, map[string]string{"Id": e.Id})
	}
	writeJSON(w, map[string]any{"Successful": done, "Failed": failed})
}

// changeVisibilityBatch sets each entry's message to become visible after
// its VisibilityTimeout.
func (s *sqsStore) changeVisibilityBatch(w http.ResponseWriter, q *request) {
	qu, entries, ok := s.readReceiptBatch(w, q)
	if !ok {
		return
	}
	qu.mu.Lock()
	defer qu.mu.Unlock()
	now := s.now()
	done := []map[string]string{}
	failed := []batchFailure{}
	woke := false
	for _, e := range entries {
		m, latest, valid := qu.byReceipt(e.ReceiptHandle)
		switch {
		case !valid || (m != nil && !latest):
			failed = append(failed, invalidReceipt(e.Id))
		case m == nil:
			failed = append(failed, batchFailure{Id: e.Id, SenderFault: true, Code: "InvalidParameterValue", Message: "Value " + e.ReceiptHandle + " for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."})
		case m.visibleAt <= now.UnixNano():
			failed = append(failed, batchFailure{Id: e.Id, SenderFault: true, Code: "AWS.SimpleQueueService.MessageNotInflight", Message: "Message is not in flight."})
		default:
			m.visibleAt = now.Add(time.Duration(e.VisibilityTimeout) * time.Second).UnixNano()
			woke = woke || e.VisibilityTimeout == 0
			done = append(done, map[string]string{"Id": e.Id})
		}
	}
	if woke {
		qu.wake()
	}
	writeJSON(w, map[string]any{"Successful": done, "Failed": failed})
}
