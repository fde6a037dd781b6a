package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/opsd-dev/opsd/reconcile"
)

// cmdPlan prints what each service would do; it changes nothing (every
// AWS call it makes is read-only, enforced below the SDK).
func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("plan", "plan --config FILE [--now RFC3339] [--only svc,...] [--json]", stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	nowFlag := fs.String("now", "", "plan as if the clock read this RFC 3339 time")
	only := fs.String("only", "", "comma-separated services to plan (default: every enabled service)")
	asJSON := fs.Bool("json", false, "print the plan as a JSON array of actions")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	once, err := reconcileOnce(ctx, *path, *nowFlag, *only, reconcile.Plan, stderr)
	if err != nil {
		return err
	}
	results := once.results

	var actions []reconcile.Action
	var failed bool
	for _, r := range results {
		actions = append(actions, r.Actions...)
		for _, err := range r.Errors {
			failed = true
			fmt.Fprintf(stderr, "opsd: plan %s: %v\n", r.Service, err)
		}
	}
	sortActions(actions)
	if *asJSON {
		if actions == nil {
			actions = []reconcile.Action{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(actions); err != nil {
			return fmt.Errorf("write plan: %w", err)
		}
	} else {
		writeActions(stdout, actions, true)
	}
	if failed {
		return errFailed
	}
	return nil
}

func sortActions(a []reconcile.Action) {
	sort.SliceStable(a, func(i, j int) bool {
		x, y := a[i], a[j]
		if x.Service != y.Service {
			return x.Service < y.Service
		}
		if x.Account != y.Account {
			return x.Account < y.Account
		}
		if x.Region != y.Region {
			return x.Region < y.Region
		}
		return x.Resource < y.Resource
	})
}

// writeActions prints actions as an aligned table.
func writeActions(w io.Writer, actions []reconcile.Action, header bool) {
	if len(actions) == 0 {
		fmt.Fprintln(w, "  (nothing to do)")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if header {
		fmt.Fprintln(tw, "SERVICE\tACCOUNT\tREGION\tRESOURCE\tACTION\tSTATUS\tREASON")
	}
	for _, a := range actions {
		reason := a.Reason
		if a.Error != "" {
			reason += " — error: " + a.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Service, a.Account, a.Region, a.Resource, a.Action, a.Status, reason)
	}
	_ = tw.Flush()
}
