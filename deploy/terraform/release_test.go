package terraform_test

import (
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestProviderBounds checks each module requires the AWS provider at a
// major version it was written for: 5 or 6, not an untried 7.
func TestProviderBounds(t *testing.T) {
	for _, dir := range []string{"hub", "member-role"} {
		f := filepath.Join(dir, "versions.tf")
		file, diags := hclparse.NewParser().ParseHCLFile(f)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		var found bool
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			if b.Type != "terraform" {
				continue
			}
			for _, rp := range b.Body.Blocks {
				if rp.Type != "required_providers" {
					continue
				}
				aws := attr(t, nil, rp, "aws")
				if got := aws.GetAttr("source").AsString(); got != "hashicorp/aws" {
					t.Errorf("%s: aws provider source %q", f, got)
				}
				if got := aws.GetAttr("version").AsString(); got != ">= 5.0, < 7.0" {
					t.Errorf("%s: aws provider version %q, want \">= 5.0, < 7.0\"", f, got)
				}
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no terraform { required_providers { aws } }", f)
		}
	}
}

// TestStateIsKept checks the lease and state table and the archive bucket
// cannot be destroyed by a plan, as CloudFormation retains them.
func TestStateIsKept(t *testing.T) {
	m := loadModule(t, "hub")
	for _, key := range []string{"aws_dynamodb_table.lease", "aws_s3_bucket.archive"} {
		var kept bool
		for _, b := range m.resources[key].Body.Blocks {
			if _, ok := b.Body.Attributes["prevent_destroy"]; ok && b.Type == "lifecycle" {
				kept = attr(t, nil, b, "prevent_destroy").True()
			}
		}
		if !kept {
			t.Errorf("%s: no lifecycle { prevent_destroy = true }; hub.yaml retains it", key)
		}
	}
}

// TestHubNames checks the cluster, service, task family and log group are
// named by variables whose defaults are the names they had.
func TestHubNames(t *testing.T) {
	m := loadModule(t, "hub")
	base := withVars(hubRequired, map[string]cty.Value{"organization_id": cty.StringVal("o-exampleorgid")})
	res := hubResources("111111111111", "eu-west-2", "opsd-lease", "opsd-dlq-archive-111111111111-eu-west-2")
	for name, tc := range map[string]struct {
		vars          map[string]cty.Value
		name, logName string
	}{
		"defaults": {base, "opsd", "/ecs/opsd"},
		"a second one": {withVars(base, map[string]cty.Value{"name": cty.StringVal("opsd-staging"), "log_group_name": cty.StringVal("/ecs/opsd-staging")}),
			"opsd-staging", "/ecs/opsd-staging"},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := m.context(t, world{vars: tc.vars, data: concreteData, resources: res})
			for key, a := range map[string]string{"aws_ecs_cluster.opsd": "name", "aws_ecs_service.opsd": "name", "aws_ecs_task_definition.opsd": "family"} {
				if got := stringOf(t, attr(t, ctx, m.resources[key], a)); got != tc.name {
					t.Errorf("%s %s = %q, want %q", key, a, got, tc.name)
				}
			}
			if got := stringOf(t, attr(t, ctx, m.resources["aws_cloudwatch_log_group.opsd"], "name")); got != tc.logName {
				t.Errorf("log group %q, want %q", got, tc.logName)
			}
		})
	}
}
