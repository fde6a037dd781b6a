package audit

import (
	"strings"
)

// checkDLQAlarm: every dead-letter queue has an alarm that fires when a
// message arrives.
//
// A queue is a dead-letter queue when another queue's redrive policy or a
// Lambda function's asynchronous dead-letter configuration names it. The
// alarm must watch ApproximateNumberOfMessagesVisible or
// ApproximateAgeOfOldestMessage: NumberOfMessagesSent does not count
// messages SQS moves to a dead-letter queue.
func checkDLQAlarm() Check {
	return Check{
		ID:       "monitoring.dlq-alarm",
		Pillar:   PillarMonitoring,
		Severity: Warning,
		Title:    "Dead-letter queues have an arrival alarm",
		Kinds:    []Kind{KindSQSQueue},
		Uses:     []Source{SourceCloudWatch, SourceLambda},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			sources := deadLetterSources(inv)
			var out []Finding
			for _, q := range inv.Queues {
				from, isDLQ := sources[q.ARN]
				if !isDLQ {
					out = append(out, r.notApplicable(inv, q.Resource, "not a dead-letter queue"))
					continue
				}
				arrival := inv.alarmsOn("AWS/SQS", []string{"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"}, "QueueName", q.ID)
				sent := inv.alarmsOn("AWS/SQS", []string{"NumberOfMessagesSent"}, "QueueName", q.ID)
				switch {
				case len(arrival) > 0:
					out = append(out, r.pass(inv, q.Resource, "dead-letter queue of %s; alarm %s", list(from, 3), strings.Join(arrival, ", ")))
				case len(sent) > 0:
					out = append(out, r.fail(inv, q.Resource, "dead-letter queue of %s; alarm %s watches NumberOfMessagesSent, which does not count messages moved to a dead-letter queue: alarm on ApproximateNumberOfMessagesVisible",
						list(from, 3), strings.Join(sent, ", ")))
				default:
					out = append(out, r.fail(inv, q.Resource, "dead-letter queue of %s; no alarm on AWS/SQS ApproximateNumberOfMessagesVisible with QueueName=%s", list(from, 3), q.ID))
				}
			}
			return out
		},
	}
}

// deadLetterSources maps each dead-letter queue's ARN to what sends
// failed messages to it.
func deadLetterSources(inv *Inventory) map[string][]string {
	out := map[string][]string{}
	for _, q := range inv.Queues {
		if q.DeadLetterTarget != "" {
			out[q.DeadLetterTarget] = append(out[q.DeadLetterTarget], "queue "+q.ID)
		}
	}
	for _, fn := range inv.Functions {
		if fn.DeadLetterTarget != "" {
			out[fn.DeadLetterTarget] = append(out[fn.DeadLetterTarget], "function "+fn.ID)
		}
	}
	return out
}
