package audit

import "testing"

func TestMultiAZ(t *testing.T) {
	app := prodTags("pay")
	runCheck(t, checkMultiAZ(), []checkCase{
		{name: "every kind", inv: Inventory{
			Subnets: privateNet(),
			DBInstances: []DBInstance{
				{Resource: res(KindRDSInstance, "db-3az", app), AZ: "eu-west-2a", SecondaryAZ: "eu-west-2b", MultiAZ: true, Replicas: []string{"db-3az-replica"}},
				{Resource: res(KindRDSInstance, "db-3az-replica", app), AZ: "eu-west-2c", ReplicaOf: "db-3az"},
				{Resource: res(KindRDSInstance, "db-standby", app), AZ: "eu-west-2a", MultiAZ: true, Replicas: []string{"arn:aws:rds:eu-west-2:1:db:db-standby-r"}},
				{Resource: Resource{Kind: KindRDSInstance, ID: "db-standby-r", ARN: "arn:aws:rds:eu-west-2:1:db:db-standby-r", Tags: app}, AZ: "eu-west-2b", ReplicaOf: "db-standby"},
				{Resource: res(KindRDSInstance, "db-single", app), AZ: "eu-west-2a"},
				{Resource: res(KindRDSInstance, "aurora-1", app), AZ: "eu-west-2a", Cluster: "aurora"},
				{Resource: res(KindRDSInstance, "aurora-2", app), AZ: "eu-west-2b", Cluster: "aurora"},
			},
			DBClusters: []DBCluster{
				{Resource: res(KindRDSCluster, "aurora", app), Members: []ClusterMember{{ID: "aurora-1", Writer: true}, {ID: "aurora-2"}}},
				{Resource: res(KindRDSCluster, "serverless", app)},
			},
			SearchDomains: []SearchDomain{{Resource: res(KindOpenSearch, "search", app), AZs: 3}},
			KafkaClusters: []KafkaCluster{{Resource: res(KindMSKCluster, "kafka", app), Subnets: []string{"subnet-a", "subnet-b"}}},
			Warehouses:    []Warehouse{{Resource: res(KindRedshift, "dw-maz", app), MultiAZ: true}, {Resource: res(KindRedshift, "dw", app), AZ: "eu-west-2a"}},
			FileSystems:   []FileSystem{{Resource: res(KindEFS, "fs-regional", app)}, {Resource: res(KindEFS, "fs-onezone", app), OneZone: "eu-west-2b"}},
			Functions: []Function{
				{Resource: res(KindLambda, "fn-novpc", app)},
				{Resource: res(KindLambda, "fn-vpc", app), VPC: "vpc-1", Subnets: []string{"subnet-a", "subnet-b", "subnet-c"}},
				{Resource: res(KindLambda, "fn-lost", app), VPC: "vpc-1", Subnets: []string{"subnet-a", "subnet-gone"}},
			},
			Instances: []Instance{
				{Resource: res(KindEC2Instance, "i-1", app), AZ: "eu-west-2a"},
				{Resource: res(KindEC2Instance, "i-2", app), AZ: "eu-west-2b"},
				{Resource: res(KindEC2Instance, "i-3", prodTags("solo")), AZ: "eu-west-2a"},
				{Resource: res(KindEC2Instance, "i-asg", app), AZ: "eu-west-2c", Group: "web"},
			},
			Groups: []Group{{Resource: res(KindASG, "web", app), AZs: []string{"eu-west-2a", "eu-west-2b", "eu-west-2c"}}},
		}, want: map[string]want{
			"db-3az":         {Pass, "3 AZs: primary, standby and read replicas in eu-west-2a, eu-west-2b, eu-west-2c"},
			"db-3az-replica": {NotApplicable, "read replica of db-3az"},
			"db-standby":     {Pass, "(standby), eu-west-2a, eu-west-2b"},
			"db-standby-r":   {NotApplicable, "read replica"},
			"db-single":      {Fail, "1 of 3 AZs"},
			"aurora-1":       {NotApplicable, "member of DB cluster aurora"},
			"aurora-2":       {NotApplicable, "member of DB cluster aurora"},
			"aurora":         {Fail, "2 of 3 AZs: instances in eu-west-2a, eu-west-2b"},
			"serverless":     {Fail, "has no DB instances"},
			"search":         {Pass, "nodes in 3 AZs"},
			"kafka":          {Fail, "2 of 3 AZs: brokers in"},
			"dw-maz":         {Pass, "two AZs"},
			"dw":             {Fail, "single-AZ in eu-west-2a"},
			"fs-regional":    {Pass, "regional"},
			"fs-onezone":     {Fail, "One Zone file system in eu-west-2b"},
			"fn-novpc":       {Pass, "not attached to a VPC"},
			"fn-vpc":         {Pass, "3 AZs"},
			"fn-lost":        {Unknown, "subnet-gone not found"},
			"i-1":            {Fail, "2 of 3 AZs: the application's instances run in eu-west-2a, eu-west-2b"},
			"i-2":            {Fail, "2 of 3 AZs"},
			"i-3":            {Fail, "1 of 3 AZs"},
			"i-asg":          {NotApplicable, "launched by Auto Scaling group web"},
			"web":            {Pass, "3 AZs"},
		}},
		{name: "production only", inv: Inventory{
			DBInstances: []DBInstance{
				{Resource: res(KindRDSInstance, "dev-db", devTags("pay")), AZ: "eu-west-2a"},
				{Resource: res(KindRDSInstance, "untagged-db", nil), AZ: "eu-west-2a"},
				{Resource: res(KindRDSInstance, "prod-db", prodTags("pay", "Environment", "PROD")), AZ: "eu-west-2a"},
			},
		}, want: map[string]want{
			"dev-db":      {NotApplicable, "applies to production only; Environment=development"},
			"untagged-db": {NotApplicable, "no Environment tag"},
			"prod-db":     {Fail, "1 of 3 AZs"},
		}},
		{name: "two zones required", rules: func(r *Rules) { r.AvailabilityZones = 2 }, inv: Inventory{
			DBInstances: []DBInstance{{Resource: res(KindRDSInstance, "db", app), AZ: "eu-west-2a", MultiAZ: true}},
		}, want: map[string]want{"db": {Pass, "2 AZs"}}},
	})
}
