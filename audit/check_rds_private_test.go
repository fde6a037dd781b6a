package audit

import "testing"

func TestRDSPrivate(t *testing.T) {
	app := prodTags("pay")
	db := func(id string, public bool, subnets ...string) DBInstance {
		return DBInstance{Resource: res(KindRDSInstance, id, app), PubliclyAccessible: public, VPC: "vpc-1", Subnets: subnets}
	}
	runCheck(t, checkRDSPrivate(), []checkCase{
		{name: "instances", inv: Inventory{Subnets: privateNet(), DBInstances: []DBInstance{
			db("private", false, "subnet-a", "subnet-b"),
			db("public-flag", true, "subnet-a"),
			db("public-subnet", false, "subnet-a", "subnet-pub"),
			db("both", true, "subnet-pub"),
			db("unknown-subnet", false, "subnet-zzz"),
			db("no-subnets", false),
		}}, want: map[string]want{
			"private":        {Pass, "private subnets subnet-a, subnet-b"},
			"public-flag":    {Fail, "publicly accessible"},
			"public-subnet":  {Fail, "in public subnet subnet-pub (route table rtb-1: 0.0.0.0/0 → igw-1)"},
			"both":           {Fail, "publicly accessible; in public subnet subnet-pub"},
			"unknown-subnet": {Unknown, "subnet-zzz not found"},
			"no-subnets":     {Unknown, "no subnets"},
		}},
		{name: "subnets unreadable", inv: Inventory{
			Failed:      map[Source]error{SourceNetwork: errText("describe route tables: AccessDenied")},
			DBInstances: []DBInstance{db("private", false, "subnet-a"), db("public-flag", true, "subnet-a")},
		}, want: map[string]want{
			"private":     {Unknown, "not assessed: network could not be read (describe route tables: AccessDenied)"},
			"public-flag": {Unknown, "not assessed"},
		}},
	})
}

func TestOpenSearchPrivate(t *testing.T) {
	app := prodTags("search")
	runCheck(t, checkOpenSearchPrivate(), []checkCase{
		{name: "domains", inv: Inventory{Subnets: privateNet(), SearchDomains: []SearchDomain{
			{Resource: res(KindOpenSearch, "vpc-private", app), VPC: "vpc-1", Subnets: []string{"subnet-a", "subnet-b", "subnet-c"}},
			{Resource: res(KindOpenSearch, "vpc-public", app), VPC: "vpc-1", Subnets: []string{"subnet-pub"}},
			{Resource: res(KindOpenSearch, "internet", app)},
		}}, want: map[string]want{
			"vpc-private": {Pass, "private subnets"},
			"vpc-public":  {Fail, "public subnet subnet-pub"},
			"internet":    {Fail, "public endpoint"},
		}},
	})
}
