package dlq

import (
	"testing"
	"time"
)

func TestObjectKey(t *testing.T) {
	sent := time.Date(2026, 11, 24, 23, 59, 59, 0, time.FixedZone("CET", 3600)) // 22:59 UTC
	cases := []struct {
		name                 string
		prefix, queue, msgID string
		sent                 time.Time
		want                 string
	}{
		{"layout", "dlq-archive", "orders-dlq", "0b1f7f2e-2f7a", sent,
			"dlq-archive/111111111111/eu-west-2/orders-dlq/2026/11/24/0b1f7f2e-2f7a.json"},
		{"date is UTC", "p", "q", "m", time.Date(2026, 11, 25, 0, 30, 0, 0, time.FixedZone("CET", 3600)),
			"p/111111111111/eu-west-2/q/2026/11/24/m.json"},
		{"slashes around the prefix", "/a/b/", "q", "m", sent, "a/b/111111111111/eu-west-2/q/2026/11/24/m.json"},
		{"no prefix", "", "q.fifo", "m", sent, "111111111111/eu-west-2/q.fifo/2026/11/24/m.json"},
		{"no SentTimestamp", "p", "q", "m", time.Time{}, "p/111111111111/eu-west-2/q/undated/m.json"},
		{"odd message id", "p", "q", "a/b c%..", sent, "p/111111111111/eu-west-2/q/2026/11/24/a%2Fb%20c%25...json"},
		{"dot-dot id", "p", "q", "..", sent, "p/111111111111/eu-west-2/q/2026/11/24/%2E%2E.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ObjectKey(c.prefix, testAccount, testRegion, c.queue, c.sent, c.msgID); got != c.want {
				t.Errorf("ObjectKey = %q, want %q", got, c.want)
			}
		})
	}
}

func TestSentTime(t *testing.T) {
	if got := sentTime(map[string]string{"SentTimestamp": "1764000000123"}); !got.Equal(time.UnixMilli(1764000000123)) {
		t.Errorf("sentTime = %s", got)
	}
	for _, v := range []string{"", "x", "-5", "0"} {
		if got := sentTime(map[string]string{"SentTimestamp": v}); !got.IsZero() {
			t.Errorf("sentTime(%q) = %s, want zero", v, got)
		}
	}
}
