package patching

import (
	"strings"
	"testing"
	"time"
)

// withHooks gives the default window a pre- and a post-install step.
func withHooks(c *Config) {
	w := c.Windows["default"]
	w.PreInstall = &Hook{Document: "Team-DrainNode", Parameters: map[string][]string{"timeout": {"300"}}}
	w.PostInstall = &Hook{Document: "AWS-RunShellScript", Parameters: map[string][]string{"commands": {"curl -fsS localhost/health"}}}
	c.Windows["default"] = w
}

func TestPlanHooksAroundTheInstall(t *testing.T) {
	p := testPlanner(t, withHooks)
	now := sundayWindow.Add(10 * time.Minute)
	run := installRun("default", sundayWindow)
	pre, post := run.hookRun(opPreInstall), run.hookRun(opPostInstall)
	one1 := []string{"i-1"}
	for _, tc := range []struct {
		name string
		obs  func(*obs) *obs
		// verb is i-1's install item's verb; send the document and
		// comment of the one command sent ("" none).
		verb             Verb
		document, reason string
		failed           bool
	}{
		{name: "nothing sent: the pre step first", obs: func(b *obs) *obs { return b },
			verb: VerbPreInstall, document: "Team-DrainNode", reason: "pre-install step Team-DrainNode first"},
		{name: "pre under way: wait", obs: func(b *obs) *obs { return b.command("c-pre", pre, false, one1, "InProgress") },
			verb: VerbWait, reason: "pre-install step Team-DrainNode under way (command c-pre"},
		{name: "pre succeeded: the install", obs: func(b *obs) *obs { return b.command("c-pre", pre, false, one1, "Success") },
			verb: VerbInstall, document: Document},
		{name: "pre failed: skipped and reported", obs: func(b *obs) *obs { return b.command("c-pre", pre, false, one1, "Failed") },
			verb: VerbReport, reason: "not patched: pre-install step Team-DrainNode failed (command c-pre: Failed)"},
		{name: "install under way: wait", obs: func(b *obs) *obs {
			return b.command("c-pre", pre, false, one1, "Success").command("c-inst", run, false, one1, "InProgress")
		}, verb: VerbWait, reason: "install under way (command c-inst"},
		{name: "install failed: no post step", obs: func(b *obs) *obs {
			return b.command("c-pre", pre, false, one1, "Success").command("c-inst", run, false, one1, "Failed")
		}, verb: VerbResult, failed: true, reason: "patching failed (command c-inst: Failed in step PatchLinux)"},
		{name: "install succeeded: the post step", obs: func(b *obs) *obs {
			return b.command("c-pre", pre, false, one1, "Success").command("c-inst", run, false, one1, "Success")
		}, verb: VerbPostInstall, document: "AWS-RunShellScript", reason: "installed; post-install step AWS-RunShellScript next"},
		{name: "post under way: wait", obs: func(b *obs) *obs {
			return b.command("c-pre", pre, false, one1, "Success").command("c-inst", run, false, one1, "Success").command("c-post", post, false, one1, "InProgress")
		}, verb: VerbWait, reason: "post-install step AWS-RunShellScript under way (command c-post"},
		{name: "post succeeded: patched", obs: func(b *obs) *obs {
			return b.command("c-pre", pre, false, one1, "Success").command("c-inst", run, false, one1, "Success").command("c-post", post, false, one1, "Success")
		}, verb: VerbResult, reason: "patched (command c-inst)"},
		{name: "post failed: a failed install", obs: func(b *obs) *obs {
			return b.command("c-pre", pre, false, one1, "Success").command("c-inst", run, false, one1, "Success").command("c-post", post, false, one1, "Failed")
		}, verb: VerbResult, failed: true, reason: "patching failed (command c-post: Failed in step post-install AWS-RunShellScript)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.obs(newObs(inst("i-1", stateRunning, "TOPATCH")).managed(online("Ubuntu"), "i-1"))
			pl := p.Plan(o.o, now)
			it := one(t, pl, "i-1", PurposeInstall, tc.verb)
			if !strings.Contains(it.Reason, tc.reason) {
				t.Errorf("reason %q, want %q", it.Reason, tc.reason)
			}
			if tc.failed != (it.Outcome != nil && it.Outcome.Failed) {
				t.Errorf("outcome %+v, failed want %v", it.Outcome, tc.failed)
			}
			if tc.verb == VerbReport && it.Mark != "default 2026-11-29T01:00Z not-patched" {
				t.Errorf("mark %q", it.Mark)
			}
			if tc.document == "" {
				if len(pl.Sends) != 0 {
					t.Fatalf("sent %+v", pl.Sends[0])
				}
				return
			}
			if len(pl.Sends) != 1 || it.Send != 0 {
				t.Fatalf("sends %d, item's %d, want one", len(pl.Sends), it.Send)
			}
			s := pl.Sends[0]
			if s.document() != tc.document || s.details()["document"] != tc.document {
				t.Errorf("document %q, want %q", s.document(), tc.document)
			}
			switch tc.verb {
			case VerbPreInstall:
				if s.Comment() != "opsd pre-install default 2026-11-29T01:00Z" || s.Parameters()["timeout"][0] != "300" || s.Parameters()["Operation"] != nil {
					t.Errorf("pre send %q %v", s.Comment(), s.Parameters())
				}
			case VerbPostInstall:
				if s.Comment() != "opsd post-install default 2026-11-29T01:00Z" || s.Parameters()["commands"][0] != "curl -fsS localhost/health" {
					t.Errorf("post send %q %v", s.Comment(), s.Parameters())
				}
			case VerbInstall:
				if s.Comment() != "opsd install default 2026-11-29T01:00Z" || s.Parameters()["Operation"][0] != "Install" {
					t.Errorf("install send %q %v", s.Comment(), s.Parameters())
				}
			}
		})
	}
}

func TestPlanHooksPostAfterTheWindowClosed(t *testing.T) {
	p := testPlanner(t, withHooks)
	run := installRun("default", sundayWindow)
	o := newObs(inst("i-1", stateRunning, "TOPATCH")).managed(online("Ubuntu"), "i-1").
		command("c-pre", run.hookRun(opPreInstall), false, []string{"i-1"}, "Success").
		command("c-inst", run, false, []string{"i-1"}, "Success")
	pl := p.Plan(o.o, sundayWindow.Add(3*time.Hour+time.Minute))
	one(t, pl, "i-1", PurposeInstall, VerbPostInstall)
	if len(pl.Sends) != 1 || pl.Sends[0].Comment() != "opsd post-install default 2026-11-29T01:00Z" {
		t.Fatalf("sends %+v", pl.Sends)
	}
}

func TestHookCommentsRoundTrip(t *testing.T) {
	run := installRun("nightly", sundayWindow)
	for _, op := range []Operation{opPreInstall, opPostInstall} {
		c := run.hookRun(op).Comment(false)
		got, first, ok := parseComment(c)
		if !ok || first || !sameRun(got, run.hookRun(op)) || !sameRun(got.base(), run) {
			t.Errorf("%q read back as %+v %v %v", c, got, first, ok)
		}
	}
	if _, _, ok := parseComment("opsd pre-install nightly 2026-11-29T01:00Z first"); ok {
		t.Error("a hook comment with a first-wave suffix was read")
	}
}

func TestValidateHooks(t *testing.T) {
	c := testConfig(func(c *Config) {
		w := c.Windows["default"]
		w.PreInstall = &Hook{}
		w.PostInstall = &Hook{Document: Document}
		c.Windows["default"] = w
	})
	var got []string
	for _, err := range c.Validate(ServiceName) {
		got = append(got, err.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"patching.windows.default.pre_install.document: is required", "patching.windows.default.post_install.document: is AWS-RunPatchBaseline"} {
		if !strings.Contains(all, want) {
			t.Errorf("validation lacks %q:\n%s", want, all)
		}
	}
}
