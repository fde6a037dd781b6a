package monitor

import "strconv"

// SNS topic attributes of delivery status logging for SQS subscriptions.
const (
	attrSQSFailureRole = "SQSFailureFeedbackRoleArn"
	attrSQSSuccessRole = "SQSSuccessFeedbackRoleArn"
	attrSQSSampleRate  = "SQSSuccessFeedbackSampleRate"
)

// deliveryChanges switches SNS delivery status logging on for every
// watched topic that delivers to SQS and logs no failures: the failure
// role, and, when the topic logs no successes either, the success role and
// sample rate. A topic that already logs failures with its own role is
// left as it is. Without a configured role the topics are reported.
func (pl *planning) deliveryChanges() []*Change {
	d := pl.cfg.DeliveryLogging
	if !d.Enabled || !pl.obs.Listed[KindSNS] {
		return nil
	}
	role := fillTemplate(d.RoleARN, pl.obs.Account, pl.obs.Region)
	var out []*Change
	for _, r := range pl.resources {
		if r.Kind != KindSNS || !pl.standings[r].watched || r.SQSSubscriptions == 0 || r.FailureFeedbackRole != "" {
			continue
		}
		details := resourceDetails(r)
		details["sqs_subscriptions"] = strconv.Itoa(r.SQSSubscriptions)
		if role == "" {
			out = append(out, report(r.Ref, "SNS delivery status logging for SQS is off, so failed deliveries leave no trace; set monitor.delivery_logging.role_arn to let opsd switch it on", details))
			continue
		}
		attrs := []topicAttribute{{attrSQSFailureRole, role}}
		if r.SuccessFeedbackRole == "" {
			attrs = append(attrs, topicAttribute{attrSQSSuccessRole, role}, topicAttribute{attrSQSSampleRate, strconv.Itoa(d.SuccessSampleRate)})
		}
		details["role"] = role
		out = append(out, &Change{Object: ObjectTopic, Op: OpEnable, Name: r.Ref, Reason: "delivery status logging for SQS subscriptions is off", Details: details, attributes: attrs})
	}
	return out
}
