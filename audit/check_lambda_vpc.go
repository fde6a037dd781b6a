package audit

import (
	"fmt"
	"sort"
	"strings"
)

// checkLambdaVPC: a Lambda function that reaches a database hosted in
// private subnets runs in that database's VPC, in private subnets.
//
// A function reaches a database when one of its environment variables
// holds the database's endpoint, or when both carry the same application
// tag (connection details kept in Secrets Manager or SSM are not visible
// otherwise).
func checkLambdaVPC() Check {
	return Check{
		ID:       "security.lambda-in-database-vpc",
		Pillar:   PillarSecurity,
		Severity: Warning,
		Title:    "Lambdas that reach a private database run in its VPC",
		Kinds:    []Kind{KindLambda},
		Uses:     []Source{SourceRDS, SourceNetwork},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			dbs := privateDatabases(r, inv)
			var out []Finding
			for _, fn := range inv.Functions {
				out = append(out, lambdaVPC(r, inv, fn, dbs))
			}
			return out
		},
	}
}

// privateDB is a database whose subnets are all private.
type privateDB struct {
	id        string
	vpc       string
	endpoints []string
	app       string
}

// privateDatabases returns the DB instances and clusters of inv hosted in
// private subnets only. A cluster takes its VPC from its members.
func privateDatabases(r *Rules, inv *Inventory) []privateDB {
	var out []privateDB
	vpcOf := map[string]string{}
	for _, db := range inv.DBInstances {
		if db.PubliclyAccessible || db.VPC == "" || !allPrivate(inv, db.Subnets) {
			continue
		}
		vpcOf[db.ID] = db.VPC
		out = append(out, privateDB{id: db.ID, vpc: db.VPC, endpoints: nonEmpty(db.Endpoint), app: appTag(r, db.Tags)})
	}
	for _, c := range inv.DBClusters {
		for _, m := range c.Members {
			if vpc, ok := vpcOf[m.ID]; ok {
				out = append(out, privateDB{id: c.ID, vpc: vpc, endpoints: c.Endpoints, app: appTag(r, c.Tags)})
				break
			}
		}
	}
	return out
}

// allPrivate reports whether subnets is not empty and every one of them
// is known and private.
func allPrivate(inv *Inventory, subnets []string) bool {
	if len(subnets) == 0 {
		return false
	}
	for _, id := range subnets {
		s, ok := inv.subnet(id)
		if !ok || s.Public {
			return false
		}
	}
	return true
}

func lambdaVPC(r *Rules, inv *Inventory, fn Function, dbs []privateDB) Finding {
	type reach struct {
		db  privateDB
		why string
	}
	var reached []reach
	app := appTag(r, fn.Tags)
	for _, db := range dbs {
		if v := envReferencing(fn.Environment, db.endpoints); v != "" {
			reached = append(reached, reach{db, "environment variable " + v + " holds its endpoint"})
		} else if app != "" && app == db.app {
			reached = append(reached, reach{db, "same " + r.Keys.Application + " tag"})
		}
	}
	if len(reached) == 0 {
		return r.notApplicable(inv, fn.Resource, "reaches no database hosted in private subnets")
	}
	var problems, names []string
	for _, x := range reached {
		names = append(names, x.db.id)
		switch {
		case fn.VPC == "":
			problems = append(problems, fmt.Sprintf("reaches database %s in %s (%s) but is not attached to a VPC", x.db.id, x.db.vpc, x.why))
		case fn.VPC != x.db.vpc:
			problems = append(problems, fmt.Sprintf("reaches database %s in %s (%s) but runs in %s", x.db.id, x.db.vpc, x.why, fn.VPC))
		}
	}
	if len(problems) > 0 {
		return r.fail(inv, fn.Resource, "%s", strings.Join(problems, "; "))
	}
	var public, unknown []string
	for _, id := range fn.Subnets {
		s, ok := inv.subnet(id)
		switch {
		case !ok:
			unknown = append(unknown, id)
		case s.Public:
			public = append(public, id)
		}
	}
	switch {
	case len(public) > 0:
		return r.fail(inv, fn.Resource, "runs in %s but in public subnet(s) %s", fn.VPC, strings.Join(public, ", "))
	case len(unknown) > 0:
		return r.unknown(inv, fn.Resource, "subnet(s) %s not found", strings.Join(unknown, ", "))
	}
	sort.Strings(names)
	return r.pass(inv, fn.Resource, "runs in private subnets of %s with database %s", fn.VPC, strings.Join(names, ", "))
}

// envReferencing returns the name of the first environment variable whose
// value holds one of endpoints, or "".
func envReferencing(env map[string]string, endpoints []string) string {
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := strings.ToLower(env[k])
		for _, e := range endpoints {
			if e != "" && strings.Contains(v, strings.ToLower(e)) {
				return k
			}
		}
	}
	return ""
}

// appTag returns the application tag's value, "" when there is none.
func appTag(r *Rules, tags map[string]string) string {
	return strings.TrimSpace(tags[r.Keys.Application])
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
