package monitor

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// observation is a complete observation of rs in the test account and
// region.
func observation(rs ...*Resource) *Observation {
	obs := &Observation{
		Account: testAccount, Region: testRegion, Resources: rs, Listed: map[Kind]bool{},
		MetricsListed: true, AlarmsListed: true, DashboardsListed: true, LogGroupsListed: true, FiltersListed: true, SubscriptionListed: true,
	}
	for _, k := range allKinds {
		obs.Listed[k] = true
	}
	return obs
}

func testConfig() Config {
	c := DefaultConfig()
	c.Enabled = true
	c.AlarmTopics = []string{"arn:aws:sns:{region}:{account}:ops-alerts"}
	return c
}

// created returns the alarms a plan creates, as lines.
func created(changes []*Change) []string {
	var out []string
	for _, c := range changes {
		if c.Object == ObjectAlarm && c.Op == OpCreate {
			out = append(out, alarmLine(*c.alarm))
		}
	}
	return out
}

// alarmLine writes what an alarm watches and when it fires:
// "name ns metric{dims} stat cmp threshold evals×period missing".
func alarmLine(a Alarm) string {
	watch := fmt.Sprintf("%s %s{%s} %s", a.Namespace, a.MetricName, formatDimensions(a.Dimensions), a.Statistic)
	if len(a.Queries) > 0 {
		watch = "math[" + formatQueries(a.Queries) + "]"
	}
	return fmt.Sprintf("%s %s %s %s %d×%d %s", a.Name, watch, a.Comparison, formatNumber(a.Threshold), a.EvaluationPeriods, a.Period, a.TreatMissingData)
}

func reports(changes []*Change) []string {
	var out []string
	for _, c := range changes {
		if c.Op == OpReport {
			out = append(out, c.Name+": "+c.Reason)
		}
	}
	return out
}

func metric(ns, name string, dims ...string) Metric {
	m := Metric{Namespace: ns, Name: name}
	for i := 0; i+1 < len(dims); i += 2 {
		m.Dimensions = append(m.Dimensions, Dimension{dims[i], dims[i+1]})
	}
	return m
}

func ec2Resource(id string, windows bool, tags map[string]string) *Resource {
	return &Resource{Kind: KindEC2, ID: id, Ref: id, Windows: windows, Tags: tags}
}

func TestAlarmSetPerResourceType(t *testing.T) {
	prodTags := func(kv ...string) map[string]string {
		m := map[string]string{"Environment": "production"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	agentLinux := []Metric{
		metric("CWAgent", "mem_used_percent", "InstanceId", "i-lin"),
		metric("CWAgent", "disk_used_percent", "InstanceId", "i-lin", "path", "/", "device", "nvme0n1p1", "fstype", "xfs"),
		metric("AWS/EC2", "EBSIOBalance%", "InstanceId", "i-lin"),
	}
	agentWindows := []Metric{
		metric("CWAgent", "Memory % Committed Bytes In Use", "InstanceId", "i-win", "objectname", "Memory"),
		metric("CWAgent", "LogicalDisk % Free Space", "InstanceId", "i-win", "objectname", "LogicalDisk", "instance", "C:"),
	}
	tests := []struct {
		name    string
		r       *Resource
		metrics []Metric
		groups  []string
		alarms  []Alarm // existing
		want    []string
		reports []string
	}{
		{
			name: "linux instance with the agent", r: ec2Resource("i-lin", false, prodTags()), metrics: agentLinux,
			want: []string{
				"opsd-ec2-i-lin-status AWS/EC2 StatusCheckFailed{InstanceId=i-lin} Maximum GreaterThanOrEqualToThreshold 1 2×60 breaching",
				"opsd-ec2-i-lin-cpu AWS/EC2 CPUUtilization{InstanceId=i-lin} Average GreaterThanThreshold 80 3×300 missing",
				"opsd-ec2-i-lin-memory CWAgent mem_used_percent{InstanceId=i-lin} Average GreaterThanThreshold 90 3×300 missing",
				"opsd-ec2-i-lin-disk CWAgent disk_used_percent{InstanceId=i-lin,device=nvme0n1p1,fstype=xfs,path=/} Maximum GreaterThanThreshold 85 2×300 missing",
				"opsd-ec2-i-lin-diskio AWS/EC2 EBSIOBalance%{InstanceId=i-lin} Minimum LessThanThreshold 20 3×300 missing",
			},
		},
		{
			name: "windows instance with the agent", r: ec2Resource("i-win", true, prodTags("opsd:monitor:disk", "90")), metrics: agentWindows,
			want: []string{
				"opsd-ec2-i-win-status AWS/EC2 StatusCheckFailed{InstanceId=i-win} Maximum GreaterThanOrEqualToThreshold 1 2×60 breaching",
				"opsd-ec2-i-win-cpu AWS/EC2 CPUUtilization{InstanceId=i-win} Average GreaterThanThreshold 80 3×300 missing",
				"opsd-ec2-i-win-memory CWAgent Memory % Committed Bytes In Use{InstanceId=i-win,objectname=Memory} Average GreaterThanThreshold 90 3×300 missing",
				"opsd-ec2-i-win-disk CWAgent LogicalDisk % Free Space{InstanceId=i-win,instance=C:,objectname=LogicalDisk} Minimum LessThanThreshold 10 2×300 missing",
			},
		},
		{
			name: "instance stopped out of hours", r: ec2Resource("i-lin", false, map[string]string{"Environment": "dev", "opsd:monitor": "true", "WeekendShutdown": ""}), metrics: agentLinux,
			want: []string{
				"opsd-ec2-i-lin-status AWS/EC2 StatusCheckFailed{InstanceId=i-lin} Maximum GreaterThanOrEqualToThreshold 1 2×60 notBreaching",
				"opsd-ec2-i-lin-cpu AWS/EC2 CPUUtilization{InstanceId=i-lin} Average GreaterThanThreshold 80 3×300 notBreaching",
				"opsd-ec2-i-lin-memory CWAgent mem_used_percent{InstanceId=i-lin} Average GreaterThanThreshold 90 3×300 notBreaching",
				"opsd-ec2-i-lin-disk CWAgent disk_used_percent{InstanceId=i-lin,device=nvme0n1p1,fstype=xfs,path=/} Maximum GreaterThanThreshold 85 2×300 notBreaching",
				"opsd-ec2-i-lin-diskio AWS/EC2 EBSIOBalance%{InstanceId=i-lin} Minimum LessThanThreshold 20 3×300 notBreaching",
			},
		},
		{
			name: "instance without the agent", r: ec2Resource("i-bare", false, prodTags("opsd:monitor:cpu", "95", "opsd:monitor:status", "off")),
			want: []string{
				"opsd-ec2-i-bare-cpu AWS/EC2 CPUUtilization{InstanceId=i-bare} Average GreaterThanThreshold 95 3×300 missing",
			},
			reports: []string{"i-bare: the CloudWatch agent publishes no mem_used_percent or disk_used_percent for this instance (namespace CWAgent): no memory or disk alarm until it does; install and configure the agent"},
		},
		{
			name: "postgres with exported logs", r: &Resource{Kind: KindRDS, ID: "db1", Ref: "arn:db1", Engine: "postgres", AllocatedGiB: 100, Tags: prodTags()},
			groups: []string{"/aws/rds/instance/db1/postgresql"},
			want: []string{
				"opsd-rds-db1-cpu AWS/RDS CPUUtilization{DBInstanceIdentifier=db1} Average GreaterThanThreshold 80 3×300 missing",
				"opsd-rds-db1-storage AWS/RDS FreeStorageSpace{DBInstanceIdentifier=db1} Minimum LessThanThreshold 10737418240 1×300 missing",
				"opsd-rds-db1-memory AWS/RDS FreeableMemory{DBInstanceIdentifier=db1} Average LessThanThreshold 268435456 3×300 missing",
				"opsd-rds-db1-logins opsd/RDS LoginFailures-db1{} Sum GreaterThanOrEqualToThreshold 5 1×300 notBreaching",
			},
		},
		{
			name: "postgres without exported logs", r: &Resource{Kind: KindRDS, ID: "db2", Ref: "arn:db2", Engine: "postgres", AllocatedGiB: 20, Tags: prodTags("opsd:monitor:storage", "25")},
			want: []string{
				"opsd-rds-db2-cpu AWS/RDS CPUUtilization{DBInstanceIdentifier=db2} Average GreaterThanThreshold 80 3×300 missing",
				"opsd-rds-db2-storage AWS/RDS FreeStorageSpace{DBInstanceIdentifier=db2} Minimum LessThanThreshold 5368709120 1×300 missing",
				"opsd-rds-db2-memory AWS/RDS FreeableMemory{DBInstanceIdentifier=db2} Average LessThanThreshold 268435456 3×300 missing",
			},
			reports: []string{"arn:db2: PostgreSQL logs are not exported to CloudWatch Logs (/aws/rds/instance/db2/postgresql): no login failure alarm until they are"},
		},
		{
			name: "aurora mysql", r: &Resource{Kind: KindRDS, ID: "db3", Ref: "arn:db3", Engine: "aurora-mysql", Tags: prodTags("OOOShutdown", "true")},
			want: []string{
				"opsd-rds-db3-cpu AWS/RDS CPUUtilization{DBInstanceIdentifier=db3} Average GreaterThanThreshold 80 3×300 notBreaching",
				"opsd-rds-db3-memory AWS/RDS FreeableMemory{DBInstanceIdentifier=db3} Average LessThanThreshold 268435456 3×300 notBreaching",
			},
		},
		{
			name: "rest api in any environment", r: &Resource{Kind: KindAPI, ID: "a1b2c3", Ref: "arn:api", Name: "orders-api", Tags: map[string]string{"Environment": "staging"}},
			want: []string{"opsd-api-a1b2c3-5xx AWS/ApiGateway 5XXError{ApiName=orders-api} Sum GreaterThanThreshold 0 1×300 notBreaching"},
		},
		{
			name: "load balancer sums targets' and its own 5xx", r: &Resource{Kind: KindALB, ID: "web", Ref: "arn:alb", Dimension: "app/web/50dc6c495c0c9188", Tags: prodTags()},
			want: []string{"opsd-alb-web-5xx math[" +
				"m1=AWS/ApplicationELB HTTPCode_Target_5XX_Count{LoadBalancer=app/web/50dc6c495c0c9188} Sum/300; " +
				"m2=AWS/ApplicationELB HTTPCode_ELB_5XX_Count{LoadBalancer=app/web/50dc6c495c0c9188} Sum/300; " +
				`e1=FILL(m1,0)+FILL(m2,0) label="5xx responses (targets + load balancer)" [alarm]` +
				"] GreaterThanThreshold 0 1×0 notBreaching"},
		},
		{
			name: "canary", r: &Resource{Kind: KindCanary, ID: "health", Ref: "arn:canary", Tags: map[string]string{}},
			want: []string{"opsd-canary-health-success CloudWatchSynthetics SuccessPercent{CanaryName=health} Average LessThanThreshold 100 1×300 notBreaching"},
		},
		{
			name: "sns topic", r: &Resource{Kind: KindSNS, ID: "events", Ref: "arn:topic", Tags: map[string]string{}},
			want: []string{"opsd-sns-events-failed AWS/SNS NumberOfNotificationsFailed{TopicName=events} Sum GreaterThanThreshold 0 1×300 notBreaching"},
		},
		{
			name: "dead-letter queue", r: &Resource{Kind: KindDLQ, ID: "orders-dlq", Ref: "arn:dlq", Tags: map[string]string{}},
			want: []string{"opsd-dlq-orders-dlq-messages AWS/SQS ApproximateNumberOfMessagesVisible{QueueName=orders-dlq} Maximum GreaterThanThreshold 0 1×300 notBreaching"},
		},
		{
			name: "staging instance is not watched", r: ec2Resource("i-stg", false, map[string]string{"Environment": "staging"}), metrics: agentLinux,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := observation(tt.r)
			obs.Metrics = tt.metrics
			obs.Alarms = tt.alarms
			for _, g := range tt.groups {
				obs.LogGroups = append(obs.LogGroups, LogGroup{Name: g, RetentionDays: 180})
			}
			changes := NewPlanner(testConfig()).Plan(obs)
			if got := created(changes); !slices.Equal(got, tt.want) {
				t.Errorf("alarms:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if got := reports(changes); !slices.Equal(got, tt.reports) {
				t.Errorf("reports:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.reports, "\n"))
			}
			for _, c := range changes {
				if c.Object != ObjectAlarm || c.Op != OpCreate {
					continue
				}
				a := c.alarm
				if !slices.Equal(a.AlarmActions, []string{"arn:aws:sns:eu-west-2:123456789012:ops-alerts"}) || !slices.Equal(a.OKActions, a.AlarmActions) || !a.ActionsEnabled {
					t.Errorf("%s actions = %v / %v enabled %v", a.Name, a.AlarmActions, a.OKActions, a.ActionsEnabled)
				}
				if a.Tags["opsd:managed"] != "true" || a.Tags["opsd:resource"] != tt.r.Ref {
					t.Errorf("%s tags = %v", a.Name, a.Tags)
				}
				if !strings.HasSuffix(a.Description, "Managed by opsd: changes made elsewhere are reverted.") {
					t.Errorf("%s description = %q", a.Name, a.Description)
				}
			}
		})
	}
}

func TestAgentAlarmKeepsItsDimensionsWhileTheInstanceIsSilent(t *testing.T) {
	r := ec2Resource("i-lin", false, map[string]string{"Environment": "production"})
	obs := observation(r)
	name := alarmName(KindEC2, "i-lin", MetricDisk)
	existing := Alarm{Name: name, Namespace: "CWAgent", MetricName: "disk_used_percent",
		Dimensions: []Dimension{{"path", "/"}, {"InstanceId", "i-lin"}, {"device", "xvda1"}, {"fstype", "ext4"}},
		Tags:       map[string]string{"opsd:managed": "true", "opsd:resource": "i-lin"}}
	obs.Alarms = []Alarm{existing}
	changes := NewPlanner(testConfig()).Plan(obs)
	for _, c := range changes {
		if c.Name == name && c.Op == OpDelete {
			t.Fatalf("disk alarm deleted while the agent is silent: %+v", c)
		}
		if c.Name == name && c.Op == OpUpdate && strings.Contains(c.Details["changes"], "dimensions") {
			t.Errorf("disk alarm dimensions changed: %s", c.Details["changes"])
		}
	}
	if r := reports(changes); len(r) != 1 || !strings.Contains(r[0], "publishes no mem_used_percent for") {
		t.Errorf("reports = %v, want the memory metric only", r)
	}
}

func TestAgentDimensionsPreferTheConfiguredSet(t *testing.T) {
	ix := indexMetrics([]Metric{
		metric("CWAgent", "mem_used_percent", "InstanceId", "i-1", "ImageId", "ami-1", "InstanceType", "t3.micro"),
		metric("CWAgent", "mem_used_percent", "InstanceId", "i-1"),
		metric("CWAgent", "mem_used_percent", "InstanceId", "i-2", "host", "ip-10-0-0-1"),
		metric("CWAgent", "mem_used_percent", "InstanceId", "i-2", "host", "ip-10-0-0-1", "ImageId", "ami-1"),
	})
	mem := agentMetric{name: "mem_used_percent"}
	for _, tt := range []struct {
		instance string
		prefer   []string
		want     string
	}{
		{"i-1", []string{"InstanceId"}, "InstanceId=i-1"},
		{"i-1", []string{"InstanceId", "ImageId", "InstanceType"}, "ImageId=ami-1,InstanceId=i-1,InstanceType=t3.micro"},
		{"i-2", []string{"InstanceId"}, "InstanceId=i-2,host=ip-10-0-0-1"},
		{"i-3", []string{"InstanceId"}, ""},
	} {
		dims, ok := ix.find("CWAgent", mem, tt.instance, tt.prefer)
		if got := formatDimensions(dims); got != tt.want || ok != (tt.want != "") {
			t.Errorf("find(%s, %v) = %q %v, want %q", tt.instance, tt.prefer, got, ok, tt.want)
		}
	}
}

func TestAlarmNamesAreDeterministicAndBounded(t *testing.T) {
	if got := alarmName(KindEC2, "i-0abc", MetricCPU); got != "opsd-ec2-i-0abc-cpu" {
		t.Errorf("alarmName = %q", got)
	}
	long := strings.Repeat("t", 256)
	a, b := alarmName(KindSNS, long, MetricFailed), alarmName(KindSNS, long+"x", MetricFailed)
	if len(a) > 255 || len(b) > 255 || a == b || !strings.HasSuffix(a, "-failed") || a != alarmName(KindSNS, long, MetricFailed) {
		t.Errorf("long names %q (%d) and %q (%d)", a, len(a), b, len(b))
	}
	if alarmKind(a) != KindSNS || alarmKind("opsd-foo-x-cpu") != "" || alarmKind("team-ec2-x") != "" {
		t.Error("alarmKind misreads names")
	}
}

func TestLoginAlarmStaysWhenLogGroupsAreUnreadable(t *testing.T) {
	db := &Resource{Kind: KindRDS, ID: "db1", Ref: "arn:db1", Engine: "postgres", AllocatedGiB: 20, Tags: map[string]string{"Environment": "production"}}
	obs := observation(db)
	obs.LogGroupsListed, obs.FiltersListed = false, false
	obs.Alarms = []Alarm{{Name: "opsd-rds-db1-logins", Tags: managedTags("arn:db1")}}
	for _, c := range NewPlanner(testConfig()).Plan(obs) {
		if c.Name == "opsd-rds-db1-logins" && c.Op == OpDelete {
			t.Errorf("login alarm deleted on an unreadable log group list: %s", c.Reason)
		}
		if c.Object == ObjectMetricFilter || c.Op == OpReport {
			t.Errorf("unexpected %s %s: %s", c.ActionName(), c.Name, c.Reason)
		}
	}
}
