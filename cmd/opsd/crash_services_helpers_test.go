package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// launchTagged starts one instance per name in cfg's region with the tags
// "key=value" (a bare key has an empty value) and its Name, and returns the
// ids by name.
func launchTagged(t *testing.T, cfg aws.Config, names []string, tags ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	c := ec2.NewFromConfig(cfg)
	imgs, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil || len(imgs.Images) == 0 {
		t.Fatalf("describe images: %v", err)
	}
	ids := map[string]string{}
	for _, name := range names {
		list := []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}
		for _, kv := range tags {
			k, v, _ := strings.Cut(kv, "=")
			list = append(list, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
			ImageId: imgs.Images[0].ImageId, InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: list}},
		})
		if err != nil {
			t.Fatalf("run instance %s: %v", name, err)
		}
		ids[name] = aws.ToString(out.Instances[0].InstanceId)
	}
	return ids
}

// ssmCommands returns moto's SSM commands: for each comment, the
// Operation parameter and sorted instance ids of every command with it.
func ssmCommands(t *testing.T, cfg aws.Config) map[string][]string {
	t.Helper()
	out, err := ssm.NewFromConfig(cfg).ListCommands(context.Background(), &ssm.ListCommandsInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]string{}
	for _, c := range out.Commands {
		ids := append([]string(nil), c.InstanceIds...)
		sort.Strings(ids)
		op := strings.Join(c.Parameters["Operation"], ",")
		m[aws.ToString(c.Comment)] = append(m[aws.ToString(c.Comment)], op+" "+strings.Join(ids, ","))
	}
	return m
}

// isInstall reports whether a SendCommand body is a patch install.
func isInstall(body []byte) bool {
	return strings.Contains(string(body), `"Operation":["Install"]`)
}

// planActions runs `opsd plan --json` for one service and returns its
// actions.
func planActions(t *testing.T, bin, config, only string) []map[string]any {
	t.Helper()
	cmd := exec.Command(bin, "plan", "--config", config, "--only", only, "--json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("opsd plan: %v\n%s", err, stderr.String())
	}
	var actions []map[string]any
	if err := json.Unmarshal(out, &actions); err != nil {
		t.Fatalf("opsd plan --json: %v\n%s", err, out)
	}
	return actions
}

// backupView is AWS Backup as the emulator and moto have it: per plan
// name, how many plans have it, the retention of their rules, and their
// selections (name and tag condition); per vault, its lock's minimum
// retention (0: unlocked).
type backupView struct {
	plans      map[string]int
	retention  map[string][]int64
	selections map[string][]string
	locks      map[string]int64
}

func lookBackup(t *testing.T, cfg aws.Config) backupView {
	t.Helper()
	ctx := context.Background()
	c := backup.NewFromConfig(cfg)
	v := backupView{plans: map[string]int{}, retention: map[string][]int64{}, selections: map[string][]string{}, locks: map[string]int64{}}
	ps, err := c.ListBackupPlans(ctx, &backup.ListBackupPlansInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps.BackupPlansList {
		name := aws.ToString(p.BackupPlanName)
		v.plans[name]++
		g, err := c.GetBackupPlan(ctx, &backup.GetBackupPlanInput{BackupPlanId: p.BackupPlanId})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range g.BackupPlan.Rules {
			if r.Lifecycle != nil {
				v.retention[name] = append(v.retention[name], aws.ToInt64(r.Lifecycle.DeleteAfterDays))
			}
		}
		sels, err := c.ListBackupSelections(ctx, &backup.ListBackupSelectionsInput{BackupPlanId: p.BackupPlanId})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sels.BackupSelectionsList {
			got, err := c.GetBackupSelection(ctx, &backup.GetBackupSelectionInput{BackupPlanId: p.BackupPlanId, SelectionId: s.SelectionId})
			if err != nil {
				t.Fatal(err)
			}
			cond := "everything"
			if cs := got.BackupSelection.Conditions; cs != nil && len(cs.StringEquals) == 1 {
				cond = aws.ToString(cs.StringEquals[0].ConditionKey) + "=" + aws.ToString(cs.StringEquals[0].ConditionValue)
			}
			v.selections[name] = append(v.selections[name], aws.ToString(s.SelectionName)+" "+cond)
		}
	}
	vs, err := c.ListBackupVaults(ctx, &backup.ListBackupVaultsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, vault := range vs.BackupVaultList {
		v.locks[aws.ToString(vault.BackupVaultName)] = aws.ToInt64(vault.MinRetentionDays)
	}
	return v
}

// backupPolicies are the default BackupPolicy values.
var backupPolicies = []string{"Dev", "Mgmt", "Preprod", "Prod", "Stg"}

// wantConverged checks one plan per policy keeping 30 days, with one
// selection on the policy's tag, and a vault locked for 30 days.
func (v backupView) wantConverged(t *testing.T, when string) {
	t.Helper()
	for _, policy := range backupPolicies {
		name := "opsd-" + strings.ToLower(policy)
		if v.plans[name] != 1 {
			t.Errorf("%s: %d plans named %s, want 1", when, v.plans[name], name)
		}
		if r := v.retention[name]; len(r) != 1 || r[0] != 30 {
			t.Errorf("%s: plan %s keeps %v days, want [30]", when, name, r)
		}
		want := name + " aws:ResourceTag/BackupPolicy=" + policy
		if s := v.selections[name]; len(s) != 1 || s[0] != want {
			t.Errorf("%s: plan %s selections %q, want [%q]", when, name, s, want)
		}
		if v.locks[name] != 30 {
			t.Errorf("%s: vault %s locked for %d days, want 30", when, name, v.locks[name])
		}
	}
	if len(v.plans) != len(backupPolicies) {
		t.Errorf("%s: plans %v, want one per policy", when, v.plans)
	}
}

// alarmsByResource returns moto's alarm names by the resource their
// dimensions watch, each list sorted.
func alarmsByResource(t *testing.T, cfg aws.Config) map[string][]string {
	t.Helper()
	out, err := cloudwatch.NewFromConfig(cfg, mototest.CloudWatchJSON).DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]string{}
	for _, a := range out.MetricAlarms {
		res := "-"
		for _, d := range a.Dimensions {
			res = aws.ToString(d.Value)
		}
		m[res] = append(m[res], aws.ToString(a.MetricName)+" "+aws.ToString(a.AlarmName))
	}
	for _, l := range m {
		sort.Strings(l)
	}
	return m
}

// queueDepth is a queue's visible plus in-flight messages.
func queueDepth(t *testing.T, cfg aws.Config, name string) int {
	t.Helper()
	visible, hidden := queueCounts(t, cfg, name)
	return visible + hidden
}

func queueCounts(t *testing.T, cfg aws.Config, name string) (visible, hidden int) {
	t.Helper()
	ctx := context.Background()
	q := sqs.NewFromConfig(cfg)
	u, err := q.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: u.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{
		sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	visible, _ = strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)])
	hidden, _ = strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	return visible, hidden
}

// waitVisible waits until want messages of the queue are visible again
// (the killed process's receives have timed out).
func waitVisible(t *testing.T, cfg aws.Config, name string, want int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		visible, hidden := queueCounts(t, cfg, name)
		if visible == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d visible, %d in flight; want %d visible", name, visible, hidden, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
