package audit

import "testing"

func TestDatabaseEngine(t *testing.T) {
	app := prodTags("pay")
	runCheck(t, checkDatabaseEngine(), []checkCase{
		{name: "engines", inv: Inventory{
			DBInstances: []DBInstance{
				{Resource: res(KindRDSInstance, "pg", app), Engine: "postgres"},
				{Resource: res(KindRDSInstance, "mysql", app), Engine: "mysql"},
				{Resource: res(KindRDSInstance, "oracle-agreed", prodTags("pay", "DatabaseException", "ADR-12")), Engine: "oracle-ee"},
				{Resource: res(KindRDSInstance, "member", app), Engine: "aurora-mysql", Cluster: "aurora"},
			},
			DBClusters: []DBCluster{
				{Resource: res(KindRDSCluster, "aurora", app), Engine: "aurora-mysql"},
				{Resource: res(KindRDSCluster, "aurora-pg", app), Engine: "Aurora-PostgreSQL"},
				{Resource: res(KindRDSCluster, "docs", app), Engine: "docdb"},
			},
		}, want: map[string]want{
			"pg":            {Pass, "engine postgres"},
			"mysql":         {Fail, "engine mysql: use RDS Postgres"},
			"oracle-agreed": {Pass, "agreed exception (DatabaseException=ADR-12)"},
			"member":        {NotApplicable, "member of DB cluster aurora"},
			"aurora":        {Fail, "record the agreed exception in the DatabaseException tag"},
			"aurora-pg":     {Pass, "engine Aurora-PostgreSQL"},
			"docs":          {Fail, "engine docdb"},
		}},
	})
}
