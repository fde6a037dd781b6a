package audit

import (
	"strings"
)

// checkRDSReadReplica: production RDS databases have a read replica to
// fail over to.
func checkRDSReadReplica() Check {
	return Check{
		ID:             "availability.rds-read-replica",
		Pillar:         PillarAvailability,
		Severity:       Warning,
		Title:          "Production RDS databases have a read replica",
		Kinds:          []Kind{KindRDSInstance, KindRDSCluster},
		ProductionOnly: true,
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, db := range inv.DBInstances {
				switch {
				case db.Cluster != "":
					out = append(out, r.notApplicable(inv, db.Resource, "member of DB cluster %s, judged with the cluster", db.Cluster))
				case db.ReplicaOf != "":
					out = append(out, r.notApplicable(inv, db.Resource, "is itself a read replica of %s", db.ReplicaOf))
				case len(db.Replicas) > 0:
					out = append(out, r.pass(inv, db.Resource, "read replica %s", strings.Join(db.Replicas, ", ")))
				default:
					out = append(out, r.fail(inv, db.Resource, "has no read replica"))
				}
			}
			for _, c := range inv.DBClusters {
				out = append(out, clusterReplica(r, inv, c))
			}
			return out
		},
	}
}

func clusterReplica(r *Rules, inv *Inventory, c DBCluster) Finding {
	var readers []string
	for _, m := range c.Members {
		if !m.Writer {
			readers = append(readers, m.ID)
		}
	}
	switch {
	case len(readers) > 0:
		return r.pass(inv, c.Resource, "reader instance %s", strings.Join(readers, ", "))
	case len(c.Replicas) > 0:
		return r.pass(inv, c.Resource, "read replica %s", strings.Join(c.Replicas, ", "))
	}
	return r.fail(inv, c.Resource, "has no reader instance or read replica")
}
