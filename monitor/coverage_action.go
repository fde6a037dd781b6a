package monitor

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/reconcile"
)

// CoverageResourcePrefix begins the resource of the rows of a monitor
// result that carry coverage: "coverage:<application>".
const CoverageResourcePrefix = "coverage:"

// action is c as a row of the reconcile's result that changes nothing
// (action none, planned): its details carry the application, the counts
// and the gaps (JSON), for the page and the JSON plan.
func (c Coverage) action() reconcile.Action {
	gaps, _ := json.Marshal(c.Gaps) // plain strings and bools: cannot fail
	return reconcile.Action{
		Service:  ServiceName,
		Account:  c.Account,
		Region:   c.Region,
		Resource: CoverageResourcePrefix + c.Application,
		Action:   "none",
		Reason:   strings.TrimPrefix(c.String(), c.Account+"/"+c.Region+" "),
		Status:   reconcile.Planned,
		Details: map[string]string{
			"kind":            "coverage",
			"application":     c.Application,
			"instances":       strconv.Itoa(c.Instances),
			"agent_reporting": strconv.Itoa(c.AgentReporting),
			"fully_alarmed":   strconv.Itoa(c.FullyAlarmed),
			"gaps":            string(gaps),
		},
	}
}

// CoverageOfAction returns the coverage a row of a monitor result
// carries, and false when a is not such a row.
func CoverageOfAction(a reconcile.Action) (Coverage, bool) {
	if a.Service != ServiceName || a.Details["kind"] != "coverage" || !strings.HasPrefix(a.Resource, CoverageResourcePrefix) {
		return Coverage{}, false
	}
	c := Coverage{Account: a.Account, Region: a.Region, Application: a.Details["application"]}
	var err error
	for _, f := range []struct {
		key string
		to  *int
	}{{"instances", &c.Instances}, {"agent_reporting", &c.AgentReporting}, {"fully_alarmed", &c.FullyAlarmed}} {
		if *f.to, err = strconv.Atoi(a.Details[f.key]); err != nil {
			return Coverage{}, false
		}
	}
	if g := a.Details["gaps"]; g != "" && g != "null" {
		if err := json.Unmarshal([]byte(g), &c.Gaps); err != nil {
			return Coverage{}, false
		}
	}
	return c, true
}

// CoverageOf observes one account and region read-only, as a Plan
// reconcile does, and returns its coverage per application. Its error is
// what could not be observed; the coverage is measured on the rest.
func (s *Service) CoverageOf(ctx context.Context, t accounts.Target, now time.Time) ([]Coverage, error) {
	tr, err := s.reconcileTarget(ctx, t, reconcile.Plan, now)
	return tr.coverage, err
}
