package audit

import "testing"

func TestBackupPolicyTag(t *testing.T) {
	runCheck(t, checkBackupPolicyTag(), []checkCase{
		{name: "data stores", inv: Inventory{
			DBInstances: []DBInstance{
				{Resource: res(KindRDSInstance, "db-prod", prodTags("pay"))},
				{Resource: res(KindRDSInstance, "db-lower", prodTags("pay", "BackupPolicy", "prod"))},
				{Resource: res(KindRDSInstance, "db-none", tags("Application", "pay"))},
				{Resource: res(KindRDSInstance, "db-member", tags("Application", "pay")), Cluster: "aurora"},
				{Resource: res(KindRDSInstance, "db-replica", tags("Application", "pay")), ReplicaOf: "db-prod"},
			},
			DBClusters:  []DBCluster{{Resource: res(KindRDSCluster, "aurora", devTags("pay"))}},
			Tables:      []Table{{Resource: res(KindDynamoDB, "table", prodTags("pay", "BackupPolicy", "Weekly"))}},
			FileSystems: []FileSystem{{Resource: res(KindEFS, "fs-1", prodTags("pay", "BackupPolicy", " "))}},
			Instances: []Instance{
				{Resource: res(KindEC2Instance, "i-solo", prodTags("pay", "BackupPolicy", "Mgmt"))},
				{Resource: res(KindEC2Instance, "i-asg", nil), Group: "web"},
			},
		}, want: map[string]want{
			"db-prod":    {Pass, "BackupPolicy=Prod"},
			"db-lower":   {Fail, "BackupPolicy=prod: AWS Backup selections are case-sensitive, use Prod"},
			"db-none":    {Fail, "no BackupPolicy tag"},
			"db-member":  {NotApplicable, "member of DB cluster aurora"},
			"db-replica": {NotApplicable, "read replica of db-prod"},
			"aurora":     {Pass, "BackupPolicy=Dev"},
			"table":      {Fail, "BackupPolicy=Weekly is not a backup policy (Dev, Stg, Preprod, Prod, Mgmt)"},
			"fs-1":       {Fail, "no BackupPolicy tag"},
			"i-solo":     {Pass, "Mgmt"},
			"i-asg":      {NotApplicable, "Auto Scaling group web"},
		}},
	})
}
