package audit

import (
	"testing"
	"time"
)

func TestLambdaRuntime(t *testing.T) {
	app := prodTags("api")
	fns := []Function{
		{Resource: res(KindLambda, "node12", app), Runtime: "nodejs12.x"},
		{Resource: res(KindLambda, "node22", app), Runtime: "nodejs22.x"},
		{Resource: res(KindLambda, "java8", app), Runtime: "java8"},
		{Resource: res(KindLambda, "java8al2", app), Runtime: "java8.al2"},
		{Resource: res(KindLambda, "go", app), Runtime: "go1.x"},
		{Resource: res(KindLambda, "py39", app), Runtime: "python3.9"},
		{Resource: res(KindLambda, "image", app), PackageType: "Image"},
		{Resource: res(KindLambda, "blank", app)},
	}
	at := func(day string) func(*Rules) {
		return func(r *Rules) { r.Now, _ = time.Parse(time.DateOnly, day) }
	}
	runCheck(t, checkLambdaRuntime(), []checkCase{
		{name: "2025-06-01", inv: Inventory{Functions: fns}, rules: at("2025-06-01"), want: map[string]want{
			"node12":   {Fail, "runtime nodejs12.x was deprecated on 2023-03-31"},
			"node22":   {Pass, "not on Lambda's deprecation list"},
			"java8":    {Fail, "2024-01-08"},
			"java8al2": {Pass, "not on Lambda's deprecation list"},
			"go":       {Fail, "go1.x was deprecated"},
			"py39":     {Pass, "supported until 2025-12-15"},
			"image":    {NotApplicable, "container image"},
			"blank":    {Unknown, "no runtime reported"},
		}},
		{name: "no date", inv: Inventory{Functions: fns[:2]}, want: map[string]want{
			"node12": {Unknown, "the assessment's date is not known"},
			"node22": {Pass, "not on Lambda's deprecation list"},
		}},
		{name: "on the deprecation day", inv: Inventory{Functions: fns[5:6]}, rules: at("2025-12-15"), want: map[string]want{
			"py39": {Fail, "python3.9 was deprecated on 2025-12-15"},
		}},
	})
	for rt, day := range runtimeDeprecations {
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			t.Errorf("%s: %v", rt, err)
		}
	}
}
