package audit

// checkEncryptionAtRest: every service that stores data encrypts it at
// rest (RDS, SNS, OpenSearch, S3, MSK, DynamoDB, Redshift, and EFS under
// the checklist's general rule that all data stores encrypt).
func checkEncryptionAtRest() Check {
	return Check{
		ID:       "security.encryption-at-rest",
		Pillar:   PillarSecurity,
		Severity: Critical,
		Title:    "Data is encrypted at rest",
		Kinds:    []Kind{KindRDSInstance, KindRDSCluster, KindSNSTopic, KindOpenSearch, KindS3Bucket, KindMSKCluster, KindDynamoDB, KindRedshift, KindEFS},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, db := range inv.DBInstances {
				if db.Cluster != "" {
					out = append(out, r.notApplicable(inv, db.Resource, "member of DB cluster %s, whose storage is judged with the cluster", db.Cluster))
					continue
				}
				out = append(out, r.judge(inv, db.Resource, db.Encrypted, "storage encrypted", "storage not encrypted (StorageEncrypted is false)"))
			}
			for _, c := range inv.DBClusters {
				out = append(out, r.judge(inv, c.Resource, c.Encrypted, "storage encrypted", "storage not encrypted (StorageEncrypted is false)"))
			}
			for _, t := range inv.Topics {
				out = append(out, r.judge(inv, t.Resource, t.KMSKey != "", "encrypted with KMS key "+t.KMSKey,
					"server-side encryption is off (no KmsMasterKeyId): messages are stored unencrypted"))
			}
			for _, d := range inv.SearchDomains {
				out = append(out, r.judge(inv, d.Resource, d.EncryptedAtRest, "encryption at rest enabled", "encryption at rest is not enabled"))
			}
			for _, b := range inv.Buckets {
				out = append(out, r.judge(inv, b.Resource, b.Encryption != "", "default encryption "+b.Encryption, "no default encryption configuration"))
			}
			for _, k := range inv.KafkaClusters {
				reason := "MSK always encrypts data at rest (AWS managed key)"
				if k.KMSKey != "" {
					reason = "data volumes encrypted with KMS key " + k.KMSKey
				}
				out = append(out, r.pass(inv, k.Resource, "%s", reason))
			}
			for _, t := range inv.Tables {
				out = append(out, tableEncryption(r, inv, t))
			}
			for _, w := range inv.Warehouses {
				out = append(out, r.judge(inv, w.Resource, w.Encrypted, "cluster encrypted", "cluster not encrypted"))
			}
			for _, fs := range inv.FileSystems {
				out = append(out, r.judge(inv, fs.Resource, fs.Encrypted, "file system encrypted", "file system not encrypted (encryption can only be chosen at creation: copy the data to an encrypted file system)"))
			}
			return out
		},
	}
}

// tableEncryption judges a DynamoDB table. DynamoDB encrypts every table
// at rest and this cannot be turned off; what varies is the key.
func tableEncryption(r *Rules, inv *Inventory, t Table) Finding {
	if t.SSEType == "" {
		return r.pass(inv, t.Resource, "encrypted with the AWS owned key (DynamoDB encrypts every table at rest)")
	}
	return r.pass(inv, t.Resource, "encrypted with a KMS key (%s, %s; DynamoDB encrypts every table at rest)", t.SSEType, orNone(t.SSEStatus))
}
