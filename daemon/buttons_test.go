package daemon

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/slacksocket"
	"github.com/opsd-dev/opsd/shutdown"
)

// The daemon answers a notice's "Keep up" button end to end: Socket Mode
// against the stand-in, the member check, and the skip-until tag written
// on the instance in moto through the shutdown service; a press by a
// non-member writes nothing.
func TestDaemonAnswersTheKeepUpButton(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	ctx := context.Background()
	ec2c := ec2.NewFromConfig(srv.Config("eu-west-2"))
	out, err := ec2c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType: ec2types.InstanceTypeT3Micro, TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance,
			Tags: []ec2types.Tag{{Key: aws.String("Environment"), Value: aws.String("development")}, {Key: aws.String("OOOShutdown"), Value: aws.String("true")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.Instances[0].InstanceId)
	until := time.Now().Add(3 * time.Hour).UTC().Truncate(time.Second)
	ref := shutdown.KeepUpRef{Kind: shutdown.KindEC2, Account: mototest.DefaultAccountID, Region: "eu-west-2", ID: id, Until: until}
	slack := slacksocket.Start(t, "S-OPS", []string{"U-ALICE"},
		slacksocket.Press("e1", "U-MALLORY", shutdown.KeepUpAction, ref.String()),
		slacksocket.Press("e2", "U-ALICE", shutdown.KeepUpAction, ref.String()),
	)

	path := filepath.Join(t.TempDir(), "opsd.yaml")
	writeFile(t, path, fmt.Sprintf(`aws: {regions: [eu-west-2], endpoint_url: %q}
http: {listen: "127.0.0.1:0"}
notify: {slack: {token: xoxb-test, channel: C-OPS, api_url: %q, app_token: %s, buttons_user_group: S-OPS}}
shutdown: {enabled: true, schedule: "0 0 1 1 *"}
`, srv.URL(), slack.URL(), slacksocket.AppToken))
	signals := make(chan os.Signal, 1)
	done := make(chan error, 1)
	log := &syncBuffer{}
	go func() {
		done <- Run(context.Background(), Options{ConfigPath: path, Log: log, Signals: signals, ReadyInterval: 100 * time.Millisecond})
	}()
	defer func() {
		signals <- syscall.SIGTERM
		<-done
	}()
	for range 2 {
		select {
		case <-slack.Replied():
		case err := <-done:
			t.Fatalf("daemon exited: %v\n%s", err, log.String())
		case <-time.After(30 * time.Second):
			t.Fatalf("no reply to the presses; replies %v\n%s", slack.Replies(), log.String())
		}
	}
	replies := strings.Join(slack.Replies(), "\n")
	if !strings.Contains(replies, "U-MALLORY: Only members of <!subteam^S-OPS> may do this") ||
		!strings.Contains(replies, "U-ALICE: "+id+" ("+mototest.DefaultAccountID+"/eu-west-2) is kept up until") {
		t.Errorf("replies:\n%s", replies)
	}
	desc, err := ec2c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, tg := range desc.Reservations[0].Instances[0].Tags {
		if aws.ToString(tg.Key) == "opsd:shutdown:skip-until" {
			got = aws.ToString(tg.Value)
		}
	}
	if got != until.Format(time.RFC3339) {
		t.Errorf("skip-until on %s = %q, want %s", id, got, until.Format(time.RFC3339))
	}
	if !strings.Contains(log.String(), `"msg":"kept up from slack"`) {
		t.Errorf("the press is not in the log:\n%s", log.String())
	}
}
