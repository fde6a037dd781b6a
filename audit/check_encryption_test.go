package audit

import "testing"

func TestEncryptionAtRest(t *testing.T) {
	app := prodTags("pay")
	runCheck(t, checkEncryptionAtRest(), []checkCase{
		{name: "every data store", inv: Inventory{
			DBInstances: []DBInstance{
				{Resource: res(KindRDSInstance, "db-enc", app), Encrypted: true},
				{Resource: res(KindRDSInstance, "db-plain", app)},
				{Resource: res(KindRDSInstance, "aurora-1", app), Cluster: "aurora"},
			},
			DBClusters:    []DBCluster{{Resource: res(KindRDSCluster, "aurora", app), Encrypted: false}},
			Topics:        []Topic{{Resource: res(KindSNSTopic, "t-kms", app), KMSKey: "alias/aws/sns"}, {Resource: res(KindSNSTopic, "t-plain", app)}},
			SearchDomains: []SearchDomain{{Resource: res(KindOpenSearch, "search", app), EncryptedAtRest: false}},
			Buckets:       []Bucket{{Resource: res(KindS3Bucket, "b-enc", app), Encryption: "aws:kms"}, {Resource: res(KindS3Bucket, "b-none", app)}},
			KafkaClusters: []KafkaCluster{{Resource: res(KindMSKCluster, "kafka", app)}},
			Tables: []Table{
				{Resource: res(KindDynamoDB, "owned", app)},
				{Resource: res(KindDynamoDB, "cmk", app), SSEType: "KMS", SSEStatus: "ENABLED"},
				{Resource: res(KindDynamoDB, "back-to-owned", app), SSEType: "KMS", SSEStatus: "DISABLED"},
			},
			Warehouses:  []Warehouse{{Resource: res(KindRedshift, "dw", app), Encrypted: true}},
			FileSystems: []FileSystem{{Resource: res(KindEFS, "fs-1", app)}},
		}, want: map[string]want{
			"db-enc":        {Pass, "storage encrypted"},
			"db-plain":      {Fail, "StorageEncrypted is false"},
			"aurora-1":      {NotApplicable, "member of DB cluster aurora"},
			"aurora":        {Fail, "not encrypted"},
			"t-kms":         {Pass, "alias/aws/sns"},
			"t-plain":       {Fail, "no KmsMasterKeyId"},
			"search":        {Fail, "not enabled"},
			"b-enc":         {Pass, "aws:kms"},
			"b-none":        {Fail, "no default encryption"},
			"kafka":         {Pass, "always encrypts"},
			"owned":         {Pass, "AWS owned key"},
			"cmk":           {Pass, "KMS key"},
			"back-to-owned": {Pass, "KMS, DISABLED; DynamoDB encrypts every table at rest"},
			"dw":            {Pass, "encrypted"},
			"fs-1":          {Fail, "not encrypted"},
		}},
		{name: "nothing to judge", inv: Inventory{}, want: map[string]want{}},
	})
}
