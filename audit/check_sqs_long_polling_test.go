package audit

import "testing"

func TestQueueLongPolling(t *testing.T) {
	app := prodTags("orders")
	runCheck(t, checkQueueLongPolling(), []checkCase{
		{name: "queues", inv: Inventory{Queues: []Queue{
			{Resource: res(KindSQSQueue, "long", app), WaitSeconds: 20, WaitKnown: true},
			{Resource: res(KindSQSQueue, "short", app), WaitKnown: true},
			{Resource: res(KindSQSQueue, "unread", app)},
		}}, want: map[string]want{
			"long":   {Pass, "ReceiveMessageWaitTimeSeconds 20"},
			"short":  {Fail, "consumers that set WaitTimeSeconds on each ReceiveMessage call still long-poll"},
			"unread": {Unknown, "not returned"},
		}},
	})
}
