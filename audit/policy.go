package audit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// policyDocument is an IAM resource-based policy.
type policyDocument struct {
	Statement statements `json:"Statement"`
}

// statements is a policy's Statement: one statement or a list.
type statements []statement

func (s *statements) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var one statement
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = statements{one}
		return nil
	}
	var many []statement
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

type statement struct {
	Sid       string                                `json:"Sid"`
	Effect    string                                `json:"Effect"`
	Principal json.RawMessage                       `json:"Principal"`
	Action    stringList                            `json:"Action"`
	Condition map[string]map[string]json.RawMessage `json:"Condition"`
}

// stringList is a policy element that is one string or a list of them.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// restrictingKeys are condition keys that limit who can use an Allow
// statement whose principal is everyone, so that it is not public.
func restrictingKeys() []string {
	return []string{
		"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip",
		"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
		"aws:userid", "aws:username", "lambda:eventsourcetoken",
	}
}

// publicInvokeStatements returns the statements of a Lambda resource
// policy that let anyone invoke the function: Allow, principal "*" (or
// AWS "*"), an action that invokes, and no condition that narrows who.
func publicInvokeStatements(policy string) ([]string, error) {
	var doc policyDocument
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return nil, fmt.Errorf("parse resource policy: %w", err)
	}
	var out []string
	for i, st := range doc.Statement {
		if !strings.EqualFold(st.Effect, "Allow") || !everyone(st.Principal) || !invokes(st.Action) || restricted(st.Condition) {
			continue
		}
		name := st.Sid
		if name == "" {
			name = fmt.Sprintf("statement %d", i+1)
		}
		out = append(out, name)
	}
	return out, nil
}

// everyone reports whether a policy principal is anyone at all: "*" or
// {"AWS": "*"} (or a list holding "*").
func everyone(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]stringList
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for k, v := range m {
		if strings.EqualFold(k, "AWS") && slices.Contains(v, "*") {
			return true
		}
	}
	return false
}

// invokes reports whether actions include invoking a function.
func invokes(actions stringList) bool {
	for _, a := range actions {
		switch strings.ToLower(a) {
		case "*", "lambda:*", "lambda:invoke*", "lambda:invokefunction", "lambda:invokefunctionurl":
			return true
		}
	}
	return false
}

// restricted reports whether a statement's conditions narrow who may use
// it (a source ARN or account, an organisation, a VPC, ...). A condition
// on lambda:FunctionUrlAuthType does not: a function URL that needs IAM
// authentication is still open to every AWS account.
func restricted(cond map[string]map[string]json.RawMessage) bool {
	keys := restrictingKeys()
	for _, kv := range cond {
		for k := range kv {
			if slices.Contains(keys, strings.ToLower(k)) {
				return true
			}
		}
	}
	return false
}
