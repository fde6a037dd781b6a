package webpage

import (
	"maps"
	"slices"
	"strings"

	"github.com/opsd-dev/opsd/reconcile"
)

// maxResourceRows is how many of one resource's past actions a search
// result lists.
const maxResourceRows = 20

// resourceView is one resource found by the search: what each service
// says of it in its last run, and what opsd did to it lately.
type resourceView struct {
	Title   string
	Where   string
	Owner   string
	Actions []reconcile.Action
	Done    []rowView
}

// found is what the page knows of one resource.
type found struct {
	id, account, region, name, arn, environment string
	owner                                       Owner
	actions                                     []reconcile.Action
	rows                                        []Row
}

// search finds the resources whose id, Name, ARN or team email contains
// q, or whose account, application or environment is q (all ignoring
// case), among those of the latest results and of the history, and
// groups each one's actions across the services. A resource's owner is
// what any of its actions says (see [Owners]).
func search(results []reconcile.Result, rows []Row, known Owners, q string, view func(Row) rowView) []resourceView {
	byKey := map[string]*found{}
	get := func(account, region, id string) *found {
		k := account + "/" + region + "/" + id
		f := byKey[k]
		if f == nil {
			f = &found{id: id, account: account, region: region}
			byKey[k] = f
		}
		return f
	}
	for _, res := range results {
		for _, a := range res.Actions {
			// An action on an ARN is the action on the id it ends in.
			account, region, id, ok := arnID(a.Resource)
			if !ok {
				account, region, id = a.Account, a.Region, a.Resource
			}
			f := get(account, region, id)
			f.actions = append(f.actions, a)
			if ok && f.arn == "" {
				f.arn = a.Resource
			}
			f.owner.fill(known.of(a))
			if f.name == "" {
				f.name = nameOf(a)
			}
			if f.arn == "" {
				f.arn = a.Details["arn"]
			}
			if f.environment == "" {
				f.environment = a.Details["environment"]
			}
		}
	}
	for _, r := range rows {
		f := get(r.Account, r.Region, r.Resource)
		if len(f.rows) < maxResourceRows {
			f.rows = append(f.rows, r)
		}
		f.owner.fill(Owner{Application: r.Application, TeamEmail: r.TeamEmail})
		if f.name == "" {
			f.name = r.Name
		}
	}
	q = strings.ToLower(q)
	var out []resourceView
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		f := byKey[k]
		if !f.matches(q) {
			continue
		}
		rv := resourceView{Title: f.id, Where: "account " + f.account + " region " + f.region, Actions: f.actions}
		if f.name != "" {
			rv.Title += " (" + f.name + ")"
		}
		rv.Owner = ownerText(f.owner)
		for _, r := range f.rows {
			rv.Done = append(rv.Done, view(r))
		}
		out = append(out, rv)
	}
	return out
}

func (f *found) matches(q string) bool {
	for _, s := range []string{f.id, f.name, f.arn, f.owner.TeamEmail} {
		if s != "" && strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	for _, s := range []string{f.account, f.owner.Application, f.environment} {
		if s != "" && strings.ToLower(s) == q {
			return true
		}
	}
	return false
}

// ownerText says whose a resource is, as far as the page knows.
func ownerText(o Owner) string {
	var parts []string
	if o.Application != "" {
		parts = append(parts, "application "+o.Application)
	}
	if o.TeamEmail != "" {
		parts = append(parts, "team "+o.TeamEmail)
	}
	return strings.Join(parts, ", ")
}
