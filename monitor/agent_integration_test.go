package monitor

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/reconcile"
)

// agentWorld is the integration estate with monitor.agent.install on: the
// instance nightly (Linux, opted in, SSM-managed and Online) publishes no
// agent metrics.
func agentWorld(t *testing.T) (*world, *Service) {
	t.Helper()
	w := newWorld(t)
	c := integrationConfig()
	c.Agent.Install.Enabled = true
	w.wire.ssm.setManaged("Online", w.e.nightly, w.e.web)
	return w, w.service(t, c, w.cfg, w.rec)
}

func applyAt(t *testing.T, svc *Service, now time.Time) reconcile.Result {
	t.Helper()
	res := svc.Reconcile(context.Background(), reconcile.Request{Now: now, Mode: reconcile.Apply})
	if len(res.Errors) > 0 {
		t.Fatalf("apply errors: %v", res.Errors)
	}
	for _, a := range res.Actions {
		if a.Status == reconcile.Failed {
			t.Errorf("failed: %s %s: %s", a.Action, a.Resource, a.Error)
		}
	}
	return res
}

func TestIntegrationAgentInstalledOnceThenAlarmed(t *testing.T) {
	w, svc := agentWorld(t)
	ctx := context.Background()
	sm := ssm.NewFromConfig(w.srv.Config(testRegion))
	now := time.Now()

	first := applyAt(t, svc, now)
	if n := count(first, "create-agent-parameter", reconcile.Done); n != 2 {
		t.Errorf("%d parameters created, want windows and linux", n)
	}
	for _, platform := range []string{PlatformLinux, PlatformWindows} {
		p, err := sm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(AgentParameterName(platform))})
		if err != nil {
			t.Fatalf("parameter of %s: %v", platform, err)
		}
		want, _ := AgentConfig(svc.cfg.Agent, platform)
		if aws.ToString(p.Parameter.Value) != want {
			t.Errorf("%s parameter = %s, want %s", platform, aws.ToString(p.Parameter.Value), want)
		}
		tags, err := sm.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: p.Parameter.Name})
		if err != nil || len(tags.TagList) != 1 || aws.ToString(tags.TagList[0].Key) != "opsd:managed" {
			t.Errorf("%s parameter tags = %+v, %v", platform, tags, err)
		}
	}
	// Install, then (followed in the same run) configure: to nightly only,
	// web publishing its agent's metrics already.
	cmds, err := sm.ListCommands(ctx, &ssm.ListCommandsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, c := range cmds.Commands {
		docs = append(docs, aws.ToString(c.DocumentName))
		if !slices.Equal(c.InstanceIds, []string{w.e.nightly}) {
			t.Errorf("%s sent to %v, want nightly only", aws.ToString(c.DocumentName), c.InstanceIds)
		}
	}
	if !slices.Equal(docs, []string{InstallDocument, ConfigureDocument}) {
		t.Fatalf("commands sent: %v, want install then configure", docs)
	}
	var conf struct {
		Parameters     map[string][]string
		MaxConcurrency string
		MaxErrors      string
		Comment        string
	}
	w.wire.ssm.mu.Lock()
	b, _ := json.Marshal(w.wire.ssm.sent[1])
	w.wire.ssm.mu.Unlock()
	_ = json.Unmarshal(b, &conf)
	if conf.Parameters["optionalConfigurationLocation"][0] != "AmazonCloudWatch-opsd-linux" || conf.Parameters["optionalConfigurationSource"][0] != "ssm" ||
		conf.Parameters["mode"][0] != "ec2" || conf.Parameters["optionalRestart"][0] != "yes" || conf.MaxConcurrency != "10%" || conf.MaxErrors != "10%" {
		t.Errorf("configure command = %+v", conf)
	}
	if n := count(first, "send-agent-command", reconcile.Done); n != 2 {
		t.Errorf("send-agent-command done %d times, want 2", n)
	}
	if _, ok := w.alarms(t)[alarmName(KindEC2, w.e.nightly, MetricMemory)]; ok {
		t.Error("memory alarm before the agent's metrics")
	}

	// A second run sends nothing.
	sends := w.wire.ssm.sends()
	second := applyAt(t, svc, now.Add(15*time.Minute))
	if w.wire.ssm.sends() != sends || len(changing(second)) != 0 {
		t.Errorf("second run: %d sends (had %d), changes %+v", w.wire.ssm.sends(), sends, changing(second))
	}

	// The agent's metrics arrive with the dimensions of the configuration:
	// the memory and disk alarms follow.
	cw := cloudwatch.NewFromConfig(w.cfg, mototest.CloudWatchJSON, func(o *cloudwatch.Options) { o.DisableRequestCompression = true })
	for name, dims := range map[string]map[string]string{
		linuxMemory: {"InstanceId": w.e.nightly},
		linuxDisk:   {"InstanceId": w.e.nightly, "path": "/", "fstype": "xfs"},
	} {
		var ds []cwtypes.Dimension
		for _, k := range sortedKeys(dims) {
			ds = append(ds, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(dims[k])})
		}
		if _, err := cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("CWAgent"), MetricData: []cwtypes.MetricDatum{{
			MetricName: aws.String(name), Dimensions: ds, Value: aws.Float64(12), Timestamp: aws.Time(time.Now()),
		}}}); err != nil {
			t.Fatal(err)
		}
	}
	applyAt(t, svc, now.Add(30*time.Minute))
	got := w.alarms(t)
	mem, disk := got[alarmName(KindEC2, w.e.nightly, MetricMemory)], got[alarmName(KindEC2, w.e.nightly, MetricDisk)]
	if aws.ToString(mem.MetricName) != linuxMemory || formatDimensions(dimensionsOf(mem.Dimensions)) != "InstanceId="+w.e.nightly {
		t.Errorf("memory alarm = %s %v", aws.ToString(mem.MetricName), dimensionsOf(mem.Dimensions))
	}
	if aws.ToString(disk.MetricName) != linuxDisk || formatDimensions(dimensionsOf(disk.Dimensions)) != "InstanceId="+w.e.nightly+",fstype=xfs,path=/" {
		t.Errorf("disk alarm = %s %v", aws.ToString(disk.MetricName), dimensionsOf(disk.Dimensions))
	}
	if w.wire.ssm.sends() != sends {
		t.Errorf("%d sends after the metrics came, want %d", w.wire.ssm.sends(), sends)
	}
}

func TestIntegrationAgentFailureAndSilenceAreReportedWithOutput(t *testing.T) {
	w, svc := agentWorld(t)
	w.wire.ssm.status = func(doc, id string) string {
		if doc == ConfigureDocument {
			return "Success"
		}
		return "Failed"
	}
	now := time.Now()
	res := applyAt(t, svc, now)
	a, ok := find(res, "report", w.e.nightly)
	if !ok || a.Details["status"] != "Failed" || a.Details["output"] == "" {
		t.Fatalf("failed install report = %+v (found %v)", a, ok)
	}
	if n := count(res, "send-agent-command", reconcile.Done); n != 1 {
		t.Errorf("%d commands sent, want the install only", n)
	}

	// A parameter of opsd's name that someone else wrote is left alone.
	sm := ssm.NewFromConfig(w.srv.Config(testRegion))
	if _, err := sm.DeleteParameter(context.Background(), &ssm.DeleteParameterInput{Name: aws.String(AgentParameterName(PlatformWindows))}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.PutParameter(context.Background(), &ssm.PutParameterInput{Name: aws.String(AgentParameterName(PlatformWindows)), Value: aws.String("{}"), Type: ssmtypes.ParameterTypeString}); err != nil {
		t.Fatal(err)
	}
	res = applyAt(t, svc, now.Add(time.Minute))
	if _, ok := find(res, "report", AgentParameterName(PlatformWindows)); !ok {
		t.Errorf("someone else's parameter not reported: %+v", res.Actions)
	}
	p, _ := sm.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String(AgentParameterName(PlatformWindows))})
	if aws.ToString(p.Parameter.Value) != "{}" {
		t.Error("someone else's parameter overwritten")
	}
}
