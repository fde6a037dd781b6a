package awssim

import (
	"net/http"
)

// serveEmptyListing answers the Auto Scaling, RDS and ECS listings opsd's
// shutdown service makes with empty lists: the simulated estate has EC2
// instances only.
func serveEmptyListing(w http.ResponseWriter, q *request) {
	switch q.op() {
	case "autoscaling.DescribeAutoScalingGroups":
		writeQueryResult(w, q, "http://autoscaling.amazonaws.com/doc/2011-01-01/", "<AutoScalingGroups/>")
	case "rds.DescribeDBInstances":
		writeQueryResult(w, q, "http://rds.amazonaws.com/doc/2014-10-31/", "<DBInstances/>")
	case "rds.DescribeDBClusters":
		writeQueryResult(w, q, "http://rds.amazonaws.com/doc/2014-10-31/", "<DBClusters/>")
	case "ecs.ListClusters":
		writeJSON(w, map[string]any{"clusterArns": []any{}})
	default:
		writeError(w, q, http.StatusBadRequest, "InvalidAction", "awssim does not simulate "+q.op())
	}
}

// serveCloudWatch answers the CloudWatch reads opsd's dlq service makes
// (AWS JSON 1.0, which opsd uses with a custom endpoint): no datapoints and
// no alarms.
func serveCloudWatch(w http.ResponseWriter, q *request) {
	switch q.action {
	case "GetMetricStatistics":
		writeJSON(w, map[string]any{"Datapoints": []any{}, "Label": "ApproximateAgeOfOldestMessage"})
	case "DescribeAlarmsForMetric":
		writeJSON(w, map[string]any{"MetricAlarms": []any{}})
	default:
		writeError(w, q, http.StatusBadRequest, "InvalidAction", "awssim does not simulate monitoring "+q.action)
	}
}
