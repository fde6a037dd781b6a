package audit

import "strings"

// checkRDSPrivate: RDS instances are not publicly accessible and are
// hosted in private subnets.
func checkRDSPrivate() Check {
	return Check{
		ID:       "security.rds-private",
		Pillar:   PillarSecurity,
		Severity: Critical,
		Title:    "RDS is not publicly accessible and in private subnets",
		Kinds:    []Kind{KindRDSInstance},
		Uses:     []Source{SourceNetwork},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, db := range inv.DBInstances {
				var problems []string
				if db.PubliclyAccessible {
					problems = append(problems, "publicly accessible")
				}
				f := privateSubnets(r, inv, db.Resource, db.Subnets, problems)
				out = append(out, f)
			}
			return out
		},
	}
}

// checkOpenSearchPrivate: OpenSearch domains are hosted in private
// subnets of a VPC.
func checkOpenSearchPrivate() Check {
	return Check{
		ID:       "security.opensearch-private",
		Pillar:   PillarSecurity,
		Severity: Critical,
		Title:    "OpenSearch domains are in private subnets",
		Kinds:    []Kind{KindOpenSearch},
		Uses:     []Source{SourceNetwork},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, d := range inv.SearchDomains {
				if d.VPC == "" && len(d.Subnets) == 0 {
					out = append(out, r.fail(inv, d.Resource, "has a public endpoint: the domain is not in a VPC"))
					continue
				}
				out = append(out, privateSubnets(r, inv, d.Resource, d.Subnets, nil))
			}
			return out
		},
	}
}

// privateSubnets judges a resource hosted in subnets: it fails with the
// problems already found and any public subnet, is unknown when a subnet
// cannot be found, and passes otherwise.
func privateSubnets(r *Rules, inv *Inventory, res Resource, subnets []string, problems []string) Finding {
	var unknown []string
	for _, id := range subnets {
		s, ok := inv.subnet(id)
		switch {
		case !ok:
			unknown = append(unknown, id)
		case s.Public:
			problems = append(problems, "in public subnet "+id+" ("+s.Route+")")
		}
	}
	switch {
	case len(problems) > 0:
		return r.fail(inv, res, "%s", strings.Join(problems, "; "))
	case len(subnets) == 0:
		return r.unknown(inv, res, "no subnets reported")
	case len(unknown) > 0:
		return r.unknown(inv, res, "subnet(s) %s not found", strings.Join(unknown, ", "))
	}
	return r.pass(inv, res, "in private subnets %s", strings.Join(subnets, ", "))
}
