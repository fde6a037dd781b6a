package monitor

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// agentParameterPrefix starts the SSM parameter holding the agent
// configuration opsd generates for a platform. AmazonCloudWatch- is the
// prefix the agent's managed policy (CloudWatchAgentServerPolicy) may read.
const agentParameterPrefix = "AmazonCloudWatch-opsd-"

// AgentParameterName is the SSM parameter holding the CloudWatch agent
// configuration opsd generates for platform (windows, linux).
func AgentParameterName(platform string) string { return agentParameterPrefix + platform }

// appendDimensionVariables are the append_dimensions the agent fills in
// itself, with the variable that does.
var appendDimensionVariables = map[string]string{
	"InstanceId":           "${aws:InstanceId}",
	"ImageId":              "${aws:ImageId}",
	"InstanceType":         "${aws:InstanceType}",
	"AutoScalingGroupName": "${aws:AutoScalingGroupName}",
}

// dimAutoScalingGroup is the dimension an Auto Scaling group's metrics
// and its members' agent metrics carry.
const dimAutoScalingGroup = "AutoScalingGroupName"

// The CloudWatch agent's configuration file, as much of it as opsd writes.
type (
	agentFile struct {
		Agent   agentSection   `json:"agent"`
		Metrics metricsSection `json:"metrics"`
	}
	agentSection struct {
		MetricsCollectionInterval int `json:"metrics_collection_interval"`
	}
	metricsSection struct {
		Namespace        string                     `json:"namespace"`
		AppendDimensions map[string]string          `json:"append_dimensions"`
		MetricsCollected map[string]collectedMetric `json:"metrics_collected"`
	}
	collectedMetric struct {
		Measurement           []string `json:"measurement"`
		Resources             []string `json:"resources,omitempty"`
		DropDevice            bool     `json:"drop_device,omitempty"`
		IgnoreFileSystemTypes []string `json:"ignore_file_system_types,omitempty"`
	}
)

// pseudoFileSystems are never disks worth alarming on.
var pseudoFileSystems = []string{"sysfs", "devtmpfs", "tmpfs", "overlay", "squashfs"}

// AgentConfig returns the CloudWatch agent configuration opsd generates
// for platform, as JSON. It publishes exactly what opsd's memory and disk
// alarms watch, under the dimensions they use: the configured
// append_dimensions (InstanceId by default) and AutoScalingGroupName,
// which the agent adds only on an Auto Scaling group's members. On Linux,
// mem_used_percent, and disk_used_percent of agent.linux_disk_path with
// the device name dropped (so nvme0n1p1 and xvda1 are the same metric);
// on Windows, "Memory % Committed Bytes In Use" and "LogicalDisk % Free
// Space" of agent.windows_disk.
func AgentConfig(a Agent, platform string) (string, error) {
	f := agentFile{
		Agent: agentSection{MetricsCollectionInterval: 60},
		Metrics: metricsSection{
			Namespace:        a.Namespace,
			AppendDimensions: map[string]string{dimAutoScalingGroup: appendDimensionVariables[dimAutoScalingGroup]},
		},
	}
	for _, d := range a.Dimensions {
		v, ok := appendDimensionVariables[d]
		if !ok {
			return "", fmt.Errorf("generate agent configuration for %s: dimension %q is none the agent fills in (%s)", platform, d, strings.Join(agentDimensionNames(), ", "))
		}
		f.Metrics.AppendDimensions[d] = v
	}
	switch platform {
	case PlatformLinux:
		f.Metrics.MetricsCollected = map[string]collectedMetric{
			"mem":  {Measurement: []string{"mem_used_percent"}},
			"disk": {Measurement: []string{"used_percent"}, Resources: []string{a.LinuxDiskPath}, DropDevice: true, IgnoreFileSystemTypes: pseudoFileSystems},
		}
	case PlatformWindows:
		f.Metrics.MetricsCollected = map[string]collectedMetric{
			"Memory":      {Measurement: []string{"% Committed Bytes In Use"}},
			"LogicalDisk": {Measurement: []string{"% Free Space"}, Resources: []string{a.WindowsDisk}},
		}
	default:
		return "", fmt.Errorf("generate agent configuration: %q is not a platform (windows, linux)", platform)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return "", fmt.Errorf("generate agent configuration for %s: %w", platform, err)
	}
	return string(b), nil
}

// agentDimensionNames are the dimensions the agent fills in, sorted.
func agentDimensionNames() []string {
	return []string{"AutoScalingGroupName", "ImageId", "InstanceId", "InstanceType"}
}

// configHash identifies a generated configuration in command comments:
// a new configuration is a new run.
func configHash(config string) string {
	sum := sha256.Sum256([]byte(config))
	return hex.EncodeToString(sum[:4])
}
