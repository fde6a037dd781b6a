package shutdown

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// database stops or starts a DB instance or an Aurora cluster. AWS starts
// a database again by itself after 7 days stopped; the planner stops it
// again while its off period lasts.
func (a *actor) database(ctx context.Context, t *task) {
	id := aws.String(t.r.ID)
	var err error
	switch {
	case t.r.Kind == KindRDSInstance && t.d.Action == ActionStop:
		_, err = a.c.RDS.StopDBInstance(ctx, &rds.StopDBInstanceInput{DBInstanceIdentifier: id})
	case t.r.Kind == KindRDSInstance:
		_, err = a.c.RDS.StartDBInstance(ctx, &rds.StartDBInstanceInput{DBInstanceIdentifier: id})
	case t.d.Action == ActionStop:
		_, err = a.c.RDS.StopDBCluster(ctx, &rds.StopDBClusterInput{DBClusterIdentifier: id})
	default:
		_, err = a.c.RDS.StartDBCluster(ctx, &rds.StartDBClusterInput{DBClusterIdentifier: id})
	}
	if err != nil {
		t.err = failed(t.d.Action, t.r.Kind, "", err)
	}
}
