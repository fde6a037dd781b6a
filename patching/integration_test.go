package patching

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Integration tests: the real SDK clients against moto_server, through a
// mototest.Proxy that answers the SSM operations moto 5.2 lacks
// (DescribeInstanceInformation, ListCommandInvocations,
// DescribeInstancePatchStates) over the real awsJson1.1 protocol and
// forwards everything else (SendCommand, ListCommands, EC2, SNS) to moto.
//
// moto quirks these tests live with:
//   - SendCommand with InstanceIds adds every instance in the region to the
//     command (it reads the absent Targets as a filter that matches all),
//     so the proxy sends it on to moto with the ids as an EC2 instance-id
//     target instead, which moto resolves to exactly those instances.
//   - SendCommand never checks the document or the instances, and a
//     command is "Success" at once, with one aws:runShellScript invocation
//     per instance; so the invocations (and their progress) come from the
//     fake, and opsd reads progress from invocations, not the command.
//   - ListCommands ignores Filters (DocumentName, InvokedAfter) and never
//     pages: opsd checks the document and the comment itself.
//   - Commands carry the real clock's RequestedDateTime while the
//     reconciles run "as if the clock read" fixed dates; opsd decides on
//     comments, never on that time.
//   - EC2 stop and start take effect at once.

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

// wire is the fake behind the proxy: SSM's view of instances, patch
// states, and each invocation's status by look.
type wire struct {
	mu      sync.Mutex
	managed map[string]Managed
	states  map[string]PatchState
	// script is an invocation's status on its nth look (from 0); nil is
	// Success.
	script func(comment, id string, look int) string
	looks  map[string]int
	moto   *ssm.Client
	// patches are each instance's installed patches, as
	// DescribeInstancePatches gives them (moto lacks it).
	patches map[string][]fakePatch
}

// fakePatch is one row of DescribeInstancePatches.
type fakePatch struct {
	KBID, Title, State string
	Installed          time.Time
}

// describeInstancePatches answers an instance's patches, filtered by the
// State filter as SSM does.
func (f *wire) describeInstancePatches(w http.ResponseWriter, r *http.Request) {
	var in struct {
		InstanceId string
		Filters    []struct {
			Key    string
			Values []string
		}
	}
	if !decodeBody(w, r, &in) {
		return
	}
	states := map[string]bool{}
	for _, flt := range in.Filters {
		if flt.Key == "State" {
			for _, v := range flt.Values {
				states[v] = true
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	list := []map[string]any{}
	for _, p := range f.patches[in.InstanceId] {
		if len(states) > 0 && !states[p.State] {
			continue
		}
		list = append(list, map[string]any{
			"KBId": p.KBID, "Title": p.Title, "State": p.State, "Classification": "Security", "Severity": "Important",
			"InstalledTime": mototest.Epoch(p.Installed),
		})
	}
	mototest.WriteJSON(w, r, map[string]any{"Patches": list})
}

func (f *wire) setManaged(m Managed, ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.managed[id] = m
	}
}

func (f *wire) setScript(s func(comment, id string, look int) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = s
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "SerializationException", err.Error())
		return false
	}
	return true
}

// sendCommand passes a SendCommand on to moto with the instance ids as
// an instance-id target (see the moto quirks above) and answers with the
// command as SSM would.
func (f *wire) sendCommand(w http.ResponseWriter, r *http.Request) {
	var in struct {
		DocumentName, Comment, MaxConcurrency, MaxErrors string
		InstanceIds                                      []string
		Parameters                                       map[string][]string
		TimeoutSeconds                                   int32
	}
	if !decodeBody(w, r, &in) {
		return
	}
	out, err := f.moto.SendCommand(r.Context(), &ssm.SendCommandInput{
		DocumentName: aws.String(in.DocumentName), Comment: aws.String(in.Comment), Parameters: in.Parameters,
		MaxConcurrency: aws.String(in.MaxConcurrency), MaxErrors: aws.String(in.MaxErrors), TimeoutSeconds: aws.Int32(in.TimeoutSeconds),
		Targets: []ssmtypes.Target{{Key: aws.String("instance-id"), Values: in.InstanceIds}},
	})
	if err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameters", err.Error())
		return
	}
	mototest.WriteJSON(w, r, map[string]any{"Command": map[string]any{
		"CommandId": aws.ToString(out.Command.CommandId), "Comment": in.Comment, "DocumentName": in.DocumentName,
		"InstanceIds": in.InstanceIds, "Parameters": in.Parameters, "Status": "Pending",
		"MaxConcurrency": in.MaxConcurrency, "MaxErrors": in.MaxErrors, "TimeoutSeconds": in.TimeoutSeconds,
		"RequestedDateTime": mototest.Epoch(aws.ToTime(out.Command.RequestedDateTime)),
	}})
}

func (f *wire) describeInstanceInformation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Filters []struct {
			Key    string
			Values []string
		}
	}
	if !decodeBody(w, r, &in) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var want map[string]bool
	for _, flt := range in.Filters {
		if flt.Key == "InstanceIds" {
			if len(flt.Values) > 100 {
				mototest.WriteError(w, r, http.StatusBadRequest, "ValidationException", "too many values")
				return
			}
			want = map[string]bool{}
			for _, v := range flt.Values {
				want[v] = true
			}
		}
	}
	list := []map[string]any{}
	for _, id := range sortedKeys(f.managed) {
		if want != nil && !want[id] {
			continue
		}
		m := f.managed[id]
		list = append(list, map[string]any{
			"InstanceId": id, "PingStatus": m.PingStatus, "PlatformType": m.PlatformType,
			"PlatformName": m.PlatformName, "PlatformVersion": m.PlatformVersion, "ResourceType": "EC2Instance",
		})
	}
	mototest.WriteJSON(w, r, map[string]any{"InstanceInformationList": list})
}

func (f *wire) listCommandInvocations(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CommandId string
		Details   bool
	}
	if !decodeBody(w, r, &in) {
		return
	}
	out, err := f.moto.ListCommands(r.Context(), &ssm.ListCommandsInput{CommandId: aws.String(in.CommandId)})
	if err != nil || len(out.Commands) != 1 {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidCommandId", "no such command")
		return
	}
	c := out.Commands[0]
	ids := append([]string(nil), c.InstanceIds...)
	sort.Strings(ids)
	f.mu.Lock()
	defer f.mu.Unlock()
	list := []map[string]any{}
	for _, id := range ids {
		status := "Success"
		if f.script != nil {
			status = f.script(aws.ToString(c.Comment), id, f.looks[in.CommandId+id])
		}
		f.looks[in.CommandId+id]++
		output := "Patch operation complete on " + id
		if status == "Failed" {
			output = "Invoke-PatchBaselineOperation : Access Denied\nfailed to install KB5034439 on " + id
		}
		inv := map[string]any{
			"CommandId": in.CommandId, "InstanceId": id, "Status": status, "StatusDetails": status,
			"Comment": aws.ToString(c.Comment), "DocumentName": aws.ToString(c.DocumentName),
		}
		if in.Details {
			inv["CommandPlugins"] = []map[string]any{{"Name": "PatchWindows", "Status": status, "Output": output, "ResponseCode": 0}}
		}
		list = append(list, inv)
	}
	mototest.WriteJSON(w, r, map[string]any{"CommandInvocations": list})
}

func (f *wire) describeInstancePatchStates(w http.ResponseWriter, r *http.Request) {
	var in struct{ InstanceIds []string }
	if !decodeBody(w, r, &in) {
		return
	}
	if len(in.InstanceIds) > 50 {
		mototest.WriteError(w, r, http.StatusBadRequest, "ValidationException", "at most 50 instance ids")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	list := []map[string]any{}
	for _, id := range in.InstanceIds {
		s, ok := f.states[id]
		if !ok {
			continue
		}
		list = append(list, map[string]any{
			"InstanceId": id, "PatchGroup": "", "BaselineId": "arn:aws:ssm:eu-west-2:123456789012:patchbaseline/pb-0123456789abcdef0",
			"Operation": cmpOr(s.Operation, "Scan"), "OperationStartTime": mototest.Epoch(s.OperationEnd.Add(-time.Minute)),
			"OperationEndTime":          mototest.Epoch(s.OperationEnd),
			"CriticalNonCompliantCount": s.CriticalNonCompliant, "SecurityNonCompliantCount": s.SecurityNonCompliant,
			"OtherNonCompliantCount": s.OtherNonCompliant, "MissingCount": s.Missing, "FailedCount": s.Failed,
			"InstalledCount": 12, "NotApplicableCount": 3, "InstalledPendingRebootCount": s.InstalledPendingReboot,
		})
	}
	mototest.WriteJSON(w, r, map[string]any{"InstancePatchStates": list})
}

// motoEnv is moto behind the proxy, with the fake's state.
type motoEnv struct {
	proxy *mototest.Proxy
	cfg   aws.Config // through the proxy
	ec2   *ec2.Client
	ssm   *ssm.Client // moto itself
	fake  *wire
	ami   string
	rec   *notify.Recorder
}

func newMotoEnv(t *testing.T) *motoEnv {
	t.Helper()
	srv := mototest.Shared(t)
	srv.Reset(t)
	p := mototest.NewProxy(t, srv.URL())
	f := &wire{managed: map[string]Managed{}, states: map[string]PatchState{}, looks: map[string]int{}, moto: ssm.NewFromConfig(srv.Config(region)), patches: map[string][]fakePatch{}}
	p.Handle("AmazonSSM.SendCommand", f.sendCommand)
	p.Handle("AmazonSSM.DescribeInstanceInformation", f.describeInstanceInformation)
	p.Handle("AmazonSSM.ListCommandInvocations", f.listCommandInvocations)
	p.Handle("AmazonSSM.DescribeInstancePatchStates", f.describeInstancePatchStates)
	p.Handle("AmazonSSM.DescribeInstancePatches", f.describeInstancePatches)
	e := &motoEnv{proxy: p, cfg: p.Config(region), fake: f, ssm: f.moto, rec: &notify.Recorder{}}
	e.ec2 = ec2.NewFromConfig(e.cfg)
	imgs, err := e.ec2.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil || len(imgs.Images) == 0 {
		t.Fatalf("describe images: %v", err)
	}
	e.ami = aws.ToString(imgs.Images[0].ImageId)
	return e
}

// launch starts an instance with tags "key=value" and returns its id.
func (e *motoEnv) launch(t *testing.T, tags ...string) string {
	t.Helper()
	var ts []ec2types.Tag
	for _, kv := range tags {
		k, v, _ := strings.Cut(kv, "=")
		ts = append(ts, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	out, err := e.ec2.RunInstances(context.Background(), &ec2.RunInstancesInput{
		ImageId: aws.String(e.ami), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: ts}},
	})
	if err != nil {
		t.Fatalf("run instance: %v", err)
	}
	return aws.ToString(out.Instances[0].InstanceId)
}

func (e *motoEnv) stop(t *testing.T, id string) {
	t.Helper()
	if _, err := e.ec2.StopInstances(context.Background(), &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
}

// instance returns the instance's state and tags as moto has them.
func (e *motoEnv) instance(t *testing.T, id string) (string, map[string]string) {
	t.Helper()
	out, err := e.ec2.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil || len(out.Reservations) != 1 {
		t.Fatalf("describe %s: %v", id, err)
	}
	i := out.Reservations[0].Instances[0]
	tags := map[string]string{}
	for _, tg := range i.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return string(i.State.Name), tags
}

// service is a new service (a daemon start) against the proxy. sleep is
// Deps.Sleep; nil sleeps the poll interval.
func (e *motoEnv) service(t *testing.T, cfg aws.Config, mutate func(*Config), sleep func(context.Context, time.Duration) error) *Service {
	t.Helper()
	svc, err := New(testConfig(mutate), Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return []accounts.Target{{Account: mototest.DefaultAccountID, Region: region, Config: cfg}}, nil
		},
		FanOut:   accounts.FanOut{Limit: 2},
		Notifier: e.rec,
		Location: london(t),
		Sleep:    sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// commands returns moto's commands by comment.
func (e *motoEnv) commands(t *testing.T) map[string][]string {
	t.Helper()
	out, err := e.ssm.ListCommands(context.Background(), &ssm.ListCommandsInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]string{}
	for _, c := range out.Commands {
		ids := append([]string(nil), c.InstanceIds...)
		sort.Strings(ids)
		m[aws.ToString(c.Comment)] = append(m[aws.ToString(c.Comment)], strings.Join(ids, ","))
	}
	return m
}

func TestMotoScanAlertAndUnmanagedReported(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	topic, err := sns.NewFromConfig(e.cfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("patching")})
	if err != nil {
		t.Fatal(err)
	}
	win := e.launch(t, "Name=win-app", "TOSCAN=true")
	ubu := e.launch(t, "Name=ubuntu-ok", "TOSCAN")
	ghost := e.launch(t, "Name=no-agent", "TOSCAN")
	amzn := e.launch(t, "Name=amazon", "TOSCAN")
	optout := e.launch(t, "Name=opted-out", "TOSCAN=false")
	e.fake.setManaged(online("Windows"), win)
	e.fake.setManaged(online("Ubuntu"), ubu, optout)
	e.fake.setManaged(online("Amazon Linux"), amzn)
	e.fake.states[win] = PatchState{Operation: "Scan", OperationEnd: tuesdayScan.Add(4 * time.Minute), CriticalNonCompliant: 2, SecurityNonCompliant: 3}
	e.fake.states[ubu] = PatchState{Operation: "Scan", OperationEnd: tuesdayScan.Add(4 * time.Minute)}
	e.fake.setScript(func(_, _ string, look int) string {
		if look == 0 {
			return "InProgress"
		}
		return "Success"
	})
	mutate := func(c *Config) { c.SNSTopicARN = aws.ToString(topic.TopicArn) }

	// Plan mode through the daemon's read-only guard.
	planCfg := e.cfg.Copy()
	var mu sync.Mutex
	var ops []string
	awsenv.Instrument(&planCfg, true, 30*time.Second, nil, func(_, op string) {
		mu.Lock()
		ops = append(ops, op)
		mu.Unlock()
	})
	plan := run(t, e.service(t, planCfg, mutate, nil), tuesdayScan.Add(5*time.Minute), reconcile.Plan)
	if len(plan.Errors) != 0 {
		t.Fatal(plan.Errors)
	}
	for _, op := range ops {
		if !awsenv.IsReadOnly(op) {
			t.Errorf("plan mode called %s", op)
		}
	}
	if !hasAction(plan, win, "scan", reconcile.Planned) || !hasAction(plan, ghost, "report", reconcile.Reported) || len(actionsOf(plan, optout)) != 0 {
		t.Errorf("plan %+v", plan.Actions)
	}
	if len(e.commands(t)) != 0 || len(e.rec.Messages()) != 0 {
		t.Fatal("plan mode sent a command or a message")
	}

	svc := e.service(t, e.cfg, mutate, nil)
	res := run(t, svc, tuesdayScan.Add(5*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	cmds := e.commands(t)
	want := []string{win, ubu}
	sort.Strings(want)
	if got := cmds["opsd scan 2026-11-24T02:00Z"]; len(cmds) != 1 || len(got) != 1 || got[0] != strings.Join(want, ",") {
		t.Fatalf("commands in moto %v", cmds)
	}
	out, _ := e.ssm.ListCommands(ctx, &ssm.ListCommandsInput{})
	if c := out.Commands[0]; aws.ToString(c.DocumentName) != Document || c.Parameters["Operation"][0] != "Scan" || aws.ToString(c.MaxConcurrency) != "50%" {
		t.Errorf("command %s %v %s", aws.ToString(c.DocumentName), c.Parameters, aws.ToString(c.MaxConcurrency))
	}
	msgs := e.rec.Messages()
	if len(msgs) != 1 {
		t.Fatalf("messages %+v", msgs)
	}
	m := msgs[0]
	if !strings.HasPrefix(m.Title, "Patch scan Tue 24 Nov 02:00 GMT: 1 instance missing critical or important patches, 2 not scanned") {
		t.Errorf("title %q", m.Title)
	}
	if m.Table == nil || len(m.Table.Rows) != 1 || m.Table.Rows[0][0] != win || m.Table.Rows[0][1] != "win-app" || m.Table.Rows[0][5] != "2" || m.Table.Rows[0][6] != "3" {
		t.Errorf("table %+v", m.Table)
	}
	for _, want := range []string{ghost, "no-agent", "not managed by SSM", amzn, "unsupported platform Amazon Linux"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if _, tags := e.instance(t, win); tags["opsd:patching:scan-reported"] != "2026-11-24T02:00Z" {
		t.Errorf("win tags %v", tags)
	}
	if _, tags := e.instance(t, ghost); tags["opsd:patching:scan-reported"] != "2026-11-24T02:00Z not-scanned" {
		t.Errorf("ghost tags %v", tags)
	}

	// Ten minutes later, and after a restart: nothing sent or told again.
	sends := e.proxy.Count("AmazonSSM.SendCommand")
	run(t, svc, tuesdayScan.Add(15*time.Minute), reconcile.Apply)
	run(t, e.service(t, e.cfg, mutate, nil), tuesdayScan.Add(25*time.Minute), reconcile.Apply)
	if e.proxy.Count("AmazonSSM.SendCommand") != sends || len(e.rec.Messages()) != 1 {
		t.Errorf("again: %d sends, %d messages", e.proxy.Count("AmazonSSM.SendCommand"), len(e.rec.Messages()))
	}
}

func TestMotoInstallRunReport(t *testing.T) {
	e := newMotoEnv(t)
	ok := e.launch(t, "Name=app-1", "TOPATCH")
	bad := e.launch(t, "Name=app-2", "TOPATCH=default")
	lost := e.launch(t, "Name=app-3", "TOPATCH")
	e.fake.setManaged(online("Windows"), ok, bad)
	e.fake.setManaged(Managed{PingStatus: "ConnectionLost", PlatformType: "Windows", PlatformName: "Windows"}, lost)
	e.fake.setScript(func(_, id string, look int) string {
		switch {
		case look == 0:
			return "InProgress"
		case id == bad:
			return "Failed"
		}
		return "Success"
	})
	res := run(t, e.service(t, e.cfg, nil, nil), sundayWindow.Add(10*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	out, err := e.ssm.ListCommands(context.Background(), &ssm.ListCommandsInput{})
	if err != nil || len(out.Commands) != 1 {
		t.Fatalf("commands %v %v", out, err)
	}
	c := out.Commands[0]
	if aws.ToString(c.Comment) != "opsd install default 2026-11-29T01:00Z" || c.Parameters["Operation"][0] != "Install" ||
		c.Parameters["RebootOption"][0] != RebootIfNeeded || aws.ToString(c.MaxConcurrency) != "10%" || aws.ToString(c.MaxErrors) != "10%" || len(c.InstanceIds) != 2 {
		t.Errorf("command %q %v %s %s %v", aws.ToString(c.Comment), c.Parameters, aws.ToString(c.MaxConcurrency), aws.ToString(c.MaxErrors), c.InstanceIds)
	}
	msgs := e.rec.Messages()
	if len(msgs) != 1 || msgs[0].Title != "Patch run default (Sun 29 Nov 01:00 GMT): 1 installed, 1 failed, 0 pending reboot, 1 not patched" {
		t.Fatalf("messages %+v", msgs)
	}
	for _, want := range []string{"failed to install KB5034439 on " + bad, "step PatchWindows", lost, "SSM Agent is ConnectionLost"} {
		if !strings.Contains(msgs[0].Text, want) {
			t.Errorf("text lacks %q:\n%s", want, msgs[0].Text)
		}
	}
	if !hasAction(res, bad, "install-result", reconcile.Failed) || !hasAction(res, ok, "install-result", reconcile.Done) {
		t.Errorf("actions %+v", res.Actions)
	}
}

func TestMotoWakeForPatching(t *testing.T) {
	e := newMotoEnv(t)
	id := e.launch(t, "Name=dev-api", "TOPATCH", "Environment=development", "OOOShutdown=true")
	e.stop(t, id)
	e.fake.setManaged(Managed{PingStatus: "ConnectionLost", PlatformType: "Linux", PlatformName: "Ubuntu", PlatformVersion: "22.04"}, id)
	mutate := func(c *Config) {
		w := c.Windows["default"]
		w.WakeStopped = true
		c.Windows["default"] = w
	}
	svc := e.service(t, e.cfg, mutate, nil)

	res := run(t, svc, sundayWindow.Add(-10*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 || !hasAction(res, id, "start-for-patching", reconcile.Done) {
		t.Fatalf("errors %v actions %+v", res.Errors, res.Actions)
	}
	state, tags := e.instance(t, id)
	if state != "running" || tags[DefaultHoldUntilTag] != "2026-11-29T04:00:00Z" || !strings.HasPrefix(tags["opsd:patching:woken"], "default 2026-11-29T01:00Z started ") {
		t.Fatalf("after wake: %s %v", state, tags)
	}

	// Not Online yet when the window opens: waits, sends nothing.
	res = run(t, svc, sundayWindow, reconcile.Apply)
	if e.proxy.Count("AmazonSSM.SendCommand") != 0 || !hasAction(res, id, "wait", reconcile.Planned) {
		t.Fatalf("before Online: %d sends, actions %+v", e.proxy.Count("AmazonSSM.SendCommand"), res.Actions)
	}

	e.fake.setManaged(online("Ubuntu"), id)
	res = run(t, svc, sundayWindow.Add(5*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 || e.proxy.Count("AmazonSSM.SendCommand") != 1 {
		t.Fatalf("errors %v, %d sends", res.Errors, e.proxy.Count("AmazonSSM.SendCommand"))
	}
	state, tags = e.instance(t, id)
	if state != "stopped" {
		t.Errorf("after patching the instance is %s, want stopped again", state)
	}
	if _, held := tags[DefaultHoldUntilTag]; held || tags["opsd:patching:woken"] != "" || tags["opsd:patching:install-reported"] != "default 2026-11-29T01:00Z" {
		t.Errorf("tags after patching %v", tags)
	}
	if tags[DefaultStoppedAtTag] != sundayWindow.Add(5*time.Minute).UTC().Format(time.RFC3339) {
		t.Errorf("after patching %s = %q, want the time of opsd's stop (the shutdown service reads it)", DefaultStoppedAtTag, tags[DefaultStoppedAtTag])
	}
	if !hasAction(res, id, "stop-after-patching", reconcile.Done) {
		t.Errorf("actions %+v", res.Actions)
	}
	if msgs := e.rec.Messages(); len(msgs) != 1 || !strings.Contains(msgs[0].Title, "1 installed") {
		t.Errorf("messages %+v", msgs)
	}

	// Later in the window it is not started again.
	run(t, svc, sundayWindow.Add(time.Hour), reconcile.Apply)
	if state, _ := e.instance(t, id); state != "stopped" {
		t.Errorf("started again in the same window: %s", state)
	}
}

func TestMotoRestartInTheMiddleOfAnInstall(t *testing.T) {
	e := newMotoEnv(t)
	a := e.launch(t, "Name=app-1", "TOPATCH")
	b := e.launch(t, "Name=app-2", "TOPATCH")
	e.fake.setManaged(online("Ubuntu"), a, b)
	var mu sync.Mutex
	done := false
	e.fake.setScript(func(string, string, int) string {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return "Success"
		}
		return "InProgress"
	})
	// The reconcile's time runs out while the command is under way.
	outOfTime := func(context.Context, time.Duration) error { return context.DeadlineExceeded }

	res := run(t, e.service(t, e.cfg, nil, outOfTime), sundayWindow.Add(time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 || e.proxy.Count("AmazonSSM.SendCommand") != 1 {
		t.Fatalf("errors %v, %d sends", res.Errors, e.proxy.Count("AmazonSSM.SendCommand"))
	}

	// The daemon restarts twice mid-run: no second Install.
	for _, at := range []time.Duration{11 * time.Minute, 21 * time.Minute} {
		res = run(t, e.service(t, e.cfg, nil, outOfTime), sundayWindow.Add(at), reconcile.Apply)
		if len(res.Errors) != 0 || e.proxy.Count("AmazonSSM.SendCommand") != 1 || len(e.rec.Messages()) != 0 {
			t.Fatalf("after restart: errors %v, %d sends, %d messages", res.Errors, e.proxy.Count("AmazonSSM.SendCommand"), len(e.rec.Messages()))
		}
		if !hasAction(res, a, "wait", reconcile.Planned) {
			t.Errorf("restarted daemon does not follow the command: %+v", res.Actions)
		}
	}

	mu.Lock()
	done = true
	mu.Unlock()
	res = run(t, e.service(t, e.cfg, nil, nil), sundayWindow.Add(31*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 || e.proxy.Count("AmazonSSM.SendCommand") != 1 {
		t.Fatalf("errors %v, %d sends", res.Errors, e.proxy.Count("AmazonSSM.SendCommand"))
	}
	if msgs := e.rec.Messages(); len(msgs) != 1 || !strings.Contains(msgs[0].Title, "2 installed, 0 failed") {
		t.Fatalf("messages %+v", msgs)
	}
	if cmds := e.commands(t); len(cmds) != 1 || len(cmds["opsd install default 2026-11-29T01:00Z"]) != 1 {
		t.Errorf("commands in moto %v", cmds)
	}
}

// A skip-until tag against moto: no start for patching and no install
// while it holds; once passed, opsd removes the tag through the real EC2
// client and patches the instance from the next reconcile.
func TestMotoSkipUntilExpires(t *testing.T) {
	e := newMotoEnv(t)
	id := e.launch(t, "Name=dev-api", "TOPATCH", "Environment=development", "opsd:patching:skip-until=2026-11-29T01:30:00Z")
	e.fake.setManaged(online("Ubuntu"), id)
	svc := e.service(t, e.cfg, nil, nil)

	res := run(t, svc, sundayWindow.Add(5*time.Minute), reconcile.Apply)
	if e.proxy.Count("AmazonSSM.SendCommand") != 0 || !hasAction(res, id, "none", reconcile.Planned) {
		t.Fatalf("while skipped: %d sends, actions %+v", e.proxy.Count("AmazonSSM.SendCommand"), res.Actions)
	}
	res = run(t, svc, sundayWindow.Add(35*time.Minute), reconcile.Apply)
	if !hasAction(res, id, "clear-skip", reconcile.Done) {
		t.Fatalf("after the skip: actions %+v", res.Actions)
	}
	if _, tags := e.instance(t, id); tags["opsd:patching:skip-until"] != "" {
		t.Fatalf("skip-until still tagged: %v", tags)
	}
	run(t, svc, sundayWindow.Add(40*time.Minute), reconcile.Apply)
	if n := e.proxy.Count("AmazonSSM.SendCommand"); n != 1 {
		t.Errorf("after the tag was removed: %d install commands, want 1", n)
	}
}
