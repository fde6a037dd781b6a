package cloudformation_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// template is a CloudFormation template read into plain values, with the
// short-form tags (!Ref, !Sub, !GetAtt, !If, ...) turned into their long
// forms ({"Ref": ...}, {"Fn::Sub": ...}, ...), as CloudFormation reads them.
type template struct {
	path string
	doc  map[string]any
}

// readTemplate reads a YAML template.
func readTemplate(t *testing.T, path string) *template {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	v, err := fromNode(&n)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: not a mapping", path)
	}
	return &template{path: path, doc: doc}
}

// fromNode turns a YAML node into maps, lists and scalars, and each
// custom tag into CloudFormation's long form.
func fromNode(n *yaml.Node) (any, error) {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return nil, fmt.Errorf("line %d: want one document", n.Line)
		}
		return fromNode(n.Content[0])
	case yaml.AliasNode:
		return fromNode(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("line %d: key %q repeated", n.Content[i].Line, k)
			}
			val, err := fromNode(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k] = val
		}
		v = m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			val, err := fromNode(c)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		v = l
	case yaml.ScalarNode:
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			v = n.Value
		} else if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
	default:
		return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
	}
	if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
		return v, nil
	}
	switch fn := strings.TrimPrefix(n.Tag, "!"); fn {
	case "Ref", "Condition":
		return map[string]any{fn: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			res, attr, _ := strings.Cut(s, ".")
			v = []any{res, attr}
		}
		return map[string]any{"Fn::GetAtt": v}, nil
	default:
		return map[string]any{"Fn::" + fn: v}, nil
	}
}

// section returns one of the template's top-level mappings.
func (tp *template) section(name string) map[string]any {
	m, _ := tp.doc[name].(map[string]any)
	return m
}

// resource returns a resource's definition, failing when there is none.
func (tp *template) resource(t *testing.T, name string) map[string]any {
	t.Helper()
	r, ok := tp.section("Resources")[name].(map[string]any)
	if !ok {
		t.Fatalf("%s has no resource %s", tp.path, name)
	}
	return r
}

// resourcesOfType returns the logical ids of the resources of a type,
// sorted.
func (tp *template) resourcesOfType(typ string) []string {
	var out []string
	for name, r := range tp.section("Resources") {
		if m, ok := r.(map[string]any); ok && m["Type"] == typ {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// scope is what a template is evaluated with: parameter values (the
// template's defaults, overridden), pseudo parameters, and the values that
// Ref and GetAtt of resources stand for ("Res" and "Res.Attr").
type scope struct {
	tp     *template
	params map[string]any
	pseudo map[string]any
	refs   map[string]any
	conds  map[string]bool
}

// noValue is what AWS::NoValue evaluates to; it drops out of mappings and
// lists, as in CloudFormation.
var noValue = &struct{ noValue bool }{true}

// newScope evaluates the template's conditions with the defaults of its
// parameters overridden by params.
func newScope(t *testing.T, tp *template, params map[string]any, pseudo, refs map[string]any) *scope {
	t.Helper()
	s := &scope{tp: tp, params: map[string]any{}, pseudo: pseudo, refs: refs, conds: map[string]bool{}}
	for name, p := range tp.section("Parameters") {
		if d, ok := p.(map[string]any)["Default"]; ok {
			s.params[name] = d
		}
	}
	for k, v := range params {
		if _, ok := tp.section("Parameters")[k]; !ok {
			t.Fatalf("%s has no parameter %s", tp.path, k)
		}
		s.params[k] = v
	}
	for name := range tp.section("Conditions") {
		if _, err := s.condition(name, nil); err != nil {
			t.Fatalf("%s: condition %s: %v", tp.path, name, err)
		}
	}
	return s
}

// condition evaluates a named condition.
func (s *scope) condition(name string, seen []string) (bool, error) {
	if v, ok := s.conds[name]; ok {
		return v, nil
	}
	for _, n := range seen {
		if n == name {
			return false, fmt.Errorf("condition %s refers to itself", name)
		}
	}
	expr, ok := s.tp.section("Conditions")[name]
	if !ok {
		return false, fmt.Errorf("no condition %s", name)
	}
	v, err := s.boolean(expr, append(seen, name))
	if err != nil {
		return false, err
	}
	s.conds[name] = v
	return v, nil
}

// boolean evaluates a condition function.
func (s *scope) boolean(expr any, seen []string) (bool, error) {
	m, ok := expr.(map[string]any)
	if !ok || len(m) != 1 {
		return false, fmt.Errorf("%v is not a condition function", expr)
	}
	for fn, arg := range m {
		if fn == "Condition" {
			name, _ := arg.(string)
			return s.condition(name, seen)
		}
		args, _ := arg.([]any)
		switch fn {
		case "Fn::Equals":
			if len(args) != 2 {
				return false, fmt.Errorf("Fn::Equals takes two values")
			}
			a, err := s.eval(args[0])
			if err != nil {
				return false, err
			}
			b, err := s.eval(args[1])
			if err != nil {
				return false, err
			}
			return fmt.Sprint(a) == fmt.Sprint(b), nil
		case "Fn::Not":
			if len(args) != 1 {
				return false, fmt.Errorf("Fn::Not takes one condition")
			}
			v, err := s.boolean(args[0], seen)
			return !v, err
		case "Fn::And", "Fn::Or":
			and := fn == "Fn::And"
			out := and
			for _, a := range args {
				v, err := s.boolean(a, seen)
				if err != nil {
					return false, err
				}
				if and {
					out = out && v
				} else {
					out = out || v
				}
			}
			return out, nil
		}
		return false, fmt.Errorf("unknown condition function %s", fn)
	}
	return false, nil
}

var subVar = regexp.MustCompile(`\$\{([^}]+)\}`)

// eval evaluates a template value: intrinsic functions are applied and
// AWS::NoValue dropped.
func (s *scope) eval(v any) (any, error) {
	switch v := v.(type) {
	case []any:
		out := []any{}
		for _, x := range v {
			e, err := s.eval(x)
			if err != nil {
				return nil, err
			}
			if e != noValue {
				out = append(out, e)
			}
		}
		return out, nil
	case map[string]any:
		if len(v) == 1 {
			for fn, arg := range v {
				if fn == "Ref" || strings.HasPrefix(fn, "Fn::") {
					return s.function(fn, arg)
				}
			}
		}
		out := map[string]any{}
		for k, x := range v {
			e, err := s.eval(x)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if e != noValue {
				out[k] = e
			}
		}
		return out, nil
	}
	return v, nil
}

// lookup resolves a name as Ref and Fn::Sub see it.
func (s *scope) lookup(name string) (any, error) {
	if name == "AWS::NoValue" {
		return noValue, nil
	}
	if v, ok := s.pseudo[name]; ok {
		return v, nil
	}
	if v, ok := s.params[name]; ok {
		return v, nil
	}
	if v, ok := s.refs[name]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("%s has no value in this test (add it to the scope)", name)
}

// function applies one intrinsic function.
func (s *scope) function(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		return s.lookup(name)
	case "Fn::GetAtt":
		l, _ := arg.([]any)
		if len(l) != 2 {
			return nil, fmt.Errorf("Fn::GetAtt takes a resource and an attribute")
		}
		return s.lookup(fmt.Sprintf("%v.%v", l[0], l[1]))
	case "Fn::If":
		l, _ := arg.([]any)
		if len(l) != 3 {
			return nil, fmt.Errorf("Fn::If takes a condition and two values")
		}
		name, _ := l[0].(string)
		c, err := s.condition(name, nil)
		if err != nil {
			return nil, err
		}
		if c {
			return s.eval(l[1])
		}
		return s.eval(l[2])
	case "Fn::Join":
		l, _ := arg.([]any)
		if len(l) != 2 {
			return nil, fmt.Errorf("Fn::Join takes a separator and a list")
		}
		items, err := s.eval(l[1])
		if err != nil {
			return nil, err
		}
		var parts []string
		for _, x := range items.([]any) {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, fmt.Sprint(l[0])), nil
	case "Fn::Sub":
		text, vars := "", map[string]any{}
		switch a := arg.(type) {
		case string:
			text = a
		case []any:
			if len(a) != 2 {
				return nil, fmt.Errorf("Fn::Sub takes a string and a mapping")
			}
			text, _ = a[0].(string)
			m, _ := a[1].(map[string]any)
			for k, x := range m {
				e, err := s.eval(x)
				if err != nil {
					return nil, err
				}
				vars[k] = e
			}
		}
		var firstErr error
		out := subVar.ReplaceAllStringFunc(text, func(ref string) string {
			name := ref[2 : len(ref)-1]
			if strings.HasPrefix(name, "!") {
				return "${" + name[1:] + "}"
			}
			v, ok := vars[name]
			if !ok {
				var err error
				if v, err = s.lookup(name); err != nil && firstErr == nil {
					firstErr = err
				}
			}
			return fmt.Sprint(v)
		})
		return out, firstErr
	}
	return nil, fmt.Errorf("intrinsic function %s is not known to this test", fn)
}

// evalIn evaluates a value and fails the test on error.
func (s *scope) evalIn(t *testing.T, what string, v any) any {
	t.Helper()
	e, err := s.eval(v)
	if err != nil {
		t.Fatalf("%s: %s: %v", s.tp.path, what, err)
	}
	return e
}

// created reports whether the scope's conditions create the resource.
func (s *scope) created(t *testing.T, name string) bool {
	t.Helper()
	r := s.tp.resource(t, name)
	c, ok := r["Condition"].(string)
	if !ok {
		return true
	}
	v, err := s.condition(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// properties returns a resource's evaluated properties.
func (s *scope) properties(t *testing.T, name string) map[string]any {
	t.Helper()
	p := s.evalIn(t, name, s.tp.resource(t, name)["Properties"])
	m, _ := p.(map[string]any)
	return m
}

// jsonString renders v as JSON, for messages.
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// path walks mappings and lists: path(v, "A", "B", 0, "C").
func path(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}
