package monitor

import (
	"fmt"
	"strings"
)

// logGroupClassDelivery is the log group class whose retention AWS fixes.
const logGroupClassDelivery = "DELIVERY"

// retentionVerdict is what the retention policy says about one log group,
// before its tags are known.
type retentionVerdict int

const (
	retentionOK retentionVerdict = iota
	retentionNone
	retentionShort
	retentionLong
)

// judgeRetention compares a log group's retention with the policy.
func judgeRetention(p LogRetention, g LogGroup) retentionVerdict {
	switch {
	case !p.Enabled || g.Class == logGroupClassDelivery:
		return retentionOK
	case g.RetentionDays == 0:
		return retentionNone
	case int(g.RetentionDays) < p.MinDays:
		return retentionShort
	case int(g.RetentionDays) > p.MaxDays:
		return retentionLong
	}
	return retentionOK
}

// needsTags reports whether the observer must read g's tags: only log
// groups outside the policy can be exempt from it.
func needsTags(p LogRetention, g LogGroup) bool { return judgeRetention(p, g) != retentionOK }

// exempt reports whether g's tags exempt it from the policy.
func exempt(cfg Config, g LogGroup) bool {
	v, ok := g.Tags[cfg.Tags.LogRetention]
	return ok && strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(cfg.LogRetention.ExemptValue))
}

// retentionChanges sets the policy's retention on every log group that
// keeps events forever or for a time outside the policy's range, except
// those exempted by tag. With shorten off, a log group keeping events
// longer than the policy is reported instead: shortening deletes its
// older events.
func (pl *planning) retentionChanges() []*Change {
	p := pl.cfg.LogRetention
	if !p.Enabled || !pl.obs.LogGroupsListed {
		return nil
	}
	policy := fmt.Sprintf("the policy keeps %d to %d days", p.MinDays, p.MaxDays)
	var out []*Change
	for _, g := range pl.obs.LogGroups {
		v := judgeRetention(p, g)
		if v == retentionOK || exempt(pl.cfg, g) {
			continue
		}
		details := map[string]string{"from_days": fmt.Sprint(g.RetentionDays), "to_days": fmt.Sprint(p.Days)}
		var reason string
		switch v {
		case retentionNone:
			reason = "events never expire; " + policy
			details["from_days"] = "never expire"
		case retentionShort:
			reason = fmt.Sprintf("retention of %d days is below the policy (%d to %d days)", g.RetentionDays, p.MinDays, p.MaxDays)
		case retentionLong:
			reason = fmt.Sprintf("retention of %d days is above the policy (%d to %d days)", g.RetentionDays, p.MinDays, p.MaxDays)
			if !p.Shorten {
				out = append(out, report(g.Name, reason+"; shortening is off (log_retention.shorten), so it is left as it is", details))
				continue
			}
			details["warning"] = fmt.Sprintf("events older than %d days will be deleted", p.Days)
		}
		out = append(out, &Change{Object: ObjectLogGroup, Op: OpSet, Name: g.Name, Reason: reason, Details: details, retention: int32(p.Days)})
	}
	return out
}
