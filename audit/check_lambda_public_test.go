package audit

import "testing"

func TestLambdaPublicInvoke(t *testing.T) {
	app := prodTags("pay")
	fn := func(id, policy string) Function {
		return Function{Resource: res(KindLambda, id, app), Policy: policy}
	}
	runCheck(t, checkLambdaPublicInvoke(), []checkCase{
		{name: "policies", inv: Inventory{Functions: []Function{
			fn("no-policy", ""),
			fn("apigw", `{"Version":"2012-10-17","Statement":[{"Sid":"apigw","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:x","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:eu-west-2:111111111111:abc/*"}}}]}`),
			fn("star", `{"Statement":[{"Sid":"open","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}]}`),
			fn("aws-star", `{"Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["lambda:*"]}}`),
			fn("url-none", `{"Statement":[{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}`),
			fn("star-org", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}]}`),
			fn("star-deny", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction"}]}`),
			fn("star-other-action", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:GetFunction"}]}`),
			fn("service-no-condition", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction"}]}`),
			fn("garbage", `{"Statement":`),
		}}, want: map[string]want{
			"no-policy":            {Pass, "no resource-based policy"},
			"apigw":                {Pass, "allows no public invocation"},
			"star":                 {Fail, "anyone invoke it"},
			"aws-star":             {Fail, "statement 1"},
			"url-none":             {Fail, "FunctionURLAllowPublicAccess"},
			"star-org":             {Pass, "no public"},
			"star-deny":            {Pass, "no public"},
			"star-other-action":    {Pass, "no public"},
			"service-no-condition": {Pass, "no public"},
			"garbage":              {Unknown, "parse resource policy"},
		}},
	})
}
