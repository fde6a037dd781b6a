package patching

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// hooksConfig is ringsConfig with a drain before and a health check after
// each install.
func hooksConfig(c *Config) {
	ringsConfig(c)
	w := c.Windows["default"]
	w.PreInstall = &Hook{Document: "AWS-RunShellScript", Parameters: map[string][]string{"commands": {"drain-node"}}}
	w.PostInstall = &Hook{Document: "AWS-RunShellScript", Parameters: map[string][]string{"commands": {"check-service"}}}
	c.Windows["default"] = w
}

// hookCommand is one command in moto: its document, instances and
// parameters.
type hookCommand struct {
	document string
	ids      []string
	params   map[string][]string
}

// byComment returns moto's commands by comment.
func (e *motoEnv) byComment(t *testing.T) map[string]hookCommand {
	t.Helper()
	out, err := e.ssm.ListCommands(context.Background(), &ssm.ListCommandsInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]hookCommand{}
	for _, c := range out.Commands {
		m[aws.ToString(c.Comment)] = hookCommand{document: aws.ToString(c.DocumentName), ids: slices.Sorted(slices.Values(c.InstanceIds)), params: c.Parameters}
	}
	return m
}

// Development's window with a pre- and a post-install step, through the
// SDK against moto: the pre step goes to every instance first, the
// install only where it succeeded, the post step after a successful
// install. dev-1's failed pre step skips its install and is reported;
// dev-2's failed post step is a failed install in the report and in the
// gate, which halts staging. A second reconcile sends nothing again.
func TestMotoHooksAroundInstallsAndInTheGate(t *testing.T) {
	e := newMotoEnv(t)
	dev1 := e.launch(t, "Name=dev-1", "TOPATCH", "Environment=development")
	dev2 := e.launch(t, "Name=dev-2", "TOPATCH", "Environment=development")
	dev3 := e.launch(t, "Name=dev-3", "TOPATCH", "Environment=development")
	e.fake.setManaged(online("Ubuntu"), dev1, dev2, dev3)
	e.fake.setScript(func(comment, id string, _ int) string {
		switch {
		case strings.HasPrefix(comment, "opsd pre-install") && id == dev1, strings.HasPrefix(comment, "opsd post-install") && id == dev2:
			return "Failed"
		}
		return "Success"
	})
	store := state.NewTolerant(state.NewMemory(), slog.New(slog.DiscardHandler))
	svc := func() *Service {
		svc, err := New(testConfig(hooksConfig), Deps{
			Targets: func(context.Context) ([]accounts.Target, error) {
				return []accounts.Target{{Account: mototest.DefaultAccountID, Region: region, Config: e.cfg}}, nil
			},
			FanOut: accounts.FanOut{Limit: 2}, Notifier: e.rec, Location: london(t), State: store,
		})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}

	run(t, svc(), sundayWindow.Add(10*time.Minute), reconcile.Apply)
	got := e.byComment(t)
	const stamp = " development 2026-11-29T01:00Z"
	pre, inst, post := got["opsd pre-install"+stamp], got["opsd install"+stamp], got["opsd post-install"+stamp]
	if len(got) != 3 {
		t.Fatalf("commands %+v, want the pre step, the install and the post step", got)
	}
	sorted := func(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }
	if pre.document != "AWS-RunShellScript" || !slices.Equal(pre.ids, sorted(dev1, dev2, dev3)) || pre.params["commands"][0] != "drain-node" {
		t.Errorf("pre step %+v", pre)
	}
	if inst.document != Document || !slices.Equal(inst.ids, sorted(dev2, dev3)) {
		t.Errorf("install %+v, want dev-2 and dev-3 (dev-1's pre step failed)", inst)
	}
	if post.document != "AWS-RunShellScript" || !slices.Equal(post.ids, sorted(dev2, dev3)) || post.params["commands"][0] != "check-service" {
		t.Errorf("post step %+v", post)
	}
	msgs := e.rec.Messages()
	if len(msgs) != 1 {
		t.Fatalf("messages %+v, want the run's report", msgs)
	}
	for _, want := range []string{"1 installed, 1 failed", dev1, "pre-install step AWS-RunShellScript failed", dev2, "post-install AWS-RunShellScript"} {
		if !strings.Contains(msgs[0].Title+"\n"+msgs[0].Text, want) {
			t.Errorf("report lacks %q:\n%s\n%s", want, msgs[0].Title, msgs[0].Text)
		}
	}

	sends := e.proxy.Count("AmazonSSM.SendCommand")
	run(t, svc(), sundayWindow.Add(20*time.Minute), reconcile.Apply)
	if n := e.proxy.Count("AmazonSSM.SendCommand"); n != sends {
		t.Errorf("a second reconcile sent %d more commands", n-sends)
	}

	// Staging's window: dev-2's failed post step is 1 failure of 2
	// installs, over 10%: halted.
	res := run(t, svc(), time.Date(2026, 12, 1, 1, 10, 0, 0, time.UTC), reconcile.Apply)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	msgs = e.rec.Messages()
	if last := msgs[len(msgs)-1]; !strings.Contains(last.Title, "ring development failed its gate") || !strings.Contains(last.Text, "failure rate 1/2 (50%) is over 10%") || !strings.Contains(last.Text, dev2) {
		t.Errorf("halt message %+v", last)
	}
}
