package audit

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

func TestCollectRDSReadsBackupRetention(t *testing.T) {
	f := newFakeAccount()
	f.dbs = []rdstypes.DBInstance{
		{DBInstanceIdentifier: aws.String("off"), BackupRetentionPeriod: aws.Int32(0)},
		{DBInstanceIdentifier: aws.String("kept"), BackupRetentionPeriod: aws.Int32(14)},
		{DBInstanceIdentifier: aws.String("unsaid")},
	}
	inv := &Inventory{}
	if err := collectRDS(context.Background(), f.clients(), inv); err != nil {
		t.Fatal(err)
	}
	got := map[string]DBInstance{}
	for _, db := range inv.DBInstances {
		got[db.ID] = db
	}
	for id, want := range map[string]struct {
		days  int
		known bool
	}{"off": {0, true}, "kept": {14, true}, "unsaid": {0, false}} {
		if db := got[id]; db.BackupRetentionDays != want.days || db.BackupRetentionKnown != want.known {
			t.Errorf("%s: retention %d known %v, want %d %v", id, db.BackupRetentionDays, db.BackupRetentionKnown, want.days, want.known)
		}
	}
}
