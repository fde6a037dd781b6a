package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/opsdbin"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// haConfig is a two-replica configuration: leader election on, with a
// shutdown schedule that is off all week but for Sunday 23:58 to 24:00 (a
// one-minute gap would be bridged into a schedule that never starts), so every run
// wants every tagged development instance stopped, and a reconcile job that
// runs only at start and when a replica becomes leader (its cron is once a
// year).
func haConfig(endpoint, addr, holder string) string {
	return fmt.Sprintf(`aws: {regions: [eu-west-2], endpoint_url: %q}
http: {listen: %q}
ha: {enabled: true, holder: %q, ttl: 5s}
shutdown:
  enabled: true
  schedule: "0 0 1 1 *"
  schedules:
    always:
      periods: [{off: "mon 00:00", on: "sun 23:58"}]
  default_schedule: always
`, endpoint, addr, holder)
}

func role(doc map[string]any) string {
	ha, _ := doc["ha"].(map[string]any)
	s, _ := ha["role"].(string)
	return s
}

// lastOutcome is the outcome of the shutdown job's last run, or "".
func lastOutcome(doc map[string]any) string {
	jobs, _ := doc["jobs"].([]any)
	for _, j := range jobs {
		m, _ := j.(map[string]any)
		if m["name"] != "shutdown" {
			continue
		}
		if last, _ := m["last_run"].(map[string]any); last != nil {
			s, _ := last["outcome"].(string)
			return s
		}
	}
	return ""
}

// Two replicas against one estate: exactly one runs jobs; after kill -9 of
// the leader the other takes over within the lease TTL (plus one renewal
// interval) and runs them, and no instance is stopped twice.
func TestProcessTwoReplicasElectOneLeader(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	client := ec2.NewFromConfig(srv.Config("eu-west-2"))
	first := estate(t, client)["dev-api"]

	// Each replica reaches AWS through its own proxy, so the calls each
	// one made can be told apart.
	proxyA, proxyB := mototest.NewProxy(t, srv.URL()), mototest.NewProxy(t, srv.URL())
	bin := opsdbin.Build(t)
	addrA, addrB := opsdbin.FreeAddr(t), opsdbin.FreeAddr(t)
	a := startOpsd(t, bin, writeConfig(t, haConfig(proxyA.URL(), addrA, "replica-a")), addrA)
	a.status(t, func(doc map[string]any) bool { return role(doc) == "leader" && lastOutcome(doc) == "ok" })
	b := startOpsd(t, bin, writeConfig(t, haConfig(proxyB.URL(), addrB, "replica-b")), addrB)
	// The follower's history starts with the leader's runs (the shared
	// state); its own first run at start is skipped.
	doc := b.status(t, func(doc map[string]any) bool { return lastOutcome(doc) == "skipped" })
	if role(doc) != "follower" || lastOutcome(doc) != "skipped" {
		t.Fatalf("second replica: role %q, last run %q; want follower, skipped", role(doc), lastOutcome(doc))
	}
	if n := proxyB.Count("DescribeInstances") + proxyB.Count("StopInstances"); n != 0 {
		t.Errorf("the follower made %d EC2 calls; it must run no job", n)
	}
	if got := states(t, client)[first]; got != "stopped" {
		t.Fatalf("the leader did not stop %s: %s\n%s", first, got, a.out.String())
	}
	if n := proxyA.Count("StopInstances"); n != 1 {
		t.Errorf("leader sent %d StopInstances, want 1", n)
	}

	// A second instance appears; the leader runs no more (its cron is
	// yearly), so it is still running when the leader dies.
	out, err := client.RunInstances(context.Background(), &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType: ec2types.InstanceTypeT3Micro, TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance,
			Tags: []ec2types.Tag{{Key: aws.String("Environment"), Value: aws.String("dev")}, {Key: aws.String("OOOShutdown"), Value: aws.String("true")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	second := aws.ToString(out.Instances[0].InstanceId)

	// kill -9 the leader: no release, the lease must expire.
	killed := time.Now()
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-a.done
	b.status(t, func(doc map[string]any) bool { return role(doc) == "leader" })
	takeover := time.Since(killed)
	t.Logf("follower took over %s after kill -9 (ttl 5s, renewal every %s)", takeover.Round(10*time.Millisecond), (5 * time.Second / 3).Round(time.Millisecond))
	if takeover > 5*time.Second+5*time.Second/3+2*time.Second {
		t.Errorf("takeover took %s, more than ttl + one renewal interval + 2s of slack", takeover)
	}

	// The new leader runs at once on taking over: it stops the second
	// instance and finds the first already stopped (no second stop).
	b.status(t, func(doc map[string]any) bool { return lastOutcome(doc) == "ok" })
	if got := states(t, client)[second]; got != "stopped" {
		t.Fatalf("the new leader did not stop %s: %s\n%s", second, got, b.out.String())
	}
	if n := proxyB.Count("StopInstances"); n != 1 {
		t.Errorf("new leader sent %d StopInstances, want 1 (the second instance only)", n)
	}
	if stops := proxyA.Count("StopInstances") + proxyB.Count("StopInstances"); stops != 2 {
		t.Errorf("StopInstances across both replicas = %d, want 2 (one per instance, none repeated)", stops)
	}
}
