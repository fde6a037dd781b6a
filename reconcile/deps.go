package reconcile

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/state"
)

// Deps is what the daemon gives a service, C being the service's own set
// of AWS clients. Every service takes the same: each declares
// `type Deps = reconcile.Deps[Clients]`.
type Deps[C any] struct {
	// Targets lists the account × region targets to act in.
	Targets func(ctx context.Context) ([]accounts.Target, error)
	// FanOut runs work across targets.
	FanOut accounts.FanOut
	// Notifier receives the service's messages; nil for none.
	Notifier notify.Notifier
	// Logger receives the service's log records; nil for none.
	Logger *slog.Logger
	// Location is the daemon's timezone, for schedules that name none and
	// for the times in messages.
	Location *time.Location
	// Clients builds the AWS clients for a target from its configuration;
	// nil means the service's NewClients, the SDK's. Tests pass fakes.
	Clients func(aws.Config) C
	// State keeps what the service told and promised between runs and
	// replicas; nil keeps it in memory only.
	State state.Keeper
	// Sleep waits between polls (of a running SSM command, say); nil means
	// a timer. Tests pass one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}
