// Package daemon wires opsd together: it builds the shared environment
// (AWS access, notifier, telemetry) from a configuration, builds the
// enabled services, and runs them once or on their schedules.
package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/opsd-dev/opsd/state"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"go.opentelemetry.io/otel/trace"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/paging"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/telemetry"
)

// Env is what every service is built from.
type Env struct {
	Config   *config.Config
	Mode     reconcile.Mode
	Base     aws.Config
	Resolver *accounts.Resolver
	FanOut   accounts.FanOut
	Notifier notify.Notifier
	Logger   *slog.Logger
	Tracer   trace.Tracer
	Location *time.Location
	Now      func() time.Time
	// State keeps what services told between runs and replicas; nil
	// keeps it in memory only.
	State *state.Tolerant
	// Paging pages for the critical conditions in results; nil when
	// nothing receives page events or the mode is Plan.
	Paging *paging.Paging
}

// EnvOptions are the parts of an Env that do not come from configuration.
type EnvOptions struct {
	Mode           reconcile.Mode
	Logger         *slog.Logger
	TracerProvider trace.TracerProvider
	// Notifier, when set, replaces the one configuration describes (tests,
	// and plan mode, which tells nobody).
	Notifier notify.Notifier
	// OnCall observes every AWS call (tests and call counting).
	OnCall func(service, operation string)
	Now    func() time.Time
	// Fence, when set, is asked before every mutating AWS call and
	// refuses it with its error (leader election).
	Fence func() error
	// State is the process's state store (see OpenState); nil keeps
	// services' memory in the process only.
	State *state.Tolerant
	// Pagers, when set, replace the page receivers configuration
	// describes (tests). Without them, an environment whose Notifier is
	// replaced does not page.
	Pagers []notify.Pager
	// Metrics, when set, counts the AWS requests (opsd_aws_calls_total)
	// and the Slack, PagerDuty and SNS deliveries
	// (opsd_notifications_total) of the environment.
	Metrics *telemetry.Metrics
}

// NewEnv builds the environment cfg describes. It makes no AWS call except,
// when the Slack token or the PagerDuty routing key lives in SSM Parameter
// Store, the ones that read them.
func NewEnv(ctx context.Context, cfg *config.Config, opts EnvOptions) (*Env, error) {
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return nil, fmt.Errorf("load timezone %q: %w", cfg.Timezone, err)
	}
	var tracer trace.Tracer
	if opts.TracerProvider != nil {
		tracer = opts.TracerProvider.Tracer("github.com/opsd-dev/opsd")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	base, err := awsenv.Load(ctx, awsenv.Options{
		Region:         cfg.AWS.Regions[0],
		EndpointURL:    cfg.AWS.EndpointURL,
		MaxAttempts:    cfg.AWS.MaxAttempts,
		CallTimeout:    cfg.AWS.CallTimeout,
		ReadOnly:       opts.Mode == reconcile.Plan,
		TracerProvider: opts.TracerProvider,
		OnCall:         opts.OnCall,
		OnOutcome:      awsOutcomes(opts.Metrics),
		Logger:         logger,
	})
	if err != nil {
		return nil, err
	}
	awsenv.AddFence(&base, opts.Fence)
	resolver := &accounts.Resolver{Base: base, Regions: cfg.AWS.Regions}
	for _, a := range cfg.AWS.Accounts {
		id := a.ID
		if id == "" {
			id = accountOfRole(a.RoleARN)
		}
		resolver.Accounts = append(resolver.Accounts, accounts.Account{ID: id, RoleARN: a.RoleARN, ExternalID: a.ExternalID.Reveal()})
	}
	if o := cfg.AWS.Organization; o.Enabled {
		resolver.Organization = &accounts.Organization{RoleName: o.RoleName, ExternalID: o.ExternalID.Reveal(), Exclude: o.Exclude}
	}
	n := opts.Notifier
	pagers := opts.Pagers
	if n == nil {
		n, err = newNotifier(ctx, cfg.Notify, base, logger)
		if err != nil {
			return nil, err
		}
		n = countNotifier(ctx, n, opts.Metrics)
		topic, err := newSNS(cfg.Notify.SNS, base)
		if err != nil {
			return nil, err
		}
		if topic != nil {
			n = notify.Multi{n, notify.BestEffort{Notifier: countNotifier(ctx, topic, opts.Metrics), Logger: logger}}
		}
		if pagers == nil && opts.Mode == reconcile.Apply && cfg.Notify.Paging() {
			if pagers, err = newPagers(ctx, cfg.Notify, base, topic); err != nil {
				return nil, err
			}
			pagers = countPagers(ctx, pagers, opts.Metrics)
		}
	}
	if opts.Fence != nil {
		// Only the leader tells people: a fenced replica's refused calls
		// are not the estate's failures.
		n = notify.LeaderOnly{Notifier: n, Fence: opts.Fence, Logger: logger}
		for i, p := range pagers {
			pagers[i] = notify.LeaderOnlyPager{Pager: p, Fence: opts.Fence, Logger: logger}
		}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	env := &Env{
		Config:   cfg,
		Mode:     opts.Mode,
		Base:     base,
		Resolver: resolver,
		FanOut:   accounts.FanOut{Limit: cfg.AWS.Concurrency, Tracer: tracer},
		Notifier: n,
		Logger:   logger,
		Tracer:   tracer,
		Location: loc,
		Now:      now,
		State:    opts.State,
	}
	if opts.Mode == reconcile.Apply {
		env.Paging = newPaging(pagers, cfg.Notify.PagerDuty.ProductionEnvironments, env)
	}
	return env, nil
}

// newNotifier returns Slack, with its routes, when a token is configured,
// the log otherwise.
func newNotifier(ctx context.Context, n config.Notify, base aws.Config, logger *slog.Logger) (notify.Notifier, error) {
	s := n.Slack
	src := notify.TokenSource{Value: s.Token.Reveal(), SSMParameter: s.TokenSSMParameter}
	var api notify.SSMParameterAPI
	if src.SSMParameter != "" {
		api = ssm.NewFromConfig(base)
	}
	token, err := notify.ResolveToken(ctx, src, api)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return notify.LogNotifier{Logger: logger}, nil
	}
	channels := map[notify.Kind]string{}
	for k, c := range s.Channels {
		channels[notify.Kind(k)] = c
	}
	return notify.NewSlack(notify.SlackOptions{Token: token, Channel: s.Channel, Channels: channels, Routes: routes(n.Routes), APIURL: s.APIURL, Logger: logger,
		Interactive: s.Interactive()})
}

// routes converts the configured routes for the Slack notifier.
func routes(rs []config.Route) []notify.Route {
	out := make([]notify.Route, 0, len(rs))
	for _, r := range rs {
		nr := notify.Route{Accounts: r.Accounts, Environments: r.Environments, Applications: r.Applications,
			TeamEmails: r.TeamEmails, Channel: r.Channel}
		for _, k := range r.Services {
			nr.Kinds = append(nr.Kinds, notify.Kind(k))
		}
		for _, sev := range r.Severities {
			nr.Severities = append(nr.Severities, notify.Severity(sev))
		}
		out = append(out, nr)
	}
	return out
}

func accountOfRole(roleARN string) string {
	parsed, err := arn.Parse(roleARN) // validated by config already
	if err != nil {
		return ""
	}
	return parsed.AccountID
}
