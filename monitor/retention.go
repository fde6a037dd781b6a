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
// groups outside the policy can be exempt from it or opted in to
// shortening.
func needsTags(p LogRetention, g LogGroup) bool { return judgeRetention(p, g) != retentionOK }

// tagIs reports whether g's log retention tag has value, ignoring case and
// surrounding spaces.
func tagIs(cfg Config, g LogGroup, value string) bool {
	v, ok := g.Tags[cfg.Tags.LogRetention]
	return ok && strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(value))
}

// exempt reports whether g's tags exempt it from the policy.
func exempt(cfg Config, g LogGroup) bool { return tagIs(cfg, g, cfg.LogRetention.ExemptValue) }

// shortenAllowedBy returns what allows shortening g's retention
// (monitor.log_retention.shorten, a prefix of shorten_prefixes, or g's
// tag), or "" when nothing does.
func shortenAllowedBy(cfg Config, g LogGroup) string {
	p := cfg.LogRetention
	if p.Shorten {
		return "monitor.log_retention.shorten"
	}
	for _, prefix := range p.ShortenPrefixes {
		if prefix != "" && strings.HasPrefix(g.Name, prefix) {
			return fmt.Sprintf("monitor.log_retention.shorten_prefixes %q", prefix)
		}
	}
	if tagIs(cfg, g, p.ShortenValue) {
		return "tag " + cfg.Tags.LogRetention + "=" + strings.TrimSpace(p.ShortenValue)
	}
	return ""
}

// retentionChanges brings log groups' retention within the policy, except
// those exempted by tag. A retention below the policy is lengthened to
// Days: nothing is deleted. A log group keeping events forever or longer
// than the policy is shortened to Days only where shortening is allowed
// (shortenAllowedBy), since that deletes its older events; elsewhere it is
// reported and left as it is.
func (pl *planning) retentionChanges() []*Change {
	p := pl.cfg.LogRetention
	if !p.Enabled || !pl.obs.LogGroupsListed {
		return nil
	}
	var out []*Change
	for _, g := range pl.obs.LogGroups {
		v := judgeRetention(p, g)
		if v == retentionOK || exempt(pl.cfg, g) {
			continue
		}
		out = append(out, pl.retentionChange(g, v))
	}
	return out
}

// retentionChange is the change or report for g, whose verdict v is not
// retentionOK.
func (pl *planning) retentionChange(g LogGroup, v retentionVerdict) *Change {
	p := pl.cfg.LogRetention
	keeps := fmt.Sprintf("keeps events for %d days", g.RetentionDays)
	from := fmt.Sprint(g.RetentionDays)
	if v == retentionNone {
		keeps, from = "keeps events forever", "never expire"
	}
	said := fmt.Sprintf("%s; the policy says %d–%d days", keeps, p.MinDays, p.MaxDays)
	details := map[string]string{"from_days": from, "to_days": fmt.Sprint(p.Days)}
	set := &Change{Object: ObjectLogGroup, Op: OpSet, Name: g.Name, Details: details, retention: int32(p.Days)}
	if v == retentionShort {
		details["deletes"] = "nothing"
		set.Reason = fmt.Sprintf("%s; set to %d days: keeps events longer, deletes nothing", said, p.Days)
		return set
	}
	by := shortenAllowedBy(pl.cfg, g)
	if by == "" {
		delete(details, "to_days")
		return report(g.Name, fmt.Sprintf(
			"%s; not changed: shortening is opt-in (monitor.log_retention.shorten / shorten_prefixes); or tag the log group %s=%s",
			said, pl.cfg.Tags.LogRetention, strings.TrimSpace(p.ShortenValue)), details)
	}
	deletes := fmt.Sprintf("deletes events older than %d days", p.Days)
	details["deletes"] = fmt.Sprintf("events older than %d days", p.Days)
	details["shortening_allowed_by"] = by
	set.Reason = fmt.Sprintf("%s; set to %d days: %s (shortening allowed by %s)", said, p.Days, deletes, by)
	set.shortens = true
	return set
}
