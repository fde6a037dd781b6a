package dlq

import "time"

// countLag is how long after opsd deletes messages the queue's counts may
// still include them: SQS says its approximate counts can take at least a
// minute to become consistent.
const countLag = 3 * time.Minute

// memory is what the service remembers about one queue between runs: in
// the daemon's memory and, when a state store is configured, in it, so a
// restart or a new leader carries on. Without a store a restart forgets
// it: the first run after one looks at every queue afresh (see
// [memory.observe]).
type memory struct {
	// Seen is set once the queue has been observed.
	Seen bool
	// Baseline is the number of messages the queue is believed to hold:
	// the last count, less what opsd has deleted since.
	Baseline int64
	// Deleted is how many messages opsd deleted within countLag of
	// DeletedAt, which the counts may not show yet.
	Deleted   int64
	DeletedAt time.Time
	// Drained is set when the queue emptied other than by opsd's
	// archiving: people dealt with it.
	Drained bool
	// LastArrival is when arrivals were last seen; BurstStart when the
	// current burst began (its alert) and BurstArrivals how many it has
	// brought so far.
	LastArrival   time.Time
	BurstStart    time.Time
	BurstArrivals int64
	// NewestArrival is LastArrival, but only for arrivals seen as such
	// (not a first look), for telling whether a review covers them.
	NewestArrival time.Time
	// NonEmptySince is the earliest time the queue is known to have held
	// messages without a break; zero while it is empty.
	NonEmptySince time.Time
	// RemindedAt is when the last reminder went out.
	RemindedAt time.Time
	// LastScan is when the archiver last received from the queue;
	// MoreDue is set when that scan found due messages and stopped before
	// it had seen every message (more may be due); ArrivedSinceScan when
	// messages arrived after it.
	LastScan         time.Time
	MoreDue          bool
	ArrivedSinceScan bool
	// OldestSent is the oldest SentTimestamp the archiver saw in its last
	// scan; DueSeen how many of the messages it saw were due.
	OldestSent time.Time
	DueSeen    int
	// Untold is set when an alert was due but could not be sent; the next
	// run sends it.
	Untold bool
	// ReceivedAt is when opsd began receiving from the queue in a run
	// that may have left messages hidden, and HiddenUntil the latest their
	// visibility timeout can end: opsd's own record of what it holds. It
	// is written to the state store before the receive (so a run killed
	// while it held messages leaves it behind), cleared when a scan ends
	// having deleted or made visible again every message it received,
	// and forgotten once HiddenUntil has passed.
	ReceivedAt  time.Time
	HiddenUntil time.Time
}

// holding reports whether messages opsd received may still be hidden at
// now.
func (m memory) holding(now time.Time) bool { return m.HiddenUntil.After(now) }

// arrivals compares the queue's count now with what the memory believes
// it holds and returns how many messages arrived, with the memory
// updated. A first look counts every message as arrived (first is then
// true). A count above the baseline soon after opsd deleted messages is
// taken for the counts lagging behind the deletes, up to the number
// deleted, until countLag has passed; arrivals hidden that way are found
// once it has.
func (m memory) arrivals(total int64, now time.Time) (n int64, first bool, out memory) {
	if !m.Seen {
		m.Seen = true
		m.Baseline = total
		return total, total > 0, m
	}
	lag := int64(0)
	if m.Deleted > 0 && now.Sub(m.DeletedAt) < countLag {
		lag = m.Deleted
	} else {
		m.Deleted, m.DeletedAt = 0, time.Time{}
	}
	switch {
	case total <= m.Baseline:
		if total == 0 && m.Baseline > 0 {
			m.Drained = true
		}
		m.Baseline = total
		m.Deleted, m.DeletedAt = 0, time.Time{}
	case total-m.Baseline <= lag:
		// What opsd deleted may still be counted.
	default:
		n = total - m.Baseline - lag
		m.Baseline += n
		m.ArrivedSinceScan = true
		m.NewestArrival = now
	}
	return n, false, m
}

// deleted records that opsd deleted n messages at now.
func (m memory) deleted(n int64, now time.Time) memory {
	if n <= 0 {
		return m
	}
	m.Baseline = max(m.Baseline-n, 0)
	m.Deleted += n
	m.DeletedAt = now
	return m
}

// burst decides whether n arrivals at now start a new burst, to be told:
// they do when nothing arrived before (since opsd started), when the
// previous arrival was burstGap or more ago, or when people emptied the
// queue since. Arrivals within the gap of the previous ones add to the
// current burst, untold. So a queue that keeps receiving a message a
// minute is told once, and again only after a quiet burstGap.
func (m memory) burst(n int64, now time.Time, burstGap time.Duration) (alert bool, out memory) {
	if n <= 0 {
		return false, m
	}
	alert = m.LastArrival.IsZero() || now.Sub(m.LastArrival) >= burstGap || m.Drained
	if alert {
		m.BurstStart, m.BurstArrivals, m.Drained = now, 0, false
	}
	m.BurstArrivals += n
	m.LastArrival = now
	return alert, m
}

// unreviewed says since when a queue holding messages has held ones no
// one reviewed, or zero when every message has been reviewed.
//
// The oldest message arrived at now-age when CloudWatch knows its age,
// else at the earliest the archiver saw or the memory knows. A review
// (the queue's review tag) covers every message when nothing is known to
// have arrived after it; otherwise the messages are unreviewed since the
// later of the review and the oldest arrival.
func (m memory) unreviewed(q Queue, age time.Duration, ageKnown bool, now time.Time) time.Time {
	since := m.NonEmptySince
	if ageKnown {
		since = now.Add(-age)
	} else if !m.OldestSent.IsZero() && (since.IsZero() || m.OldestSent.Before(since)) {
		since = m.OldestSent
	}
	if since.IsZero() {
		since = now
	}
	if q.ReviewedAt.IsZero() {
		return since
	}
	if !m.NewestArrival.IsZero() && !m.NewestArrival.After(q.ReviewedAt) {
		return time.Time{}
	}
	if q.ReviewedAt.After(since) {
		return q.ReviewedAt
	}
	return since
}

// remind decides whether a queue holding total messages needs a reminder
// at now: messages unreviewed for remindAfter or longer, and no reminder
// in the last remindAfter. remindAfter zero means never.
func (m memory) remind(q Queue, total int64, age time.Duration, ageKnown bool, now time.Time, remindAfter time.Duration) (remind bool, since time.Time, out memory) {
	if total <= 0 {
		m.NonEmptySince = time.Time{}
		return false, time.Time{}, m
	}
	if m.NonEmptySince.IsZero() {
		m.NonEmptySince = now
	}
	since = m.unreviewed(q, age, ageKnown, now)
	if remindAfter <= 0 || since.IsZero() || now.Sub(since) < remindAfter {
		return false, since, m
	}
	if !m.RemindedAt.IsZero() && now.Sub(m.RemindedAt) < remindAfter {
		return false, since, m
	}
	m.RemindedAt = now
	return true, since, m
}

// scanDue decides whether the archiver receives from the queue this run.
// It needs visible messages and an archive bucket; with ArchiveOnArrival
// it always does, with ArchiveOnExpiry when it never has, when the last
// scan found due messages but did not see every message, when messages
// arrived since (they may have spent most of their retention in the
// source queue already), or when scanInterval has passed. A queue deeper
// than one scan whose scans find nothing due is read every scanInterval,
// not every run: SQS, not opsd, picks which messages a receive returns.
func (m memory) scanDue(visible int64, when string, scanInterval time.Duration, now time.Time) bool {
	if visible <= 0 {
		return false
	}
	if when == ArchiveOnArrival {
		return true
	}
	return m.LastScan.IsZero() || m.MoreDue || m.ArrivedSinceScan || now.Sub(m.LastScan) >= scanInterval
}

// scanned records a scan's outcome. More is due when the scan stopped
// before it had seen every message and some it saw were due or a call
// failed (a receive that failed saw nothing, due or not); when it
// kept due messages it could not write or delete (they are near the end
// of their retention and must not wait a scan interval for the next
// try); or when messages were in flight as it began (inFlight): it could
// not see them, and a process that died holding them hands them back
// when their visibility timeout ends, due or not.
func (m memory) scanned(o archiveOutcome, inFlight int64, now time.Time) memory {
	m.LastScan = now
	m.MoreDue = (!o.Complete && (o.Due > 0 || len(o.Errors) > 0)) || o.Kept > 0 || inFlight > 0
	m.ArrivedSinceScan = false
	m.OldestSent = o.OldestSent
	m.DueSeen = o.Due
	return m
}
