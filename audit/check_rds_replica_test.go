package audit

import "testing"

func TestRDSReadReplica(t *testing.T) {
	app := prodTags("pay")
	runCheck(t, checkRDSReadReplica(), []checkCase{
		{name: "instances and clusters", inv: Inventory{
			DBInstances: []DBInstance{
				{Resource: res(KindRDSInstance, "primary", app), Replicas: []string{"primary-r"}},
				{Resource: res(KindRDSInstance, "primary-r", app), ReplicaOf: "primary"},
				{Resource: res(KindRDSInstance, "lonely", app)},
				{Resource: res(KindRDSInstance, "dev", devTags("pay"))},
				{Resource: res(KindRDSInstance, "aurora-w", app), Cluster: "aurora"},
			},
			DBClusters: []DBCluster{
				{Resource: res(KindRDSCluster, "aurora", app), Members: []ClusterMember{{ID: "aurora-w", Writer: true}, {ID: "aurora-r"}}},
				{Resource: res(KindRDSCluster, "writer-only", app), Members: []ClusterMember{{ID: "w", Writer: true}}},
				{Resource: res(KindRDSCluster, "replicated", app), Members: []ClusterMember{{ID: "w2", Writer: true}}, Replicas: []string{"arn:aws:rds:eu-west-1:1:cluster:dr"}},
			},
		}, want: map[string]want{
			"primary":     {Pass, "read replica primary-r"},
			"primary-r":   {NotApplicable, "is itself a read replica of primary"},
			"lonely":      {Fail, "has no read replica"},
			"dev":         {NotApplicable, "production only"},
			"aurora-w":    {NotApplicable, "member of DB cluster aurora"},
			"aurora":      {Pass, "reader instance aurora-r"},
			"writer-only": {Fail, "no reader instance or read replica"},
			"replicated":  {Pass, "read replica arn:aws:rds:eu-west-1:1:cluster:dr"},
		}},
	})
}
