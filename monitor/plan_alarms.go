package monitor

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// alarmChanges compares the desired alarms with the observed ones: a
// missing alarm is created, a drifted one updated (every field opsd sets),
// one lacking opsd's tags tagged, and a managed alarm opsd no longer wants
// deleted, but only when its kind was listed completely. An alarm without
// the managed tag is never touched, even when its name is one of opsd's;
// when opsd wants that name, it is reported.
func (pl *planning) alarmChanges() []*Change {
	if !pl.obs.AlarmsListed {
		return nil
	}
	managed := pl.cfg.Tags.Managed
	var out []*Change
	wanted := map[string]bool{}
	for i := range pl.desired {
		a := &pl.desired[i]
		wanted[a.Name] = true
		details := alarmDetails(a)
		ex, ok := pl.existing[a.Name]
		switch {
		case !ok:
			out = append(out, &Change{Object: ObjectAlarm, Op: OpCreate, Name: a.Name, Reason: "missing", Details: details, alarm: a})
		case ex.Tags[managed] != "true":
			out = append(out, report(a.Name, fmt.Sprintf(
				"an alarm of this name exists without tag %s=true: opsd leaves it alone; tag it to let opsd manage it, or rename it", managed), details))
		default:
			a.ARN = ex.ARN
			if pl.silencedByShutdown(a) {
				// Overnight shutdown turned them off before its stop and
				// turns them back on: not drift.
				a.ActionsEnabled = ex.ActionsEnabled
			}
			fields := diffAlarm(*a, ex)
			tags := missingTags(a.Tags, ex.Tags)
			if len(tags) > 0 {
				details["tags"] = formatTags(tags)
			}
			switch {
			case len(fields) > 0:
				details["changes"] = formatChanges(fields)
				out = append(out, &Change{Object: ObjectAlarm, Op: OpUpdate, Name: a.Name, Reason: updateReason(a, ex, fields), Details: details, alarm: a, tags: tags})
			case len(tags) > 0:
				out = append(out, &Change{Object: ObjectAlarm, Op: OpTag, Name: a.Name, Reason: "tags missing or changed", Details: details, alarm: a, tags: tags})
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(pl.existing)) {
		ex := pl.existing[name]
		k := alarmKind(name)
		if wanted[name] || ex.Tags[managed] != "true" || k == "" || !pl.obs.Listed[k] {
			continue
		}
		ref := ex.Tags[pl.cfg.Tags.Resource]
		reason, ok := pl.unwanted[name]
		switch {
		case ok:
		case !slices.Contains(pl.cfg.Scope.Kinds, string(k)):
			reason = fmt.Sprintf("%s resources are not watched (scope.kinds)", k)
		case pl.refs[ref] != nil:
			reason = "opsd no longer makes this alarm"
		default:
			reason = fmt.Sprintf("%s %s no longer exists", kindNoun(k), ref)
		}
		d := map[string]string{"kind": string(k)}
		if ref != "" {
			d["resource"] = ref
		}
		out = append(out, &Change{Object: ObjectAlarm, Op: OpDelete, Name: name, Reason: reason, Details: d})
	}
	return out
}

// alarmDetails are the details of a change to a desired alarm.
func alarmDetails(a *Alarm) map[string]string {
	d := map[string]string{
		"kind":               string(a.Kind),
		"metric":             a.Metric,
		"resource":           a.Resource,
		"threshold":          formatNumber(a.Threshold),
		"comparison":         a.Comparison,
		"treat_missing_data": a.TreatMissingData,
	}
	if a.MetricName != "" {
		d["watches"] = a.Namespace + " " + a.MetricName + "{" + formatDimensions(a.Dimensions) + "}"
	} else {
		d["watches"] = formatQueries(a.Queries)
	}
	return d
}

func fieldNames(fs []FieldChange) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Field
	}
	return strings.Join(names, ", ")
}

// updateReason says why an alarm is updated: a mute starting or ending,
// or its drifted fields.
func updateReason(want *Alarm, have Alarm, fields []FieldChange) string {
	if len(fields) == 1 && fields[0].Field == "actions_enabled" {
		switch {
		case want.Muted != "":
			return want.Muted + ": actions disabled"
		case !have.ActionsEnabled:
			return "actions enabled (no mute-until tag holds)"
		}
	}
	return "drifted: " + fieldNames(fields)
}

// silencedByShutdown reports whether a's resource is one the shutdown
// service stopped (or is stopping) for the night: its last-action tag says
// stop or stopping. Its alarm actions are then the shutdown service's to
// turn off and back on, and their state is not drift.
func (pl *planning) silencedByShutdown(a *Alarm) bool {
	key := pl.cfg.Tags.ShutdownMarker
	r := pl.refs[a.Resource]
	if key == "" || r == nil {
		return false
	}
	switch strings.TrimSpace(r.Tags[key]) {
	case "stop", "stopping":
		return true
	}
	return false
}
