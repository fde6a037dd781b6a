package monitor

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// FieldChange is one field of an alarm that differs from what opsd wants.
type FieldChange struct {
	// Field names the field: threshold, dimensions, alarm_actions…
	Field string
	// From is the observed value, To the desired one, as text.
	From string
	To   string
}

// String writes "field: from → to".
func (f FieldChange) String() string {
	from, to := f.From, f.To
	if from == "" {
		from = "(none)"
	}
	if to == "" {
		to = "(none)"
	}
	return f.Field + ": " + from + " → " + to
}

// diffAlarm compares every field opsd sets on an alarm (and the ones it
// never sets, which must stay unset) and returns how observed differs from
// desired. Tags are compared by [missingTags]: CloudWatch keeps them apart
// from the alarm's configuration.
func diffAlarm(desired, observed Alarm) []FieldChange {
	d, o := desired.normalized(), observed.normalized()
	var out []FieldChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, FieldChange{Field: field, From: from, To: to})
		}
	}
	add("description", o.Description, d.Description)
	add("namespace", o.Namespace, d.Namespace)
	add("metric_name", o.MetricName, d.MetricName)
	add("dimensions", formatDimensions(o.Dimensions), formatDimensions(d.Dimensions))
	add("statistic", o.Statistic, d.Statistic)
	add("extended_statistic", o.ExtendedStatistic, d.ExtendedStatistic)
	add("unit", o.Unit, d.Unit)
	add("metrics", formatQueries(o.Queries), formatQueries(d.Queries))
	add("period", formatInt(o.Period), formatInt(d.Period))
	add("evaluation_periods", formatInt(o.EvaluationPeriods), formatInt(d.EvaluationPeriods))
	add("datapoints_to_alarm", formatInt(o.DatapointsToAlarm), formatInt(d.DatapointsToAlarm))
	add("threshold", formatNumber(o.Threshold), formatNumber(d.Threshold))
	add("comparison", o.Comparison, d.Comparison)
	add("treat_missing_data", o.TreatMissingData, d.TreatMissingData)
	add("alarm_actions", strings.Join(o.AlarmActions, ","), strings.Join(d.AlarmActions, ","))
	add("ok_actions", strings.Join(o.OKActions, ","), strings.Join(d.OKActions, ","))
	add("insufficient_data_actions", strings.Join(o.InsufficientDataActions, ","), strings.Join(d.InsufficientDataActions, ","))
	add("actions_enabled", strconv.FormatBool(o.ActionsEnabled), strconv.FormatBool(d.ActionsEnabled))
	return out
}

// missingTags returns the desired tags the observed alarm lacks or holds
// with another value. Other tags are left alone.
func missingTags(desired, observed map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range desired {
		if have, ok := observed[k]; !ok || have != v {
			out[k] = v
		}
	}
	return out
}

// formatChanges writes field changes for a message: "threshold: 95 → 80;
// treat_missing_data: missing → breaching".
func formatChanges(cs []FieldChange) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

// formatTags writes tags as k=v,k=v in key order.
func formatTags(tags map[string]string) string {
	keys := slices.Sorted(maps.Keys(tags))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + tags[k]
	}
	return strings.Join(parts, ",")
}

func formatInt(v int32) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(int(v))
}

// formatQueries writes a metric math alarm's queries, one per id:
// "m1=AWS/ApplicationELB HTTPCode_Target_5XX_Count{LoadBalancer=app/x/1} Sum/300; e1=FILL(m1,0)+FILL(m2,0) [alarm]".
func formatQueries(qs []Query) string {
	parts := make([]string, len(qs))
	for i, q := range qs {
		var s string
		if q.Expression != "" {
			s = q.ID + "=" + q.Expression
			if q.Period != 0 {
				s += fmt.Sprintf("/%d", q.Period)
			}
		} else {
			s = fmt.Sprintf("%s=%s %s{%s} %s/%d", q.ID, q.Namespace, q.MetricName, formatDimensions(q.Dimensions), q.Stat, q.Period)
		}
		if q.Label != "" {
			s += " label=" + strconv.Quote(q.Label)
		}
		if q.ReturnData {
			s += " [alarm]"
		}
		parts[i] = s
	}
	return strings.Join(parts, "; ")
}
