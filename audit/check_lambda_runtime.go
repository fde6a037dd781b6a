package audit

import (
	"time"
)

// checkLambdaRuntime: functions do not run on a runtime Lambda has
// deprecated. A deprecated runtime gets no security patches and, some
// weeks later, functions on it can no longer be created and then updated.
// The seed's Node.js 10 and 12 socket errors are one reason to move on;
// the date is AWS's.
func checkLambdaRuntime() Check {
	return Check{
		ID:       "security.lambda-runtime",
		Pillar:   PillarSecurity,
		Severity: Warning,
		Title:    "Lambda functions run on supported runtimes",
		Kinds:    []Kind{KindLambda},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, fn := range inv.Functions {
				out = append(out, functionRuntime(r, inv, fn))
			}
			return out
		},
	}
}

// runtimeDeprecations are the deprecation dates (UTC) of Lambda's managed
// runtimes, from the "Deprecated runtimes" and "Supported runtimes" tables
// of https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
// (see also runtime-support-policy). A runtime is deprecated from the
// start of its day. AWS moves future dates now and then: check the page
// when adding a runtime or when a date here is near. Runtimes whose date
// opsd does not know pass as not listed: python3.11 and the Amazon Linux
// 2 runtimes (java8.al2, java11, java17, provided.al2, ...) belong here
// once the page gives their dates.
var runtimeDeprecations = map[string]string{
	// Node.js
	"nodejs":     "2016-10-31",
	"nodejs4.3":  "2020-03-05",
	"nodejs6.10": "2019-08-12",
	"nodejs8.10": "2020-03-06",
	"nodejs10.x": "2021-07-30",
	"nodejs12.x": "2023-03-31",
	"nodejs14.x": "2023-12-04",
	"nodejs16.x": "2024-06-12",
	"nodejs18.x": "2025-09-01",
	"nodejs20.x": "2026-04-30",
	// Python
	"python2.7": "2021-07-15",
	"python3.6": "2022-07-18",
	"python3.7": "2023-12-04",
	"python3.8": "2024-10-14",
	"python3.9": "2025-12-15",
	// Python 3.10 was first listed for 2026-06-30; AWS moved it to
	// 2026-10-31, Python's own end of life, in its 2026 notices.
	"python3.10": "2026-10-31",
	// Ruby
	"ruby2.5": "2021-07-30",
	"ruby2.7": "2023-12-07",
	"ruby3.2": "2026-03-31",
	// Java: java8 ran on Amazon Linux 1; java8.al2 is a separate runtime.
	"java8": "2024-01-08",
	// .NET
	"dotnetcore1.0": "2019-07-30",
	"dotnetcore2.0": "2019-05-30",
	"dotnetcore2.1": "2022-01-05",
	"dotnetcore3.1": "2023-04-03",
	"dotnet5.0":     "2022-05-10",
	"dotnet6":       "2024-12-20",
	"dotnet7":       "2024-05-14",
	"dotnet8":       "2026-11-10",
	// Go and custom runtimes on Amazon Linux 1
	"go1.x":    "2024-01-08",
	"provided": "2024-01-08",
}

func functionRuntime(r *Rules, inv *Inventory, fn Function) Finding {
	if fn.Runtime == "" {
		if fn.PackageType == "Image" {
			return r.notApplicable(inv, fn.Resource, "container image: the image, not Lambda, provides the runtime")
		}
		return r.unknown(inv, fn.Resource, "no runtime reported")
	}
	date, ok := runtimeDeprecations[fn.Runtime]
	if !ok {
		return r.pass(inv, fn.Resource, "runtime %s is not on Lambda's deprecation list", fn.Runtime)
	}
	if r.Now.IsZero() {
		return r.unknown(inv, fn.Resource, "runtime %s is deprecated on %s, and the assessment's date is not known", fn.Runtime, date)
	}
	on, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return r.unknown(inv, fn.Resource, "runtime %s: bad deprecation date %q in opsd", fn.Runtime, date)
	}
	if !r.Now.Before(on) {
		return r.fail(inv, fn.Resource, "runtime %s was deprecated on %s: no more security patches; move to a supported runtime", fn.Runtime, date)
	}
	return r.pass(inv, fn.Resource, "runtime %s is supported until %s (plan the upgrade)", fn.Runtime, date)
}
