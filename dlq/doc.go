// Package dlq is opsd's dead-letter queue service: it finds the SQS
// dead-letter queues of every account and region, tells people in Slack
// when messages arrive in one, reminds them of messages left unreviewed,
// and archives each message to S3 before the queue's retention period
// would delete it, without ever losing or duplicating one.
//
// # Discovery
//
// A queue is a dead-letter queue when another queue's RedrivePolicy names
// it, when the configuration lists it, or when its opsd:dlq tag is true (a
// tag value of false opts a queue out). Discovery lists every queue
// (ListQueues, GetQueueAttributes, ListQueueTags) and is repeated every
// discovery_interval, not on every run (discover.go).
//
// # Watching and alerting
//
// Every run reads each DLQ's depth (GetQueueAttributes), the age of its
// oldest message (CloudWatch ApproximateAgeOfOldestMessage, else what the
// archiver saw) and the state of the alarm on its depth (CloudWatch
// DescribeAlarmsForMetric). Arrivals are the growth of the queue's count
// since the last run, less what opsd itself deleted (SQS's counts lag
// deletes by a minute or more; see burst.go). A burst of arrivals is told
// once (burst.go): arrivals start a new burst, told in one Slack message,
// when nothing had arrived before, when the previous arrival was burst_gap
// or more ago, or when people emptied the queue since; arrivals within
// burst_gap of the previous ones join the current burst untold. So a
// steady trickle is told once, not once per poll. A reminder goes out when
// messages have sat unreviewed longer than remind_after, and again every
// remind_after while they stay; people mark a review by setting the
// queue's review tag (opsd:dlq:reviewed) to its time. This memory is kept
// in the state store (state.go); without one, after a restart the first
// run tells every non-empty DLQ once more ("first look since opsd
// started"), and reminders count from what CloudWatch says of the oldest
// message.
//
// Messages in flight (hidden by a receive) cannot be read, aged or
// archived until they are visible again. Before the archiver receives
// from a queue, opsd writes to the state store when it receives and the
// latest its visibility timeout can end (the run's deadline plus
// archive.visibility_timeout); a scan that ends having deleted or made
// visible again everything it received clears it. An alert about a queue
// with messages in flight says how many and, from that record, that opsd
// received them and by when they are visible again, or else that another
// consumer did and that they are visible again within the queue's
// VisibilityTimeout (inflight.go). So a run killed while it held messages
// is named as the reason by the runs after it.
//
// # Archiving
//
// With an archive bucket configured, each message is written to S3 before
// it can expire (archive.when: expiry, the default: once SentTimestamp +
// MessageRetentionPeriod - safety_margin has passed) or as soon as it
// arrives (archive.when: arrival), and is deleted from the queue only
// after S3 has confirmed the write (archive.go). The object's key is
// derived from the message alone (key.go), and it is written with
// If-None-Match: *, so a message received twice is stored once: the second
// write is refused with 412 Precondition Failed, the object there is read
// back, and when it is this message's record the message is safe to
// delete. A message whose write is not confirmed stays in the queue; a
// delete that fails leaves the message in the queue, where its next
// receipt takes the 412 path. So every message is always in the queue, in
// the archive, or both, and each is archived exactly once.
//
// With archive.when: expiry, a queue whose messages are not yet due is
// read again every scan_interval, or at once when messages arrive (a
// message may have spent most of its retention in the source queue):
// messages received that are not due are kept hidden only until the scan
// ends and then made visible again. Plan mode never receives, since a
// receive hides messages and counts against them.
//
// The archive object holds the message byte for byte (record.go): body,
// every system attribute, every message attribute, the queue's ARN and the
// archive time. [Replay] sends archived messages back to a queue;
// [Service.List] lists the DLQs for `opsd dlq list`.
package dlq
