package monitor

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/override"
)

// standing is what the tags and configuration say about watching one
// resource.
type standing struct {
	// watched says the resource gets alarms.
	watched bool
	// why says why it does or does not: "environment production",
	// "opted out by tag opsd:monitor=false".
	why string
	// shutdown says it carries an overnight shutdown tag, so its metrics
	// go silent out of hours.
	shutdown bool
	// thresholds are the valid threshold overrides from its tags, by
	// metric key.
	thresholds map[string]float64
	// off are the metrics its tags switch off, with the tag that does.
	off map[string]string
	// problems are malformed tags, reported and never applied.
	problems []string
	// muted is set while a mute-until tag holds: the alarms are kept,
	// with their actions disabled, until mutedUntil.
	muted      bool
	mutedUntil time.Time
}

// offValues switch a metric's alarm off in an override tag.
var offValues = []string{"off", "false", "none", "disabled"}

// judge decides whether r is watched and reads its per-metric tags and
// its mute-until tag, as of now in loc.
func judge(cfg Config, r *Resource, now time.Time, loc *time.Location) standing {
	keys := cfg.Tags
	var st standing
	optIn := false
	switch v, ok := r.Tags[keys.Monitor]; {
	case !ok:
	case strings.EqualFold(strings.TrimSpace(v), "false"):
		st.why = fmt.Sprintf("opted out by tag %s=%s", keys.Monitor, v)
	case strings.EqualFold(strings.TrimSpace(v), "true"):
		optIn = true
	default:
		st.problems = append(st.problems, fmt.Sprintf("tag %s=%q is neither true nor false; ignored", keys.Monitor, v))
	}
	env := r.Tags[keys.Environment]
	switch {
	case st.why != "":
	case !slices.Contains(cfg.Scope.Kinds, string(r.Kind)):
		st.why = fmt.Sprintf("%s resources are not watched (scope.kinds)", r.Kind)
	case slices.Contains(cfg.Scope.Every, string(r.Kind)):
		st.watched, st.why = true, fmt.Sprintf("every %s is watched", kindNoun(r.Kind))
	case optIn && slices.Contains(cfg.Scope.By, "tag"):
		st.watched, st.why = true, fmt.Sprintf("opted in by tag %s=%s", keys.Monitor, r.Tags[keys.Monitor])
	case slices.Contains(cfg.Scope.By, "environment") && containsFold(cfg.Scope.Environments, env):
		st.watched, st.why = true, fmt.Sprintf("environment %s", env)
	case env == "":
		st.why = fmt.Sprintf("no %s tag and not opted in", keys.Environment)
	default:
		st.why = fmt.Sprintf("environment %s is not watched and not opted in", env)
	}
	st.shutdown = hasShutdownTag(keys.Shutdown, r.Tags)
	st.readOverrides(keys, r)
	st.readMute(keys.MuteUntil, r, now, loc)
	return st
}

// readOverrides reads the <prefix><metric> tags: a number overrides the
// metric's threshold, off drops its alarm. A tag naming no metric of the
// kind, or a value out of the metric's range, is a problem and is ignored.
func (st *standing) readOverrides(keys TagKeys, r *Resource) {
	for _, key := range slices.Sorted(maps.Keys(r.Tags)) {
		metric, ok := strings.CutPrefix(key, keys.OverridePrefix)
		if !ok || key == keys.MuteUntil {
			continue
		}
		value := strings.TrimSpace(r.Tags[key])
		if !slices.Contains(kindMetrics[r.Kind], metric) {
			st.problems = append(st.problems, fmt.Sprintf("tag %s names no alarm of %s (%s); ignored", key, kindNounPlural(r.Kind), strings.Join(kindMetrics[r.Kind], ", ")))
			continue
		}
		if containsFold(offValues, value) {
			if st.off == nil {
				st.off = map[string]string{}
			}
			st.off[metric] = key + "=" + r.Tags[key]
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err == nil {
			err = thresholdUnit(r.Kind, metric).check(v)
		}
		if err != nil {
			st.problems = append(st.problems, fmt.Sprintf("tag %s=%q is not a valid threshold (%s): %v; the default is used", key, r.Tags[key], thresholdUnit(r.Kind, metric).name, plainErr(err)))
			continue
		}
		if st.thresholds == nil {
			st.thresholds = map[string]float64{}
		}
		st.thresholds[metric] = v
	}
}

// plainErr is err's text without strconv's function prefix.
func plainErr(err error) string {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return "not a number"
	}
	return err.Error()
}

// hasShutdownTag reports whether tags hold any of the shutdown keys with a
// value other than false.
func hasShutdownTag(keys []string, tags map[string]string) bool {
	for _, k := range keys {
		if v, ok := tags[k]; ok && !strings.EqualFold(strings.TrimSpace(v), "false") {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(strings.TrimSpace(x), s) })
}

// kindNoun names one resource of kind k in text.
func kindNoun(k Kind) string {
	switch k {
	case KindEC2:
		return "EC2 instance"
	case KindRDS:
		return "DB instance"
	case KindAPI:
		return "REST API"
	case KindALB:
		return "load balancer"
	case KindCanary:
		return "canary"
	case KindSNS:
		return "SNS topic"
	case KindDLQ:
		return "dead-letter queue"
	case KindASG:
		return "Auto Scaling group"
	case KindLambda:
		return "Lambda function"
	case KindECS:
		return "ECS service"
	}
	return string(k)
}

func kindNounPlural(k Kind) string { return kindNoun(k) + "s" }

// readMute reads the mute-until tag, an RFC 3339 time: while it is ahead
// the alarms send nothing. A clock time (HH:MM), which the shutdown and
// patching overrides take, is refused here: they write the time it stands
// for back into their tag, but monitor does not write the tags of the
// resources it watches, and read afresh every day "07:00" would mute
// every night. A value that cannot be read is a problem, and the alarms
// stay as configured (actions on).
func (st *standing) readMute(key string, r *Resource, now time.Time, loc *time.Location) {
	v, ok := r.Tags[key]
	if key == "" || !ok {
		return
	}
	if loc == nil {
		loc = time.UTC
	}
	until, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		why := "is not an RFC 3339 time (2026-12-04T22:00:00Z)"
		if _, clock := override.Until(strings.TrimSpace(v), now, loc); clock == nil {
			why = "is a clock time; monitor takes an RFC 3339 time (2026-12-04T22:00:00Z), since a clock time would mute every day"
		}
		st.problems = append(st.problems, fmt.Sprintf("tag %s=%q %s; the alarms are not muted", key, v, why))
		return
	}
	if now.Before(until) {
		st.muted, st.mutedUntil = true, until
	}
}
