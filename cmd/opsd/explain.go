package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/opsd-dev/opsd/reconcile"
)

// cmdExplain says, for one resource, what every enabled service would do
// to it now and why, and what the shutdown schedule does next. Like plan,
// it changes nothing.
func cmdExplain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("explain", "explain --config FILE [--now RFC3339] RESOURCE", stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	nowFlag := fs.String("now", "", "explain as if the clock read this RFC 3339 time")
	// The resource may come before the flags, between them or after them.
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) == 0:
		return &usageError{"explain: name the resource (an instance id, group or database name, or ARN)"}
	case len(rest) > 1:
		return &usageError{fmt.Sprintf("explain: one resource at a time (got %q)", rest)}
	}
	resource := rest[0]
	once, err := reconcileOnce(ctx, *path, *nowFlag, "", reconcile.Plan, stderr)
	if err != nil {
		return err
	}
	var found []reconcile.Action
	var errs []string
	for _, r := range once.results {
		for _, a := range r.Actions {
			if about(a, resource) {
				found = append(found, a)
			}
		}
		for _, err := range r.Errors {
			errs = append(errs, fmt.Sprintf("%s: %v", r.Service, err))
		}
	}
	writeExplanation(stdout, resource, once.now, found)
	for _, e := range errs {
		fmt.Fprintf(stderr, "opsd: explain: %s (what opsd would do there is not known)\n", e)
	}
	if len(found) == 0 || len(errs) > 0 {
		return errFailed
	}
	return nil
}

// about reports whether a is about the resource named: by id, by its Name
// tag, by an ARN that ends in the id, or, for an ECS service, by its name.
func about(a reconcile.Action, name string) bool {
	switch {
	case name == "":
		return false
	case a.Resource == name, a.Details["name"] == name, a.Details["arn"] == name:
		return true
	}
	// An ARN ending in the id, or an ECS service ("cluster/service") by
	// its service name.
	return strings.HasSuffix(name, "/"+a.Resource) || strings.HasSuffix(name, ":"+a.Resource) ||
		(a.Details["kind"] == "ecs-service" && strings.HasSuffix(a.Resource, "/"+name))
}
