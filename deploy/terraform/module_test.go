package terraform_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// module is one Terraform module's .tf files, parsed.
type module struct {
	dir       string
	variables map[string]*hclsyntax.Block
	locals    map[string]*hclsyntax.Attribute
	resources map[string]*hclsyntax.Block // "aws_iam_role.task"
	data      map[string]*hclsyntax.Block // "aws_partition.current"
	outputs   map[string]*hclsyntax.Block
	modules   map[string]*hclsyntax.Block
}

// loadModule parses every .tf file of dir, failing on any HCL error or a
// block this test does not know.
func loadModule(t *testing.T, dir string) *module {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s (%v)", dir, err)
	}
	m := &module{dir: dir, variables: map[string]*hclsyntax.Block{}, locals: map[string]*hclsyntax.Attribute{},
		resources: map[string]*hclsyntax.Block{}, data: map[string]*hclsyntax.Block{}, outputs: map[string]*hclsyntax.Block{}, modules: map[string]*hclsyntax.Block{}}
	p := hclparse.NewParser()
	for _, f := range files {
		file, diags := p.ParseHCLFile(f)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			key := strings.Join(b.Labels, ".")
			var into map[string]*hclsyntax.Block
			switch b.Type {
			case "terraform":
				continue
			case "locals":
				for name, a := range b.Body.Attributes {
					if _, dup := m.locals[name]; dup {
						t.Fatalf("%s: local %s set twice", dir, name)
					}
					m.locals[name] = a
				}
				continue
			case "variable":
				into = m.variables
			case "resource":
				into = m.resources
			case "data":
				into = m.data
			case "output":
				into = m.outputs
			case "module":
				into = m.modules
			default:
				t.Fatalf("%s: a %s block, which this test does not read", f, b.Type)
			}
			if _, dup := into[key]; dup {
				t.Fatalf("%s: %s %s twice", dir, b.Type, key)
			}
			into[key] = b
		}
	}
	return m
}

// functions are the Terraform functions the modules use, from go-cty's
// standard library, and tostring.
var functions = map[string]function.Function{
	"jsonencode": stdlib.JSONEncodeFunc,
	"concat":     stdlib.ConcatFunc,
	"merge":      stdlib.MergeFunc,
	"join":       stdlib.JoinFunc,
	"length":     stdlib.LengthFunc,
	"keys":       stdlib.KeysFunc,
	"sort":       stdlib.SortFunc,
	"contains":   stdlib.ContainsFunc,
	"tostring": function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return convert.Convert(args[0], cty.String)
		},
	}),
}

// world is what a module is evaluated with: input variables over their
// defaults, and the attributes of data sources, resources and module calls
// ("aws_iam_role.task" → object, or a tuple of objects for count).
type world struct {
	vars      map[string]cty.Value
	data      map[string]cty.Value
	resources map[string]cty.Value
}

// context builds the evaluation context: var, data, local, the resource
// types and module.
func (m *module) context(t *testing.T, w world) *hcl.EvalContext {
	t.Helper()
	vars := map[string]cty.Value{}
	for name, b := range m.variables {
		if v, ok := w.vars[name]; ok {
			vars[name] = v
			continue
		}
		d, ok := b.Body.Attributes["default"]
		if !ok {
			t.Fatalf("%s: variable %s has no default; the test must set it", m.dir, name)
		}
		v, diags := d.Expr.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("%s: default of %s: %v", m.dir, name, diags)
		}
		vars[name] = v
	}
	for name := range w.vars {
		if _, ok := m.variables[name]; !ok {
			t.Fatalf("%s has no variable %s", m.dir, name)
		}
	}
	grouped := func(src map[string]cty.Value) map[string]cty.Value {
		byType := map[string]map[string]cty.Value{}
		for k, v := range src {
			typ, name, _ := strings.Cut(k, ".")
			if byType[typ] == nil {
				byType[typ] = map[string]cty.Value{}
			}
			byType[typ][name] = v
		}
		out := map[string]cty.Value{}
		for typ, names := range byType {
			out[typ] = cty.ObjectVal(names)
		}
		return out
	}
	ctx := &hcl.EvalContext{Variables: grouped(w.resources), Functions: functions}
	ctx.Variables["var"] = cty.ObjectVal(vars)
	ctx.Variables["data"] = cty.ObjectVal(grouped(w.data))

	// Locals refer to each other: evaluate them until none is left, or no
	// progress is made.
	locals := map[string]cty.Value{}
	for len(locals) < len(m.locals) {
		progress := false
		var last hcl.Diagnostics
		for name, a := range m.locals {
			if _, done := locals[name]; done {
				continue
			}
			ctx.Variables["local"] = cty.ObjectVal(locals)
			v, diags := a.Expr.Value(ctx)
			if diags.HasErrors() {
				last = diags
				continue
			}
			locals[name] = v
			progress = true
		}
		if !progress {
			t.Fatalf("%s: locals: %v", m.dir, last)
		}
	}
	ctx.Variables["local"] = cty.ObjectVal(locals)
	return ctx
}

// attr evaluates a block's attribute.
func attr(t *testing.T, ctx *hcl.EvalContext, b *hclsyntax.Block, name string) cty.Value {
	t.Helper()
	a, ok := b.Body.Attributes[name]
	if !ok {
		t.Fatalf("%s %s has no %s", b.Type, strings.Join(b.Labels, "."), name)
	}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		t.Fatalf("%s %s: %s: %v", b.Type, strings.Join(b.Labels, "."), name, diags)
	}
	return v
}

// stringOf returns a known string value.
func stringOf(t *testing.T, v cty.Value) string {
	t.Helper()
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		t.Fatalf("want a string, got %#v", v)
	}
	return v.AsString()
}

// obj is cty.ObjectVal of strings.
func obj(kv ...string) cty.Value {
	m := map[string]cty.Value{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = cty.StringVal(kv[i+1])
	}
	return cty.ObjectVal(m)
}

func strList(ss ...string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	var vs []cty.Value
	for _, s := range ss {
		vs = append(vs, cty.StringVal(s))
	}
	return cty.ListVal(vs)
}

// sortedKeys returns a map's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestFormatted checks every .tf file is in the canonical format
// (terraform fmt's, as hclwrite.Format writes it).
func TestFormatted(t *testing.T) {
	files, _ := filepath.Glob("*/*.tf")
	if len(files) == 0 {
		t.Fatal("no .tf files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if out := hclwrite.Format(b); string(out) != string(b) {
			t.Errorf("%s is not formatted: run terraform fmt (or hclwrite.Format) on it", f)
		}
	}
}

// camelToSnake maps a CloudFormation parameter or output name to the
// Terraform name: SlackTokenKmsKeyArn → slack_token_kms_key_arn.
func camelToSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestCamelToSnake(t *testing.T) {
	for in, want := range map[string]string{"SlackTokenKmsKeyArn": "slack_token_kms_key_arn", "EnableDlq": "enable_dlq", "ImageUri": "image_uri", "HubAccountId": "hub_account_id"} {
		if got := camelToSnake(in); got != want {
			t.Errorf("camelToSnake(%s) = %s, want %s", in, got, want)
		}
	}
}
