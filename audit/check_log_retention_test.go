package audit

import "testing"

func TestLogRetention(t *testing.T) {
	lg := func(name string, days int, t map[string]string) LogGroup {
		return LogGroup{Resource: res(KindLogGroup, name, t), RetentionDays: days}
	}
	inv := Inventory{
		Functions: []Function{{Resource: res(KindLambda, "pay-fn", prodTags("pay")), LogGroup: "/aws/lambda/pay-fn"},
			{Resource: res(KindLambda, "custom-fn", prodTags("custom")), LogGroup: "/app/custom"}},
		APIs: []RestAPI{{Resource: res(KindRestAPI, "abc123", prodTags("api"))}},
		LogGroups: []LogGroup{
			lg("six-months", 180, prodTags("pay")),
			lg("forever", 0, prodTags("pay")),
			lg("short", 30, prodTags("pay")),
			lg("long", 365, prodTags("pay")),
			lg("/aws/lambda/pay-fn", 14, nil),
			lg("/app/custom", 180, nil),
			lg("API-Gateway-Execution-Logs_abc123/prod", 0, nil),
			lg("orphan", 180, nil),
		},
	}
	runCheck(t, checkLogRetention(), []checkCase{
		{name: "groups", inv: inv, want: map[string]want{
			"six-months":                             {Pass, "retains 180 days"},
			"forever":                                {Fail, "never expire; set a retention of 180–240 days"},
			"short":                                  {Fail, "retains 30 days; must be 180–240"},
			"long":                                   {Fail, "retains 365 days"},
			"/aws/lambda/pay-fn":                     {Fail, "retains 14 days"},
			"/app/custom":                            {Pass, "180"},
			"API-Gateway-Execution-Logs_abc123/prod": {Fail, "never expire"},
			"orphan":                                 {Pass, "180"},
		}},
	})
	// Untagged groups are attributed to the function or API writing them.
	fs, _ := evaluate([]Check{checkLogRetention()}, defaultRules(), &inv)
	apps := map[string]string{}
	for _, f := range fs {
		apps[f.Resource] = f.Application
	}
	for group, app := range map[string]string{"/aws/lambda/pay-fn": "pay", "/app/custom": "custom", "API-Gateway-Execution-Logs_abc123/prod": "api", "orphan": Untagged} {
		if apps[group] != app {
			t.Errorf("%s is attributed to %q, want %q", group, apps[group], app)
		}
	}
}
