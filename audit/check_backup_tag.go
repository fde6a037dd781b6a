package audit

import (
	"slices"
	"strings"
)

// checkBackupPolicyTag: every data store AWS Backup backs up carries a
// valid backup policy tag (seed 000's list: RDS, DynamoDB, EFS, EC2).
func checkBackupPolicyTag() Check {
	return Check{
		ID:       "reliability.backup-policy-tag",
		Pillar:   PillarReliability,
		Severity: Critical,
		Title:    "Data stores carry a valid BackupPolicy tag",
		Kinds:    []Kind{KindRDSInstance, KindRDSCluster, KindDynamoDB, KindEFS, KindEC2Instance},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, db := range inv.DBInstances {
				switch {
				case db.Cluster != "":
					out = append(out, r.notApplicable(inv, db.Resource, "member of DB cluster %s, which AWS Backup backs up", db.Cluster))
				case db.ReplicaOf != "":
					out = append(out, r.notApplicable(inv, db.Resource, "read replica of %s, whose backups cover it", db.ReplicaOf))
				default:
					out = append(out, backupTag(r, inv, db.Resource))
				}
			}
			for _, c := range inv.DBClusters {
				out = append(out, backupTag(r, inv, c.Resource))
			}
			for _, t := range inv.Tables {
				out = append(out, backupTag(r, inv, t.Resource))
			}
			for _, fs := range inv.FileSystems {
				out = append(out, backupTag(r, inv, fs.Resource))
			}
			for _, in := range inv.Instances {
				if in.Group != "" {
					out = append(out, r.notApplicable(inv, in.Resource, "launched by Auto Scaling group %s, which replaces it", in.Group))
					continue
				}
				out = append(out, backupTag(r, inv, in.Resource))
			}
			return out
		},
	}
}

func backupTag(r *Rules, inv *Inventory, res Resource) Finding {
	key := r.Keys.BackupPolicy
	v, ok := res.Tags[key]
	switch {
	case !ok || strings.TrimSpace(v) == "":
		return r.fail(inv, res, "no %s tag: AWS Backup does not back it up", key)
	case slices.Contains(r.BackupPolicies, v):
		return r.pass(inv, res, "%s=%s", key, v)
	}
	for _, p := range r.BackupPolicies {
		if sameWord(p, v) {
			return r.fail(inv, res, "%s=%s: AWS Backup selections are case-sensitive, use %s", key, v, p)
		}
	}
	return r.fail(inv, res, "%s=%s is not a backup policy (%s)", key, v, strings.Join(r.BackupPolicies, ", "))
}
