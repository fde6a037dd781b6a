package backup

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/reconcile"
)

func TestRestoreObjectivesAndPlanName(t *testing.T) {
	c := DefaultConfig()
	p := c.Policies["Prod"]
	p.RTO, p.ColdStorageAfterDays, p.RestoreTesting.ValidationWindowHours = 2*time.Hour, 7, 6
	c.Policies["Prod"] = p
	c.Policies["Dev"] = Policy{} // every key left out: the seed's defaults
	o := c.RestoreObjectives()
	if got := o["Prod"]; got.RTO != 2*time.Hour || got.RPO != 24*time.Hour || got.ColdStorageAfterDays != 7 || got.ValidationWindow != 6*time.Hour {
		t.Errorf("Prod objectives = %+v", got)
	}
	if got := o["Dev"]; got.RTO != 4*time.Hour || got.RPO != 24*time.Hour || got.RetentionDays != 30 || got.ValidationWindow != 4*time.Hour {
		t.Errorf("Dev objectives = %+v, want the seed's RTO 4h, RPO 24h, 30 days, a 4h validation window", got)
	}
	if got := c.RestorePlanName("Prod"); got != "opsd_prod" {
		t.Errorf("RestorePlanName(Prod) = %q, want opsd_prod", got)
	}
}

func TestNewRestoreTest(t *testing.T) {
	created := time.Date(2026, 3, 1, 5, 0, 0, 0, time.UTC)
	j := types.RestoreJobsListMember{RestoreJobId: aws.String("j1"), ResourceType: aws.String("DynamoDB"), SourceResourceArn: aws.String("arn:src"),
		CreatedResourceArn: aws.String("arn:copy"), Status: types.RestoreJobStatusCompleted, CreationDate: aws.Time(created),
		CompletionDate: aws.Time(created.Add(time.Hour)), RecoveryPointCreationDate: aws.Time(created.Add(-3 * time.Hour)),
		ValidationStatus: types.RestoreValidationStatusSuccessful}
	rt := NewRestoreTest(j, "111111111111", "eu-west-2", "Prod")
	if d, ok := rt.TimeToUsable(); !ok || d != time.Hour || !rt.Validated() || rt.Policy != "Prod" || rt.SourceARN != "arn:src" {
		t.Errorf("NewRestoreTest = %+v (time to usable %s)", rt, d)
	}
	if age, _ := rt.RecoveryPointAge(); age != 3*time.Hour {
		t.Errorf("recovery point age = %s, want 3h", age)
	}
}

func TestProofIsNewestValidatedInsideRTO(t *testing.T) {
	now := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	ok1 := rt("old-ok", now.Add(-10*24*time.Hour), time.Hour, 2*time.Hour)
	ok2 := rt("new-ok", now.Add(-5*24*time.Hour), 2*time.Hour, 2*time.Hour)
	slow := rt("slow", now.Add(-1*24*time.Hour), 5*time.Hour, 2*time.Hour)
	for _, x := range []*RestoreTest{&ok1, &ok2, &slow} {
		x.Validation = validationSucceeded
	}
	ev := BuildEvidence([]RestoreTest{ok1, ok2, slow}, nil, map[string]Objectives{"Prod": {RTO: 4 * time.Hour, RPO: 24 * time.Hour}}, now, 30*24*time.Hour, 4*time.Hour)
	if len(ev) != 1 {
		t.Fatalf("evidence = %+v", ev)
	}
	p, ok := ev[0].Proof()
	if !ok || p.JobID != "new-ok" || !ev[0].Proven() {
		t.Errorf("Proof() = %s, %v; want new-ok, the newest validated restore inside the RTO (slow took 5h)", p.JobID, ok)
	}
	ev[0].RTO = time.Hour / 2
	if _, ok := ev[0].Proof(); ok || ev[0].Proven() {
		t.Errorf("with an RTO of 30m no test proves it")
	}
}

func TestRestoreActionsCarryEvidenceForThePage(t *testing.T) {
	now := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	ok := rt("j1", now.Add(-2*24*time.Hour), time.Hour, 3*time.Hour)
	ok.Validation, ok.Application, ok.Environment = validationSucceeded, "shop", "production"
	ev := BuildEvidence([]RestoreTest{ok}, []EvidenceScope{{Account: "111111111111", Region: "eu-west-2", Policy: "Dev", Application: "blog"}},
		map[string]Objectives{"Prod": {RTO: 4 * time.Hour, RPO: 24 * time.Hour}, "Dev": {RTO: 4 * time.Hour, RPO: 24 * time.Hour}}, now, 30*24*time.Hour, 4*time.Hour)
	r := &targetRun{t: accounts.Target{Account: "111111111111", Region: "eu-west-2"}, restore: &restoreRun{evidence: ev, complete: true}}
	rows := map[string]reconcile.Action{}
	for _, a := range r.restoreActions(reconcile.Apply) {
		if a.Details["evidence"] == "restore-test" {
			rows[a.Details["policy"]] = a
		}
	}
	prod, dev := rows["Prod"], rows["Dev"]
	if prod.Action != "none" || prod.Status != reconcile.Planned {
		t.Errorf("evidence row = %s %s, want none planned (it changes nothing)", prod.Action, prod.Status)
	}
	want := map[string]string{"application": "shop", "environment": "production", "proven": "true", "time_to_usable": "1h", "recovery_point_age": "3h",
		"validated_at": "2026-03-18T01:00:00Z", "validated_time_to_usable": "1h", "validated_recovery_point_age": "3h", "rto": "4h", "rpo": "24h"}
	for k, v := range want {
		if prod.Details[k] != v {
			t.Errorf("Prod evidence %s = %q, want %q (details %v)", k, prod.Details[k], v, prod.Details)
		}
	}
	if dev.Details["proven"] != "false" || dev.Details["validated_at"] != "" || dev.Resource != "restore-test:Dev/blog" {
		t.Errorf("Dev evidence (no test) = %s %v", dev.Resource, dev.Details)
	}
}
