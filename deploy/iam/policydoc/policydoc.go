// Package policydoc reads the IAM policy documents in deploy/iam and
// compares two documents statement by statement. It is what the tests of
// deploy/iam, deploy/cloudformation and deploy/terraform share: the
// templates' policies are checked equal to the JSON files, which are
// checked equal to the code's AWS calls.
package policydoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Role says which IAM role a policy file is attached to.
type Role string

const (
	// Hub is opsd's own role: the ECS task role or the EC2 instance
	// profile's role, in the account opsd runs in.
	Hub Role = "hub"
	// Member is the role opsd assumes in each member account (and, when
	// opsd acts in its own account too, its own role as well).
	Member Role = "member"
	// Replay is the role of whoever runs opsd dlq replay: no role of
	// opsd's sends messages to queues.
	Replay Role = "replay"
)

// File is one policy file of deploy/iam.
type File struct {
	// Name is the file's name in deploy/iam.
	Name string
	// Role is the role the policy is attached to.
	Role Role
}

// Files are the identity policies of deploy/iam, each one managed policy
// (at most 6,144 characters): opsd's own role gets the first, a member
// account's role the member ones (member-sns-policy.json only with
// patching.sns_topic_arn or monitor.delivery_logging.role_arn), and the
// role people assume to run opsd dlq replay the last.
var Files = []File{
	{Name: "opsd-policy.json", Role: Hub},
	{Name: "member-read-policy.json", Role: Member},
	{Name: "member-shutdown-patching-policy.json", Role: Member},
	{Name: "member-backup-monitor-dlq-policy.json", Role: Member},
	{Name: "member-sns-policy.json", Role: Member},
	{Name: ReplayFile, Role: Replay},
}

// ReplayFile is the policy of the role that runs opsd dlq replay.
const ReplayFile = "replay-policy.json"

// TrustFile is the trust policy of the role opsd assumes in a member
// account.
const TrustFile = "member-role-trust.json"

// Document is an IAM policy document.
type Document struct {
	Version   string
	Statement []Statement
}

// Statement is one statement of an IAM policy document.
type Statement struct {
	Sid         string
	Effect      string
	Principal   json.RawMessage `json:",omitempty"`
	Action      StringList      `json:",omitempty"`
	NotAction   StringList      `json:",omitempty"`
	Resource    StringList      `json:",omitempty"`
	NotResource StringList      `json:",omitempty"`
	Condition   Condition       `json:",omitempty"`
}

// Condition is a statement's Condition: operator → key → values.
type Condition map[string]map[string]StringList

// StringList is a policy element that is a string or a list of strings.
type StringList []string

// UnmarshalJSON takes a string or a list of strings.
func (s *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = StringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*s = many
	return nil
}

// Read parses the policy file at path strictly (see Parse).
func Read(path string) (Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Document{}, err
	}
	doc, err := Parse(b)
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return doc, nil
}

// Parse parses one policy document; unknown elements are errors.
func Parse(b []byte) (Document, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		return Document{}, fmt.Errorf("not a valid policy document: %w", err)
	}
	if dec.More() {
		return Document{}, fmt.Errorf("more than one JSON value")
	}
	return doc, nil
}

// Actions returns every action the document allows, in file order.
func (d Document) Actions() []string {
	var out []string
	for _, st := range d.Statement {
		out = append(out, st.Action...)
	}
	return out
}

// Sids returns the statements' Sids, in file order.
func (d Document) Sids() []string {
	var out []string
	for _, st := range d.Statement {
		out = append(out, st.Sid)
	}
	return out
}

// Diff compares got with want statement by statement, matched by Sid, and
// returns every difference, one line each: a statement missing or extra,
// or one whose Effect, Action, Resource, Principal or Condition differs.
// Lists are compared as sets. Statements named in skip are left out of
// want (those a template leaves out on purpose).
func Diff(want, got Document, skip ...string) []string {
	index := func(d Document, drop []string) (map[string]Statement, []string) {
		m := map[string]Statement{}
		var problems []string
		for _, st := range d.Statement {
			if slices.Contains(drop, st.Sid) {
				continue
			}
			if _, dup := m[st.Sid]; dup {
				problems = append(problems, fmt.Sprintf("statement %q appears twice", st.Sid))
			}
			m[st.Sid] = st
		}
		return m, problems
	}
	w, wp := index(want, skip)
	g, gp := index(got, nil)
	out := append(wp, gp...)
	for _, sid := range sortedKeys(w) {
		ws := w[sid]
		gs, ok := g[sid]
		if !ok {
			out = append(out, fmt.Sprintf("statement %q is missing", sid))
			continue
		}
		if ws.Effect != gs.Effect {
			out = append(out, fmt.Sprintf("statement %q: Effect %q, want %q", sid, gs.Effect, ws.Effect))
		}
		for _, f := range []struct {
			name      string
			want, got StringList
		}{
			{"Action", ws.Action, gs.Action},
			{"NotAction", ws.NotAction, gs.NotAction},
			{"Resource", ws.Resource, gs.Resource},
			{"NotResource", ws.NotResource, gs.NotResource},
		} {
			if d := setDiff(f.want, f.got); d != "" {
				out = append(out, fmt.Sprintf("statement %q: %s %s", sid, f.name, d))
			}
		}
		if !samePrincipal(ws.Principal, gs.Principal) {
			out = append(out, fmt.Sprintf("statement %q: Principal %s, want %s", sid, gs.Principal, ws.Principal))
		}
		out = append(out, conditionDiff(sid, ws.Condition, gs.Condition)...)
	}
	for _, sid := range sortedKeys(g) {
		if _, ok := w[sid]; !ok {
			out = append(out, fmt.Sprintf("statement %q is extra", sid))
		}
	}
	return out
}

// conditionDiff compares two Conditions operator by operator, key by key.
func conditionDiff(sid string, want, got Condition) []string {
	var out []string
	ops := map[string]bool{}
	for op := range want {
		ops[op] = true
	}
	for op := range got {
		ops[op] = true
	}
	for _, op := range sortedKeys(ops) {
		keys := map[string]bool{}
		for k := range want[op] {
			keys[k] = true
		}
		for k := range got[op] {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			wv, inWant := want[op][k]
			gv, inGot := got[op][k]
			switch {
			case !inGot:
				out = append(out, fmt.Sprintf("statement %q: Condition %s %s is missing", sid, op, k))
			case !inWant:
				out = append(out, fmt.Sprintf("statement %q: Condition %s %s is extra", sid, op, k))
			default:
				if d := setDiff(wv, gv); d != "" {
					out = append(out, fmt.Sprintf("statement %q: Condition %s %s %s", sid, op, k, d))
				}
			}
		}
	}
	return out
}

// setDiff describes how got differs from want as sets, or "" when equal.
func setDiff(want, got StringList) string {
	var missing, extra []string
	for _, v := range want {
		if !slices.Contains(got, v) {
			missing = append(missing, v)
		}
	}
	for _, v := range got {
		if !slices.Contains(want, v) {
			extra = append(extra, v)
		}
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "lacks "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		parts = append(parts, "has extra "+strings.Join(extra, ", "))
	}
	return strings.Join(parts, "; ")
}

// samePrincipal compares two Principal elements as JSON values.
func samePrincipal(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return bytes.Equal(xs, ys)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
