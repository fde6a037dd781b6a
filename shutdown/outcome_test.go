package shutdown

import (
	"context"
	"maps"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opsd-dev/opsd/reconcile"
)

func TestObservedResourcesKeepOnlyTheTagsOpsdReads(t *testing.T) {
	read := map[string]string{
		"OOOShutdown": "true", "Environment": "development", "Name": "api",
		"opsd:shutdown:last-action": "stop", "opsd:shutdown:last-action-at": "2026-11-23T19:00:00Z",
		"opsd:shutdown:last-error": "x", "opsd:shutdown:asg-capacity": "min=1,max=3,desired=2",
		"opsd:patching:hold-until": "2026-11-24T02:00:00Z", "aws:autoscaling:groupName": "web",
		"ooOShutdown": "true", "WEEKENDSHUTDOWN": "",
	}
	all := maps.Clone(read)
	all["CostCentre"] = "42"
	all["Owner"] = "team-a"
	all["aws:cloudformation:stack-name"] = "app"
	f := newFakes()
	f.ec2.add("i-1", "running", all)
	f.rds.addInstance(rdstypes.DBInstance{DBInstanceIdentifier: aws.String("db-1"), DBInstanceStatus: aws.String("available")}, all)
	keys := DefaultConfig().Tags
	rs, err := observer{c: f.clients(), keys: keys}.observe(context.Background())
	if err != nil || len(rs) != 2 {
		t.Fatalf("observe: %d resources, %v", len(rs), err)
	}
	for _, r := range rs {
		for k := range read {
			if _, ok := r.Tags[k]; !ok {
				t.Errorf("%s: tag %s opsd reads was dropped: %v", r.ID, k, r.Tags)
			}
		}
		for _, k := range []string{"CostCentre", "Owner", "aws:cloudformation:stack-name"} {
			if _, ok := r.Tags[k]; ok {
				t.Errorf("%s: tag %s opsd never reads was kept", r.ID, k)
			}
		}
	}
	if rs[0].Skip == "" {
		t.Errorf("i-1: member of a group not skipped: %+v", rs[0])
	}
}

func TestPackedActionsUnpackAsTheyWere(t *testing.T) {
	details := func() map[string]string { return map[string]string{"kind": "ec2", "state": "running"} }
	in := []reconcile.Action{
		{Service: "shutdown", Account: "1", Region: "r", Resource: "i-1", Action: "stop", Reason: "off", Status: reconcile.Done, Details: details()},
		{Service: "shutdown", Account: "1", Region: "r", Resource: "i-2", Action: "stop", Reason: "off", Status: reconcile.Failed, Error: "denied", Details: details()},
		{Service: "shutdown", Account: "1", Region: "r", Resource: "i-3", Action: "report", Reason: "bad tag", Status: reconcile.Reported},
		{Service: "shutdown", Account: "1", Region: "r", Resource: "i-4", Action: "none", Reason: "", Status: reconcile.Planned, Details: map[string]string{}},
		// Keys and values that would run together without their lengths.
		{Service: "shutdown", Account: "1", Region: "r", Resource: "i-5", Action: "stop", Details: map[string]string{"a": "bc"}},
		{Service: "shutdown", Account: "1", Region: "r", Resource: "i-6", Action: "stop", Details: map[string]string{"ab": "c"}},
	}
	p := newPacker(len(in))
	for _, a := range in {
		p.add(a)
	}
	out := p.appendTo(nil)
	if !reflect.DeepEqual(out, in) {
		t.Fatalf("unpacked\n%+v\nwant\n%+v", out, in)
	}
	if out[3].Details == nil {
		t.Error("an empty Details map came back nil")
	}
	if reflect.ValueOf(out[0].Details).Pointer() != reflect.ValueOf(out[1].Details).Pointer() {
		t.Error("equal Details maps are not shared")
	}
	var none *packer
	if none.len() != 0 || none.appendTo(nil) != nil {
		t.Error("a nil packer is not empty")
	}
}
