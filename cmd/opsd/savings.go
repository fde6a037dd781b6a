package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/pricing"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/daemon"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/savings"
	"github.com/opsd-dev/opsd/shutdown"
	"github.com/opsd-dev/opsd/state"
	"github.com/opsd-dev/opsd/telemetry"
)

// cmdSavings prints what overnight shutdown saved in a month: from the
// ledger in the state store, each resource's hours off, its on-demand
// hourly price from the Price List and the estimated saving, per resource
// or summed by account, application or team. It reads the state and
// makes read-only AWS calls only.
func cmdSavings(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("savings", "savings --config FILE [--month YYYY-MM] [--by account|application|team] [--json]", stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	monthFlag := fs.String("month", "", "the month to report, YYYY-MM (default: this month so far)")
	by := fs.String("by", "", "sum the rows by account, application or team (default: one row per resource)")
	asJSON := fs.Bool("json", false, "print the report as a JSON object with rows and totals")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !savings.ValidBy(*by) {
		return &usageError{fmt.Sprintf("savings --by %q: want account, application or team", *by)}
	}
	var month time.Time
	if *monthFlag != "" {
		m, err := time.Parse("2006-01", *monthFlag)
		if err != nil {
			return &usageError{fmt.Sprintf("savings --month %q: want YYYY-MM", *monthFlag)}
		}
		month = m
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	logger := telemetry.NewLogger(stderr, telemetry.ParseLevel(cfg.Log.Level))
	env, err := daemon.NewEnv(ctx, cfg, daemon.EnvOptions{Mode: reconcile.Plan, Logger: logger, Notifier: &notify.Recorder{}})
	if err != nil {
		return err
	}
	st, err := readSavingsState(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer st.Close()
	doc, _ := savings.ReadLedger(ctx, st)

	now := time.Now()
	if month.IsZero() {
		month = now.In(env.Location)
	}
	from, to := savings.Month(month.Year(), month.Month(), env.Location)
	if !from.Before(now) {
		return &usageError{fmt.Sprintf("savings --month %s has not begun", from.Format("2006-01"))}
	}
	targets, err := env.Resolver.Targets(ctx)
	if err != nil {
		return fmt.Errorf("list accounts and regions: %w", err)
	}
	p := newSavingsPricer(ctx, env, cfg, st, targets)
	rep := savings.Build(doc, from, to, now, env.Location, *by, p.price)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("write savings: %w", err)
		}
	} else if err := savings.WriteText(stdout, rep); err != nil {
		return fmt.Errorf("write savings: %w", err)
	}
	for _, err := range p.errs {
		fmt.Fprintf(stderr, "opsd: savings: %v\n", err)
	}
	if len(p.errs) > 0 {
		return errFailed
	}
	return nil
}

// readSavingsState is what the daemon recorded: the DynamoDB table, or a
// copy of the state file. Unlike other read-only commands, a file that
// cannot be read is an error: an empty ledger would read as nothing saved.
func readSavingsState(ctx context.Context, cfg *config.Config, env *daemon.Env) (*state.Tolerant, error) {
	if cfg.StateTable() != "" {
		return daemon.ReadState(ctx, cfg, env.Logger, nil), nil
	}
	m, err := state.ReadFile(cfg.StatePath(true))
	if err != nil {
		return nil, fmt.Errorf("read the savings ledger: %w", err)
	}
	return state.NewTolerant(m, env.Logger), nil
}

// savingsPricer prices ledger resources: their sizes with read-only calls
// in their account and region, their prices from the Price List.
type savingsPricer struct {
	ctx     context.Context
	pricer  *savings.Pricer
	targets map[string]accounts.Target
	tag     string
	errs    []error
}

func newSavingsPricer(ctx context.Context, env *daemon.Env, cfg *config.Config, st state.Keeper, targets []accounts.Target) *savingsPricer {
	// The Price List is served from us-east-1, through aws.endpoint_url
	// like every other call.
	pc := env.Base.Copy()
	pc.Region = savings.PricingRegion
	tag := cfg.Shutdown.Tags.ASGCapacity
	if tag == "" {
		tag = shutdown.DefaultTagKeys().ASGCapacity
	}
	p := &savingsPricer{ctx: ctx, tag: tag, targets: map[string]accounts.Target{},
		pricer: &savings.Pricer{API: pricing.NewFromConfig(pc), Cache: loadOnly{st}}}
	for _, t := range targets {
		p.targets[t.Account+"/"+t.Region] = t
	}
	return p
}

// price sizes and prices r; a failed call is kept for the exit code and
// leaves r unpriced.
func (p *savingsPricer) price(r savings.Resource) savings.Priced {
	t, ok := p.targets[r.Account+"/"+r.Region]
	if !ok {
		return savings.Priced{Note: "its account and region are no longer configured: not priced"}
	}
	size, err := savings.Sizer{Clients: savings.NewClients(t.Config), CapacityTag: p.tag}.Size(p.ctx, r)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("size %s %s in %s: %w", r.Kind, r.ID, t, err))
		return savings.Priced{Note: "could not be sized: not priced"}
	}
	priced, err := p.pricer.Hourly(p.ctx, size)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("price %s %s: %w", r.Kind, r.ID, err))
		return savings.Priced{Note: "could not be priced"}
	}
	return priced
}

// loadOnly reads prices the daemon cached and saves nothing: the command
// is read-only.
type loadOnly struct{ k state.Keeper }

func (l loadOnly) Load(ctx context.Context, kind, key string, v any) bool {
	return l.k.Load(ctx, kind, key, v)
}

func (loadOnly) Save(context.Context, string, string, any) {}
