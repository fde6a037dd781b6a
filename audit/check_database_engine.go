package audit

import "strings"

// checkDatabaseEngine: relational databases are RDS Postgres unless an
// exception was agreed (recorded in the database exception tag). DynamoDB
// and S3 are preferred technologies and always pass, so only RDS (which
// also lists DocumentDB and Neptune) is judged.
func checkDatabaseEngine() Check {
	return Check{
		ID:       "cost.database-engine",
		Pillar:   PillarCost,
		Severity: Warning,
		Title:    "Databases are DynamoDB, RDS Postgres or S3 unless agreed",
		Kinds:    []Kind{KindRDSInstance, KindRDSCluster},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, db := range inv.DBInstances {
				if db.Cluster != "" {
					out = append(out, r.notApplicable(inv, db.Resource, "member of DB cluster %s, judged with the cluster", db.Cluster))
					continue
				}
				out = append(out, engine(r, inv, db.Resource, db.Engine))
			}
			for _, c := range inv.DBClusters {
				out = append(out, engine(r, inv, c.Resource, c.Engine))
			}
			return out
		},
	}
}

func engine(r *Rules, inv *Inventory, res Resource, name string) Finding {
	if containsFold(r.DatabaseEngines, name) {
		return r.pass(inv, res, "engine %s", name)
	}
	if v := strings.TrimSpace(res.Tags[r.Keys.DatabaseException]); v != "" {
		return r.pass(inv, res, "engine %s, agreed exception (%s=%s)", name, r.Keys.DatabaseException, v)
	}
	return r.fail(inv, res, "engine %s: use RDS Postgres (relational), DynamoDB (NoSQL) or S3 (files), or record the agreed exception in the %s tag",
		name, r.Keys.DatabaseException)
}
