package monitor

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// alarmPrefix starts the name of every alarm, dashboard and metric filter
// opsd makes.
const alarmPrefix = "opsd-"

// maxAlarmName is the longest alarm name CloudWatch accepts.
const maxAlarmName = 255

// CloudWatch's TreatMissingData values.
const (
	missingBreaching    = "breaching"
	missingNotBreaching = "notBreaching"
	missingMissing      = "missing"
)

// CloudWatch's comparison operators used here.
const (
	greaterThan        = "GreaterThanThreshold"
	greaterThanOrEqual = "GreaterThanOrEqualToThreshold"
	lessThan           = "LessThanThreshold"
)

// Dimension is one metric dimension.
type Dimension struct {
	// Name is the dimension's name.
	Name string
	// Value is its value.
	Value string
}

// Query is one metric or expression of a metric math alarm.
type Query struct {
	// ID names the query in expressions (m1, e1).
	ID string
	// Expression is a metric math expression (no metric).
	Expression string
	// Label is shown for the query's result.
	Label string
	// ReturnData marks the one query the alarm evaluates.
	ReturnData bool
	// Namespace, MetricName, Dimensions, Period and Stat describe a
	// metric (no Expression).
	Namespace  string
	MetricName string
	Dimensions []Dimension
	Period     int32
	Stat       string
}

// Alarm is a CloudWatch metric alarm: one opsd wants (desired) or one that
// exists (observed). Every field opsd sets is here, so comparing a desired
// alarm with the observed one finds every drift.
type Alarm struct {
	// Name is the alarm's name: opsd-<kind>-<id>-<metric>.
	Name string
	// Muted says, for a desired alarm whose actions a mute-until tag
	// turns off, until when and by which tag.
	Muted string
	// ARN is the alarm's ARN (observed alarms).
	ARN string
	// Kind, Metric and Resource say what a desired alarm watches; Resource
	// is also written in the resource tag.
	Kind     Kind
	Metric   string
	Resource string

	// Description is the alarm's description.
	Description string
	// Namespace, MetricName, Dimensions and Statistic describe a single
	// metric alarm; Queries a metric math alarm.
	Namespace  string
	MetricName string
	Dimensions []Dimension
	Statistic  string
	Queries    []Query

	// Period is the evaluation period in seconds, 0 for metric math
	// alarms (each query has its own).
	Period int32
	// EvaluationPeriods is how many periods are evaluated.
	EvaluationPeriods int32
	// DatapointsToAlarm is 0 when it equals EvaluationPeriods.
	DatapointsToAlarm int32
	// Threshold and Comparison say when the alarm fires.
	Threshold  float64
	Comparison string
	// TreatMissingData is breaching, notBreaching, ignore or missing.
	TreatMissingData string

	// AlarmActions, OKActions and InsufficientDataActions are notified
	// when the alarm enters each state; ActionsEnabled turns them on.
	AlarmActions            []string
	OKActions               []string
	InsufficientDataActions []string
	ActionsEnabled          bool

	// Unit is never set by opsd: an observed alarm with one has drifted.
	// ExtendedStatistic (a percentile, p99) is set instead of Statistic
	// by the Lambda duration alarm only.
	Unit              string
	ExtendedStatistic string

	// Tags are the alarm's tags: for a desired alarm, the ones opsd
	// writes.
	Tags map[string]string
}

// alarmName returns the deterministic name of kind's alarm on id for
// metric. An id too long for CloudWatch's 255 characters is cut and ends
// with a hash of the whole id, so names stay unique and stable.
func alarmName(k Kind, id, metric string) string {
	name := alarmPrefix + string(k) + "-" + id + "-" + metric
	if len(name) <= maxAlarmName {
		return name
	}
	sum := sha256.Sum256([]byte(id))
	hash := "~" + hex.EncodeToString(sum[:4])
	room := maxAlarmName - len(alarmPrefix) - len(k) - 2 - len(metric) - len(hash)
	cut := id[:room]
	for len(cut) > 0 && !validUTF8End(cut) {
		cut = cut[:len(cut)-1]
	}
	return alarmPrefix + string(k) + "-" + cut + hash + "-" + metric
}

// validUTF8End reports whether s does not end inside a multi-byte rune.
func validUTF8End(s string) bool {
	return strings.ToValidUTF8(s, "\uFFFD") == s
}

// alarmKind returns the kind an opsd alarm name names, or "" when the name
// is not one of opsd's.
func alarmKind(name string) Kind {
	rest, ok := strings.CutPrefix(name, alarmPrefix)
	if !ok {
		return ""
	}
	k, _, ok := strings.Cut(rest, "-")
	if !ok || !validKind(k) {
		return ""
	}
	return Kind(k)
}

// normalized returns a copy with dimensions sorted, action lists sorted and
// de-duplicated, and CloudWatch's defaults made explicit, so two alarms
// that mean the same compare equal.
func (a Alarm) normalized() Alarm {
	a.Dimensions = sortedDimensions(a.Dimensions)
	a.AlarmActions = sortedSet(a.AlarmActions)
	a.OKActions = sortedSet(a.OKActions)
	a.InsufficientDataActions = sortedSet(a.InsufficientDataActions)
	if a.TreatMissingData == "" {
		a.TreatMissingData = missingMissing
	}
	if a.DatapointsToAlarm == a.EvaluationPeriods {
		a.DatapointsToAlarm = 0
	}
	qs := make([]Query, len(a.Queries))
	for i, q := range a.Queries {
		q.Dimensions = sortedDimensions(q.Dimensions)
		qs[i] = q
	}
	slices.SortFunc(qs, func(x, y Query) int { return strings.Compare(x.ID, y.ID) })
	a.Queries = qs
	return a
}

func sortedDimensions(d []Dimension) []Dimension {
	out := slices.Clone(d)
	slices.SortFunc(out, func(x, y Dimension) int {
		if c := strings.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return strings.Compare(x.Value, y.Value)
	})
	return out
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// formatDimensions writes dimensions as Name=Value,Name=Value.
func formatDimensions(d []Dimension) string {
	parts := make([]string, len(d))
	for i, x := range sortedDimensions(d) {
		parts[i] = x.Name + "=" + x.Value
	}
	return strings.Join(parts, ",")
}
