package dlq

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// undated is the date segment of a message that carries no SentTimestamp.
const undated = "undated"

// ObjectKey is where a message is archived:
// <prefix>/<account>/<region>/<queue>/<YYYY>/<MM>/<DD>/<message-id>.json,
// the date being the message's SentTimestamp in UTC. It depends on the
// message alone, so a message received again maps to the same key. An
// empty prefix leaves out its segment.
func ObjectKey(prefix, account, region, queue string, sent time.Time, messageID string) string {
	var b strings.Builder
	if p := strings.Trim(prefix, "/"); p != "" {
		b.WriteString(p)
		b.WriteByte('/')
	}
	date := undated
	if !sent.IsZero() {
		date = sent.UTC().Format("2006/01/02")
	}
	fmt.Fprintf(&b, "%s/%s/%s/%s/%s.json", keySegment(account), keySegment(region), keySegment(queue), date, keySegment(messageID))
	return b.String()
}

// keySegment makes s safe as one key segment: letters, digits, '.', '-'
// and '_' stay, every other byte becomes %XX.
func keySegment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		case c == '.' && s != "." && s != "..":
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// sentTime is a message's SentTimestamp (epoch milliseconds), or zero
// when it has none or it does not parse.
func sentTime(attrs map[string]string) time.Time {
	ms, err := strconv.ParseInt(attrs["SentTimestamp"], 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
