package monitor

import (
	"fmt"
	"slices"
)

// Namespaces of the Auto Scaling, Lambda and ECS metrics.
const (
	nsAutoScaling       = "AWS/AutoScaling"
	nsLambda            = "AWS/Lambda"
	nsECS               = "AWS/ECS"
	nsContainerInsights = "ECS/ContainerInsights"
)

// shortfallExpression is the metric math of the capacity and running
// alarms: how far m1 (in service, running) is below m2 (desired).
const shortfallExpression = "FILL(m2,0)-FILL(m1,0)"

// memberOfWatchedGroup reports whether r is an EC2 instance in an Auto
// Scaling group while groups are a watched kind: it is alarmed by its
// group, not by itself.
func (pl *planning) memberOfWatchedGroup(r *Resource) bool {
	return r.Kind == KindEC2 && r.Group != "" && slices.Contains(pl.cfg.Scope.Kinds, string(KindASG))
}

// shortfall makes a a metric math alarm on desired minus actual, both
// Average over a's period.
func shortfall(a *Alarm, ns string, dims []Dimension, actual, desired, label string) {
	period := a.Period
	a.Period = 0
	a.Queries = []Query{
		{ID: "m1", Namespace: ns, MetricName: actual, Dimensions: dims, Period: period, Stat: "Average"},
		{ID: "m2", Namespace: ns, MetricName: desired, Dimensions: dims, Period: period, Stat: "Average"},
		{ID: "e1", Expression: shortfallExpression, Label: label, ReturnData: true},
	}
	a.Comparison = greaterThan
}

// asgAlarms makes an Auto Scaling group's alarms (dimension
// AutoScalingGroupName), never per member instance:
//
//   - capacity: AWS/AutoScaling GroupDesiredCapacity minus
//     GroupInServiceInstances > threshold, by metric math; published only
//     with group metrics collection on, so a group without it is reported
//     and gets none;
//   - cpu: AWS/EC2 CPUUtilization of the group's instances, Average >
//     threshold.
//
// Missing data is missing, or not breaching with a shutdown tag (a group
// scaled to zero at night).
func (pl *planning) asgAlarms(r *Resource, st standing) {
	noun := "Auto Scaling group " + r.ID
	dims := []Dimension{{dimAutoScalingGroup, r.ID}}
	if a, ok := pl.newAlarm(r, st, MetricCapacity); ok {
		if !r.GroupMetrics {
			pl.unwanted[a.Name] = "group metrics collection is off"
			pl.reports = append(pl.reports, report(r.Ref, "group metrics collection is off (EnableMetricsCollection): no alarm on in-service instances below desired until it is on", resourceDetails(r)))
		} else {
			shortfall(&a, nsAutoScaling, dims, "GroupInServiceInstances", "GroupDesiredCapacity", "desired minus in-service instances")
			pl.finish(a, st, missingMissing, "in-service instances below desired of "+noun, "by more than "+formatNumber(a.Threshold))
		}
	}
	if a, ok := pl.newAlarm(r, st, MetricCPU); ok {
		a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Comparison = nsEC2, "CPUUtilization", dims, "Average", greaterThan
		pl.finish(a, st, missingMissing, "CPUUtilization of "+noun, "above "+formatNumber(a.Threshold)+"%")
	}
}

// lambdaAlarms makes a Lambda function's alarms (dimension FunctionName):
//
//   - errors: AWS/Lambda Errors, Sum > threshold;
//   - throttles: Throttles, Sum > threshold;
//   - duration: Duration p99 > threshold% of the function's timeout, in
//     milliseconds: invocations near their timeout are about to fail.
//
// A function publishes nothing when not invoked, so missing data is not
// breaching.
func (pl *planning) lambdaAlarms(r *Resource, st standing) {
	noun := "Lambda function " + r.ID
	dims := []Dimension{{"FunctionName", r.ID}}
	if a, ok := pl.newAlarm(r, st, MetricErrors); ok {
		a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Comparison = nsLambda, "Errors", dims, "Sum", greaterThan
		pl.finish(a, st, missingNotBreaching, "Errors of "+noun, "above "+formatNumber(a.Threshold))
	}
	if a, ok := pl.newAlarm(r, st, MetricThrottle); ok {
		a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Comparison = nsLambda, "Throttles", dims, "Sum", greaterThan
		pl.finish(a, st, missingNotBreaching, "Throttles of "+noun, "above "+formatNumber(a.Threshold))
	}
	if a, ok := pl.newAlarm(r, st, MetricDuration); ok {
		if r.TimeoutSeconds <= 0 {
			pl.unwanted[a.Name] = "function reports no timeout"
			return
		}
		pct := a.Threshold
		a.Threshold = pct / 100 * float64(r.TimeoutSeconds) * 1000
		a.Namespace, a.MetricName, a.Dimensions, a.ExtendedStatistic, a.Comparison = nsLambda, "Duration", dims, "p99", greaterThan
		pl.finish(a, st, missingNotBreaching, "Duration p99 of "+noun,
			fmt.Sprintf("above %s%% of its %ds timeout (%s ms)", formatNumber(pct), r.TimeoutSeconds, formatNumber(a.Threshold)))
	}
}

// ecsAlarms makes an ECS service's alarms (dimensions ClusterName,
// ServiceName):
//
//   - running: ECS/ContainerInsights DesiredTaskCount minus
//     RunningTaskCount > threshold, by metric math; published only where
//     the cluster has Container Insights, so a service elsewhere is
//     reported and gets none;
//   - cpu, memory: AWS/ECS CPUUtilization and MemoryUtilization, Average
//     > threshold.
//
// Missing data is missing, or not breaching with a shutdown tag.
func (pl *planning) ecsAlarms(r *Resource, st standing) {
	noun := "ECS service " + r.ID
	dims := []Dimension{{"ClusterName", r.Cluster}, {"ServiceName", r.Service}}
	if a, ok := pl.newAlarm(r, st, MetricRunning); ok {
		if !r.ContainerInsights {
			pl.unwanted[a.Name] = "cluster " + r.Cluster + " has no Container Insights"
			pl.reports = append(pl.reports, report(r.Ref, "cluster "+r.Cluster+" has Container Insights off: no alarm on running tasks below desired until it is on", resourceDetails(r)))
		} else {
			shortfall(&a, nsContainerInsights, dims, "RunningTaskCount", "DesiredTaskCount", "desired minus running tasks")
			pl.finish(a, st, missingMissing, "running tasks below desired of "+noun, "by more than "+formatNumber(a.Threshold))
		}
	}
	for _, m := range []struct{ key, name string }{{MetricCPU, "CPUUtilization"}, {MetricMemory, "MemoryUtilization"}} {
		if a, ok := pl.newAlarm(r, st, m.key); ok {
			a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Comparison = nsECS, m.name, dims, "Average", greaterThan
			pl.finish(a, st, missingMissing, m.name+" of "+noun, "above "+formatNumber(a.Threshold)+"%")
		}
	}
}
