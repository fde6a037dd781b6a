package audit

// checkQueueLongPolling: queues default to long polling
// (ReceiveMessageWaitTimeSeconds above 0), so consumers wait for messages
// instead of returning empty and asking again (AWS recommendations,
// "SQS"). A consumer can still long-poll a queue whose default is 0 by
// setting WaitTimeSeconds on each ReceiveMessage call, which the audit
// cannot see: the failure says the default is short polling.
func checkQueueLongPolling() Check {
	return Check{
		ID:       "reliability.sqs-long-polling",
		Pillar:   PillarReliability,
		Severity: Warning,
		Title:    "SQS queues default to long polling",
		Kinds:    []Kind{KindSQSQueue},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, q := range inv.Queues {
				out = append(out, queueLongPolling(r, inv, q))
			}
			return out
		},
	}
}

func queueLongPolling(r *Rules, inv *Inventory, q Queue) Finding {
	switch {
	case !q.WaitKnown:
		return r.unknown(inv, q.Resource, "ReceiveMessageWaitTimeSeconds was not returned")
	case q.WaitSeconds > 0:
		return r.pass(inv, q.Resource, "long polling by default: ReceiveMessageWaitTimeSeconds %d", q.WaitSeconds)
	}
	return r.fail(inv, q.Resource, "ReceiveMessageWaitTimeSeconds is 0: short polling by default (consumers that set WaitTimeSeconds on each ReceiveMessage call still long-poll); set it to 20")
}
