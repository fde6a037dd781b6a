package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// How long, and for how many messages, a thread whose posting stopped
// part way is remembered to be continued.
const (
	slackResumeWithin  = 6 * time.Hour
	slackResumeEntries = 64
)

// postThread posts the parts of one message: the first to channel, the
// rest as replies in its thread, each with its own retries. When a reply
// cannot be posted, the thread and the part it stopped at are remembered
// (in this process, for slackResumeWithin): posting the same parts to the
// same channel again, as a service that was told of the failure does on
// its next run, continues the thread from that part, so no part is posted
// twice and none is missing.
func (s *Slack) postThread(ctx context.Context, channel string, parts []slackPart) error {
	key := threadKey(channel, parts)
	th, resumed := s.threads.take(key, s.now())
	if !resumed {
		ch, ts, err := s.post(ctx, channel, parts[0].options())
		if err != nil {
			return err
		}
		if ch == "" {
			ch = channel
		}
		th = pendingThread{channel: ch, ts: ts, next: 1}
	}
	for i := th.next; i < len(parts); i++ {
		var opts []slack.MsgOption
		if th.ts != "" {
			opts = append(opts, slack.MsgOptionTS(th.ts))
		}
		if _, _, err := s.post(ctx, th.channel, parts[i].options(opts...)); err != nil {
			th.next, th.at = i, s.now()
			s.threads.put(key, th)
			return fmt.Errorf("post part %d of %d in the thread of slack message %s: %w", i+1, len(parts), th.ts, err)
		}
	}
	return nil
}

// threadKey identifies a message of several parts to a channel by its
// content.
func threadKey(channel string, parts []slackPart) string {
	h := sha256.New()
	h.Write([]byte(channel))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p.text))
		// Blocks always encode; an error would only make the key differ.
		data, _ := json.Marshal(p.blocks)
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// pendingThread is a message of several parts posted up to part next.
type pendingThread struct {
	// channel and ts are where the first part went: its thread.
	channel, ts string
	// next is the index of the first part not posted.
	next int
	// at is when posting stopped.
	at time.Time
}

// threads remembers the pending threads by key; the zero value is ready
// to use and safe for concurrent use.
type threads struct {
	mu sync.Mutex
	m  map[string]pendingThread
}

// take returns and forgets the pending thread of key, if it stopped
// within slackResumeWithin of now.
func (t *threads) take(key string, now time.Time) (pendingThread, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	th, ok := t.m[key]
	delete(t.m, key)
	if !ok || now.Sub(th.at) > slackResumeWithin {
		return pendingThread{}, false
	}
	return th, true
}

// put remembers th under key, forgetting the oldest when there are too
// many.
func (t *threads) put(key string, th pendingThread) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]pendingThread{}
	}
	t.m[key] = th
	for len(t.m) > slackResumeEntries {
		oldest := ""
		for k, v := range t.m {
			if oldest == "" || v.at.Before(t.m[oldest].at) {
				oldest = k
			}
		}
		delete(t.m, oldest)
	}
}
