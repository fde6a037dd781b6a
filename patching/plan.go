package patching

import (
	"fmt"
	"maps"
	"sort"
	"strconv"
	"time"
)

// Verb is what the service does about an instance.
type Verb string

// The verbs.
const (
	// VerbScan sends a Scan command.
	VerbScan Verb = "scan"
	// VerbInstall sends an Install command.
	VerbInstall Verb = "install"
	// VerbPreInstall sends the window's pre_install hook, before the
	// install.
	VerbPreInstall Verb = "pre-install"
	// VerbPostInstall sends the window's post_install hook, after the
	// install succeeded.
	VerbPostInstall Verb = "post-install"
	// VerbWake starts a stopped instance for a patch window and tags it
	// (hold-until and woken).
	VerbWake Verb = "start-for-patching"
	// VerbStop stops an instance opsd started for a window, and removes or
	// updates its tags.
	VerbStop Verb = "stop-after-patching"
	// VerbRelease removes or updates the tags opsd wrote on an instance it
	// started, without stopping it (it is stopped already).
	VerbRelease Verb = "release"
	// VerbExtendHold moves the hold-until tag on while an install on an
	// instance opsd started runs past it.
	VerbExtendHold Verb = "extend-hold"
	// VerbClearSkip removes a skip-until tag whose time has passed; the
	// instance is decided on as usual from the next reconcile.
	VerbClearSkip Verb = "clear-skip"
	// VerbAnchorSkip writes a skip-until tag given as a clock time (HH:MM)
	// back as the time it stands for (RFC 3339), so it does not come back
	// the next day; the instance is skipped meanwhile.
	VerbAnchorSkip Verb = "anchor-skip"
	// VerbWait: something is under way (a command, a start); nothing to do
	// now.
	VerbWait Verb = "wait"
	// VerbNone: nothing to do.
	VerbNone Verb = "none"
	// VerbReport: needs a person; nothing is done.
	VerbReport Verb = "report"
	// VerbResult: a finished command's outcome for the instance.
	VerbResult Verb = "result"
)

// acts reports whether carrying the verb out changes anything in AWS.
func (v Verb) acts() bool {
	switch v {
	case VerbScan, VerbInstall, VerbPreInstall, VerbPostInstall, VerbWake, VerbStop, VerbRelease, VerbExtendHold, VerbClearSkip, VerbAnchorSkip:
		return true
	}
	return false
}

// hook reports whether the verb sends a hook's command.
func (v Verb) hook() bool { return v == VerbPreInstall || v == VerbPostInstall }

// Purpose is which of the two services an item belongs to.
type Purpose string

// The purposes.
const (
	// PurposeScan is TOSCAN's: scanning and alerting.
	PurposeScan Purpose = "scan"
	// PurposeInstall is TOPATCH's: patching in a window.
	PurposeInstall Purpose = "install"
)

// Change is what acting on an item changes on the instance, in order:
// tags set, then started, or stopped, then tags removed.
type Change struct {
	Start bool
	Stop  bool
	// StopMark, with Stop, is the tag key written with the reconcile's
	// time just before the stop (TagKeys.StoppedAt): the shutdown service
	// reads it so that the start opsd made for patching, and this stop,
	// are not taken for a person's. It is written first so that a stop
	// whose answer was lost is known as opsd's all the same.
	StopMark string
	Set      map[string]string
	Remove   []string
}

// Outcome is how a finished command went on one instance.
type Outcome struct {
	// Command is the command id.
	Command string
	// Status is the invocation's status.
	Status string
	// Failed is true unless the invocation succeeded.
	Failed bool
	// Step and Output are the failing step and its output.
	Step, Output string
	// State is the instance's patch state read after the command, or nil.
	State *PatchState
	// Critical and Important count the missing patches (see [Missing]).
	Critical, Important int
	// PendingReboot counts installed patches that wait for a reboot.
	PendingReboot int
}

// Item is one decision about one instance.
type Item struct {
	// Instance is the instance decided on.
	Instance Instance
	// Purpose is scan (TOSCAN) or install (TOPATCH).
	Purpose Purpose
	// Verb is what to do.
	Verb Verb
	// Run is the run the item belongs to, or zero.
	Run Run
	// Reason says why, for people.
	Reason string
	// Managed is SSM's view of the instance; nil when SSM does not manage
	// it.
	Managed *Managed
	// Send is the index in [Plan.Sends] of the command a scan or install
	// item goes out in; -1 otherwise.
	Send int
	// Command is the id of the command the item waits on or reports.
	Command string
	// Change is what a wake, stop, release or hold extension changes.
	Change Change
	// Outcome is a result item's outcome.
	Outcome *Outcome
	// Mark is the value the item's reported tag gets once the item was
	// reported; "" for items never reported.
	Mark string
	// Report is true when the item belongs in this reconcile's report of
	// its run: the run is finished in the account and region and the
	// instance's reported tag does not say Mark yet.
	Report bool
	// Woken is true for an install item of an instance opsd started for
	// the run.
	Woken bool
	// Ring names the ring of an install item in a rollout, or "".
	Ring string
	// Gate says which gate the ring waits for, or how it passed.
	Gate string
	// PatchAt is when the instance would be patched, as far as is known
	// now; zero when not known (a halted rollout).
	PatchAt time.Time
}

// busy reports whether the item keeps its run from being finished.
func (it *Item) busy() bool {
	switch it.Verb {
	case VerbScan, VerbInstall, VerbPreInstall, VerbPostInstall, VerbWake, VerbWait, VerbExtendHold:
		return true
	}
	return false
}

// following reports whether the item waits on an SSM command: a
// reconcile may wait for it.
func (it *Item) following() bool {
	return (it.Verb == VerbWait || it.Verb == VerbExtendHold) && it.Command != ""
}

// Send is one SSM SendCommand: AWS-RunPatchBaseline to at most 50
// instances.
type Send struct {
	// Run is the run the command is sent for.
	Run Run
	// First marks a first-wave install command.
	First bool
	// InstanceIDs are the instances, at most [maxInstancesPerCommand].
	InstanceIDs []string
	// RebootOption is the install's RebootOption; "" for a scan.
	RebootOption string
	// MaxConcurrency and MaxErrors are the command's rate controls.
	MaxConcurrency, MaxErrors string
	// TimeoutSeconds is the delivery timeout: an instance the command has
	// not started on by then is left out.
	TimeoutSeconds int32
	// Chunk and Chunks number the command among the run's commands sent
	// together (1-based).
	Chunk, Chunks int
	// OverrideList is the S3 URL of the patch list a later ring installs
	// (InstallOverrideList), or "".
	OverrideList string
	// Hook, for a hook's command (Run's Op pre- or post-install), is the
	// document it runs instead of AWS-RunPatchBaseline.
	Hook *Hook
}

// document is the SSM document the command runs.
func (s *Send) document() string {
	if s.Hook != nil {
		return s.Hook.Document
	}
	return Document
}

// Comment is the command's Comment.
func (s *Send) Comment() string { return s.Run.Comment(s.First) }

// Parameters are AWS-RunPatchBaseline's parameters, or a hook's.
func (s *Send) Parameters() map[string][]string {
	if s.Hook != nil {
		return maps.Clone(s.Hook.Parameters)
	}
	p := map[string][]string{"Operation": {string(s.Run.Op)}}
	if s.RebootOption != "" {
		p["RebootOption"] = []string{s.RebootOption}
	}
	if s.OverrideList != "" {
		p["InstallOverrideList"] = []string{s.OverrideList}
	}
	return p
}

// details describes the command for a plan.
func (s *Send) details() map[string]string {
	d := map[string]string{
		"document":        s.document(),
		"operation":       string(s.Run.Op),
		"comment":         s.Comment(),
		"chunk":           fmt.Sprintf("%d/%d", s.Chunk, s.Chunks),
		"chunk_size":      strconv.Itoa(len(s.InstanceIDs)),
		"max_concurrency": s.MaxConcurrency,
		"max_errors":      s.MaxErrors,
		"timeout_seconds": strconv.Itoa(int(s.TimeoutSeconds)),
	}
	if s.RebootOption != "" {
		d["reboot_option"] = s.RebootOption
	}
	if s.First {
		d["wave"] = "first"
	}
	if s.OverrideList != "" {
		d["install_override_list"] = s.OverrideList
	}
	return d
}

// Plan is every decision in one account and region.
type Plan struct {
	// Account and Region locate it.
	Account, Region string
	// Items are the decisions, by purpose and then instance id.
	Items []*Item
	// Sends are the commands to send.
	Sends []*Send
}

// Following reports whether any item waits on a command or is to be
// sent: a reconcile then waits and looks again.
func (p *Plan) Following() bool {
	for _, it := range p.Items {
		if it.following() || it.Verb == VerbScan || it.Verb == VerbInstall || it.Verb.hook() {
			return true
		}
	}
	return false
}

// missingStates returns the instances of result items whose patch state
// was not read.
func (p *Plan) missingStates() []string {
	var ids []string
	for _, it := range p.Items {
		if it.Verb == VerbResult && it.Outcome != nil && !it.Outcome.Failed && it.Outcome.State == nil {
			ids = append(ids, it.Instance.ID)
		}
	}
	return ids
}

// addSends chunks ids into commands for run and points each item at its
// command.
func (p *Plan) addSends(items []*Item, template Send) {
	chunks := chunk(items, maxInstancesPerCommand)
	for n, c := range chunks {
		s := template
		s.Chunk, s.Chunks = n+1, len(chunks)
		s.InstanceIDs = nil
		for _, it := range c {
			s.InstanceIDs = append(s.InstanceIDs, it.Instance.ID)
			it.Send = len(p.Sends)
		}
		p.Sends = append(p.Sends, &s)
	}
}

// maxInstancesPerCommand is the most instance ids SendCommand takes.
const maxInstancesPerCommand = 50

// chunk splits xs into runs of at most size, in order.
func chunk[T any](xs []T, size int) [][]T {
	if size < 1 {
		size = 1
	}
	var out [][]T
	for len(xs) > 0 {
		n := min(size, len(xs))
		out = append(out, xs[:n:n])
		xs = xs[n:]
	}
	return out
}

// Plan decides, as of now, what to do about every instance observed in
// one account and region. It is pure: the observation and the time are
// all it reads.
func (p *Planner) Plan(o *Observation, now time.Time) *Plan {
	pl := &Plan{Account: o.Account, Region: o.Region}
	instances := append([]Instance(nil), o.Instances...)
	sort.Slice(instances, func(i, j int) bool { return instances[i].ID < instances[j].ID })
	ix := newIndex(o)
	p.planScan(pl, ix, instances, now)
	p.planInstall(pl, ix, instances, now)
	p.markReports(pl)
	return pl
}

// markReports sets Report on the items to report: those with a Mark whose
// run has nothing under way in this account and region any more, and
// whose instance's reported tag does not say so already.
func (p *Planner) markReports(pl *Plan) {
	busy := map[string]bool{}
	for _, it := range pl.Items {
		if it.busy() {
			busy[it.Run.String()] = true
		}
	}
	for _, it := range pl.Items {
		if it.Mark == "" || busy[it.Run.String()] {
			continue
		}
		it.Report = it.Instance.Tags[p.reportedKey(it.Purpose)] != it.Mark
	}
}

// reportedKey is the tag recording what was reported for the purpose.
func (p *Planner) reportedKey(purpose Purpose) string {
	if purpose == PurposeScan {
		return p.keys.ScanReported
	}
	return p.keys.InstallReported
}

// newItem starts an item.
func newItem(i Instance, purpose Purpose, run Run, m *Managed, v Verb, reason string) *Item {
	return &Item{Instance: i, Purpose: purpose, Run: run, Managed: m, Verb: v, Reason: reason, Send: -1}
}
