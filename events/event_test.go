package events

import (
	"os"
	"slices"
	"strings"
	"testing"
)

var opts = Options{IgnorePrincipals: []string{":assumed-role/opsd"}, OwnTagPrefix: "opsd:"}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, body          string
		kind, resource, why string
		services            []string
		err                 string
	}{
		{name: "tag change on an instance", body: mustRead(t, "testdata/tag-change-ec2.json"),
			kind: "ec2", resource: "i-0abc", services: []string{Shutdown, Patching, Backup, Monitor}},
		{name: "opsd's own marker tags", body: `{"id":"e-2","source":"aws.tag","detail-type":"Tag Change on Resource","account":"1","region":"eu-west-2","resources":["arn:aws:ec2:eu-west-2:1:instance/i-1"],"detail":{"service":"ec2","resource-type":"instance","changed-tag-keys":["opsd:shutdown:last-action","opsd:shutdown:last-action-at"]}}`,
			kind: "ec2", resource: "i-1", why: "only opsd's own tags changed"},
		{name: "tag change on a database", body: `{"id":"e-3","source":"aws.tag","detail-type":"Tag Change on Resource","account":"1","region":"eu-west-2","resources":["arn:aws:rds:eu-west-2:1:db:dev-db"],"detail":{"service":"rds","resource-type":"db","changed-tag-keys":["OOOShutdown"]}}`,
			kind: "rds", resource: "dev-db", services: []string{Shutdown, Backup, Monitor}},
		{name: "instance stopped", body: `{"id":"e-4","source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","account":"1","region":"eu-west-2","detail":{"instance-id":"i-2","state":"stopped"}}`,
			kind: "ec2", resource: "i-2", services: []string{Shutdown, Patching}},
		{name: "instance pending", body: `{"id":"e-5","source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","account":"1","region":"eu-west-2","detail":{"instance-id":"i-2","state":"pending"}}`,
			kind: "ec2", resource: "i-2", why: "transition"},
		{name: "group tagged", body: `{"id":"e-6","source":"aws.autoscaling","detail-type":"AWS API Call via CloudTrail","account":"1","region":"eu-west-2","detail":{"eventSource":"autoscaling.amazonaws.com","eventName":"CreateOrUpdateTags","userIdentity":{"arn":"arn:aws:sts::1:assumed-role/team/alice"},"requestParameters":{"tags":[{"resourceId":"dev-web","key":"OOOShutdown","value":"true"}]}}}`,
			kind: "asg", resource: "dev-web", services: []string{Shutdown, Monitor}},
		{name: "an alarm edited by opsd itself", body: `{"id":"e-7","source":"aws.monitoring","detail-type":"AWS API Call via CloudTrail","account":"1","region":"eu-west-2","detail":{"eventSource":"monitoring.amazonaws.com","eventName":"PutMetricAlarm","userIdentity":{"arn":"arn:aws:sts::1:assumed-role/opsd-member/opsd"}}}`,
			kind: "alarm", resource: "PutMetricAlarm", why: "opsd's own call"},
		{name: "an alarm edited by hand", body: `{"id":"e-8","source":"aws.monitoring","detail-type":"AWS API Call via CloudTrail","account":"1","region":"eu-west-2","detail":{"eventSource":"monitoring.amazonaws.com","eventName":"PutMetricAlarm","userIdentity":{"arn":"arn:aws:sts::1:assumed-role/admin/bob"}}}`,
			kind: "alarm", resource: "PutMetricAlarm", services: []string{Monitor}},
		{name: "launched with tags", body: `{"id":"e-9","source":"aws.ec2","detail-type":"AWS API Call via CloudTrail","account":"1","region":"eu-west-2","detail":{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","userIdentity":{"arn":"arn:aws:sts::1:assumed-role/ci/x"},"responseElements":{"instancesSet":{"items":[{"instanceId":"i-new"}]}}}}`,
			kind: "ec2", resource: "i-new", services: []string{Shutdown, Patching, Backup, Monitor}},
		{name: "a kind opsd ignores", body: `{"id":"e-10","source":"aws.s3","detail-type":"Object Created","detail":{}}`, err: `opsd does not react to aws.s3 "Object Created"`},
		{name: "not an event", body: `{"hello":"world"}`, err: "not an EventBridge event"},
		{name: "not JSON", body: `tag change`, err: "read event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := Parse([]byte(tc.body), opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind != tc.kind || ev.Resource != tc.resource || !strings.Contains(ev.Ignored, tc.why) || (tc.why == "" && ev.Ignored != "") {
				t.Errorf("event %+v, want kind %s resource %s ignored %q", ev, tc.kind, tc.resource, tc.why)
			}
			if tc.why == "" && !slices.Equal(ev.Services, tc.services) {
				t.Errorf("services %v, want %v", ev.Services, tc.services)
			}
		})
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
