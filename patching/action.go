package patching

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/opsd-dev/opsd/reconcile"
)

// maxDetailOutput bounds a step's output in an action's details.
const maxDetailOutput = 300

// problem reports whether a result needs a person: a failed command,
// missing patches, patches waiting for a reboot, or no patch state.
func (o *Outcome) problem(purpose Purpose) bool {
	switch {
	case o.Failed, o.PendingReboot > 0:
		return true
	case purpose == PurposeScan:
		return o.State == nil || o.Critical+o.Important > 0
	}
	return false
}

// actionName is the item's action in plans and results.
func (it *Item) actionName() string {
	if it.Verb == VerbResult {
		return string(it.Purpose) + "-result"
	}
	return string(it.Verb)
}

// status is the item's status in mode, with err the outcome of its act.
func (it *Item) status(mode reconcile.Mode, err error) reconcile.Status {
	switch {
	case it.Verb == VerbReport:
		return reconcile.Reported
	case it.Verb == VerbResult && it.Outcome.problem(it.Purpose):
		if mode == reconcile.Apply && it.Outcome.Failed {
			return reconcile.Failed
		}
		return reconcile.Reported
	case mode == reconcile.Plan:
		return reconcile.Planned
	case it.Verb.acts() && err != nil:
		return reconcile.Failed
	case it.Verb.acts() || it.Verb == VerbResult:
		return reconcile.Done
	}
	return reconcile.Planned
}

// action is the item as a reconcile action. send is the command a scan or
// install item goes out in, err the outcome of its act (Apply mode).
func (it *Item) action(mode reconcile.Mode, send *Send, err error, loc *time.Location) reconcile.Action {
	a := reconcile.Action{
		Service:  ServiceName,
		Account:  it.Instance.Account,
		Region:   it.Instance.Region,
		Resource: it.Instance.ID,
		Action:   it.actionName(),
		Reason:   it.Reason,
		Status:   it.status(mode, err),
		Details:  map[string]string{"purpose": string(it.Purpose), "state": it.Instance.State, "managed": "not managed by SSM"},
	}
	if err != nil {
		a.Error = err.Error()
	}
	d := a.Details
	if n := it.Instance.Name(); n != "" && n != it.Instance.ID {
		d["name"] = n
	}
	if name := it.Instance.Name(); name != "" {
		d["name"] = name
	}
	if it.Managed != nil {
		d["managed"] = it.Managed.String()
	}
	if !it.Run.IsZero() {
		d["run"] = it.Run.String()
		if it.Run.Window != "" {
			d["window"] = it.Run.Window
		}
	}
	if it.Command != "" {
		d["command"] = it.Command
	}
	if it.Woken {
		d["woken"] = "true"
	}
	if it.Ring != "" {
		d["ring"] = it.Ring
		if it.Gate != "" {
			d["gate"] = it.Gate
		}
		if !it.PatchAt.IsZero() {
			d["patch_at"] = it.PatchAt.In(loc).Format(time.RFC3339)
		}
	}
	if send != nil {
		for k, v := range send.details() {
			d[k] = v
		}
	}
	for k, v := range it.Change.Set {
		d["tag "+k] = v
	}
	if o := it.Outcome; o != nil {
		d["status"] = o.Status
		if o.Step != "" {
			d["step"] = o.Step
		}
		if o.Failed && o.Output != "" {
			d["output"] = tail(o.Output, maxDetailOutput)
		}
		if o.State != nil {
			d["missing_critical"] = strconv.Itoa(o.Critical)
			d["missing_important"] = strconv.Itoa(o.Important)
			d["pending_reboot"] = strconv.Itoa(o.PendingReboot)
			if !o.State.OperationEnd.IsZero() {
				d["last_operation"] = o.State.Operation + " " + o.State.OperationEnd.In(loc).Format(time.RFC3339)
			}
		}
		if o.Failed && a.Error == "" && mode == reconcile.Apply {
			a.Error = it.Reason
		}
	}
	return a
}

// tail returns the last n bytes of s, marked as cut when it was.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return "…" + s[i:]
}
