package audit

import (
	"testing"
	"time"
)

func TestAPICanary(t *testing.T) {
	pay := prodTags("pay")
	api := func(id, name string, t map[string]string, stages ...string) RestAPI {
		a := RestAPI{Resource: Resource{Kind: KindRestAPI, ID: id, Name: name, Tags: t}}
		for _, s := range stages {
			a.Stages = append(a.Stages, APIStage{Name: s})
		}
		return a
	}
	canaryAlarm := func(name, canary string) Alarm {
		return Alarm{Name: name, Metrics: []MetricRef{{Namespace: "CloudWatchSynthetics", Name: "SuccessPercent", Dimensions: map[string]string{"CanaryName": canary}}}}
	}
	runCheck(t, checkAPICanary(), []checkCase{
		{name: "canaries", inv: Inventory{
			APIs: []RestAPI{
				api("a1", "payments-api", pay, "prod"),
				api("a2", "orders-api", prodTags("orders"), "prod"),
				api("a3", "search-api", prodTags("search"), "prod"),
				api("a4", "billing-api", prodTags("billing"), "prod"),
				api("a5", "stopped-api", prodTags("stopped"), "prod"),
				api("a6", "hourly-api", prodTags("hourly"), "prod"),
				api("a7", "draft-api", pay),
				api("a8", "tagged-api", prodTags("misc"), "prod"),
			},
			Canaries: []Canary{
				{Name: "payments-api-health", State: "RUNNING", Schedule: "rate(5 minutes)"},
				{Name: "orders-canary", State: "RUNNING", Schedule: "rate(1 minute)", Tags: tags("Application", "orders")},
				{Name: "billing-health", State: "RUNNING", Schedule: "rate(5 minutes)", Tags: tags("Application", "billing")},
				{Name: "stopped-api-check", State: "STOPPED", Schedule: "rate(5 minutes)"},
				{Name: "hourly-api-check", State: "RUNNING", Schedule: "rate(1 hour)"},
				{Name: "health", State: "RUNNING", Schedule: "cron(0/5 * * * ? *)", Tags: tags("api", "a8")},
			},
			Alarms: []Alarm{
				canaryAlarm("payments-canary-failed", "payments-api-health"),
				canaryAlarm("orders-canary-failed", "orders-canary"),
				canaryAlarm("stopped-canary-failed", "stopped-api-check"),
				canaryAlarm("hourly-canary-failed", "hourly-api-check"),
				canaryAlarm("health-failed", "health"),
				{Name: "other-namespace", Metrics: []MetricRef{{Namespace: "AWS/Lambda", Name: "Errors", Dimensions: map[string]string{"CanaryName": "billing-health"}}}},
			},
		}, want: map[string]want{
			"a1": {Pass, "canary payments-api-health (rate(5 minutes)), alarm payments-canary-failed"},
			"a2": {Pass, "canary orders-canary"},
			"a3": {Fail, "no Synthetics canary checks it"},
			"a4": {Fail, "no alarm on canary billing-health's outcome"},
			"a5": {Fail, "canary stopped-api-check is STOPPED, not running"},
			"a6": {Fail, "runs rate(1 hour), less often than every 5m0s"},
			"a7": {NotApplicable, "not deployed"},
			"a8": {Pass, "canary health"},
		}},
		{name: "longer interval allowed", rules: func(r *Rules) { r.CanaryInterval = 2 * time.Hour }, inv: Inventory{
			APIs:     []RestAPI{api("a6", "hourly-api", pay, "prod")},
			Canaries: []Canary{{Name: "hourly-api-check", State: "RUNNING", Schedule: "rate(1 hour)"}},
			Alarms:   []Alarm{canaryAlarm("hourly", "hourly-api-check")},
		}, want: map[string]want{"a6": {Pass, "hourly-api-check"}}},
		{name: "alarms unreadable", inv: Inventory{
			Failed:   map[Source]error{SourceCloudWatch: errText("AccessDenied")},
			APIs:     []RestAPI{api("a1", "payments-api", pay, "prod")},
			Canaries: []Canary{{Name: "payments-api-health", State: "RUNNING", Schedule: "rate(5 minutes)"}},
		}, want: map[string]want{"a1": {Unknown, "cloudwatch could not be read"}}},
	})
}

func TestScheduleInterval(t *testing.T) {
	for expr, want := range map[string]time.Duration{
		"rate(5 minutes)": 5 * time.Minute, "rate(1 minute)": time.Minute, "rate(2 hours)": 2 * time.Hour, "rate(1 hour)": time.Hour,
		"rate(0 minute)": 0, "cron(0/5 * * * ? *)": 0, "rate(five minutes)": 0, "": 0, "rate(5 days)": 0,
	} {
		got, ok := scheduleInterval(expr)
		if got != want || ok != (want > 0) {
			t.Errorf("scheduleInterval(%q) = %s, %v; want %s", expr, got, ok, want)
		}
	}
}
