package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// The demo tags on EC2 instances that make up SSM's view of them.
const (
	// tagSSM "none": the instance is not registered with SSM (no agent);
	// any other value is its PingStatus (ConnectionLost, Inactive).
	tagSSM = "demo:ssm"
	// tagPlatform is the operating system: Ubuntu (the default), Windows,
	// or any other name (Linux of that name).
	tagPlatform = "demo:platform"
	// tagCritical and tagImportant are how many Critical and Important
	// patches a scan finds missing (0 when absent).
	tagCritical  = "demo:missing-critical"
	tagImportant = "demo:missing-important"
	// tagInstall "fail": an AWS-RunPatchBaseline Install on the instance
	// fails (its invocation Failed, its patches Failed).
	tagInstall = "demo:install"
)

// patchDocument is the SSM document opsd's patching commands run.
const patchDocument = "AWS-RunPatchBaseline"

// scanTakes is how long a patch operation is taken to last: it ends this
// long after the run its command was sent for (see operationEnd).
const scanTakes = 3 * time.Minute

// instance is an EC2 instance as moto has it.
type instance struct {
	id, state string
	tags      map[string]string
}

// instances reads the instances in moto (only ids, when given), by id,
// leaving out terminated ones.
func (e *emulator) instances(ctx context.Context, r *http.Request, ids []string) (map[string]instance, error) {
	out := map[string]instance{}
	if ids != nil && len(ids) == 0 {
		return out, nil
	}
	in := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}},
	}}
	if ids != nil {
		in.Filters = append(in.Filters, ec2types.Filter{Name: aws.String("instance-id"), Values: ids})
	}
	p := ec2.NewDescribeInstancesPaginator(ec2.NewFromConfig(e.motoConfig(r)), in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe instances in moto: %w", err)
		}
		for _, res := range page.Reservations {
			for _, i := range res.Instances {
				inst := instance{id: aws.ToString(i.InstanceId), tags: map[string]string{}}
				if i.State != nil {
					inst.state = string(i.State.Name)
				}
				for _, t := range i.Tags {
					inst.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
				out[inst.id] = inst
			}
		}
	}
	return out, nil
}

// managed is SSM's view of an instance.
type managed struct {
	ping, platformType, platformName, platformVersion string
}

// ssmView is SSM's view of i, and false when i is not registered.
func ssmView(i instance) (managed, bool) {
	v := managed{platformType: "Linux", platformName: "Ubuntu", platformVersion: "22.04"}
	switch p := i.tags[tagPlatform]; {
	case strings.EqualFold(p, "Windows"):
		v = managed{platformType: "Windows", platformName: "Microsoft Windows Server 2022 Datacenter", platformVersion: "10.0.20348"}
	case p != "" && !strings.EqualFold(p, "Ubuntu"):
		v = managed{platformType: "Linux", platformName: p}
	}
	switch s := i.tags[tagSSM]; {
	case strings.EqualFold(s, "none"):
		return managed{}, false
	case s != "":
		v.ping = s
	case i.state == "running":
		v.ping = "Online"
	default:
		v.ping = "ConnectionLost"
	}
	return v, true
}

// describeInstanceInformation lists the instances registered with SSM,
// those of the InstanceIds filter when there is one.
func (e *emulator) describeInstanceInformation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Filters []struct {
			Key    string
			Values []string
		}
	}
	if !decode(w, r, &in) {
		return
	}
	var ids []string
	for _, f := range in.Filters {
		if f.Key == "InstanceIds" {
			ids = append([]string{}, f.Values...)
		}
	}
	insts, err := e.instances(r.Context(), r, ids)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	list := []map[string]any{}
	for _, id := range sortedKeys(insts) {
		v, ok := ssmView(insts[id])
		if !ok {
			continue
		}
		list = append(list, map[string]any{
			"InstanceId": id, "PingStatus": v.ping, "LastPingDateTime": epoch(time.Now()),
			"PlatformType": v.platformType, "PlatformName": v.platformName, "PlatformVersion": v.platformVersion,
			"ResourceType": "EC2Instance", "AgentVersion": "3.3.1142.0", "IsLatestVersion": true,
		})
	}
	e.log.Printf("answered DescribeInstanceInformation: %d of %d instances registered with SSM", len(list), len(insts))
	writeJSON(w, r, map[string]any{"InstanceInformationList": list})
}

// sendCommand forwards SendCommand to moto with its InstanceIds as an
// instance-id target, which moto resolves to exactly those instances.
func (e *emulator) sendCommand(w http.ResponseWriter, r *http.Request) {
	var in map[string]json.RawMessage
	if !decode(w, r, &in) {
		return
	}
	var ids []string
	if raw, ok := in["InstanceIds"]; ok && in["Targets"] == nil {
		if err := json.Unmarshal(raw, &ids); err != nil {
			writeError(w, r, http.StatusBadRequest, "SerializationException", "InstanceIds: "+err.Error())
			return
		}
		targets, _ := json.Marshal([]map[string]any{{"Key": "instance-id", "Values": ids}})
		in["Targets"] = targets
		delete(in, "InstanceIds")
	}
	body, _ := json.Marshal(in)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	var comment string
	_ = json.Unmarshal(in["Comment"], &comment)
	e.log.Printf("rewrote SendCommand %q to %d instance(s) as an instance-id target, forwarded to moto", comment, len(ids))
	e.proxy.ServeHTTP(w, r)
}

// command reads one command from moto.
func (e *emulator) command(ctx context.Context, r *http.Request, id string) (ssmtypes.Command, error) {
	out, err := ssm.NewFromConfig(e.motoConfig(r)).ListCommands(ctx, &ssm.ListCommandsInput{CommandId: aws.String(id)})
	if err != nil {
		return ssmtypes.Command{}, err
	}
	if len(out.Commands) != 1 {
		return ssmtypes.Command{}, fmt.Errorf("no command %s", id)
	}
	return out.Commands[0], nil
}

// listCommandInvocations answers that the command succeeded on each of
// its instances, except an Install on an instance tagged
// demo:install=fail, which failed.
func (e *emulator) listCommandInvocations(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CommandID  string `json:"CommandId"`
		InstanceID string `json:"InstanceId"`
		Details    bool
	}
	if !decode(w, r, &in) {
		return
	}
	c, err := e.command(r.Context(), r, in.CommandID)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "InvalidCommandId", err.Error())
		return
	}
	ids := slices.Sorted(slices.Values(c.InstanceIds))
	if in.InstanceID != "" {
		ids = slices.DeleteFunc(ids, func(id string) bool { return id != in.InstanceID })
	}
	insts, err := e.instances(r.Context(), r, ids)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	op := operation(c)
	list := []map[string]any{}
	failed := 0
	for _, id := range ids {
		status, code, ended := "Success", 0, "finished"
		if aws.ToString(c.DocumentName) == patchDocument && op == "Install" && installFails(insts[id]) {
			status, code, ended = "Failed", 1, "failed"
			failed++
		}
		inv := map[string]any{
			"CommandId": in.CommandID, "InstanceId": id, "Comment": aws.ToString(c.Comment),
			"DocumentName": aws.ToString(c.DocumentName), "DocumentVersion": "$DEFAULT",
			"RequestedDateTime": epoch(aws.ToTime(c.RequestedDateTime)), "Status": status, "StatusDetails": status,
		}
		if in.Details {
			step := "PatchLinux"
			if v, _ := ssmView(insts[id]); v.platformType == "Windows" {
				step = "PatchWindows"
			}
			inv["CommandPlugins"] = []map[string]any{{
				"Name": step, "Status": status, "StatusDetails": status, "ResponseCode": code,
				"Output": fmt.Sprintf("%s %s %s on %s (demo emulator)", patchDocument, op, ended, id),
			}}
		}
		list = append(list, inv)
	}
	e.log.Printf("answered ListCommandInvocations of %s (%q): %d invocation(s), %d Failed", in.CommandID, aws.ToString(c.Comment), len(list), failed)
	writeJSON(w, r, map[string]any{"CommandInvocations": list})
}

// describeInstancePatchStates answers the patch state the latest
// AWS-RunPatchBaseline command sent to each instance left; an instance
// never sent one has none. Its counts are those of its patches (see
// patchesOf), as DescribeInstancePatches lists them.
func (e *emulator) describeInstancePatchStates(w http.ResponseWriter, r *http.Request) {
	var in struct{ InstanceIds []string }
	if !decode(w, r, &in) {
		return
	}
	latest, err := e.latestPatchCommands(r.Context(), r)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	insts, err := e.instances(r.Context(), r, in.InstanceIds)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	list := []map[string]any{}
	for _, id := range in.InstanceIds {
		c, sent := latest[id]
		i, exists := insts[id]
		if !sent || !exists {
			continue
		}
		patches, err := e.patchesOf(r.Context(), r, i, c)
		if err != nil {
			writeError(w, r, http.StatusInternalServerError, "InternalServerError", err.Error())
			return
		}
		n := map[string]int{}
		for _, p := range patches {
			n[p.state]++
			if p.state == "Missing" || p.state == "Failed" {
				n[p.severity]++
			}
		}
		end := operationEnd(c)
		list = append(list, map[string]any{
			"InstanceId": id, "PatchGroup": "", "BaselineId": "pb-0c10e65780EXAMPLE",
			"Operation": operation(c), "OperationStartTime": epoch(end.Add(-scanTakes)), "OperationEndTime": epoch(end),
			"CriticalNonCompliantCount": n["Critical"], "SecurityNonCompliantCount": n["Important"], "OtherNonCompliantCount": 0,
			"MissingCount": n["Missing"], "FailedCount": n["Failed"], "InstalledCount": n["Installed"], "NotApplicableCount": 7,
			"InstalledPendingRebootCount": n["InstalledPendingReboot"], "InstalledRejectedCount": 0, "InstalledOtherCount": 0,
		})
	}
	e.log.Printf("answered DescribeInstancePatchStates: %d of %d instance(s) have a patch state", len(list), len(in.InstanceIds))
	writeJSON(w, r, map[string]any{"InstancePatchStates": list})
}

// operation is an AWS-RunPatchBaseline command's Operation parameter.
func operation(c ssmtypes.Command) string {
	if op := c.Parameters["Operation"]; len(op) > 0 {
		return op[0]
	}
	return "Scan"
}

// operationEnd is when a command's patch operation ended. opsd runs as if
// the clock read --now while moto stamps commands with the real clock, so
// it is taken from the run time opsd writes in the Comment ("opsd scan
// 2026-11-25T02:00Z") when there is one, else from when it was sent.
func operationEnd(c ssmtypes.Command) time.Time {
	for _, f := range strings.Fields(aws.ToString(c.Comment)) {
		if t, err := time.Parse("2006-01-02T15:04Z", f); err == nil {
			return t.Add(scanTakes)
		}
	}
	return aws.ToTime(c.RequestedDateTime).Add(scanTakes)
}

// count reads a demo count tag; anything but a whole number is 0.
func count(v string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// patch is one patch of an instance as SSM's DescribeInstancePatches
// answers it.
type patch struct {
	id, title, severity, state string
	installed                  time.Time
}

// patchesOf is what the latest AWS-RunPatchBaseline command c sent to i
// left: the Critical and Important patches its demo tags name
// (demo-critical-N, demo-important-N), Missing after a scan. An install
// installs them, or only those of its InstallOverrideList when it has one
// (read from S3 in moto; the list's other patches are installed too):
// Installed, or InstalledPendingReboot with RebootOption NoReboot, at the
// end of the operation; Failed on an instance tagged demo:install=fail.
func (e *emulator) patchesOf(ctx context.Context, r *http.Request, i instance, c ssmtypes.Command) ([]patch, error) {
	var out []patch
	for n := range count(i.tags[tagCritical]) {
		out = append(out, patch{id: fmt.Sprintf("demo-critical-%d", n+1), title: fmt.Sprintf("Demo critical security update %d", n+1), severity: "Critical", state: "Missing"})
	}
	for n := range count(i.tags[tagImportant]) {
		out = append(out, patch{id: fmt.Sprintf("demo-important-%d", n+1), title: fmt.Sprintf("Demo important security update %d", n+1), severity: "Important", state: "Missing"})
	}
	if operation(c) != "Install" {
		return out, nil
	}
	state := "Installed"
	switch {
	case installFails(i):
		state = "Failed"
	case slices.Contains(c.Parameters["RebootOption"], "NoReboot"):
		state = "InstalledPendingReboot"
	}
	var only map[string]string
	if urls := c.Parameters["InstallOverrideList"]; len(urls) > 0 && urls[0] != "" {
		var err error
		if only, err = e.overrideList(ctx, r, urls[0]); err != nil {
			return nil, err
		}
	}
	end := operationEnd(c)
	for n := range out {
		if _, listed := only[out[n].id]; only == nil || listed {
			out[n].state, out[n].installed = state, end
			delete(only, out[n].id)
		}
	}
	for _, id := range sortedKeys(only) {
		out = append(out, patch{id: id, title: only[id], severity: "Unspecified", state: state, installed: end})
	}
	return out, nil
}

// installFails reports whether an install on i fails: demo:install=fail.
func installFails(i instance) bool { return strings.EqualFold(i.tags[tagInstall], "fail") }

// overrideListEntry is one "- id: 'X'" line of an InstallOverrideList,
// and its "title: 'T'".
var overrideListEntry = regexp.MustCompile(`(?m)^\s*-\s*id:\s*'((?:[^']|'')*)'(?:\s*\n\s*title:\s*'((?:[^']|'')*)')?`)

// overrideList reads an InstallOverrideList (s3://bucket/key) from moto:
// patch id → title.
func (e *emulator) overrideList(ctx context.Context, r *http.Request, url string) (map[string]string, error) {
	bucket, key, ok := strings.Cut(strings.TrimPrefix(url, "s3://"), "/")
	if !ok || !strings.HasPrefix(url, "s3://") {
		return nil, fmt.Errorf("install override list %q is not an s3:// URL", url)
	}
	obj, err := s3.NewFromConfig(e.motoConfig(r), func(o *s3.Options) { o.UsePathStyle = true }).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("read install override list %s in moto: %w", url, err)
	}
	defer obj.Body.Close()
	b, err := io.ReadAll(obj.Body)
	if err != nil {
		return nil, fmt.Errorf("read install override list %s in moto: %w", url, err)
	}
	out := map[string]string{}
	for _, m := range overrideListEntry.FindAllStringSubmatch(string(b), -1) {
		out[strings.ReplaceAll(m[1], "''", "'")] = strings.ReplaceAll(m[2], "''", "'")
	}
	return out, nil
}

// latestPatchCommands is, by instance, the latest AWS-RunPatchBaseline
// command sent to it.
func (e *emulator) latestPatchCommands(ctx context.Context, r *http.Request) (map[string]ssmtypes.Command, error) {
	latest := map[string]ssmtypes.Command{}
	p := ssm.NewListCommandsPaginator(ssm.NewFromConfig(e.motoConfig(r)), &ssm.ListCommandsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list commands in moto: %w", err)
		}
		for _, c := range page.Commands {
			if aws.ToString(c.DocumentName) != patchDocument {
				continue
			}
			for _, id := range c.InstanceIds {
				if l, ok := latest[id]; !ok || aws.ToTime(c.RequestedDateTime).After(aws.ToTime(l.RequestedDateTime)) {
					latest[id] = c
				}
			}
		}
	}
	return latest, nil
}

// describeInstancePatches answers an instance's patches (see patchesOf),
// those of its State filter when there is one; none before a patch
// command was sent to it.
func (e *emulator) describeInstancePatches(w http.ResponseWriter, r *http.Request) {
	var in struct {
		InstanceID string `json:"InstanceId"`
		Filters    []struct {
			Key    string
			Values []string
		}
	}
	if !decode(w, r, &in) {
		return
	}
	latest, err := e.latestPatchCommands(r.Context(), r)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	insts, err := e.instances(r.Context(), r, []string{in.InstanceID})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	i, exists := insts[in.InstanceID]
	if !exists {
		writeError(w, r, http.StatusBadRequest, "InvalidInstanceId", "no instance "+in.InstanceID)
		return
	}
	var states []string
	for _, f := range in.Filters {
		if f.Key == "State" {
			states = f.Values
		}
	}
	list := []map[string]any{}
	if c, sent := latest[in.InstanceID]; sent {
		patches, err := e.patchesOf(r.Context(), r, i, c)
		if err != nil {
			writeError(w, r, http.StatusInternalServerError, "InternalServerError", err.Error())
			return
		}
		for _, p := range patches {
			if states != nil && !slices.Contains(states, p.state) {
				continue
			}
			entry := map[string]any{
				"KBId": p.id, "Title": p.title, "Classification": "SecurityUpdates", "Severity": p.severity, "State": p.state,
			}
			if !p.installed.IsZero() {
				entry["InstalledTime"] = epoch(p.installed)
			}
			list = append(list, entry)
		}
	}
	e.log.Printf("answered DescribeInstancePatches of %s: %d patch(es)", in.InstanceID, len(list))
	writeJSON(w, r, map[string]any{"Patches": list})
}
