package audit

import "testing"

func TestMandatoryTags(t *testing.T) {
	runCheck(t, checkMandatoryTags(), []checkCase{
		{name: "resources", inv: Inventory{
			Buckets: []Bucket{{Resource: res(KindS3Bucket, "good", prodTags("web", "Environment", "STG", "Confidentiality", "public"))}},
			Queues:  []Queue{{Resource: res(KindSQSQueue, "bare", nil)}},
			Functions: []Function{
				{Resource: res(KindLambda, "bad-values", prodTags("pay", "Environment", "qa", "TeamEmail", "Team <team@example.org>", "Confidentiality", "Secret"))},
				{Resource: res(KindLambda, "blank-app", prodTags(" ", "TeamEmail", "team@localhost"))},
			},
			Instances: []Instance{{Resource: res(KindEC2Instance, "i-1", prodTags("pay"))}},
			LogGroups: []LogGroup{{Resource: res(KindLogGroup, "/aws/lambda/x", nil)}},
		}, want: map[string]want{
			"good":       {Pass, "Application, Environment, TeamEmail and Confidentiality present and valid"},
			"bare":       {Fail, "Application missing; Environment missing; TeamEmail missing; Confidentiality missing"},
			"bad-values": {Fail, "Environment=qa is not one of development, dev, staging, stg, pre-prod, preprod, production, prod, mgmt; TeamEmail=Team <team@example.org> is not an email address; Confidentiality=Secret is not one of Public, Internal, Restricted"},
			"blank-app":  {Fail, "Application missing; TeamEmail=team@localhost is not an email address"},
			"i-1":        {Pass, "present and valid"},
		}},
	})
}
