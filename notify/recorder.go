package notify

import (
	"context"
	"slices"
	"sync"
)

// Recorder is a Notifier that keeps every message it is given, for tests and
// for showing what opsd would have told Slack. It is safe for concurrent use;
// the zero value is ready to use.
type Recorder struct {
	mu   sync.Mutex
	msgs []Message
}

var _ Notifier = (*Recorder)(nil)

// Notify keeps a copy of msg. It never fails.
func (r *Recorder) Notify(_ context.Context, msg Message) error {
	msg = cloneMessage(msg)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, msg)
	return nil
}

// Messages returns copies of the messages kept so far, oldest first.
func (r *Recorder) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Message, len(r.msgs))
	for i, m := range r.msgs {
		out[i] = cloneMessage(m)
	}
	return out
}

// cloneMessage copies msg so that neither copy shares slices with the other.
func cloneMessage(msg Message) Message {
	msg.Fields = slices.Clone(msg.Fields)
	if msg.Table != nil {
		t := Table{Columns: slices.Clone(msg.Table.Columns)}
		if msg.Table.Rows != nil {
			t.Rows = make([][]string, len(msg.Table.Rows))
			for i, row := range msg.Table.Rows {
				t.Rows[i] = slices.Clone(row)
			}
		}
		msg.Table = &t
	}
	return msg
}
