package monitor

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// published returns the metrics an agent running cfg (the JSON opsd
// generates) publishes on an instance, as the agent names them: Linux
// "mem" and "disk" measurements get their section's prefix, Windows
// counters are "<object> <counter>"; append_dimensions are filled in
// (AutoScalingGroupName only for a group member), disks carry path and
// fstype (device only without drop_device), Windows disks instance and
// objectname.
func published(t *testing.T, cfg, instance, group string) []Metric {
	t.Helper()
	var f agentFile
	if err := json.Unmarshal([]byte(cfg), &f); err != nil {
		t.Fatalf("agent configuration is not JSON: %v\n%s", err, cfg)
	}
	var base []Dimension
	for name, v := range f.Metrics.AppendDimensions {
		switch v {
		case "${aws:InstanceId}":
			base = append(base, Dimension{name, instance})
		case "${aws:AutoScalingGroupName}":
			if group != "" {
				base = append(base, Dimension{name, group})
			}
		default:
			base = append(base, Dimension{name, "x"})
		}
	}
	var out []Metric
	add := func(name string, extra ...Dimension) {
		out = append(out, Metric{Namespace: f.Metrics.Namespace, Name: name, Dimensions: append(slices.Clone(base), extra...)})
	}
	for section, m := range f.Metrics.MetricsCollected {
		for _, meas := range m.Measurement {
			switch section {
			case "mem":
				if !strings.HasPrefix(meas, "mem_") {
					meas = "mem_" + meas
				}
				add(meas)
			case "disk":
				for _, path := range m.Resources {
					dims := []Dimension{{"path", path}, {"fstype", "xfs"}}
					if !m.DropDevice {
						dims = append(dims, Dimension{"device", "nvme0n1p1"})
					}
					add("disk_"+meas, dims...)
				}
			default: // Windows performance counters
				if len(m.Resources) == 0 {
					add(section+" "+meas, Dimension{"objectname", section})
				}
				for _, res := range m.Resources {
					add(section+" "+meas, Dimension{"instance", res}, Dimension{"objectname", section})
				}
			}
		}
	}
	return out
}

// The agent configuration opsd generates publishes exactly what its
// memory and disk alarms watch, under the dimensions they use: the
// planner, given what that agent publishes, alarms on it, with no device
// dimension and nothing else.
func TestAgentConfigMatchesTheAlarms(t *testing.T) {
	cfg := testConfig()
	for _, tc := range []struct {
		platform string
		windows  bool
		memory   string
		disk     string
	}{
		{PlatformLinux, false, "CWAgent mem_used_percent{InstanceId=i-1}", "CWAgent disk_used_percent{InstanceId=i-1,fstype=xfs,path=/}"},
		{PlatformWindows, true, "CWAgent Memory % Committed Bytes In Use{InstanceId=i-1,objectname=Memory}", "CWAgent LogicalDisk % Free Space{InstanceId=i-1,instance=C:,objectname=LogicalDisk}"},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			js, err := AgentConfig(cfg.Agent, tc.platform)
			if err != nil {
				t.Fatal(err)
			}
			obs := observation(ec2Resource("i-1", tc.windows, map[string]string{"Environment": "production"}))
			obs.Metrics = published(t, js, "i-1", "")
			if len(obs.Metrics) != 2 {
				t.Fatalf("agent publishes %d metrics, want memory and disk: %v", len(obs.Metrics), obs.Metrics)
			}
			got := desiredOf(t, cfg, obs)
			for metric, want := range map[string]string{MetricMemory: tc.memory, MetricDisk: tc.disk} {
				a, ok := got[alarmName(KindEC2, "i-1", metric)]
				if !ok {
					t.Fatalf("no %s alarm from the agent's metrics %v", metric, obs.Metrics)
				}
				if line := a.Namespace + " " + a.MetricName + "{" + formatDimensions(a.Dimensions) + "}"; line != want {
					t.Errorf("%s alarm watches %s, want %s", metric, line, want)
				}
			}
			// A group member publishes AutoScalingGroupName too.
			member := published(t, js, "i-1", "web-asg")
			for _, m := range member {
				if !slices.Contains(m.Dimensions, Dimension{dimAutoScalingGroup, "web-asg"}) {
					t.Errorf("member's %s lacks AutoScalingGroupName: %v", m.Name, m.Dimensions)
				}
			}
		})
	}
}

func TestAgentConfigRefusesWhatTheAgentCannotFillIn(t *testing.T) {
	a := DefaultConfig().Agent
	a.Dimensions = []string{"InstanceId", "Team"}
	if _, err := AgentConfig(a, PlatformLinux); err == nil || !strings.Contains(err.Error(), `"Team"`) {
		t.Errorf("err = %v", err)
	}
	if _, err := AgentConfig(DefaultConfig().Agent, "solaris"); err == nil {
		t.Error("solaris accepted")
	}
	c := DefaultConfig()
	c.Agent.Install.Enabled = true
	c.Agent.Dimensions = []string{"Team"}
	c.Agent.Install.Platforms = []string{"linux", "beos"}
	c.Agent.Install.MaxErrors = "lots"
	c.Agent.Install.MetricsWithin = 0
	var got []string
	for _, err := range c.Validate("monitor") {
		got = append(got, err.Error())
	}
	for _, want := range []string{"monitor.agent.install.platforms[1]", "monitor.agent.install.max_errors", "monitor.agent.install.metrics_within", "monitor.agent.dimensions: must include InstanceId", "monitor.agent.dimensions[0]"} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no error naming %s in %v", want, got)
		}
	}
}

// installConfig is testConfig with the agent installed on both platforms.
func installConfig() Config {
	c := testConfig()
	c.Agent.Install.Enabled = true
	return c
}

func TestAgentParameters(t *testing.T) {
	cfg := installConfig()
	linux, _ := AgentConfig(cfg.Agent, PlatformLinux)
	for _, tc := range []struct {
		name   string
		params map[string]Parameter
		want   []string
	}{
		{"missing", nil, []string{"create-agent-parameter AmazonCloudWatch-opsd-windows", "create-agent-parameter AmazonCloudWatch-opsd-linux"}},
		{"opsd's, one changed by hand", map[string]Parameter{
			"AmazonCloudWatch-opsd-linux":   {Value: linux, Tags: map[string]string{"opsd:managed": "true"}},
			"AmazonCloudWatch-opsd-windows": {Value: "{}", Tags: map[string]string{"opsd:managed": "true"}},
		}, []string{"update-agent-parameter AmazonCloudWatch-opsd-windows"}},
		{"someone else's", map[string]Parameter{
			"AmazonCloudWatch-opsd-linux":   {Value: "{}"},
			"AmazonCloudWatch-opsd-windows": {Value: "{}", Tags: map[string]string{"opsd:managed": "true"}},
		}, []string{"update-agent-parameter AmazonCloudWatch-opsd-windows", "report AmazonCloudWatch-opsd-linux"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs := observation()
			obs.Parameters, obs.ParametersListed = tc.params, true
			var got []string
			for _, c := range NewPlanner(cfg).Plan(obs) {
				if c.Object == ObjectParameter || strings.HasPrefix(c.Name, agentParameterPrefix) {
					got = append(got, c.ActionName()+" "+c.Name)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAgentSteps(t *testing.T) {
	cfg := installConfig()
	js, _ := AgentConfig(cfg.Agent, PlatformLinux)
	hash := configHash(js)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	install := func(status string) AgentCommand {
		return AgentCommand{ID: "c-inst", Document: InstallDocument, Comment: agentComment(stepInstall, PlatformLinux, hash), InstanceIDs: []string{"i-1"},
			Requested: now.Add(-time.Hour), Invocations: map[string]Invocation{"i-1": {Status: status, Output: "install: " + status}}}
	}
	configure := func(status string, ago time.Duration) AgentCommand {
		return AgentCommand{ID: "c-conf", Document: ConfigureDocument, Comment: agentComment(stepConfigure, PlatformLinux, hash), InstanceIDs: []string{"i-1"},
			Requested: now.Add(-ago), Invocations: map[string]Invocation{"i-1": {Status: status, Output: "configure: " + status}}}
	}
	for _, tc := range []struct {
		name     string
		ping     string
		state    string
		metrics  bool
		commands []AgentCommand
		want     string // action and document or reason fragment; "" for nothing
	}{
		{"reporting", "Online", "running", true, nil, ""},
		{"not managed", "", "running", false, nil, "report not managed by SSM"},
		{"connection lost", "ConnectionLost", "running", false, nil, ""},
		{"stopped", "Online", "stopped", false, nil, ""},
		{"fresh", "Online", "running", false, nil, "send-agent-command " + InstallDocument},
		{"install of an older configuration", "Online", "running", false, []AgentCommand{{ID: "old", Document: InstallDocument, Comment: agentComment(stepInstall, PlatformLinux, "00000000"), InstanceIDs: []string{"i-1"}}}, "send-agent-command " + InstallDocument},
		{"installing", "Online", "running", false, []AgentCommand{install("InProgress")}, ""},
		{"install failed", "Online", "running", false, []AgentCommand{install("Failed")}, "report install (AWS-ConfigureAWSPackage, command c-inst) ended Failed"},
		{"installed", "Online", "running", false, []AgentCommand{install("Success")}, "send-agent-command " + ConfigureDocument},
		{"configure failed", "Online", "running", false, []AgentCommand{install("Success"), configure("Failed", time.Minute)}, "report configure (AmazonCloudWatch-ManageAgent, command c-conf) ended Failed"},
		{"configured, waiting", "Online", "running", false, []AgentCommand{install("Success"), configure("Success", 10*time.Minute)}, ""},
		{"configured, silent", "Online", "running", false, []AgentCommand{install("Success"), configure("Success", 31*time.Minute)}, "report no agent metrics arrived within 30m0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ec2Resource("i-1", false, map[string]string{"Environment": "production"})
			r.State = tc.state
			obs := observation(r)
			obs.Now = now
			obs.ParametersListed, obs.ManagedListed, obs.CommandsListed = true, true, true
			obs.Managed = map[string]string{}
			if tc.ping != "" {
				obs.Managed["i-1"] = tc.ping
			}
			obs.AgentCommands = tc.commands
			if tc.metrics {
				obs.Metrics = []Metric{metric("CWAgent", linuxMemory, "InstanceId", "i-1"), metric("CWAgent", linuxDisk, "InstanceId", "i-1", "path", "/", "fstype", "xfs")}
			}
			var got []*Change
			for _, c := range NewPlanner(cfg).Plan(obs) {
				if c.Name == "i-1" && (c.Object == ObjectCommand || c.Op == OpReport) {
					got = append(got, c)
				}
			}
			if tc.want == "" {
				if len(got) != 0 {
					t.Errorf("got %v, want nothing", summary(got))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %v, want one %q", summary(got), tc.want)
			}
			c := got[0]
			action, rest, _ := strings.Cut(tc.want, " ")
			text := c.Reason
			if c.step != nil {
				text = c.step.document
			}
			if c.ActionName() != action || !strings.Contains(text, rest) {
				t.Errorf("got %s %q, want %s", c.ActionName(), text, tc.want)
			}
			if strings.Contains(tc.want, "Failed") && !strings.Contains(c.Details["output"], "Failed") {
				t.Errorf("report lacks the command's output: %v", c.Details)
			}
		})
	}
}
