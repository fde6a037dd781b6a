package dlq

import "time"

// dueAt is the time by which a message must be archived: its
// SentTimestamp plus the queue's retention period minus the safety margin.
//
// SQS counts a standard queue's retention from the message's original
// enqueue time, which a redrive into the dead-letter queue leaves
// unchanged, and SentTimestamp is that time: the deadline is exact. A FIFO
// dead-letter queue restarts the clock when the message is moved in, so
// for it the deadline is early, never late.
func dueAt(sent time.Time, retention, margin time.Duration) time.Time {
	return sent.Add(retention - margin)
}

// isDue reports whether a message sent at sent, in a queue keeping
// messages for retention, is to be archived at now. With ArchiveOnArrival
// every message is; a message without a SentTimestamp (sent zero) or in a
// queue whose retention is unknown (zero) always is, since nothing says
// how long it may stay.
func isDue(when string, sent time.Time, retention, margin time.Duration, now time.Time) bool {
	if when == ArchiveOnArrival || sent.IsZero() || retention <= 0 {
		return true
	}
	return !now.Before(dueAt(sent, retention, margin))
}

// dueCutoff is the latest SentTimestamp that is due at now: every message
// sent at or before it is to be archived (ArchiveOnExpiry).
func dueCutoff(retention, margin time.Duration, now time.Time) time.Time {
	return now.Add(margin - retention)
}
