package audit

import "testing"

func TestRDSAutomatedBackups(t *testing.T) {
	runCheck(t, checkRDSAutomatedBackups(), []checkCase{
		{name: "instances", inv: Inventory{
			DBInstances: []DBInstance{
				{Resource: res(KindRDSInstance, "db-kept", prodTags("pay")), BackupRetentionDays: 7, BackupRetentionKnown: true},
				{Resource: res(KindRDSInstance, "db-off-tagged", prodTags("pay")), BackupRetentionKnown: true},
				{Resource: res(KindRDSInstance, "db-off", tags("Application", "pay", "Environment", "development")), BackupRetentionKnown: true},
				{Resource: res(KindRDSInstance, "db-unread", prodTags("pay"))},
				{Resource: res(KindRDSInstance, "db-member", prodTags("pay")), Cluster: "aurora", BackupRetentionKnown: true},
				{Resource: res(KindRDSInstance, "db-replica", prodTags("pay")), ReplicaOf: "db-kept", BackupRetentionKnown: true},
			},
		}, want: map[string]want{
			"db-kept":       {Pass, "automated backups kept 7 days"},
			"db-off-tagged": {Fail, "automated backups are off (BackupRetentionPeriod=0) although it carries BackupPolicy=Prod"},
			"db-off":        {Fail, "automated backups are off (BackupRetentionPeriod=0): no point-in-time restore"},
			"db-unread":     {Unknown, "BackupRetentionPeriod was not returned"},
			"db-member":     {NotApplicable, "member of DB cluster aurora"},
			"db-replica":    {NotApplicable, "read replica of db-kept"},
		}},
	})
}
