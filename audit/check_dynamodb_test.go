package audit

import "testing"

func TestDynamoDBPITR(t *testing.T) {
	runCheck(t, checkDynamoDBPITR(), []checkCase{
		{name: "tables", inv: Inventory{Tables: []Table{
			{Resource: res(KindDynamoDB, "on", prodTags("pay")), PITR: true},
			{Resource: res(KindDynamoDB, "off", prodTags("pay"))},
			{Resource: res(KindDynamoDB, "dev-off", devTags("pay"))},
		}}, want: map[string]want{
			"on":      {Pass, "on"},
			"off":     {Fail, "point-in-time recovery is off"},
			"dev-off": {NotApplicable, "production only"},
		}},
	})
}

func TestDynamoDBGSIs(t *testing.T) {
	app := devTags("pay")
	runCheck(t, checkDynamoDBGSIs(), []checkCase{
		{name: "tables", inv: Inventory{Tables: []Table{
			{Resource: res(KindDynamoDB, "none", app)},
			{Resource: res(KindDynamoDB, "two", app), GSIs: []string{"a", "b"}},
			{Resource: res(KindDynamoDB, "three", app), GSIs: []string{"a", "b", "c"}},
		}}, want: map[string]want{
			"none":  {Pass, "0 GSIs"},
			"two":   {Pass, "2 GSIs"},
			"three": {Fail, "3 GSIs (a, b, c), more than 2"},
		}},
		{name: "configured limit", rules: func(r *Rules) { r.MaxGSIs = 0 }, inv: Inventory{Tables: []Table{
			{Resource: res(KindDynamoDB, "one", app), GSIs: []string{"a"}},
		}}, want: map[string]want{"one": {Fail, "1 GSIs (a), more than 0"}}},
	})
}
