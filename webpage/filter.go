package webpage

import (
	"net/url"
	"slices"
	"strings"
)

// unknownApplication is the application filter's value for the actions
// whose application nothing the page knows says.
const unknownApplication = "(not known)"

// filter narrows the history by the query's service, account,
// application and status; an empty one matches anything.
type filter struct {
	Service, Account, Application, Status string
}

func filterOf(q url.Values) filter {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	return filter{Service: get("service"), Account: get("account"), Application: get("application"), Status: get("status")}
}

// set reports whether any filter is set.
func (f filter) set() bool { return f != filter{} }

func (f filter) match(r Row) bool {
	switch {
	case f.Service != "" && r.Service != f.Service,
		f.Account != "" && r.Account != f.Account,
		f.Status != "" && string(r.Status) != f.Status:
		return false
	case f.Application == unknownApplication:
		return r.Application == ""
	case f.Application != "":
		return strings.EqualFold(r.Application, f.Application)
	}
	return true
}

// apply returns the rows f matches, in their order.
func (f filter) apply(rows []Row) []Row {
	if !f.set() {
		return rows
	}
	var out []Row
	for _, r := range rows {
		if f.match(r) {
			out = append(out, r)
		}
	}
	return out
}

// field is one of the filter form's choices.
type field struct {
	Name, Label string
	Options     []option
}

type option struct {
	Value    string
	Selected bool
}

// fields are the filter form's choices: the values the history holds,
// and the one chosen even when it holds none.
func (f filter) fields(rows []Row) []field {
	values := func(chosen string, of func(Row) string) []option {
		var vs []string
		for _, r := range rows {
			if v := of(r); v != "" {
				vs = append(vs, v)
			}
		}
		if chosen != "" {
			vs = append(vs, chosen)
		}
		slices.Sort(vs)
		vs = slices.Compact(vs)
		out := make([]option, 0, len(vs))
		for _, v := range vs {
			out = append(out, option{Value: v, Selected: v == chosen})
		}
		return out
	}
	app := func(r Row) string {
		if r.Application == "" {
			return unknownApplication
		}
		return r.Application
	}
	return []field{
		{Name: "service", Label: "Service", Options: values(f.Service, func(r Row) string { return r.Service })},
		{Name: "account", Label: "Account", Options: values(f.Account, func(r Row) string { return r.Account })},
		{Name: "application", Label: "Application", Options: values(f.Application, app)},
		{Name: "status", Label: "Status", Options: values(f.Status, func(r Row) string { return string(r.Status) })},
	}
}
