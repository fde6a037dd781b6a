package audit

import (
	"net/http"
	"time"

	"github.com/opsd-dev/opsd/backup"
	"github.com/opsd-dev/opsd/internal/mototest"
)

// moto 5.2 has no AWS Backup restore testing. restoreTesting answers the
// two calls the audit makes, in AWS Backup's REST-JSON protocol: opsd's
// Prod restore testing plan and one restore job of it, a 1 h restore of
// payments-items validated yesterday.
func (w *world) restoreTesting() {
	plan := "arn:aws:backup:" + testRegion + ":" + motoAccount + ":restore-testing-plan:opsd_prod-1"
	for _, sfx := range []string{"", "/"} {
		w.proxy.Handle("GET /restore-testing/plans"+sfx, func(rw http.ResponseWriter, r *http.Request) {
			mototest.WriteJSON(rw, r, map[string]any{"RestoreTestingPlans": []any{map[string]any{
				"RestoreTestingPlanName": "opsd_prod", "RestoreTestingPlanArn": plan, "ScheduleExpression": "cron(0 5 1 * ? *)",
				"CreationTime": mototest.Epoch(time.Now().Add(-40 * 24 * time.Hour))}}})
		})
		w.proxy.Handle("GET /restore-jobs"+sfx, func(rw http.ResponseWriter, r *http.Request) {
			created := time.Now().Add(-24 * time.Hour)
			mototest.WriteJSON(rw, r, map[string]any{"RestoreJobs": []any{map[string]any{
				"RestoreJobId": "job-payments", "CreatedBy": map[string]any{"RestoreTestingPlanArn": plan},
				"SourceResourceArn":  "arn:aws:dynamodb:" + testRegion + ":" + motoAccount + ":table/payments-items",
				"CreatedResourceArn": "arn:aws:dynamodb:" + testRegion + ":" + motoAccount + ":table/payments-items-restored",
				"ResourceType":       "DynamoDB", "Status": "COMPLETED", "ValidationStatus": "SUCCESSFUL", "DeletionStatus": "SUCCESSFUL",
				"CreationDate": mototest.Epoch(created), "CompletionDate": mototest.Epoch(created.Add(time.Hour)),
				"RecoveryPointCreationDate": mototest.Epoch(created.Add(-3 * time.Hour))}}})
		})
	}
}

// restoreTestRules are restore testing on with the seed's objectives.
func restoreTestRules() RestoreTestRules {
	c := backup.DefaultConfig()
	c.RestoreTesting.Enabled = true
	plans := map[string]string{}
	for p := range c.Policies {
		plans[p] = c.RestorePlanName(p)
	}
	return RestoreTestRules{Enabled: true, Objectives: c.RestoreObjectives(), Plans: plans, Window: c.RestoreTesting.Lookback, ColdDelay: c.RestoreTesting.ColdRestoreDelay}
}
