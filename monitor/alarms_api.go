package monitor

// The queries of the load balancer 5xx alarm: the sum of the targets' and
// the load balancer's own 5xx responses (seed 004: to the client, a 5xx is
// a 5xx whoever made it).
const (
	albTargetQuery = "m1"
	albELBQuery    = "m2"
	albSumQuery    = "e1"
	albExpression  = "FILL(m1,0)+FILL(m2,0)"
)

// apiAlarms makes a REST API's alarm: AWS/ApiGateway 5XXError (dimension
// ApiName, every stage), Sum > threshold. API Gateway publishes no data
// without requests, so missing data is not breaching.
func (pl *planning) apiAlarms(r *Resource, st standing) {
	if a, ok := pl.newAlarm(r, st, Metric5xx); ok {
		name := r.Name
		if name == "" {
			name = r.ID
		}
		a.Namespace, a.MetricName, a.Statistic, a.Comparison = nsAPIGateway, "5XXError", "Sum", greaterThan
		a.Dimensions = []Dimension{{"ApiName", name}}
		pl.finish(a, st, missingNotBreaching, "5XXError of REST API "+r.ID+" ("+name+")", "above "+formatNumber(a.Threshold))
	}
}

// albAlarms makes an Application Load Balancer's alarm: metric math over
// AWS/ApplicationELB HTTPCode_Target_5XX_Count (m1) and
// HTTPCode_ELB_5XX_Count (m2), both Sum, alarming on FILL(m1,0)+FILL(m2,0)
// > threshold. Both metrics are published only when there are 5xx, so
// missing data is not breaching.
func (pl *planning) albAlarms(r *Resource, st standing) {
	a, ok := pl.newAlarm(r, st, Metric5xx)
	if !ok {
		return
	}
	dims := []Dimension{{"LoadBalancer", r.Dimension}}
	period := a.Period
	a.Period = 0
	a.Queries = []Query{
		{ID: albTargetQuery, Namespace: nsALB, MetricName: "HTTPCode_Target_5XX_Count", Dimensions: dims, Period: period, Stat: "Sum"},
		{ID: albELBQuery, Namespace: nsALB, MetricName: "HTTPCode_ELB_5XX_Count", Dimensions: dims, Period: period, Stat: "Sum"},
		{ID: albSumQuery, Expression: albExpression, Label: "5xx responses (targets + load balancer)", ReturnData: true},
	}
	a.Comparison = greaterThan
	pl.finish(a, st, missingNotBreaching, "5xx responses (targets + load balancer) of load balancer "+r.Dimension, "above "+formatNumber(a.Threshold))
}

// canaryAlarms makes a canary's alarm: CloudWatchSynthetics SuccessPercent
// (dimension CanaryName), Average < threshold. Missing data is not
// breaching: a canary that does not run has no outcome to alarm on, and
// a late run must not flap the alarm.
func (pl *planning) canaryAlarms(r *Resource, st standing) {
	if a, ok := pl.newAlarm(r, st, MetricSuccess); ok {
		a.Namespace, a.MetricName, a.Statistic, a.Comparison = nsSynthetics, "SuccessPercent", "Average", lessThan
		a.Dimensions = []Dimension{{"CanaryName", r.ID}}
		pl.finish(a, st, missingNotBreaching, "SuccessPercent of canary "+r.ID, "below "+formatNumber(a.Threshold)+"%")
	}
}

// snsAlarms makes an SNS topic's alarm: AWS/SNS
// NumberOfNotificationsFailed (dimension TopicName), Sum > threshold;
// published only when the topic delivers, so missing data is not
// breaching.
func (pl *planning) snsAlarms(r *Resource, st standing) {
	if a, ok := pl.newAlarm(r, st, MetricFailed); ok {
		a.Namespace, a.MetricName, a.Statistic, a.Comparison = nsSNS, "NumberOfNotificationsFailed", "Sum", greaterThan
		a.Dimensions = []Dimension{{"TopicName", r.ID}}
		pl.finish(a, st, missingNotBreaching, "NumberOfNotificationsFailed of SNS topic "+r.ID, "above "+formatNumber(a.Threshold))
	}
}

// dlqAlarms makes a dead-letter queue's alarm: AWS/SQS
// ApproximateNumberOfMessagesVisible (dimension QueueName), Maximum >
// threshold: a message has landed. SQS stops publishing for a queue idle
// for hours, so missing data is not breaching.
func (pl *planning) dlqAlarms(r *Resource, st standing) {
	if a, ok := pl.newAlarm(r, st, MetricMessages); ok {
		a.Namespace, a.MetricName, a.Statistic, a.Comparison = nsSQS, "ApproximateNumberOfMessagesVisible", "Maximum", greaterThan
		a.Dimensions = []Dimension{{"QueueName", r.ID}}
		pl.finish(a, st, missingNotBreaching, "messages in dead-letter queue "+r.ID, "above "+formatNumber(a.Threshold))
	}
}
