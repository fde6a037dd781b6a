package monitor

import (
	"fmt"
	"strings"
)

// ec2Alarms makes an EC2 instance's alarms.
//
//   - status: AWS/EC2 StatusCheckFailed, Maximum >= threshold. Missing
//     data is breaching: a production instance that stops reporting is
//     down (not breaching when it carries a shutdown tag).
//   - cpu: AWS/EC2 CPUUtilization, Average > threshold; missing data is
//     missing (INSUFFICIENT_DATA, no action).
//   - memory: the CloudWatch agent's mem_used_percent (Linux) or
//     "Memory % Committed Bytes In Use" (Windows), Average > threshold.
//   - disk: the agent's disk_used_percent for agent.linux_disk_path,
//     Maximum > threshold (Linux); "LogicalDisk % Free Space" for
//     agent.windows_disk, Minimum < 100 - threshold (Windows). The
//     threshold is always the percentage used.
//   - diskio: AWS/EC2 EBSIOBalance%, Minimum < threshold, for instances
//     that publish it (those with burstable EBS performance).
//
// Agent metrics are alarmed with the dimensions the instance's agent
// really publishes, as listed; an instance publishing none keeps the
// alarm it has, or gets none and is reported. Missing data of agent and
// EBS metrics is missing, or not breaching with a shutdown tag.
func (pl *planning) ec2Alarms(r *Resource, st standing) {
	noun := "EC2 instance " + r.ID
	dims := []Dimension{{dimInstanceID, r.ID}}
	if a, ok := pl.newAlarm(r, st, MetricStatus); ok {
		a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Comparison = nsEC2, "StatusCheckFailed", dims, "Maximum", greaterThanOrEqual
		pl.finish(a, st, missingBreaching, "StatusCheckFailed of "+noun, "at or above "+formatNumber(a.Threshold))
	}
	if a, ok := pl.newAlarm(r, st, MetricCPU); ok {
		a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Comparison = nsEC2, "CPUUtilization", dims, "Average", greaterThan
		pl.finish(a, st, missingMissing, "CPUUtilization of "+noun, "above "+formatNumber(a.Threshold)+"%")
	}

	mem, disk := agentMetrics(pl.cfg.Agent, r.Windows)
	var silent []string
	if a, ok := pl.newAlarm(r, st, MetricMemory); ok {
		if pl.agentDimensions(&a, pl.cfg.Agent.Namespace, mem, r.ID) {
			a.Statistic, a.Comparison = "Average", greaterThan
			pl.finish(a, st, missingMissing, quoteMetric(mem.name)+" of "+noun, "above "+formatNumber(a.Threshold)+"%")
		} else {
			silent = append(silent, mem.name)
		}
	}
	if a, ok := pl.newAlarm(r, st, MetricDisk); ok {
		if pl.agentDimensions(&a, pl.cfg.Agent.Namespace, disk, r.ID) {
			used := a.Threshold
			if r.Windows {
				a.Threshold = 100 - used
				a.Statistic, a.Comparison = "Minimum", lessThan
				pl.finish(a, st, missingMissing, quoteMetric(disk.name)+" of "+pl.cfg.Agent.WindowsDisk+" on "+noun,
					fmt.Sprintf("below %s%% free (above %s%% used)", formatNumber(a.Threshold), formatNumber(used)))
			} else {
				a.Statistic, a.Comparison = "Maximum", greaterThan
				pl.finish(a, st, missingMissing, disk.name+" of "+pl.cfg.Agent.LinuxDiskPath+" on "+noun, "above "+formatNumber(used)+"%")
			}
		} else {
			silent = append(silent, disk.name)
		}
	}
	if a, ok := pl.newAlarm(r, st, MetricDiskIO); ok {
		if pl.agentDimensions(&a, nsEC2, agentMetric{name: ebsIOBalance}, r.ID) {
			a.Statistic, a.Comparison = "Minimum", lessThan
			pl.finish(a, st, missingMissing, "EBSIOBalance% of "+noun, "below "+formatNumber(a.Threshold)+"%")
		} else {
			pl.unwanted[a.Name] = "instance publishes no EBSIOBalance% (only instance types with burstable EBS performance do)"
		}
	}
	// An instance publishing nothing while opsd installs the agent is
	// told about by the agent's plan.
	if len(silent) > 0 && pl.obs.MetricsListed && (!pl.installs(r) || pl.agentReporting(r)) {
		pl.reports = append(pl.reports, report(r.Ref, fmt.Sprintf(
			"the CloudWatch agent publishes no %s for this instance (namespace %s): no %s alarm until it does; install and configure the agent",
			strings.Join(quoteAll(silent), " or "), pl.cfg.Agent.Namespace, strings.Join(alarmWords(silent, mem.name), " or ")), resourceDetails(r)))
	}
}

// agentDimensions points a at metric m as instance publishes it, and
// reports whether it could: from the listed metrics, or, when the
// instance publishes none now (stopped for weeks, or the list failed),
// from the alarm opsd already keeps on it.
func (pl *planning) agentDimensions(a *Alarm, ns string, m agentMetric, instance string) bool {
	if dims, ok := pl.metrics.find(ns, m, instance, pl.cfg.Agent.Dimensions); ok {
		a.Namespace, a.MetricName, a.Dimensions = ns, m.name, dims
		return true
	}
	ex, ok := pl.existing[a.Name]
	if !ok || ex.Tags[pl.cfg.Tags.Managed] != "true" || ex.Namespace != ns || ex.MetricName != m.name || !hasAll(ex.Dimensions, m.must) {
		reason := "instance publishes no " + m.name
		if !pl.obs.MetricsListed {
			reason = "metrics could not be listed"
		}
		pl.unwanted[a.Name] = reason
		return false
	}
	a.Namespace, a.MetricName, a.Dimensions = ns, m.name, sortedDimensions(ex.Dimensions)
	return true
}

func quoteMetric(name string) string {
	if strings.Contains(name, " ") {
		return `"` + name + `"`
	}
	return name
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quoteMetric(n)
	}
	return out
}

// alarmWords names the alarms missing agent metrics stop: memory, disk.
func alarmWords(metrics []string, memoryMetric string) []string {
	out := make([]string, len(metrics))
	for i, m := range metrics {
		out[i] = "disk"
		if m == memoryMetric {
			out[i] = "memory"
		}
	}
	return out
}
