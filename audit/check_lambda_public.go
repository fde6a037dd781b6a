package audit

// checkLambdaPublicInvoke: no Lambda resource policy allows public
// invocation.
func checkLambdaPublicInvoke() Check {
	return Check{
		ID:       "security.lambda-public-invoke",
		Pillar:   PillarSecurity,
		Severity: Critical,
		Title:    "Lambda resource policies allow no public invocation",
		Kinds:    []Kind{KindLambda},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, fn := range inv.Functions {
				out = append(out, lambdaPublicInvoke(r, inv, fn))
			}
			return out
		},
	}
}

func lambdaPublicInvoke(r *Rules, inv *Inventory, fn Function) Finding {
	if fn.Policy == "" {
		return r.pass(inv, fn.Resource, "no resource-based policy")
	}
	public, err := publicInvokeStatements(fn.Policy)
	switch {
	case err != nil:
		return r.unknown(inv, fn.Resource, "%v", err)
	case len(public) > 0:
		return r.fail(inv, fn.Resource, "resource policy lets anyone invoke it (principal * with no source or account condition): %s", list(public, 5))
	}
	return r.pass(inv, fn.Resource, "resource policy allows no public invocation")
}
