package shutdown

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// The "Keep up" button's value round-trips, and a value that is not one
// is refused with what is wrong.
func TestKeepUpRef(t *testing.T) {
	until := time.Date(2026, 11, 24, 22, 0, 0, 0, time.UTC)
	ref := KeepUpRef{Kind: KindRDSInstance, Account: "111111111111", Region: "eu-west-2", ID: "dev-db", ARN: "arn:aws:rds:eu-west-2:111111111111:db:dev-db", Until: until}
	back, err := ParseKeepUpRef(ref.String())
	if err != nil || back != ref {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	for v, want := range map[string]string{
		"ec2|111111111111|eu-west-2|i-1|":                              "is not kind|account|region|id|arn|until",
		"lambda|111111111111|eu-west-2|f|x|2026-11-24T22:00:00Z":       `"lambda" is not a kind opsd stops`,
		"rds-instance|111111111111|eu-west-2|db||2026-11-24T22:00:00Z": "needs its ARN",
		"ec2|111111111111|eu-west-2|i-1||tonight":                      `"tonight" is not an RFC 3339 time`,
	} {
		if _, err := ParseKeepUpRef(v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseKeepUpRef(%q) = %v, want %q", v, err, want)
		}
	}
}

// A notice's button pressed: against moto, the instance gets the
// skip-until tag and the evening run leaves it up; a time already passed
// or an account opsd does not act in is refused and changes nothing.
func TestMotoKeepUpTagsTheResource(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	cfg := srv.Config("eu-west-2")
	e := seed(t, cfg)
	w := testWeek(t)
	svc := newMotoService(t, cfg, &notify.Recorder{})
	ctx := context.Background()
	id := e.ids["dev-api"]
	until := w.tuesdayEvening.Add(3 * time.Hour).Truncate(time.Hour)
	ref := KeepUpRef{Kind: KindEC2, Account: mototest.DefaultAccountID, Region: "eu-west-2", ID: id, Until: until}

	if _, err := svc.KeepUp(ctx, ref, until.Add(time.Minute)); err == nil || !strings.Contains(err.Error(), "has passed") {
		t.Errorf("a passed time: %v", err)
	}
	other := ref
	other.Account = "999999999999"
	if _, err := svc.KeepUp(ctx, other, w.tuesdayEvening); err == nil || !strings.Contains(err.Error(), "is not one opsd acts in") {
		t.Errorf("another account: %v", err)
	}
	if v := look(t, cfg).tags["dev-api"][skipKey]; v != "" {
		t.Fatalf("refused presses tagged the instance: %s", v)
	}

	reply, err := svc.KeepUp(ctx, ref, w.tuesdayEvening.Add(-30*time.Minute))
	if err != nil || !strings.Contains(reply, id+" ("+mototest.DefaultAccountID+"/eu-west-2) is kept up until") {
		t.Fatalf("KeepUp: %q, %v", reply, err)
	}
	if v := look(t, cfg).tags["dev-api"][skipKey]; v != until.UTC().Format(time.RFC3339) {
		t.Fatalf("tag %s = %q, want %s", skipKey, v, until.UTC().Format(time.RFC3339))
	}
	reconcileAt(t, svc, w.tuesdayEvening, reconcile.Apply)
	look(t, cfg).wantStates(t, "tuesday 19:05 after the press", map[string]string{"dev-api": "running", "stg-worker": "stopped"})
}
