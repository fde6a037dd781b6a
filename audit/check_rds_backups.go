package audit

import "strings"

// checkRDSAutomatedBackups: RDS DB instances keep automated backups
// (BackupRetentionPeriod above 0). With 0, RDS takes no automated backups:
// the instance cannot be restored to a point in time, and no read replica
// can be made from it. A BackupPolicy tag does not make up for it: AWS
// Backup's snapshots restore only to the moment each was taken (and when
// AWS Backup keeps continuous backups of an instance, it manages that
// retention, which is then above 0). A DB cluster's members keep their
// cluster's backups (an Aurora or Multi-AZ DB cluster keeps at least one
// day); a read replica is covered by its source's.
func checkRDSAutomatedBackups() Check {
	return Check{
		ID:       "reliability.rds-automated-backups",
		Pillar:   PillarReliability,
		Severity: Critical,
		Title:    "RDS DB instances keep automated backups",
		Kinds:    []Kind{KindRDSInstance},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, db := range inv.DBInstances {
				out = append(out, rdsAutomatedBackups(r, inv, db))
			}
			return out
		},
	}
}

func rdsAutomatedBackups(r *Rules, inv *Inventory, db DBInstance) Finding {
	switch {
	case db.Cluster != "":
		return r.notApplicable(inv, db.Resource, "member of DB cluster %s, which keeps the automated backups", db.Cluster)
	case db.ReplicaOf != "":
		return r.notApplicable(inv, db.Resource, "read replica of %s, whose automated backups cover it", db.ReplicaOf)
	case !db.BackupRetentionKnown:
		return r.unknown(inv, db.Resource, "BackupRetentionPeriod was not returned")
	case db.BackupRetentionDays > 0:
		return r.pass(inv, db.Resource, "automated backups kept %d days", db.BackupRetentionDays)
	}
	key := r.Keys.BackupPolicy
	if v := strings.TrimSpace(db.Tags[key]); v != "" {
		return r.fail(inv, db.Resource, "automated backups are off (BackupRetentionPeriod=0) although it carries %s=%s: AWS Backup's snapshots restore only to when each was taken, not to a point in time, and no read replica can be made from it", key, v)
	}
	return r.fail(inv, db.Resource, "automated backups are off (BackupRetentionPeriod=0): no point-in-time restore, and no read replica can be made from it")
}
