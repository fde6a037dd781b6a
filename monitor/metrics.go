package monitor

import (
	"slices"
	"strings"
)

// Metric names and namespaces of the metrics opsd alarms on.
const (
	nsEC2        = "AWS/EC2"
	nsRDS        = "AWS/RDS"
	nsAPIGateway = "AWS/ApiGateway"
	nsALB        = "AWS/ApplicationELB"
	nsSynthetics = "CloudWatchSynthetics"
	nsSNS        = "AWS/SNS"
	nsSQS        = "AWS/SQS"

	linuxMemory   = "mem_used_percent"
	linuxDisk     = "disk_used_percent"
	windowsMemory = "Memory % Committed Bytes In Use"
	windowsDisk   = "LogicalDisk % Free Space"
	ebsIOBalance  = "EBSIOBalance%"

	dimInstanceID = "InstanceId"
)

// agentMetric is one CloudWatch agent metric opsd alarms on: its name,
// the dimension values it must have (the mount point, the drive) and the
// dimensions the agent adds by itself besides append_dimensions.
type agentMetric struct {
	name      string
	must      []Dimension
	intrinsic []string
}

// agentMetrics returns the agent metrics alarmed for memory and disk on
// Linux or Windows.
func agentMetrics(a Agent, windows bool) (memory, disk agentMetric) {
	if windows {
		return agentMetric{name: windowsMemory, intrinsic: []string{"objectname"}},
			agentMetric{name: windowsDisk, must: []Dimension{{"instance", a.WindowsDisk}}, intrinsic: []string{"instance", "objectname"}}
	}
	return agentMetric{name: linuxMemory},
		agentMetric{name: linuxDisk, must: []Dimension{{"path", a.LinuxDiskPath}}, intrinsic: []string{"path", "device", "fstype"}}
}

// listedMetrics are the metrics opsd lists to find the dimensions the
// agent (and EC2's EBS burst balance) really publish.
func listedMetrics(a Agent) []Metric {
	lm, ld := agentMetrics(a, false)
	wm, wd := agentMetrics(a, true)
	return []Metric{
		{Namespace: a.Namespace, Name: lm.name},
		{Namespace: a.Namespace, Name: ld.name, Dimensions: ld.must},
		{Namespace: a.Namespace, Name: wm.name},
		{Namespace: a.Namespace, Name: wd.name, Dimensions: wd.must},
		{Namespace: nsEC2, Name: ebsIOBalance},
	}
}

// metricIndex holds listed metrics' dimension sets by namespace, metric
// name and InstanceId.
type metricIndex map[string][][]Dimension

func metricKey(ns, name, instance string) string { return ns + "\x00" + name + "\x00" + instance }

func indexMetrics(ms []Metric) metricIndex {
	ix := metricIndex{}
	for _, m := range ms {
		for _, d := range m.Dimensions {
			if d.Name == dimInstanceID {
				k := metricKey(m.Namespace, m.Name, d.Value)
				ix[k] = append(ix[k], sortedDimensions(m.Dimensions))
			}
		}
	}
	return ix
}

// find returns the dimension set instance publishes m under. When there
// are several, the one whose other dimensions are exactly prefer (the
// configured append_dimensions) wins, then the smallest, then the first
// in text order.
func (ix metricIndex) find(ns string, m agentMetric, instance string, prefer []string) ([]Dimension, bool) {
	var cands [][]Dimension
	for _, dims := range ix[metricKey(ns, m.name, instance)] {
		if hasAll(dims, m.must) {
			cands = append(cands, dims)
		}
	}
	if len(cands) == 0 {
		return nil, false
	}
	want := sortedSet(prefer)
	preferred := func(dims []Dimension) bool {
		var names []string
		for _, d := range dims {
			if !slices.Contains(m.intrinsic, d.Name) {
				names = append(names, d.Name)
			}
		}
		return slices.Equal(sortedSet(names), want)
	}
	slices.SortFunc(cands, func(a, b []Dimension) int {
		pa, pb := preferred(a), preferred(b)
		switch {
		case pa && !pb:
			return -1
		case pb && !pa:
			return 1
		case len(a) != len(b):
			return len(a) - len(b)
		}
		return strings.Compare(formatDimensions(a), formatDimensions(b))
	})
	return cands[0], true
}

func hasAll(dims, must []Dimension) bool {
	for _, m := range must {
		if !slices.Contains(dims, m) {
			return false
		}
	}
	return true
}
