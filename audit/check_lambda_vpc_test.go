package audit

import "testing"

func TestLambdaInDatabaseVPC(t *testing.T) {
	pay, other := prodTags("pay"), prodTags("other")
	db := DBInstance{Resource: res(KindRDSInstance, "pay-db", pay), VPC: "vpc-1", Subnets: []string{"subnet-a", "subnet-b"}, Endpoint: "pay-db.abc.eu-west-2.rds.amazonaws.com"}
	publicDB := DBInstance{Resource: res(KindRDSInstance, "pub-db", other), VPC: "vpc-1", Subnets: []string{"subnet-pub"}, Endpoint: "pub-db.abc.eu-west-2.rds.amazonaws.com"}
	fn := func(id string, t map[string]string, vpc string, subnets []string, env map[string]string) Function {
		return Function{Resource: res(KindLambda, id, t), VPC: vpc, Subnets: subnets, Environment: env}
	}
	runCheck(t, checkLambdaVPC(), []checkCase{
		{name: "functions and databases", inv: Inventory{
			Subnets:     privateNet(),
			DBInstances: []DBInstance{db, publicDB},
			Functions: []Function{
				fn("in-vpc", pay, "vpc-1", []string{"subnet-a", "subnet-c"}, nil),
				fn("no-vpc", pay, "", nil, nil),
				fn("env-ref", other, "", nil, map[string]string{"DB_HOST": "PAY-DB.abc.eu-west-2.rds.amazonaws.com:5432"}),
				fn("wrong-vpc", pay, "vpc-2", []string{"subnet-other"}, nil),
				fn("public-subnet", pay, "vpc-1", []string{"subnet-pub"}, nil),
				fn("unrelated", other, "", nil, map[string]string{"TABLE": "orders"}),
				fn("public-db-user", other, "", nil, map[string]string{"DB": publicDB.Endpoint}),
				fn("lost-subnet", pay, "vpc-1", []string{"subnet-gone"}, nil),
			},
		}, want: map[string]want{
			"in-vpc":         {Pass, "private subnets of vpc-1 with database pay-db"},
			"no-vpc":         {Fail, "reaches database pay-db in vpc-1 (same Application tag) but is not attached to a VPC"},
			"env-ref":        {Fail, "environment variable DB_HOST holds its endpoint"},
			"wrong-vpc":      {Fail, "but runs in vpc-2"},
			"public-subnet":  {Fail, "public subnet(s) subnet-pub"},
			"unrelated":      {NotApplicable, "reaches no database"},
			"public-db-user": {NotApplicable, "reaches no database"},
			"lost-subnet":    {Unknown, "subnet-gone not found"},
		}},
		{name: "cluster endpoints", inv: Inventory{
			Subnets: privateNet(),
			DBInstances: []DBInstance{{Resource: res(KindRDSInstance, "aurora-1", other), Cluster: "aurora", VPC: "vpc-1", Subnets: []string{"subnet-a", "subnet-b"},
				Endpoint: "aurora-1.x.rds.amazonaws.com"}},
			DBClusters: []DBCluster{{Resource: res(KindRDSCluster, "aurora", other), Members: []ClusterMember{{ID: "aurora-1", Writer: true}},
				Endpoints: []string{"aurora.cluster-x.rds.amazonaws.com"}}},
			Functions: []Function{fn("writer", pay, "", nil, map[string]string{"URL": "postgres://aurora.cluster-x.rds.amazonaws.com/app"})},
		}, want: map[string]want{
			"writer": {Fail, "reaches database aurora in vpc-1"},
		}},
		{name: "subnets unreadable", inv: Inventory{
			Failed:      map[Source]error{SourceNetwork: errText("describe subnets: AccessDenied")},
			DBInstances: []DBInstance{db},
			Functions:   []Function{fn("no-vpc", pay, "", nil, nil)},
		}, want: map[string]want{
			"no-vpc": {Unknown, "not assessed: network could not be read (describe subnets: AccessDenied)"},
		}},
	})
}

// errText is an error with a fixed text.
type errText string

func (e errText) Error() string { return string(e) }
