package monitor

import (
	"context"
	"errors"
	"slices"

	"github.com/opsd-dev/opsd/accounts"
)

// observer reads what one account and region holds. It makes read-only
// calls only (Describe, List, Get), so it runs unchanged in plan mode.
type observer struct {
	c      Clients
	cfg    Config
	target accounts.Target
}

// observe reads the resources of every watched kind, the agent metrics,
// opsd's alarms and dashboards, the log groups, opsd's metric filters and
// the RDS event subscription. Each part is read on its own: one failing
// (access denied, say) is returned as an error naming it, and the
// observation says which parts are complete, so nothing is deleted on the
// strength of a partial read.
func (ob observer) observe(ctx context.Context) (*Observation, error) {
	obs := &Observation{Account: ob.target.Account, Region: ob.target.Region, Listed: map[Kind]bool{}}
	var errs []error
	for _, k := range allKinds {
		if !slices.Contains(ob.cfg.Scope.Kinds, string(k)) {
			// Nothing of this kind is watched: every alarm of it is
			// unwanted, whatever exists.
			obs.Listed[k] = true
			continue
		}
		rs, err := ob.list(ctx, k)
		obs.Resources = append(obs.Resources, rs...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		obs.Listed[k] = true
	}
	if slices.ContainsFunc(obs.Resources, func(r *Resource) bool { return r.Kind == KindEC2 }) {
		ms, err := ob.metrics(ctx)
		obs.Metrics, obs.MetricsListed = ms, err == nil
		errs = append(errs, err)
	} else {
		obs.MetricsListed = true
	}
	as, err := ob.alarms(ctx)
	obs.Alarms, obs.AlarmsListed = as, err == nil
	errs = append(errs, err)
	if ob.cfg.Dashboards.Enabled {
		ds, err := ob.dashboards(ctx)
		obs.Dashboards, obs.DashboardsListed = ds, err == nil
		errs = append(errs, err)
	}
	gs, err := ob.logGroups(ctx)
	obs.LogGroups, obs.LogGroupsListed = gs, err == nil
	errs = append(errs, err)
	if obs.LogGroupsListed {
		fs, err := ob.filters(ctx, gs)
		obs.Filters, obs.FiltersListed = fs, err == nil
		errs = append(errs, err)
	}
	if ob.cfg.RDSEvents.Name != "" {
		sub, err := ob.subscription(ctx)
		obs.Subscription, obs.SubscriptionListed = sub, err == nil
		errs = append(errs, err)
	}
	return obs, errors.Join(errs...)
}

// list reads the resources of kind k.
func (ob observer) list(ctx context.Context, k Kind) ([]*Resource, error) {
	switch k {
	case KindEC2:
		return ob.instances(ctx)
	case KindRDS:
		return ob.databases(ctx)
	case KindAPI:
		return ob.restAPIs(ctx)
	case KindALB:
		return ob.loadBalancers(ctx)
	case KindCanary:
		return ob.canaries(ctx)
	case KindSNS:
		return ob.topics(ctx)
	case KindDLQ:
		return ob.deadLetterQueues(ctx)
	case KindASG:
		return ob.groups(ctx)
	case KindLambda:
		return ob.functions(ctx)
	case KindECS:
		return ob.services(ctx)
	}
	return nil, nil
}

// arnFor builds an ARN in the target's partition, region and account.
func (ob observer) arnFor(service, resource string) string {
	return "arn:" + partition(ob.target.Region) + ":" + service + ":" + ob.target.Region + ":" + ob.target.Account + ":" + resource
}
