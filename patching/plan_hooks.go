package patching

import "fmt"

// preFailed reports, for an instance of the live window, the window's
// pre_install step that failed on it in this run, or "".
func (wp *windowPlan) preFailed(id string) string {
	pre := wp.w.cfg.PreInstall
	if pre == nil {
		return ""
	}
	c, sent := wp.ix.cover(wp.run.hookRun(opPreInstall), id)
	if !sent || !c.terminal() || c.success() {
		return ""
	}
	return hookReason(opPreInstall, pre, c)
}

// sendInstall sends items the install tmpl describes, each once the
// window's pre_install step succeeded on it: an item not sent the step
// yet is sent it now, one under way waits for it.
func (wp *windowPlan) sendInstall(items []*Item, tmpl Send) {
	pre := wp.w.cfg.PreInstall
	if pre == nil {
		wp.pl.addSends(items, tmpl)
		return
	}
	run := wp.run.hookRun(opPreInstall)
	var ready, first []*Item
	for _, it := range items {
		switch c, sent := wp.ix.cover(run, it.Instance.ID); {
		case !sent:
			it.Verb, it.Reason = VerbPreInstall, it.Reason+"; pre-install step "+pre.Document+" first"
			first = append(first, it)
		case !c.terminal():
			it.Verb, it.Command = VerbWait, c.cmd.ID
			it.Reason = fmt.Sprintf("pre-install step %s under way (command %s: %s)", pre.Document, c.cmd.ID, c.status)
		default:
			ready = append(ready, it)
		}
	}
	wp.pl.addSends(ready, tmpl)
	wp.pl.addSends(first, wp.hookSend(opPreInstall, tmpl.TimeoutSeconds))
}

// hookSend is the command of the window's hook op in the run.
func (wp *windowPlan) hookSend(op Operation, timeout int32) Send {
	cfg := wp.w.cfg
	return Send{Run: wp.run.hookRun(op), Hook: cfg.hookOf(op), MaxConcurrency: cfg.MaxConcurrency, MaxErrors: cfg.MaxErrors, TimeoutSeconds: timeout}
}

// post decides about an instance whose install in run succeeded when the
// window has a post_install step: it is sent the step, or waits for it.
// It reports whether it added an item for either; when not, the step is
// finished (or there is none) and the install's result is due.
func (wp *windowPlan) post(i Instance, m *Managed, run Run, woken bool) bool {
	post := wp.w.cfg.PostInstall
	if post == nil {
		return false
	}
	switch c, sent := wp.ix.cover(run.hookRun(opPostInstall), i.ID); {
	case !sent:
		it := wp.add(i, m, run, VerbPostInstall, "installed; post-install step "+post.Document+" next")
		it.Woken = woken
		wp.posts = append(wp.posts, it)
		return true
	case !c.terminal():
		it := wp.add(i, m, run, VerbWait, fmt.Sprintf("installed; post-install step %s under way (command %s: %s)", post.Document, c.cmd.ID, c.status))
		it.Command, it.Woken = c.cmd.ID, woken
		return true
	}
	return false
}

// postOutcome turns a successful install's outcome into a failure when
// the window's post_install step failed on the instance.
func (wp *windowPlan) postOutcome(o *Outcome, run Run, id string) {
	post := wp.w.cfg.PostInstall
	if post == nil || o.Failed {
		return
	}
	c, sent := wp.ix.cover(run.hookRun(opPostInstall), id)
	if !sent || !c.terminal() || c.success() {
		return
	}
	o.Failed, o.Command, o.Status = true, c.cmd.ID, c.status
	o.Step = string(opPostInstall) + " " + post.Document
	o.Output = c.inv.Output
	if o.Output == "" {
		o.Output = c.inv.Details
	}
}

// sendPosts sends the post_install steps decided on.
func (wp *windowPlan) sendPosts() {
	if len(wp.posts) > 0 {
		wp.pl.addSends(wp.posts, wp.hookSend(opPostInstall, deliveryTimeout(wp.w.cfg.Duration)))
	}
}
