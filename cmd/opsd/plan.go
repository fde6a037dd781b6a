package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/opsd-dev/opsd/events"
	"github.com/opsd-dev/opsd/reconcile"
)

// cmdPlan prints what each service would do; it changes nothing (every
// AWS call it makes is read-only, enforced below the SDK).
func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("plan", "plan --config FILE [--now RFC3339] [--only svc,...] [--json] [--event FILE]", stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	nowFlag := fs.String("now", "", "plan as if the clock read this RFC 3339 time")
	only := fs.String("only", "", "comma-separated services to plan (default: every enabled service)")
	asJSON := fs.Bool("json", false, "print the plan as a JSON array of actions")
	eventFile := fs.String("event", "", "plan what this one AWS event (EventBridge JSON) would make opsd do")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var ev *events.Event
	if *eventFile != "" {
		e, services, err := eventScope(*path, *eventFile, *only)
		if err != nil {
			return err
		}
		if e.Ignored != "" || len(services) == 0 {
			fmt.Fprintln(stdout, eventNothing(e))
			return nil
		}
		ev, *only = &e, strings.Join(services, ",")
	}
	once, err := reconcileOnce(ctx, *path, *nowFlag, *only, reconcile.Plan, stderr)
	if err != nil {
		return err
	}
	results := once.results
	if ev != nil {
		results = aboutEvent(results, *ev)
	}

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
	markUnchanged(actions)
	if *asJSON {
		if err := writeJSON(stdout, actions); err != nil {
			return fmt.Errorf("write plan: %w", err)
		}
	} else if len(actions) == 0 {
		fmt.Fprintln(stdout, emptyPlan(results, *path))
	} else {
		writeActions(stdout, actions, true)
	}
	if failed {
		return errFailed
	}
	return nil
}

// Unchanged is the status, in a plan, of a row that changes nothing: the
// resource is as it should be, or something already under way is
// followed. Such a row is not "planned".
const Unchanged reconcile.Status = "unchanged"

// markUnchanged gives the rows that change nothing the Unchanged status.
func markUnchanged(actions []reconcile.Action) {
	for i := range actions {
		a := &actions[i]
		if a.Status == reconcile.Planned && (a.Action == "none" || a.Action == "wait") {
			a.Status = Unchanged
		}
	}
}

// emptyPlan says why a plan has no row: no service is enabled, every
// service failed to read AWS, or there is indeed nothing to do.
func emptyPlan(results []reconcile.Result, path string) string {
	if len(results) == 0 {
		return fmt.Sprintf("  (no service is enabled in %s: set enabled: true under shutdown, patching, backup, monitor, dlq or certs)", path)
	}
	var failed []string
	for _, r := range results {
		if len(r.Errors) > 0 {
			failed = append(failed, r.Service)
		}
	}
	if len(failed) > 0 {
		return fmt.Sprintf("  (nothing planned: %s could not read AWS; the errors are above)", strings.Join(failed, ", "))
	}
	return "  (nothing to do)"
}

// writeJSON writes actions as an indented JSON array, an object per
// action, one action at a time: the same text as encoding the whole array
// with json.Encoder and SetIndent("", "  "), without holding it all.
func writeJSON(w io.Writer, actions []reconcile.Action) error {
	if len(actions) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	bw := bufio.NewWriter(w)
	_, _ = bw.WriteString("[\n")
	for i := range actions {
		b, err := json.MarshalIndent(&actions[i], "  ", "  ")
		if err != nil {
			return err
		}
		if i > 0 {
			_, _ = bw.WriteString(",\n")
		}
		_, _ = bw.WriteString("  ")
		_, _ = bw.Write(b)
	}
	_, _ = bw.WriteString("\n]\n")
	return bw.Flush()
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

// writeActions prints actions as an aligned table: each column as wide
// as its widest cell plus two spaces, the reason last, unpadded. It
// writes as it goes rather than holding the whole table: a plan or run
// over a large fleet has hundreds of thousands of lines. A table with a
// tab, newline or other tabwriter control character in a cell is laid
// out by text/tabwriter instead, which gives those their meaning.
func writeActions(w io.Writer, actions []reconcile.Action, header bool) {
	if len(actions) == 0 {
		fmt.Fprintln(w, "  (nothing to do)")
		return
	}
	var head []string
	if header {
		head = []string{"SERVICE", "ACCOUNT", "REGION", "RESOURCE", "ACTION", "STATUS", "REASON"}
	}
	var widths [actionColumns]int
	plain := measure(&widths, head)
	for i := 0; plain && i < len(actions); i++ {
		row := actionCells(&actions[i])
		plain = measure(&widths, row[:])
	}
	if !plain {
		writeActionsTabwriter(w, actions, head)
		return
	}
	bw := bufio.NewWriter(w)
	if head != nil {
		writeRow(bw, &widths, head)
	}
	for i := range actions {
		row := actionCells(&actions[i])
		writeRow(bw, &widths, row[:])
	}
	_ = bw.Flush()
}

// actionColumns is how many columns of the table are aligned: every one
// but the reason.
const actionColumns = 6

// actionCells are an action's cells in table order.
func actionCells(a *reconcile.Action) [actionColumns + 1]string {
	reason := a.Reason
	if a.Error != "" {
		reason += " — error: " + a.Error
	}
	resource := a.Resource
	if name := a.Details["name"]; name != "" && name != resource {
		resource += " (" + name + ")"
	}
	return [...]string{a.Service, a.Account, a.Region, resource, a.Action, string(a.Status), reason}
}

// measure widens widths to the row's aligned cells (in runes, plus the
// two spaces between columns), and reports whether no cell holds a
// character text/tabwriter treats specially.
func measure(widths *[actionColumns]int, row []string) bool {
	for i, c := range row {
		if strings.ContainsAny(c, "\t\n\v\f") || strings.IndexByte(c, tabwriter.Escape) >= 0 {
			return false
		}
		if i < actionColumns {
			widths[i] = max(widths[i], utf8.RuneCountInString(c)+2)
		}
	}
	return true
}

// writeRow writes one row, each aligned cell padded to its column's width.
func writeRow(w *bufio.Writer, widths *[actionColumns]int, row []string) {
	for i, c := range row {
		_, _ = w.WriteString(c)
		if i < actionColumns {
			for range widths[i] - utf8.RuneCountInString(c) {
				_ = w.WriteByte(' ')
			}
		}
	}
	_ = w.WriteByte('\n')
}

// writeActionsTabwriter lays the table out with text/tabwriter, holding
// all of it until the end.
func writeActionsTabwriter(w io.Writer, actions []reconcile.Action, head []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if head != nil {
		fmt.Fprintln(tw, strings.Join(head, "\t"))
	}
	for i := range actions {
		row := actionCells(&actions[i])
		fmt.Fprintln(tw, strings.Join(row[:], "\t"))
	}
	_ = tw.Flush()
}
