package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/reconcile"
)

// opsd explain against moto: by id or by Name, the schedule and the tag
// that chose it, the override, what opsd does now and next; an unknown
// resource exits 1 and says so; no resource is a usage error.
func TestExplainOneResource(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	client := ec2.NewFromConfig(srv.Config("eu-west-2"))
	ids := estate(t, client)
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nshutdown: {enabled: true}\n", srv.URL()))
	const evening = "2026-11-24T19:05:00Z" // a Tuesday: the default schedule's off period has begun

	code, out, stderr := opsd(t, "explain", "--config", path, "--now", evening, "dev-api")
	if code != 0 {
		t.Fatalf("explain dev-api: exit %d\n%s%s", code, out, stderr)
	}
	for _, want := range []string{
		ids["dev-api"] + " (dev-api) in account " + mototest.DefaultAccountID + " region eu-west-2, as of " + evening,
		"\nshutdown\n",
		"  state:     running (opsd wants it stopped)\n",
		"  schedule:  default, off period Tue 24 Nov 19:00 GMT → Wed 25 Nov 07:00 GMT (chosen by tag OOOShutdown=true)\n",
		"  now:       stop: off period default (Tue 19:00 → Wed 07:00 Europe/London)\n",
		"  next:      at Wed 25 Nov 07:00 GMT the off period ends: opsd starts it\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain dev-api lacks %q:\n%s", want, out)
		}
	}

	if _, err := client.CreateTags(context.Background(), &ec2.CreateTagsInput{Resources: []string{ids["dev-api"]},
		Tags: []ec2types.Tag{{Key: aws.String("opsd:shutdown:skip-until"), Value: aws.String("22:00")}}}); err != nil {
		t.Fatal(err)
	}
	code, out, _ = opsd(t, "explain", ids["dev-api"], "--config", path, "--now", evening)
	for _, want := range []string{
		"  override:  opsd:shutdown:skip-until=22:00 (until Tue 24 Nov 22:00 GMT)\n",
		"  now:       none: off period default (Tue 19:00 → Wed 07:00 Europe/London); kept up until Tue 24 Nov 22:00 GMT by tag opsd:shutdown:skip-until\n",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("explain by id with an override: exit %d, lacks %q:\n%s", code, want, out)
		}
	}

	code, out, _ = opsd(t, "explain", "--config", path, "--now", evening, "prod-api")
	if code != 0 || !strings.Contains(out, "  now:       report: ") || !strings.Contains(out, "never stopped in production") {
		t.Errorf("explain prod-api: exit %d:\n%s", code, out)
	}

	code, out, _ = opsd(t, "explain", "--config", path, "--now", evening, "i-0000000000000dead")
	if code != 1 || !strings.Contains(out, "i-0000000000000dead: no enabled service acts on it") {
		t.Errorf("explain of an unknown resource: exit %d, want 1:\n%s", code, out)
	}
	if code, _, stderr := opsd(t, "explain", "--config", path); code != 2 || !strings.Contains(stderr, "name the resource") {
		t.Errorf("explain without a resource: exit %d, want 2:\n%s", code, stderr)
	}
}

func TestExplainMatchesByIDNameARNAndServiceName(t *testing.T) {
	inst := reconcile.Action{Resource: "i-0abc", Details: map[string]string{"name": "dev-api", "kind": "ec2"}}
	svc := reconcile.Action{Resource: "apps/dev-web", Details: map[string]string{"kind": "ecs-service"}}
	db := reconcile.Action{Resource: "dev-db", Details: map[string]string{"kind": "rds-instance"}}
	for _, c := range []struct {
		a    reconcile.Action
		name string
		want bool
	}{
		{inst, "i-0abc", true}, {inst, "dev-api", true}, {inst, "arn:aws:ec2:eu-west-2:111111111111:instance/i-0abc", true}, {inst, "i-0ab", false},
		{svc, "dev-web", true}, {svc, "apps/dev-web", true}, {svc, "arn:aws:ecs:eu-west-2:111111111111:service/apps/dev-web", true}, {svc, "web", false},
		{db, "arn:aws:rds:eu-west-2:111111111111:db:dev-db", true}, {db, "db", false}, {db, "", false},
	} {
		if got := about(c.a, c.name); got != c.want {
			t.Errorf("about(%s, %q) = %v, want %v", c.a.Resource, c.name, got, c.want)
		}
	}
}
