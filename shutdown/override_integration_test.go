package shutdown

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Overrides against moto, tagged through the SDK as a team would: a
// skip-until keeps dev-api up past 19:00 and, once its time has passed,
// opsd removes the tag and stops it; an off-until keeps stg-worker down
// past 07:00 and, once passed, opsd removes it and starts the instance; a
// malformed override stops nothing.
func TestMotoOverridesExpireOnTheirOwn(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	cfg := srv.Config("eu-west-2")
	e := seed(t, cfg)
	w := testWeek(t)
	ctx := context.Background()
	ec2c := ec2.NewFromConfig(cfg)
	tag := func(name, key, value string) {
		t.Helper()
		if _, err := ec2c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{e.ids[name]},
			Tags: []ec2types.Tag{{Key: aws.String(key), Value: aws.String(value)}}}); err != nil {
			t.Fatal(err)
		}
	}
	svc := newMotoService(t, cfg, &notify.Recorder{})

	// Tuesday 19:05: dev-api is kept up until 22:00 (London is on GMT in
	// late November, so 22:00 is 22:00Z); stg-worker stops, and is then
	// tagged to stay down until noon tomorrow; dev-db's override is
	// malformed, so it is reported and not stopped.
	tag("dev-api", skipKey, "22:00")
	rdsc := rds.NewFromConfig(cfg)
	db, err := rdsc.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("dev-db")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rdsc.AddTagsToResource(ctx, &rds.AddTagsToResourceInput{ResourceName: db.DBInstances[0].DBInstanceArn,
		Tags: []rdstypes.Tag{{Key: aws.String(skipKey), Value: aws.String("tonight")}}}); err != nil {
		t.Fatal(err)
	}
	res := reconcileAt(t, svc, w.tuesdayEvening, reconcile.Apply)
	got := look(t, cfg)
	got.wantStates(t, "tuesday 19:05", map[string]string{"dev-api": "running", "stg-worker": "stopped"})
	if got.db != "available" || got.dbT[skipKey] != "tonight" {
		t.Errorf("dev-db with a malformed override: %s, tag %q; want available and the tag untouched", got.db, got.dbT[skipKey])
	}
	if a := findAction(res, "dev-db"); a == nil || a.Status != reconcile.Reported {
		t.Errorf("dev-db action %+v, want a report", a)
	}
	// The clock time is written back as the time it stands for, so read
	// again tomorrow it is not tomorrow's 22:00.
	tonight := w.tuesdayEvening.Truncate(24 * time.Hour).Add(22 * time.Hour).Format(time.RFC3339)
	if v := got.tags["dev-api"][skipKey]; v != tonight {
		t.Errorf("dev-api's %s after the first run = %q, want %s", skipKey, v, tonight)
	}
	tag("stg-worker", offKey, w.wednesdayMorning.Add(5*time.Hour).Format(time.RFC3339))

	// 22:05: the skip has passed; the tag goes and dev-api stops.
	late := w.tuesdayEvening.Add(3 * time.Hour)
	res = reconcileAt(t, svc, late, reconcile.Apply)
	got = look(t, cfg)
	got.wantStates(t, "tuesday 22:05", map[string]string{"dev-api": "stopped"})
	if v, ok := got.tags["dev-api"][skipKey]; ok {
		t.Errorf("tuesday 22:05: dev-api still has %s=%s", skipKey, v)
	}
	if a := findAction(res, e.ids["dev-api"]); a == nil || a.Action != string(ActionStop) {
		t.Errorf("tuesday 22:05: dev-api action %+v, want stop", a)
	}

	// Wednesday 07:05: dev-api starts; stg-worker is kept down.
	reconcileAt(t, svc, w.wednesdayMorning, reconcile.Apply)
	look(t, cfg).wantStates(t, "wednesday 07:05", map[string]string{"dev-api": "running", "stg-worker": "stopped"})

	// Wednesday 12:10: the off-until has passed; the tag goes and
	// stg-worker, stopped by opsd, starts.
	noon := w.wednesdayMorning.Add(5*time.Hour + 5*time.Minute)
	reconcileAt(t, svc, noon, reconcile.Apply)
	got = look(t, cfg)
	got.wantStates(t, "wednesday 12:10", map[string]string{"stg-worker": "running"})
	if v, ok := got.tags["stg-worker"][offKey]; ok {
		t.Errorf("wednesday 12:10: stg-worker still has %s=%s", offKey, v)
	}
}

func findAction(res reconcile.Result, id string) *reconcile.Action {
	for i := range res.Actions {
		if res.Actions[i].Resource == id {
			return &res.Actions[i]
		}
	}
	return nil
}
