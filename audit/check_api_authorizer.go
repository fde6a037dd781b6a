package audit

import (
	"strings"

	"github.com/opsd-dev/opsd/notify"
)

// checkAPIAuthorizer: every API Gateway method is secured by an
// authorizer, except documentation routes (Swagger) and CORS preflight.
func checkAPIAuthorizer() Check {
	return Check{
		ID:       "security.api-authorizer",
		Pillar:   PillarSecurity,
		Severity: Critical,
		Title:    "API Gateway methods have an authorizer",
		Kinds:    []Kind{KindRestAPI},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, api := range inv.APIs {
				out = append(out, apiAuthorizer(r, inv, api))
			}
			return out
		},
	}
}

func apiAuthorizer(r *Rules, inv *Inventory, api RestAPI) Finding {
	if len(api.Methods) == 0 {
		return r.notApplicable(inv, api.Resource, "has no methods")
	}
	var open []string
	excepted := 0
	for _, m := range api.Methods {
		if r.docsRoute(m.Path) || containsFold(r.OpenMethods, m.HTTPMethod) {
			excepted++
			continue
		}
		if t := strings.ToUpper(m.AuthorizationType); t == "" || t == "NONE" {
			open = append(open, m.HTTPMethod+" "+m.Path)
		}
	}
	checked := len(api.Methods) - excepted
	switch {
	case len(open) > 0:
		return r.fail(inv, api.Resource, "%d of %d methods have no authorizer: %s", len(open), checked, list(open, 10))
	case checked == 0:
		return r.notApplicable(inv, api.Resource, "has only documentation or preflight methods")
	}
	reason := notify.Count(checked, "method has", "methods have") + " an authorizer"
	if excepted > 0 {
		reason += " (" + notify.Count(excepted, "documentation or preflight method", "documentation or preflight methods") + " excepted)"
	}
	return r.pass(inv, api.Resource, "%s", reason)
}

// docsRoute reports whether path is a documentation route: one of the
// configured prefixes itself, or under it ("/swagger/{proxy+}",
// "/swagger.json").
func (r *Rules) docsRoute(path string) bool {
	for _, p := range r.DocsRoutes {
		p = strings.TrimSuffix(p, "/")
		if p == "" {
			continue
		}
		if path == p || strings.HasPrefix(path, p+"/") || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}
