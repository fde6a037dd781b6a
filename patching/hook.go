package patching

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Hook is an SSM document opsd runs on an instance as a command of its
// own, before or after the instance's install: AWS-RunPatchBaseline with
// an InstallOverrideList cannot run hooks (AWS-RunPatchBaselineWithHooks
// takes no override list).
type Hook struct {
	// Document is the SSM document's name or ARN, e.g. AWS-RunShellScript
	// or a team's drain document.
	Document string `koanf:"document"`
	// Parameters are the document's parameters.
	Parameters map[string][]string `koanf:"parameters"`
}

// The operations of the hook commands, written in their comments like an
// install's: "opsd pre-install default 2026-11-29T01:00Z".
const (
	// opPreInstall runs a window's pre_install hook; an instance's install
	// waits for it to succeed there, and is skipped when it failed.
	opPreInstall Operation = "pre-install"
	// opPostInstall runs a window's post_install hook once the install
	// succeeded; a failure counts as a failed install.
	opPostInstall Operation = "post-install"
)

// isHook reports whether op is a hook's.
func isHook(op Operation) bool { return op == opPreInstall || op == opPostInstall }

// hookRun is the run of install run r's hook op: the same window and
// start.
func (r Run) hookRun(op Operation) Run { return Run{Op: op, Window: r.Window, Start: r.Start} }

// base is the install run a hook run belongs to; any other run is its
// own.
func (r Run) base() Run {
	if isHook(r.Op) {
		return Run{Op: OpInstall, Window: r.Window, Start: r.Start}
	}
	return r
}

// hookOf returns a window's hook for op, or nil.
func (w Window) hookOf(op Operation) *Hook {
	switch op {
	case opPreInstall:
		return w.PreInstall
	case opPostInstall:
		return w.PostInstall
	}
	return nil
}

// documents lists the SSM documents opsd's commands run: AWS-RunPatchBaseline
// and every window's hook documents, sorted.
func (c Config) documents() []string {
	docs := map[string]bool{Document: true}
	for _, w := range c.Windows {
		for _, h := range []*Hook{w.PreInstall, w.PostInstall} {
			if h != nil && h.Document != "" {
				docs[h.Document] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(docs))
}

// validateHook checks a window's hook at path.
func validateHook(path string, h *Hook) []error {
	if h == nil {
		return nil
	}
	var errs []error
	switch d := strings.TrimSpace(h.Document); {
	case d == "":
		errs = append(errs, fieldErrorf(path+".document", "is required: the SSM document to run, e.g. AWS-RunShellScript"))
	case d == Document:
		errs = append(errs, fieldErrorf(path+".document", "is %s, which opsd runs itself", Document))
	}
	for k := range h.Parameters {
		if strings.TrimSpace(k) == "" {
			errs = append(errs, fieldErrorf(path+".parameters", "a parameter name is empty"))
		}
	}
	return errs
}

// hookReason describes a finished hook command that failed on an
// instance.
func hookReason(op Operation, h *Hook, c cover) string {
	return fmt.Sprintf("%s step %s failed (command %s: %s)", op, h.Document, c.cmd.ID, c.status)
}
