package monitor

import (
	"fmt"
	"testing"
)

// benchEstate is one large account and region: 400 Linux and 100 Windows
// instances with the CloudWatch agent, 50 PostgreSQL databases with
// exported logs, 20 load balancers, 10 REST APIs, 20 SNS topics and 50
// dead-letter queues, all in production.
func benchEstate() *Observation {
	prod := func(app string) map[string]string {
		return map[string]string{"Environment": "production", "Application": app}
	}
	var rs []*Resource
	var metrics []Metric
	var groups []LogGroup
	for i := range 500 {
		id := fmt.Sprintf("i-%017x", i)
		windows := i%5 == 0
		rs = append(rs, ec2Resource(id, windows, prod(fmt.Sprintf("app%d", i%25))))
		if windows {
			metrics = append(metrics,
				metric("CWAgent", "Memory % Committed Bytes In Use", "InstanceId", id, "objectname", "Memory"),
				metric("CWAgent", "LogicalDisk % Free Space", "InstanceId", id, "objectname", "LogicalDisk", "instance", "C:"))
			continue
		}
		metrics = append(metrics,
			metric("CWAgent", "mem_used_percent", "InstanceId", id),
			metric("CWAgent", "disk_used_percent", "InstanceId", id, "path", "/", "device", "nvme0n1p1", "fstype", "xfs"),
			metric("AWS/EC2", "EBSIOBalance%", "InstanceId", id))
	}
	for i := range 50 {
		id := fmt.Sprintf("db%d", i)
		rs = append(rs, &Resource{Kind: KindRDS, ID: id, Ref: "arn:aws:rds:eu-west-2:111111111111:db:" + id, Engine: "postgres", AllocatedGiB: 100, Tags: prod("data")})
		groups = append(groups, LogGroup{Name: postgresLogGroup(id), RetentionDays: 180})
	}
	for i := range 20 {
		id := fmt.Sprintf("web%d", i)
		rs = append(rs, &Resource{Kind: KindALB, ID: id, Ref: "arn:alb:" + id, Dimension: "app/" + id + "/50dc6c495c0c9188", Tags: prod("web")})
	}
	for i := range 10 {
		id := fmt.Sprintf("api%07d", i)
		rs = append(rs, &Resource{Kind: KindAPI, ID: id, Ref: "arn:api:" + id, Name: "api-" + id, Tags: prod("api")})
	}
	for i := range 20 {
		id := fmt.Sprintf("topic%d", i)
		rs = append(rs, &Resource{Kind: KindSNS, ID: id, Ref: "arn:aws:sns:eu-west-2:111111111111:" + id, SQSSubscriptions: 1, Tags: prod("events")})
	}
	for i := range 50 {
		id := fmt.Sprintf("orders-%d-dlq", i)
		rs = append(rs, &Resource{Kind: KindDLQ, ID: id, Ref: "arn:aws:sqs:eu-west-2:111111111111:" + id, Tags: prod("events")})
	}
	obs := observation(rs...)
	obs.Metrics, obs.LogGroups = metrics, groups
	return obs
}

// benchPlan measures one Plan over obs and reports resources planned per
// second and the changes in one plan.
func benchPlan(b *testing.B, obs *Observation) {
	p := NewPlanner(testConfig())
	changes := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		changes = len(p.Plan(obs))
	}
	b.ReportMetric(float64(len(obs.Resources))*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
	b.ReportMetric(float64(changes), "changes/op")
}

// BenchmarkPlanFirstRun builds the alarm set, dashboards, filters and
// retention changes of a large account that has none of opsd's alarms yet.
func BenchmarkPlanFirstRun(b *testing.B) {
	benchPlan(b, benchEstate())
}

// BenchmarkPlanSteadyState plans the same account once every alarm opsd
// wants exists as wanted: each alarm is compared, none created (the
// changes left are dashboards, filters and the like).
func BenchmarkPlanSteadyState(b *testing.B) {
	obs := benchEstate()
	for _, c := range NewPlanner(testConfig()).Plan(obs) {
		if c.Object == ObjectAlarm && c.Op == OpCreate {
			obs.Alarms = append(obs.Alarms, *c.alarm)
		}
	}
	if len(obs.Alarms) == 0 {
		b.Fatal("the estate wants no alarms")
	}
	benchPlan(b, obs)
}
