package audit

import (
	"fmt"
	"strings"
)

// checkAPICanary: every deployed API has a running Synthetics canary that
// checks it often enough, and an alarm on the canary's outcome.
//
// A canary is taken to check an API when its name contains the API's id
// or name, when one of its tags holds the API's id or name, or else when
// it carries the API's application tag.
func checkAPICanary() Check {
	return Check{
		ID:       "monitoring.api-canary",
		Pillar:   PillarMonitoring,
		Severity: Warning,
		Title:    "APIs have a canary with an alarm on its outcome",
		Kinds:    []Kind{KindRestAPI},
		Uses:     []Source{SourceSynthetics, SourceCloudWatch},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, api := range inv.APIs {
				if len(api.Stages) == 0 {
					out = append(out, r.notApplicable(inv, api.Resource, "not deployed (no stages)"))
					continue
				}
				out = append(out, apiCanary(r, inv, api))
			}
			return out
		},
	}
}

// syntheticsNamespace is where canaries publish SuccessPercent, Failed and
// Duration, by CanaryName.
const syntheticsNamespace = "CloudWatchSynthetics"

func apiCanary(r *Rules, inv *Inventory, api RestAPI) Finding {
	canaries := canariesFor(r, inv, api)
	if len(canaries) == 0 {
		return r.fail(inv, api.Resource, "no Synthetics canary checks it (none named after it, tagged with its id or name, or tagged %s=%s)",
			r.Keys.Application, orNone(appTag(r, api.Tags)))
	}
	var problems []string
	for _, c := range canaries {
		problem := canaryProblem(r, inv, c)
		if problem == "" {
			alarms := inv.alarmsOn(syntheticsNamespace, nil, "CanaryName", c.Name)
			return r.pass(inv, api.Resource, "canary %s (%s), alarm %s", c.Name, c.Schedule, strings.Join(alarms, ", "))
		}
		problems = append(problems, problem)
	}
	return r.fail(inv, api.Resource, "%s", strings.Join(problems, "; "))
}

// canariesFor returns the canaries that check api: those named or tagged
// after it, or else those of its application.
func canariesFor(r *Rules, inv *Inventory, api RestAPI) []Canary {
	var named, sameApp []Canary
	app := appTag(r, api.Tags)
	for _, c := range inv.Canaries {
		switch {
		case mentions(c.Name, api.ID, api.Name) || tagMentions(c.Tags, api.ID, api.Name):
			named = append(named, c)
		case app != "" && appTag(r, c.Tags) == app:
			sameApp = append(sameApp, c)
		}
	}
	if len(named) > 0 {
		return named
	}
	return sameApp
}

// canaryProblem says what stops a canary from watching an API, or "".
func canaryProblem(r *Rules, inv *Inventory, c Canary) string {
	switch strings.ToUpper(c.State) {
	case "RUNNING", "STARTING", "UPDATING":
	default:
		return fmt.Sprintf("canary %s is %s, not running", c.Name, orNone(c.State))
	}
	if every, ok := scheduleInterval(c.Schedule); ok && every > r.CanaryInterval {
		return fmt.Sprintf("canary %s runs %s, less often than every %s", c.Name, c.Schedule, r.CanaryInterval)
	}
	if len(inv.alarmsOn(syntheticsNamespace, nil, "CanaryName", c.Name)) == 0 {
		return fmt.Sprintf("no alarm on canary %s's outcome (%s SuccessPercent or Failed, CanaryName=%s)", c.Name, syntheticsNamespace, c.Name)
	}
	return ""
}

// mentions reports whether s contains one of the words (ignoring case;
// empty words never match).
func mentions(s string, words ...string) bool {
	s = strings.ToLower(s)
	for _, w := range words {
		if w != "" && strings.Contains(s, strings.ToLower(w)) {
			return true
		}
	}
	return false
}

// tagMentions reports whether a tag value equals one of the words.
func tagMentions(tags map[string]string, words ...string) bool {
	for _, v := range tags {
		for _, w := range words {
			if w != "" && strings.EqualFold(strings.TrimSpace(v), w) {
				return true
			}
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
