package audit

import "strings"

// checkAPI5xxAlarm: every deployed API has an alarm on its 5XX errors.
func checkAPI5xxAlarm() Check {
	return Check{
		ID:       "monitoring.api-5xx-alarm",
		Pillar:   PillarMonitoring,
		Severity: Warning,
		Title:    "APIs have a 5XX error alarm",
		Kinds:    []Kind{KindRestAPI},
		Uses:     []Source{SourceCloudWatch},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, api := range inv.APIs {
				if len(api.Stages) == 0 {
					out = append(out, r.notApplicable(inv, api.Resource, "not deployed (no stages)"))
					continue
				}
				alarms := inv.alarmsOn("AWS/ApiGateway", []string{"5XXError"}, "ApiName", api.Name)
				out = append(out, r.judge(inv, api.Resource, len(alarms) > 0,
					"alarm "+strings.Join(alarms, ", "),
					"no alarm on AWS/ApiGateway 5XXError with ApiName="+api.Name))
			}
			return out
		},
	}
}

// checkAPITracing: X-Ray tracing is on in every stage of every API.
func checkAPITracing() Check {
	return Check{
		ID:       "monitoring.api-xray",
		Pillar:   PillarMonitoring,
		Severity: Warning,
		Title:    "APIs have X-Ray tracing on",
		Kinds:    []Kind{KindRestAPI},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, api := range inv.APIs {
				if len(api.Stages) == 0 {
					out = append(out, r.notApplicable(inv, api.Resource, "not deployed (no stages)"))
					continue
				}
				var off, on []string
				for _, s := range api.Stages {
					if s.Tracing {
						on = append(on, s.Name)
					} else {
						off = append(off, s.Name)
					}
				}
				out = append(out, r.judge(inv, api.Resource, len(off) == 0,
					"tracing on in stage "+strings.Join(on, ", "),
					"X-Ray tracing off in stage "+strings.Join(off, ", ")))
			}
			return out
		},
	}
}
