package audit

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// defaultGroup is vpc's default security group as the collector lists it.
func defaultGroup(id, vpc string, ingress ...IngressRule) SecurityGroup {
	return SecurityGroup{Resource: Resource{Kind: KindSecurityGroup, ID: id, Name: "default", Tags: map[string]string{}, Platform: vpc}, VPC: vpc, Ingress: ingress}
}

func TestCollectorMarksDefaultSecurityGroupsAsThePlatforms(t *testing.T) {
	f := newFakeAccount()
	f.securityGroups = []ec2types.SecurityGroup{
		{GroupId: aws.String("sg-default"), GroupName: aws.String("default"), VpcId: aws.String("vpc-1")},
		{GroupId: aws.String("sg-web"), GroupName: aws.String("web"), VpcId: aws.String("vpc-1"),
			Tags: []ec2types.Tag{{Key: aws.String("Application"), Value: aws.String("web")}}},
	}
	inv := &Inventory{}
	if err := collectSecurityGroups(context.Background(), f.clients(), inv); err != nil {
		t.Fatal(err)
	}
	got := map[string]SecurityGroup{}
	for _, sg := range inv.SecurityGroups {
		got[sg.ID] = sg
	}
	if p := got["sg-default"].Platform; p != "vpc-1" {
		t.Errorf("the default group's platform = %q, want vpc-1", p)
	}
	if p := got["sg-web"].Platform; p != "" {
		t.Errorf("an application's group has platform %q", p)
	}
}

func TestDefaultSecurityGroupsAreThePlatformsNotAnApplications(t *testing.T) {
	inv := &Inventory{Account: testAccount, Region: testRegion,
		SecurityGroups: []SecurityGroup{
			defaultGroup("sg-d1", "vpc-1"),
			defaultGroup("sg-d2", "vpc-2", IngressRule{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"0.0.0.0/0"}}),
			{Resource: Resource{Kind: KindSecurityGroup, ID: "sg-bare", Name: "launch-wizard-1", Tags: map[string]string{}}, VPC: "vpc-1"},
			{Resource: Resource{Kind: KindSecurityGroup, ID: "sg-web", Name: "web", Tags: prodTags("web")}, VPC: "vpc-1"},
		},
	}
	fs, _ := evaluate(registry(), defaultRules(), inv)
	rep := buildReport(testNow, Checks(), fs, nil)

	var names []string
	for _, a := range rep.Applications {
		names = append(names, a.Name)
	}
	if len(names) != 2 || names[0] != "web" || names[1] != Untagged {
		t.Fatalf("applications = %v, want web and (untagged) (the group nobody tagged), not the default groups", names)
	}
	for _, f := range rep.Application(Untagged).Findings {
		if f.Resource != "sg-bare" {
			t.Errorf("(untagged) holds %s", f.Label())
		}
	}
	p := rep.Platform
	if p == nil {
		t.Fatal("no platform section")
	}
	if p.Name != PlatformGroup || p.Overall.Failed != 1 || p.Overall.Passed != 1 || p.Overall.NotApplicable != 2 {
		t.Errorf("platform %s: %+v", p.Name, p.Overall)
	}
	for _, f := range p.Findings {
		if f.Application != "" || (f.Platform != "vpc-1" && f.Platform != "vpc-2") {
			t.Errorf("platform finding %+v names an application or no VPC", f)
		}
	}
	if l := p.Findings[0].Label(); l != "default (sg-d2) of vpc-2" {
		t.Errorf("label = %q, want the group under its VPC", l)
	}

	// Its failures count (plan actions, --fail-on) ...
	var open []Finding
	for _, f := range rep.FailuresAtLeast(Critical) {
		if f.Platform != "" {
			open = append(open, f)
		}
	}
	if len(open) != 1 || open[0].Resource != "sg-d2" {
		t.Errorf("platform failures = %+v, want sg-d2's open SSH", open)
	}
	if d := action(rep, open[0]).Details; d["platform"] != "vpc-2" || d["application"] != "" {
		t.Errorf("plan action details = %v, want the VPC and no application", d)
	}
	// ... but not an application's.
	if web := rep.Filter("web"); web.Platform != nil || len(web.FailuresAtLeast(Warning)) != 0 {
		t.Errorf("Filter(web) keeps the platform: %+v", web.Platform)
	}

	// The renderings show it apart, each group under its VPC.
	var text, html bytes.Buffer
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, rep); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), html.String()} {
		if !strings.Contains(out, PlatformGroup) || !strings.Contains(out, "default (sg-d2) of vpc-2") || !strings.Contains(out, "not to an application") {
			t.Errorf("rendering lacks the platform section:\n%s", out)
		}
	}
	if !strings.Contains(text.String(), "2 applications") {
		t.Errorf("the platform is counted as an application:\n%s", text.String())
	}

	// The Slack summary tells what changed there too.
	fixed := buildReport(testNow.Add(time.Hour), Checks(), []Finding{
		{Check: "security.security-group-open-ports", Pillar: PillarSecurity, Severity: Critical, Status: Pass, Platform: "vpc-2",
			Account: testAccount, Region: testRegion, Kind: KindSecurityGroup, Resource: "sg-d2", Name: "default"},
	}, nil)
	var platformChange *Change
	for _, ch := range compare(rep, fixed) {
		if ch.Application == PlatformGroup {
			platformChange = &ch
		}
	}
	if platformChange == nil || len(platformChange.Fixed) != 1 || platformChange.Fixed[0].Resource != "sg-d2" {
		t.Errorf("platform change = %+v, want sg-d2 fixed", platformChange)
	}
}
