package monitor

import (
	"maps"
	"slices"
	"strings"
)

// loginFilterName is the name of the login failure metric filter opsd
// keeps on each exported PostgreSQL log group.
const loginFilterName = alarmPrefix + "login-failures"

// loginFilterValue is the value the filter publishes per matching event.
const loginFilterValue = "1"

// dbOfLogGroup returns the DB instance whose exported PostgreSQL log group
// name is, or false.
func dbOfLogGroup(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, "/aws/rds/instance/")
	if !ok {
		return "", false
	}
	db, ok := strings.CutSuffix(rest, "/postgresql")
	return db, ok && db != "" && !strings.Contains(db, "/")
}

// filterChanges keeps opsd's login failure filter on the exported
// PostgreSQL log group of every DB instance whose login alarm opsd wants,
// and deletes it from the others' (when DB instances were listed
// completely).
func (pl *planning) filterChanges() []*Change {
	if !pl.obs.FiltersListed || !pl.obs.LogGroupsListed {
		return nil
	}
	want := map[string]MetricFilter{}
	for _, a := range pl.desired {
		if a.Kind != KindRDS || a.Metric != MetricLogins {
			continue
		}
		r := pl.refs[a.Resource]
		if r == nil {
			continue
		}
		group := postgresLogGroup(r.ID)
		want[group] = MetricFilter{
			LogGroup: group, Name: loginFilterName, Pattern: pl.cfg.LoginFailures.Pattern,
			Namespace: pl.cfg.LoginFailures.Namespace, MetricName: loginMetricName(r.ID), Value: loginFilterValue,
		}
	}
	have := map[string]MetricFilter{}
	for _, f := range pl.obs.Filters {
		if f.Name == loginFilterName {
			have[f.LogGroup] = f
		}
	}
	var out []*Change
	for _, group := range slices.Sorted(maps.Keys(want)) {
		f := want[group]
		details := map[string]string{"filter": f.Name, "pattern": f.Pattern, "metric": f.Namespace + " " + f.MetricName}
		old, ok := have[group]
		switch {
		case !ok:
			out = append(out, &Change{Object: ObjectMetricFilter, Op: OpCreate, Name: group, Reason: "login failures are not counted", Details: details, filter: &f})
		case old != f:
			details["changes"] = filterChanges(old, f)
			out = append(out, &Change{Object: ObjectMetricFilter, Op: OpUpdate, Name: group, Reason: "filter drifted", Details: details, filter: &f})
		}
	}
	if !pl.obs.Listed[KindRDS] {
		return out
	}
	for _, group := range slices.Sorted(maps.Keys(have)) {
		if _, ok := want[group]; ok {
			continue
		}
		f := have[group]
		reason := "its DB instance's login failure alarm is not wanted"
		if !slices.Contains(pl.cfg.Scope.Kinds, string(KindRDS)) {
			reason = "rds resources are not watched (scope.kinds)"
		} else if db, ok := dbOfLogGroup(group); ok {
			if why, ok := pl.unwanted[alarmName(KindRDS, db, MetricLogins)]; ok {
				reason = why
			} else if !pl.hasDB(db) {
				reason = "DB instance " + db + " no longer exists"
			}
		}
		out = append(out, &Change{Object: ObjectMetricFilter, Op: OpDelete, Name: group, Reason: reason,
			Details: map[string]string{"filter": f.Name}, filter: &f})
	}
	return out
}

// hasDB reports whether a DB instance called id was observed.
func (pl *planning) hasDB(id string) bool {
	return slices.ContainsFunc(pl.resources, func(r *Resource) bool { return r.Kind == KindRDS && r.ID == id })
}

// filterChanges writes how a filter differs.
func filterChanges(old, f MetricFilter) string {
	var cs []FieldChange
	add := func(field, from, to string) {
		if from != to {
			cs = append(cs, FieldChange{Field: field, From: from, To: to})
		}
	}
	add("pattern", old.Pattern, f.Pattern)
	add("namespace", old.Namespace, f.Namespace)
	add("metric_name", old.MetricName, f.MetricName)
	add("value", old.Value, f.Value)
	return formatChanges(cs)
}
