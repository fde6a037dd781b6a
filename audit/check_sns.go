package audit

import (
	"strings"
)

// checkSNSFailureAlarm: every SNS topic has an alarm on failed
// deliveries.
func checkSNSFailureAlarm() Check {
	return Check{
		ID:       "monitoring.sns-delivery-failure-alarm",
		Pillar:   PillarMonitoring,
		Severity: Warning,
		Title:    "SNS topics have an alarm on delivery failures",
		Kinds:    []Kind{KindSNSTopic},
		Uses:     []Source{SourceCloudWatch},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, t := range inv.Topics {
				alarms := inv.alarmsOn("AWS/SNS", []string{"NumberOfNotificationsFailed"}, "TopicName", t.ID)
				out = append(out, r.judge(inv, t.Resource, len(alarms) > 0,
					"alarm "+strings.Join(alarms, ", "),
					"no alarm on AWS/SNS NumberOfNotificationsFailed with TopicName="+t.ID))
			}
			return out
		},
	}
}

// checkSNSDeliveryLogging: every SNS topic logs delivery status, so a
// failed delivery can be traced.
func checkSNSDeliveryLogging() Check {
	return Check{
		ID:       "monitoring.sns-delivery-logging",
		Pillar:   PillarMonitoring,
		Severity: Warning,
		Title:    "SNS topics log delivery status",
		Kinds:    []Kind{KindSNSTopic},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, t := range inv.Topics {
				out = append(out, r.judge(inv, t.Resource, len(t.FailureLogging) > 0,
					"delivery failures logged for "+strings.Join(t.FailureLogging, ", "),
					"delivery status logging is off (no failure feedback role for any protocol)"))
			}
			return out
		},
	}
}
