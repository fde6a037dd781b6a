package notify

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0 messages"}, {1, "1 message"}, {2, "2 messages"}, {-1, "-1 messages"}} {
		if got := Count(c.n, "message", "messages"); got != c.want {
			t.Errorf("Count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := Count(1, "query", "queries"); got != "1 query" {
		t.Errorf("irregular: %q", got)
	}
}
