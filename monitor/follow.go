package monitor

import (
	"context"
	"slices"
	"time"
)

// followPoll is how often a reconcile looks at the install commands it
// sent while it follows them.
const followPoll = 10 * time.Second

// follow waits up to agent.install.follow for the install commands sent in
// this reconcile to finish and sends the configure commands of the
// instances they succeeded on, so an instance is installed and configured
// in one run. It returns the changes it made. Whatever is still running
// at the end is taken up by the next reconcile, which finds the commands
// by their comments.
func (s *Service) follow(ctx context.Context, a actor, ob observer, obs *Observation, sent []AgentCommand) []*Change {
	if !installing(sent) || s.cfg.Agent.Install.Follow <= 0 {
		return nil
	}
	start := time.Now()
	deadline := start.Add(s.cfg.Agent.Install.Follow)
	known := sent
	var out []*Change
	for first := true; ; first = false {
		if !first {
			select {
			case <-ctx.Done():
				return out
			case <-time.After(followPoll):
			}
		}
		cs, err := ob.agentCommands(ctx, obs.Now, known)
		if err != nil {
			a.log.WarnContext(ctx, "follow agent commands", "error", err.Error())
			return out
		}
		next := *obs
		next.AgentCommands, next.CommandsListed = cs, true
		next.Now = obs.Now.Add(time.Since(start))
		pending := pendingInstall(cs, sent)
		var sends []*Change
		for _, c := range s.planner.planAgent(&next) {
			switch {
			case c.Object == ObjectCommand:
				sends = append(sends, c)
			case !pending && c.Op == OpReport && installedTo(sent, c.Name):
				// A step that failed on an instance installed this run.
				out = append(out, c)
			}
		}
		if len(sends) > 0 {
			more := a.run(ctx, sends)
			out = append(out, sends...)
			known = append(known, more...)
		}
		if !pending || time.Now().After(deadline) {
			return out
		}
	}
}

// installedTo reports whether an install of sent went to instance.
func installedTo(sent []AgentCommand, instance string) bool {
	for _, c := range sent {
		if c.Document == InstallDocument && slices.Contains(c.InstanceIDs, instance) {
			return true
		}
	}
	return false
}

// installing reports whether any of sent installs.
func installing(sent []AgentCommand) bool {
	for _, c := range sent {
		if c.Document == InstallDocument {
			return true
		}
	}
	return false
}

// pendingInstall reports whether an install command of sent still runs on
// any of its instances.
func pendingInstall(cs, sent []AgentCommand) bool {
	ids := map[string]bool{}
	for _, c := range sent {
		if c.Document == InstallDocument {
			ids[c.ID] = true
		}
	}
	for _, c := range cs {
		if !ids[c.ID] {
			continue
		}
		for _, id := range c.InstanceIDs {
			if !done(c.Invocations[id].Status) {
				return true
			}
		}
	}
	return false
}
