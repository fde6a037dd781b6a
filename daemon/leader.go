package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"go.opentelemetry.io/otel/trace"

	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/lease"
	"github.com/opsd-dev/opsd/scheduler"
	"github.com/opsd-dev/opsd/telemetry"
)

// newLease builds the leader lease cfg.HA describes, makes sure its table
// exists, and makes a first attempt to take it, so a replica started alone
// leads from its first run. m, when set, counts its AWS requests.
func newLease(ctx context.Context, cfg *config.Config, logger *slog.Logger, tp trace.TracerProvider, m *telemetry.Metrics, onLead func()) (*lease.Lease, error) {
	base, err := awsenv.Load(ctx, awsenv.Options{
		Region:         cfg.AWS.Regions[0],
		EndpointURL:    cfg.AWS.EndpointURL,
		MaxAttempts:    cfg.AWS.MaxAttempts,
		CallTimeout:    cfg.AWS.CallTimeout,
		TracerProvider: tp,
		OnOutcome:      awsOutcomes(m),
		Logger:         logger,
	})
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(base)
	if err := lease.EnsureTable(ctx, db, cfg.HA.Table, cfg.HA.CreateTable); err != nil {
		return nil, err
	}
	holder := cfg.HA.Holder
	if holder == "" {
		host, err := os.Hostname()
		if err != nil {
			return nil, fmt.Errorf("name this replica for the leader lease: %w", err)
		}
		holder = host + ":" + strconv.Itoa(os.Getpid())
	}
	l, err := lease.New(lease.Options{
		Client: db, Table: cfg.HA.Table, Name: cfg.HA.Name, Holder: holder,
		TTL: cfg.HA.TTL, RenewEvery: cfg.HA.RenewEvery, Logger: logger, OnLead: onLead,
	})
	if err != nil {
		return nil, err
	}
	l.Step(ctx)
	return l, nil
}

// leaderOnly wraps a job so that it runs only while this replica holds
// the lease; a follower's runs are recorded as skipped. A run that loses
// the lease before it ends (its later mutating calls were refused by the
// fence) is recorded as skipped too, "aborted, not leader", not as a
// failure: the new leader's runs stand for the estate.
func leaderOnly(l *lease.Lease, job scheduler.Job) scheduler.Job {
	if l == nil {
		return job
	}
	run := job.Run
	job.Run = func(ctx context.Context) (map[string]int, error) {
		token, ok := l.Leading()
		if !ok {
			return nil, fmt.Errorf("%w: this replica is a follower; the leader runs jobs", scheduler.ErrSkip)
		}
		counts, err := run(ctx)
		if now, ok := l.Leading(); !ok || now != token {
			why := "this replica lost the leader lease during the run"
			if err != nil {
				why += "; what it could not do is the new leader's"
			}
			return counts, fmt.Errorf("%w: aborted, not leader: %s", scheduler.ErrSkip, why)
		}
		return counts, err
	}
	return job
}
