package monitor

import (
	"slices"
	"testing"
)

func baseAlarm() Alarm {
	return Alarm{
		Name: "opsd-ec2-i-1-cpu", Description: "cpu", Namespace: "AWS/EC2", MetricName: "CPUUtilization",
		Dimensions: []Dimension{{"InstanceId", "i-1"}}, Statistic: "Average", Period: 300, EvaluationPeriods: 3,
		Threshold: 80, Comparison: greaterThan, TreatMissingData: missingMissing,
		AlarmActions: []string{"arn:a", "arn:b"}, OKActions: []string{"arn:a"}, ActionsEnabled: true,
	}
}

func mathAlarm() Alarm {
	dims := []Dimension{{"LoadBalancer", "app/web/1"}}
	return Alarm{
		Name: "opsd-alb-web-5xx", EvaluationPeriods: 1, Comparison: greaterThan, TreatMissingData: missingNotBreaching, ActionsEnabled: true,
		Queries: []Query{
			{ID: "m1", Namespace: nsALB, MetricName: "HTTPCode_Target_5XX_Count", Dimensions: dims, Period: 300, Stat: "Sum"},
			{ID: "m2", Namespace: nsALB, MetricName: "HTTPCode_ELB_5XX_Count", Dimensions: dims, Period: 300, Stat: "Sum"},
			{ID: "e1", Expression: albExpression, ReturnData: true},
		},
	}
}

func TestDiffAlarmFindsEveryField(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Alarm)
		fields []string
	}{
		{"same", func(*Alarm) {}, nil},
		{"dimensions and actions in another order", func(a *Alarm) {
			a.AlarmActions = []string{"arn:b", "arn:a", "arn:a"}
			a.Dimensions = []Dimension{{"InstanceId", "i-1"}}
		}, nil},
		{"missing data unset means missing", func(a *Alarm) { a.TreatMissingData = "" }, nil},
		{"datapoints equal to periods", func(a *Alarm) { a.DatapointsToAlarm = 3 }, nil},
		{"threshold", func(a *Alarm) { a.Threshold = 95 }, []string{"threshold"}},
		{"comparison", func(a *Alarm) { a.Comparison = greaterThanOrEqual }, []string{"comparison"}},
		{"period", func(a *Alarm) { a.Period = 60 }, []string{"period"}},
		{"evaluation periods", func(a *Alarm) { a.EvaluationPeriods = 5 }, []string{"evaluation_periods"}},
		{"datapoints", func(a *Alarm) { a.DatapointsToAlarm = 2 }, []string{"datapoints_to_alarm"}},
		{"statistic", func(a *Alarm) { a.Statistic = "Maximum" }, []string{"statistic"}},
		{"extended statistic", func(a *Alarm) { a.Statistic, a.ExtendedStatistic = "", "p99" }, []string{"statistic", "extended_statistic"}},
		{"unit", func(a *Alarm) { a.Unit = "Percent" }, []string{"unit"}},
		{"dimensions", func(a *Alarm) { a.Dimensions = append(a.Dimensions, Dimension{"ImageId", "ami-1"}) }, []string{"dimensions"}},
		{"namespace and metric", func(a *Alarm) { a.Namespace, a.MetricName = "CWAgent", "cpu_usage_active" }, []string{"namespace", "metric_name"}},
		{"missing data", func(a *Alarm) { a.TreatMissingData = missingBreaching }, []string{"treat_missing_data"}},
		{"alarm actions", func(a *Alarm) { a.AlarmActions = []string{"arn:a"} }, []string{"alarm_actions"}},
		{"ok actions", func(a *Alarm) { a.OKActions = nil }, []string{"ok_actions"}},
		{"insufficient data actions", func(a *Alarm) { a.InsufficientDataActions = []string{"arn:c"} }, []string{"insufficient_data_actions"}},
		{"actions disabled", func(a *Alarm) { a.ActionsEnabled = false }, []string{"actions_enabled"}},
		{"description", func(a *Alarm) { a.Description = "edited" }, []string{"description"}},
		{"tags are not configuration", func(a *Alarm) { a.Tags = map[string]string{"x": "y"} }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			observed := baseAlarm()
			tt.edit(&observed)
			var got []string
			for _, f := range diffAlarm(baseAlarm(), observed) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("diff fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestDiffAlarmComparesMetricMath(t *testing.T) {
	same := mathAlarm()
	slices.Reverse(same.Queries)
	if d := diffAlarm(mathAlarm(), same); len(d) != 0 {
		t.Errorf("queries in another order differ: %v", d)
	}
	for name, edit := range map[string]func(*Alarm){
		"expression":  func(a *Alarm) { a.Queries[2].Expression = "m1+m2" },
		"return data": func(a *Alarm) { a.Queries[0].ReturnData = true },
		"dimension":   func(a *Alarm) { a.Queries[1].Dimensions = []Dimension{{"LoadBalancer", "app/other/2"}} },
		"stat":        func(a *Alarm) { a.Queries[0].Stat = "Average" },
		"one metric":  func(a *Alarm) { a.Queries = a.Queries[1:] },
	} {
		o := mathAlarm()
		edit(&o)
		d := diffAlarm(mathAlarm(), o)
		if len(d) != 1 || d[0].Field != "metrics" {
			t.Errorf("%s: diff = %v, want metrics", name, d)
		}
	}
	d := diffAlarm(mathAlarm(), func() Alarm { a := mathAlarm(); a.Threshold = 5; return a }())
	if len(d) != 1 || d[0].String() != "threshold: 5 → 0" {
		t.Errorf("diff = %v", d)
	}
}

func TestMissingTagsKeepsOthers(t *testing.T) {
	got := missingTags(map[string]string{"opsd:managed": "true", "opsd:resource": "i-1"}, map[string]string{"opsd:managed": "true", "opsd:resource": "i-2", "team": "x"})
	if formatTags(got) != "opsd:resource=i-1" {
		t.Errorf("missingTags = %v", got)
	}
}
