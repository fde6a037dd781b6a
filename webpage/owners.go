package webpage

import (
	"strings"

	"github.com/opsd-dev/opsd/reconcile"
)

// Owner is whose a resource is, by its Application and TeamEmail tags.
type Owner struct {
	Application string
	TeamEmail   string
}

func (o Owner) complete() bool { return o.Application != "" && o.TeamEmail != "" }

// fill sets what o lacks from p.
func (o *Owner) fill(p Owner) {
	if o.Application == "" {
		o.Application = p.Application
	}
	if o.TeamEmail == "" {
		o.TeamEmail = p.TeamEmail
	}
}

// Owners is what the page knows of each resource's owner from the
// actions that say it, by account, region and resource id, and by ARN.
// Not every service's actions carry the owner tags (the audit's carry
// the application, backup's and the DLQ service's both), so a resource's
// owner is lent to its other services' actions.
type Owners map[string]Owner

// ownerOf is what a's details say of its resource's owner: application
// and team_email, or a backup or certificate owner that is an address.
func ownerOf(a reconcile.Action) Owner {
	o := Owner{Application: a.Details["application"], TeamEmail: a.Details["team_email"]}
	if v := a.Details["owner"]; o.TeamEmail == "" && strings.Contains(v, "@") && !strings.ContainsAny(v, " \t") {
		o.TeamEmail = v
	}
	return o
}

// resourceKeys are the keys a's resource is known by: its account,
// region and id, and its ARN with the id the ARN ends in (an instance's
// "arn:aws:ec2:eu-west-2:111111111111:instance/i-0abc" is i-0abc's in
// that account and region, as the shutdown service names it).
func resourceKeys(a reconcile.Action) []string {
	keys := []string{idKey(a.Account, a.Region, a.Resource)}
	for _, arn := range []string{a.Details["arn"], a.Resource} {
		if !strings.HasPrefix(arn, "arn:") {
			continue
		}
		keys = append(keys, "arn\x00"+arn)
		if account, region, id, ok := arnID(arn); ok {
			keys = append(keys, idKey(account, region, id))
		}
	}
	return keys
}

// arnID is the account, region and id an ARN names, its id the part
// after the last "/" or ":" ("i-0abc" of an instance, "orders" of an RDS
// "db:orders"); ok is false for an ARN without an account or region.
func arnID(arn string) (account, region, id string, ok bool) {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || f[0] != "arn" || f[3] == "" || f[4] == "" {
		return "", "", "", false
	}
	id = f[5][strings.LastIndexAny(f[5], "/:")+1:]
	return f[4], f[3], id, id != ""
}

func idKey(account, region, id string) string {
	return "id\x00" + account + "\x00" + region + "\x00" + id
}

// ownersOf gathers the owners the actions of results say.
func ownersOf(results []reconcile.Result) Owners {
	known := Owners{}
	for _, res := range results {
		for _, a := range res.Actions {
			o := ownerOf(a)
			if o == (Owner{}) {
				continue
			}
			for _, k := range resourceKeys(a) {
				p := known[k]
				p.fill(o)
				known[k] = p
			}
		}
	}
	return known
}

// of is the owner of a's resource: what a says, then what known says.
func (known Owners) of(a reconcile.Action) Owner {
	o := ownerOf(a)
	for _, k := range resourceKeys(a) {
		if o.complete() {
			break
		}
		o.fill(known[k])
	}
	return o
}
