package audit

import "testing"

func TestSNSFailureAlarm(t *testing.T) {
	app := prodTags("events")
	runCheck(t, checkSNSFailureAlarm(), []checkCase{
		{name: "topics", inv: Inventory{
			Topics: []Topic{{Resource: res(KindSNSTopic, "orders", app)}, {Resource: res(KindSNSTopic, "people", app)}},
			Alarms: []Alarm{
				{Name: "orders-failed", Metrics: []MetricRef{{Namespace: "AWS/SNS", Name: "NumberOfNotificationsFailed", Dimensions: map[string]string{"TopicName": "orders"}}}},
				{Name: "people-published", Metrics: []MetricRef{{Namespace: "AWS/SNS", Name: "NumberOfMessagesPublished", Dimensions: map[string]string{"TopicName": "people"}}}},
			},
		}, want: map[string]want{
			"orders": {Pass, "alarm orders-failed"},
			"people": {Fail, "no alarm on AWS/SNS NumberOfNotificationsFailed with TopicName=people"},
		}},
	})
}

func TestSNSDeliveryLogging(t *testing.T) {
	app := prodTags("events")
	runCheck(t, checkSNSDeliveryLogging(), []checkCase{
		{name: "topics", inv: Inventory{Topics: []Topic{
			{Resource: res(KindSNSTopic, "logged", app), FailureLogging: []string{"lambda", "sqs"}},
			{Resource: res(KindSNSTopic, "silent", app)},
		}}, want: map[string]want{
			"logged": {Pass, "delivery failures logged for lambda, sqs"},
			"silent": {Fail, "delivery status logging is off"},
		}},
	})
}
