package audit

import "testing"

func TestAPI5xxAlarm(t *testing.T) {
	app := prodTags("pay")
	runCheck(t, checkAPI5xxAlarm(), []checkCase{
		{name: "alarms", inv: Inventory{
			APIs: []RestAPI{
				{Resource: Resource{Kind: KindRestAPI, ID: "a1", Name: "pay-api", Tags: app}, Stages: []APIStage{{Name: "prod"}}},
				{Resource: Resource{Kind: KindRestAPI, ID: "a2", Name: "math-api", Tags: app}, Stages: []APIStage{{Name: "prod"}}},
				{Resource: Resource{Kind: KindRestAPI, ID: "a3", Name: "bare-api", Tags: app}, Stages: []APIStage{{Name: "prod"}}},
				{Resource: Resource{Kind: KindRestAPI, ID: "a4", Name: "draft-api", Tags: app}},
			},
			Alarms: []Alarm{
				{Name: "pay-5xx", Metrics: []MetricRef{{Namespace: "AWS/ApiGateway", Name: "5XXError", Dimensions: map[string]string{"ApiName": "pay-api", "Stage": "prod"}}}},
				{Name: "math-5xx", Metrics: []MetricRef{
					{Namespace: "AWS/ApiGateway", Name: "Count", Dimensions: map[string]string{"ApiName": "math-api"}},
					{Namespace: "AWS/ApiGateway", Name: "5XXError", Dimensions: map[string]string{"ApiName": "math-api"}},
				}},
				{Name: "bare-4xx", Metrics: []MetricRef{{Namespace: "AWS/ApiGateway", Name: "4XXError", Dimensions: map[string]string{"ApiName": "bare-api"}}}},
			},
		}, want: map[string]want{
			"a1": {Pass, "alarm pay-5xx"},
			"a2": {Pass, "alarm math-5xx"},
			"a3": {Fail, "no alarm on AWS/ApiGateway 5XXError with ApiName=bare-api"},
			"a4": {NotApplicable, "not deployed"},
		}},
	})
}

func TestAPITracing(t *testing.T) {
	app := prodTags("pay")
	runCheck(t, checkAPITracing(), []checkCase{
		{name: "stages", inv: Inventory{APIs: []RestAPI{
			{Resource: res(KindRestAPI, "traced", app), Stages: []APIStage{{Name: "prod", Tracing: true}, {Name: "v2", Tracing: true}}},
			{Resource: res(KindRestAPI, "partly", app), Stages: []APIStage{{Name: "prod", Tracing: true}, {Name: "test"}}},
			{Resource: res(KindRestAPI, "draft", app)},
		}}, want: map[string]want{
			"traced": {Pass, "tracing on in stage prod, v2"},
			"partly": {Fail, "X-Ray tracing off in stage test"},
			"draft":  {NotApplicable, "not deployed"},
		}},
	})
}
