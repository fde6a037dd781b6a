package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/paging"
	"github.com/opsd-dev/opsd/reconcile"
)

// pageTimeout bounds the paging that follows one reconcile.
const pageTimeout = 30 * time.Second

// newSNS returns the SNS publisher cfg configures, or nil. Its client
// calls the topic's own region.
func newSNS(s config.SNS, base aws.Config) (*notify.SNS, error) {
	if s.TopicARN == "" {
		return nil, nil
	}
	parsed, err := arn.Parse(s.TopicARN) // validated by config already
	if err != nil {
		return nil, fmt.Errorf("create sns publisher for %q: %w", s.TopicARN, err)
	}
	client := sns.NewFromConfig(base, func(o *sns.Options) { o.Region = parsed.Region })
	return notify.NewSNS(client, s.TopicARN)
}

// newPagers returns who receives page events: PagerDuty when a routing key
// is configured (read from SSM when it lives there), then SNS when a topic
// is.
func newPagers(ctx context.Context, n config.Notify, base aws.Config, topic *notify.SNS) ([]notify.Pager, error) {
	var pagers []notify.Pager
	pd := n.PagerDuty
	src := notify.TokenSource{Value: pd.RoutingKey.Reveal(), SSMParameter: pd.RoutingKeySSMParameter}
	var api notify.SSMParameterAPI
	if src.SSMParameter != "" {
		api = ssm.NewFromConfig(base)
	}
	key, err := notify.ResolveRoutingKey(ctx, src, api)
	if err != nil {
		return nil, err
	}
	if key != "" {
		client, err := notify.NewPagerDuty(notify.PagerDutyOptions{RoutingKey: key, EventsURL: pd.EventsURL})
		if err != nil {
			return nil, err
		}
		pagers = append(pagers, client)
	}
	if topic != nil {
		pagers = append(pagers, topic)
	}
	return pagers, nil
}

// newPaging returns what pages for env's results, or nil when nothing
// receives page events.
func newPaging(pagers []notify.Pager, production []string, env *Env) *paging.Paging {
	if len(pagers) == 0 {
		return nil
	}
	return paging.New(paging.Deps{Pagers: pagers, State: env.stateStore(), Production: production,
		Logger: env.Logger.With("component", "paging")})
}

// Observe pages for one reconcile's result (a plan never pages). It runs
// after the reconcile, on its own deadline, so a reconcile that used all
// its time still pages; failures are logged.
func (env *Env) Observe(ctx context.Context, req reconcile.Request, res reconcile.Result) {
	if env == nil || env.Paging == nil || req.Mode == reconcile.Plan {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pageTimeout)
	defer cancel()
	if err := env.Paging.Observe(ctx, res, req.Mode, req.Now); err != nil {
		env.Logger.LogAttrs(ctx, slog.LevelWarn, "paging incomplete; the next run tries again",
			slog.String("service", res.Service), slog.String("error", err.Error()))
	}
}
