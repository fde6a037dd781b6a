package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// alarmActions answers CloudWatch's Enable/DisableAlarmActions, which moto
// lacks, and remembers each call's alarm names in order.
type alarmActions struct {
	mu    sync.Mutex
	calls []string // "disable NAME" / "enable NAME"
}

const (
	disableOp = "GraniteServiceVersion20100801.DisableAlarmActions"
	enableOp  = "GraniteServiceVersion20100801.EnableAlarmActions"
)

func (a *alarmActions) install(p *mototest.Proxy) {
	for op, verb := range map[string]string{disableOp: "disable", enableOp: "enable"} {
		p.Handle(op, func(w http.ResponseWriter, r *http.Request) {
			var in struct{ AlarmNames []string }
			body, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(body, &in)
			a.mu.Lock()
			for _, n := range in.AlarmNames {
				a.calls = append(a.calls, verb+" "+n)
			}
			a.mu.Unlock()
			mototest.WriteJSON(w, r, struct{}{})
		})
	}
}

func (a *alarmActions) seen() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.calls)
}

// putAlarm makes an alarm on an instance's CPU in moto.
func putAlarm(t *testing.T, cfg aws.Config, name, instance string) {
	t.Helper()
	_, err := cloudwatch.NewFromConfig(cfg, mototest.CloudWatchJSON).PutMetricAlarm(context.Background(), &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name), Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("InstanceId"), Value: aws.String(instance)}},
		Statistic:  cwtypes.StatisticAverage, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(90),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, ActionsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// With shutdown and monitor both on, the real binary turns off the
// actions of the alarms on what it stops before the stop, and turns them
// back on once the instance runs again and passes its status checks; when
// it is killed between turning them off and the stop, the next run still
// turns exactly those back on in the morning (the record is in the state
// file).
func TestAlarmsQuietOvernightAcrossShutdownAndMonitor(t *testing.T) {
	srv := mototest.Shared(t)
	mototest.SetCredentialsEnv(t)
	bin := opsdbin.Build(t)
	for _, kill := range []bool{false, true} {
		t.Run(fmt.Sprintf("killed between the two: %v", kill), func(t *testing.T) {
			srv.Reset(t)
			moto := srv.Config("eu-west-2")
			id := launchTagged(t, moto, []string{"dev-api"}, "Environment=development", "OOOShutdown=true")["dev-api"]
			putAlarm(t, moto, "team-cpu-"+id, id)
			proxy := mototest.NewProxy(t, srv.URL())
			var acts alarmActions
			acts.install(proxy)
			path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nshutdown: {enabled: true}\nmonitor: {enabled: true}\n", proxy.URL()))

			if kill {
				ks := armKill(t, proxy, disableOp, 1, nil)
				runKilled(t, bin, ks, onceArgs(path, tuesdayEvening, "shutdown")...)
				if got := states(t, ec2Client(moto))[id]; got != "running" {
					t.Fatalf("killed before the stop, dev-api is %s", got)
				}
				acts.install(proxy)
				mustRunOnce(t, bin, path, tuesdayLater, "shutdown")
			} else {
				mustRunOnce(t, bin, path, tuesdayEvening, "shutdown")
				calls := proxy.Calls()
				if d, s := slices.Index(calls, disableOp), slices.Index(calls, "StopInstances"); d < 0 || s < 0 || d > s {
					t.Errorf("DisableAlarmActions at %d, StopInstances at %d in %v: want the alarms quiet before the stop", d, s, calls)
				}
			}
			if got := states(t, ec2Client(moto))[id]; got != "stopped" {
				t.Fatalf("dev-api is %s after the evening", got)
			}
			if got := acts.seen(); !slices.Contains(got, "disable team-cpu-"+id) || slices.Contains(got, "enable team-cpu-"+id) {
				t.Fatalf("evening alarm calls %v", got)
			}

			mustRunOnce(t, bin, path, wednesdayMorning, "shutdown")
			if slices.Contains(acts.seen(), "enable team-cpu-"+id) {
				t.Error("alarm actions back on at the start, before the instance ran")
			}
			mustRunOnce(t, bin, path, wednesdayLater, "shutdown")
			if got := acts.seen(); !slices.Contains(got, "enable team-cpu-"+id) {
				t.Errorf("alarm actions not back on once running and healthy: %v", got)
			}
		})
	}
}

func ec2Client(cfg aws.Config) *ec2.Client { return ec2.NewFromConfig(cfg) }
