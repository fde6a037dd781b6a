package monitor

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The SSM documents that put the CloudWatch agent in place.
const (
	// InstallDocument installs a package: AmazonCloudWatchAgent.
	InstallDocument = "AWS-ConfigureAWSPackage"
	// ConfigureDocument configures and (re)starts the agent from a
	// configuration in an SSM parameter.
	ConfigureDocument = "AmazonCloudWatch-ManageAgent"
	// agentPackage is the agent's package name.
	agentPackage = "AmazonCloudWatchAgent"
)

// The steps of putting the agent in place, in order.
const (
	stepInstall   = "install"
	stepConfigure = "configure"
)

// commentPrefix starts the comment of every agent command opsd sends.
const commentPrefix = "opsd monitor agent"

// maxOutput bounds a command's output in an action's details.
const maxOutput = 600

// agentComment names a run of step on platform for the configuration
// whose hash is hash: the same run is never sent twice to an instance.
func agentComment(step, platform, hash string) string {
	return commentPrefix + " " + step + " " + platform + " " + hash
}

// parseAgentComment reads a comment [agentComment] wrote.
func parseAgentComment(s string) (step, platform, hash string, ok bool) {
	rest, ok := strings.CutPrefix(s, commentPrefix+" ")
	if !ok {
		return "", "", "", false
	}
	f := strings.Fields(rest)
	if len(f) != 3 || (f[0] != stepInstall && f[0] != stepConfigure) {
		return "", "", "", false
	}
	return f[0], f[1], f[2], true
}

// agentStep is one SSM command to one instance: what an ObjectCommand
// change sends.
type agentStep struct {
	step, platform, document, comment string
	parameters                        map[string][]string
}

// key groups steps that go out in one SendCommand.
func (s *agentStep) key() string { return s.document + "\x00" + s.comment }

// stepFor returns platform's step for the configuration hash.
func stepFor(step, platform, hash string) *agentStep {
	s := &agentStep{step: step, platform: platform, comment: agentComment(step, platform, hash)}
	if step == stepInstall {
		s.document = InstallDocument
		s.parameters = map[string][]string{"action": {"Install"}, "name": {agentPackage}}
		return s
	}
	s.document = ConfigureDocument
	s.parameters = map[string][]string{
		"action":                        {"configure"},
		"mode":                          {"ec2"},
		"optionalConfigurationSource":   {"ssm"},
		"optionalConfigurationLocation": {AgentParameterName(platform)},
		"optionalRestart":               {"yes"},
	}
	return s
}

// platformOf names an instance's platform.
func platformOf(r *Resource) string {
	if r.Windows {
		return PlatformWindows
	}
	return PlatformLinux
}

// installs reports whether opsd puts the agent on r's platform.
func (pl *planning) installs(r *Resource) bool {
	in := pl.cfg.Agent.Install
	return in.Enabled && slices.Contains(in.Platforms, platformOf(r))
}

// agentReporting reports whether instance publishes any agent metric opsd
// alarms on.
func (pl *planning) agentReporting(r *Resource) bool {
	mem, disk := agentMetrics(pl.cfg.Agent, r.Windows)
	for _, m := range []agentMetric{mem, disk} {
		if len(pl.metrics[metricKey(pl.cfg.Agent.Namespace, m.name, r.ID)]) > 0 {
			return true
		}
	}
	return false
}

// parameterChanges keeps the agent configuration parameter of every
// platform installed on. A parameter of that name without opsd's managed
// tag is someone else's: it is reported, never overwritten.
func (pl *planning) parameterChanges() []*Change {
	in := pl.cfg.Agent.Install
	if !in.Enabled || !pl.obs.ParametersListed {
		return nil
	}
	var out []*Change
	for _, platform := range in.Platforms {
		name := AgentParameterName(platform)
		value, err := AgentConfig(pl.cfg.Agent, platform)
		if err != nil {
			out = append(out, report(name, err.Error(), nil))
			continue
		}
		d := map[string]string{"platform": platform, "hash": configHash(value)}
		have, ok := pl.obs.Parameters[name]
		switch {
		case !ok:
			out = append(out, &Change{Object: ObjectParameter, Op: OpCreate, Name: name, Reason: "missing", Details: d, value: value})
		case have.Tags[pl.cfg.Tags.Managed] != "true":
			out = append(out, report(name, fmt.Sprintf(
				"an SSM parameter of this name exists without tag %s=true: opsd leaves it alone and configures no %s agent from it; tag it to let opsd manage it, or delete it", pl.cfg.Tags.Managed, platform), d))
		case have.Value != value:
			d["was"] = configHash(have.Value)
			out = append(out, &Change{Object: ObjectParameter, Op: OpUpdate, Name: name, Reason: "agent configuration differs from the one opsd generates", Details: d, value: value})
		}
	}
	return out
}

// parameterBlocked reports whether platform's parameter is someone
// else's, so configuring from it would apply their configuration.
func (pl *planning) parameterBlocked(platform string) bool {
	p, ok := pl.obs.Parameters[AgentParameterName(platform)]
	return ok && p.Tags[pl.cfg.Tags.Managed] != "true"
}

// agentState is where putting the agent on one instance stands.
type agentState struct {
	// reporting: the instance publishes agent metrics.
	reporting bool
	// why says why the agent is not reporting, for coverage.
	why string
}

// agentChanges decides, for each watched instance of a platform installed
// on that publishes no agent metrics, the next step: send the install,
// then the configure once the install succeeded on it, then wait
// metrics_within for metrics; a failed step or metrics that never come
// are reported with the command's output. Only SSM-managed instances that
// are Online and running are sent anything.
func (pl *planning) agentChanges() []*Change {
	var out []*Change
	pl.agent = map[string]agentState{}
	for _, r := range pl.resources {
		if r.Kind != KindEC2 || !pl.standings[r].watched {
			continue
		}
		if pl.agentReporting(r) {
			pl.agent[r.ID] = agentState{reporting: true}
			continue
		}
		if !pl.installs(r) {
			pl.agent[r.ID] = agentState{why: "no agent metrics; agent installation is off for " + platformOf(r) + " (monitor.agent.install)"}
			continue
		}
		c, why := pl.agentStep(r)
		pl.agent[r.ID] = agentState{why: why}
		if c != nil {
			out = append(out, c)
		}
	}
	return out
}

// agentStep returns the change to make on r (nil for none) and where it
// stands.
func (pl *planning) agentStep(r *Resource) (*Change, string) {
	platform := platformOf(r)
	value, err := AgentConfig(pl.cfg.Agent, platform)
	if err != nil {
		return nil, err.Error()
	}
	hash := configHash(value)
	d := resourceDetails(r)
	d["platform"] = platform
	switch {
	case !pl.obs.ManagedListed || !pl.obs.CommandsListed:
		return nil, "no agent metrics; SSM could not be read"
	case pl.parameterBlocked(platform):
		return nil, "no agent metrics; parameter " + AgentParameterName(platform) + " is not opsd's"
	case pl.obs.Managed[r.ID] == "":
		return report(r.Ref, "no CloudWatch agent metrics and not managed by SSM (no SSM agent, or no instance profile allowing it): opsd cannot install the agent", d), "no agent metrics; not managed by SSM"
	case pl.obs.Managed[r.ID] != "Online":
		return nil, "no agent metrics; SSM agent " + pl.obs.Managed[r.ID]
	case r.State != "running":
		return nil, "no agent metrics; instance " + r.State
	}
	install, installInv := pl.lastCommand(r.ID, stepInstall, platform, hash)
	configure, configureInv := pl.lastCommand(r.ID, stepConfigure, platform, hash)
	send := func(step, reason string) (*Change, string) {
		s := stepFor(step, platform, hash)
		d["document"], d["comment"] = s.document, s.comment
		return &Change{Object: ObjectCommand, Op: OpSend, Name: r.ID, Reason: reason, Details: d, step: s}, "no agent metrics yet; " + step + " sent"
	}
	failed := func(c *AgentCommand, inv Invocation, step string) (*Change, string) {
		d["command"], d["status"] = c.ID, inv.Status
		if inv.Output != "" {
			d["output"] = tailText(inv.Output, maxOutput)
		}
		return report(r.Ref, fmt.Sprintf("the CloudWatch agent %s (%s, command %s) ended %s: no memory or disk alarm until it is fixed", step, c.Document, c.ID, inv.Status), d),
			"agent " + step + " " + inv.Status
	}
	switch {
	case install == nil:
		return send(stepInstall, "publishes no CloudWatch agent metrics: install the agent ("+InstallDocument+" "+agentPackage+")")
	case !done(installInv.Status):
		return nil, "no agent metrics yet; install " + statusOr(installInv.Status)
	case installInv.Status != "Success":
		return failed(install, installInv, stepInstall)
	case configure == nil:
		return send(stepConfigure, "agent installed: configure it from "+AgentParameterName(platform)+" ("+ConfigureDocument+")")
	case !done(configureInv.Status):
		return nil, "no agent metrics yet; configure " + statusOr(configureInv.Status)
	case configureInv.Status != "Success":
		return failed(configure, configureInv, stepConfigure)
	case pl.obs.Now.Sub(configure.Requested) >= pl.cfg.Agent.Install.MetricsWithin:
		d["command"], d["status"] = configure.ID, configureInv.Status
		if configureInv.Output != "" {
			d["output"] = tailText(configureInv.Output, maxOutput)
		}
		return report(r.Ref, fmt.Sprintf("the CloudWatch agent was configured by command %s at %s but no agent metrics arrived within %s: no memory or disk alarm until they do",
			configure.ID, configure.Requested.In(pl.location()).Format(time.RFC3339), pl.cfg.Agent.Install.MetricsWithin), d), "configured, no agent metrics within " + pl.cfg.Agent.Install.MetricsWithin.String()
	}
	return nil, "configured; waiting for agent metrics"
}

// lastCommand returns the latest of opsd's commands of this run of step
// sent to instance, with its invocation there.
func (pl *planning) lastCommand(instance, step, platform, hash string) (*AgentCommand, Invocation) {
	var last *AgentCommand
	for i := range pl.obs.AgentCommands {
		c := &pl.obs.AgentCommands[i]
		s, p, h, ok := parseAgentComment(c.Comment)
		if !ok || s != step || p != platform || h != hash || !slices.Contains(c.InstanceIDs, instance) {
			continue
		}
		if last == nil || c.Requested.After(last.Requested) {
			last = c
		}
	}
	if last == nil {
		return nil, Invocation{}
	}
	return last, last.Invocations[instance]
}

// done reports whether an invocation status is final.
func done(status string) bool {
	switch status {
	case "Success", "Failed", "TimedOut", "Cancelled", "Undeliverable", "Terminated", "DeliveryTimedOut", "ExecutionTimedOut":
		return true
	}
	return false
}

func statusOr(s string) string {
	if s == "" {
		return "Pending"
	}
	return s
}

// tailText returns the last n bytes of s, marked as cut when it was.
func tailText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return "…" + s[i:]
}
