package audit

import "strings"

// checkLogRetention: log groups keep events for 6 to 8 months (the
// configured range).
//
// A log group without the application tag is attributed to the Lambda
// function or REST API that writes it, when it is one's.
func checkLogRetention() Check {
	return Check{
		ID:       "monitoring.log-retention",
		Pillar:   PillarMonitoring,
		Severity: Warning,
		Title:    "Log groups retain logs for 6 to 8 months",
		Kinds:    []Kind{KindLogGroup},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, lg := range inv.LogGroups {
				res := lg.Resource
				res.Tags = logGroupTags(r, inv, lg)
				days, rng := lg.RetentionDays, r.LogRetention
				switch {
				case days == 0:
					out = append(out, r.fail(inv, res, "events never expire; set a retention of %d–%d days", rng.MinDays, rng.MaxDays))
				case days < rng.MinDays || days > rng.MaxDays:
					out = append(out, r.fail(inv, res, "retains %d days; must be %d–%d", days, rng.MinDays, rng.MaxDays))
				default:
					out = append(out, r.pass(inv, res, "retains %d days", days))
				}
			}
			return out
		},
	}
}

// logGroupTags returns the tags a log group is judged under: its own, or,
// when it has no application tag, those of the function or API writing it.
func logGroupTags(r *Rules, inv *Inventory, lg LogGroup) map[string]string {
	if appTag(r, lg.Tags) != "" {
		return lg.Tags
	}
	name := lg.ID
	for _, fn := range inv.Functions {
		if name == fn.LogGroup || name == "/aws/lambda/"+fn.ID {
			return fn.Tags
		}
	}
	if rest, ok := strings.CutPrefix(name, "API-Gateway-Execution-Logs_"); ok {
		id, _, _ := strings.Cut(rest, "/")
		for _, api := range inv.APIs {
			if api.ID == id {
				return api.Tags
			}
		}
	}
	return lg.Tags
}
