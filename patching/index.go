package patching

import "strings"

// index finds an observation's commands by run and instance.
type index struct {
	o     *Observation
	byRun map[string][]*Command
}

func newIndex(o *Observation) *index {
	x := &index{o: o, byRun: map[string][]*Command{}}
	for i := range o.Commands {
		c := &o.Commands[i]
		k := runKey(c.Run)
		x.byRun[k] = append(x.byRun[k], c)
	}
	return x
}

// runKey identifies a run in maps; window names compare
// case-insensitively.
func runKey(r Run) string { return strings.ToLower(r.String()) }

// commands returns the run's commands.
func (x *index) commands(r Run) []*Command { return x.byRun[runKey(r)] }

// cover is how an instance stands in a run it was sent a command for.
type cover struct {
	cmd *Command
	// status is the instance's invocation status, or the command's when
	// its invocations were not read.
	status string
	inv    Invocation
	// known is false when the command's invocations were not read.
	known bool
}

func (c cover) terminal() bool { return terminalStatus(c.status) }
func (c cover) success() bool  { return c.status == "Success" }

// cover returns how the instance stands in the run, and false when no
// command of the run was sent to it. When several were (two daemons
// racing), the latest counts.
func (x *index) cover(r Run, id string) (cover, bool) {
	var cmd *Command
	for _, c := range x.commands(r) {
		if c.Covers(id) && (cmd == nil || !c.Requested.Before(cmd.Requested)) {
			cmd = c
		}
	}
	if cmd == nil {
		return cover{}, false
	}
	invs, read := x.o.Invocations[cmd.ID]
	if !read {
		return cover{cmd: cmd, status: cmd.Status}, true
	}
	if inv, ok := invs[id]; ok {
		return cover{cmd: cmd, status: inv.Status, inv: inv, known: true}, true
	}
	if terminalStatus(cmd.Status) {
		// The command ended without ever reaching the instance.
		inv := Invocation{InstanceID: id, Status: "Failed", Details: "the command ended (" + cmd.Status + ") without running on the instance"}
		return cover{cmd: cmd, status: inv.Status, inv: inv, known: true}, true
	}
	return cover{cmd: cmd, status: "Pending", inv: Invocation{InstanceID: id, Status: "Pending"}, known: true}, true
}

// outcome turns a finished cover into an outcome, with the instance's
// patch state when it was read.
func (x *index) outcome(c cover, id string, p Platform) *Outcome {
	o := &Outcome{Command: c.cmd.ID, Status: c.status, Failed: !c.success(), Step: c.inv.Step, Output: c.inv.Output}
	if o.Failed && o.Output == "" {
		o.Output = c.inv.Details
	}
	if st, ok := x.o.PatchStates[id]; ok {
		o.State = &st
		o.Critical, o.Important = Missing(p, st)
		o.PendingReboot = st.InstalledPendingReboot
	}
	return o
}

// managed returns SSM's view of the instance, or nil.
func (x *index) managed(id string) *Managed {
	m, ok := x.o.Managed[id]
	if !ok {
		return nil
	}
	return &m
}
