package monitor

import (
	"slices"
	"strconv"
	"strings"
)

// rdsSourceType is the source type of opsd's RDS event subscription.
const rdsSourceType = "db-instance"

// wantedSubscription returns the RDS event subscription opsd wants, or nil
// and why not. Its sources are the watched DB instances without a
// shutdown tag: those stopped every evening would otherwise send their
// stop and start events to the alarm topic twice a day. An empty source
// list would subscribe to every DB instance, so no sources means no
// subscription.
func (pl *planning) wantedSubscription() (*EventSubscription, string) {
	cfg := pl.cfg.RDSEvents
	switch {
	case !cfg.Enabled:
		return nil, "rds_events is disabled in the configuration"
	case !slices.Contains(pl.cfg.Scope.Kinds, string(KindRDS)):
		return nil, "DB instances are not watched (scope.kinds)"
	case len(pl.topics) == 0:
		return nil, "no alarm topic for this account and region"
	}
	var ids []string
	for _, r := range pl.resources {
		if st := pl.standings[r]; r.Kind == KindRDS && st.watched && !st.shutdown {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil, "no watched DB instance runs all the time"
	}
	slices.Sort(ids)
	return &EventSubscription{
		Name:       cfg.Name,
		TopicARN:   pl.topics[0],
		SourceType: rdsSourceType,
		Categories: sortedSet(cfg.Categories),
		SourceIDs:  ids,
		Enabled:    true,
	}, ""
}

// subscriptionChanges keeps the RDS event subscription named in the
// configuration (opsd touches no other): created when missing, modified
// when its topic, categories, sources or state differ, deleted when opsd
// wants none.
func (pl *planning) subscriptionChanges() []*Change {
	if !pl.obs.SubscriptionListed || !pl.obs.Listed[KindRDS] {
		return nil
	}
	want, why := pl.wantedSubscription()
	have := pl.obs.Subscription
	switch {
	case want == nil && have == nil:
		return nil
	case want == nil:
		return []*Change{{Object: ObjectSubscription, Op: OpDelete, Name: have.Name, Reason: why, current: have}}
	}
	details := map[string]string{
		"topic":      want.TopicARN,
		"categories": strings.Join(want.Categories, ","),
		"sources":    strings.Join(want.SourceIDs, ","),
	}
	if have == nil {
		return []*Change{{Object: ObjectSubscription, Op: OpCreate, Name: want.Name, Reason: "status changes of DB instances are not sent to the alarm topic", Details: details, subscription: want}}
	}
	cs := diffSubscription(*have, *want)
	if len(cs) == 0 {
		return nil
	}
	details["changes"] = formatChanges(cs)
	return []*Change{{Object: ObjectSubscription, Op: OpUpdate, Name: want.Name, Reason: "drifted: " + fieldNames(cs), Details: details, subscription: want, current: have}}
}

// diffSubscription returns how have differs from want.
func diffSubscription(have, want EventSubscription) []FieldChange {
	var cs []FieldChange
	add := func(field, from, to string) {
		if from != to {
			cs = append(cs, FieldChange{Field: field, From: from, To: to})
		}
	}
	add("topic", have.TopicARN, want.TopicARN)
	add("source_type", have.SourceType, want.SourceType)
	add("categories", strings.Join(sortedSet(have.Categories), ","), strings.Join(want.Categories, ","))
	add("sources", strings.Join(sortedSet(have.SourceIDs), ","), strings.Join(want.SourceIDs, ","))
	add("enabled", strconv.FormatBool(have.Enabled), strconv.FormatBool(want.Enabled))
	return cs
}

// settingsDiffer reports whether have's topic, source type, categories or
// state differ from want's (what ModifyEventSubscription sets).
func settingsDiffer(have, want EventSubscription) bool {
	return have.TopicARN != want.TopicARN || have.SourceType != want.SourceType || have.Enabled != want.Enabled ||
		!slices.Equal(sortedSet(have.Categories), want.Categories)
}

// sourceDelta returns the source ids to add to and remove from have to
// make want's.
func sourceDelta(have, want EventSubscription) (add, remove []string) {
	for _, id := range want.SourceIDs {
		if !slices.Contains(have.SourceIDs, id) {
			add = append(add, id)
		}
	}
	for _, id := range sortedSet(have.SourceIDs) {
		if !slices.Contains(want.SourceIDs, id) {
			remove = append(remove, id)
		}
	}
	return add, remove
}
