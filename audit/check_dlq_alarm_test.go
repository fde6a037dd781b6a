package audit

import "testing"

func TestDLQAlarm(t *testing.T) {
	app := prodTags("events")
	q := func(name, dlq string) Queue {
		return Queue{Resource: Resource{Kind: KindSQSQueue, ID: name, ARN: "arn:aws:sqs:eu-west-2:111111111111:" + name, Tags: app}, DeadLetterTarget: dlq}
	}
	arn := func(name string) string { return "arn:aws:sqs:eu-west-2:111111111111:" + name }
	sqsAlarm := func(name, metric, queue string) Alarm {
		return Alarm{Name: name, Metrics: []MetricRef{{Namespace: "AWS/SQS", Name: metric, Dimensions: map[string]string{"QueueName": queue}}}}
	}
	runCheck(t, checkDLQAlarm(), []checkCase{
		{name: "queues", inv: Inventory{
			Queues: []Queue{
				q("orders", arn("orders-dlq")), q("orders-dlq", ""),
				q("people", arn("people-dlq")), q("people-dlq", ""),
				q("jobs", arn("jobs-dlq")), q("jobs-dlq", ""),
				q("fn-dlq", ""),
			},
			Functions: []Function{{Resource: res(KindLambda, "worker", app), DeadLetterTarget: arn("fn-dlq")}},
			Alarms: []Alarm{
				sqsAlarm("orders-dlq-arrivals", "ApproximateNumberOfMessagesVisible", "orders-dlq"),
				sqsAlarm("people-dlq-sent", "NumberOfMessagesSent", "people-dlq"),
				sqsAlarm("fn-dlq-age", "ApproximateAgeOfOldestMessage", "fn-dlq"),
				sqsAlarm("jobs-backlog", "ApproximateNumberOfMessagesVisible", "jobs"),
			},
		}, want: map[string]want{
			"orders":     {NotApplicable, "not a dead-letter queue"},
			"people":     {NotApplicable, "not a dead-letter queue"},
			"jobs":       {NotApplicable, "not a dead-letter queue"},
			"orders-dlq": {Pass, "dead-letter queue of queue orders; alarm orders-dlq-arrivals"},
			"people-dlq": {Fail, "watches NumberOfMessagesSent, which does not count messages moved to a dead-letter queue"},
			"jobs-dlq":   {Fail, "no alarm on AWS/SQS ApproximateNumberOfMessagesVisible with QueueName=jobs-dlq"},
			"fn-dlq":     {Pass, "dead-letter queue of function worker; alarm fn-dlq-age"},
		}},
	})
}
