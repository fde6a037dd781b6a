package awssim

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

const acct = "111111111111"

func TestDescribeInstancesPagesAsEC2Does(t *testing.T) {
	s := start(t, Options{})
	want := s.AddInstances(acct, "eu-west-2", 23, map[string]string{"Environment": "development", "OOOShutdown": "true"})
	s.AddInstances(acct, "eu-west-2", 4, map[string]string{"Environment": "development"})
	client := ec2.NewFromConfig(config(s, acct, "eu-west-2", 1))
	in := &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), Filters: []ec2types.Filter{
		{Name: aws.String("tag-key"), Values: []string{"OOOShutdown", "WeekendShutdown"}},
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}},
	}}
	var got []string
	pages := 0
	p := ec2.NewDescribeInstancesPaginator(client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		n := 0
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				got = append(got, aws.ToString(i.InstanceId))
				n++
				if i.State.Name != ec2types.InstanceStateNameRunning || len(i.Tags) != 2 {
					t.Errorf("instance %s: state %s tags %v", aws.ToString(i.InstanceId), i.State.Name, i.Tags)
				}
			}
		}
		if n > 5 {
			t.Errorf("page of %d instances with MaxResults 5", n)
		}
	}
	if pages != 5 || !slices.Equal(got, want) {
		t.Errorf("%d pages, got %d ids %v, want 5 pages of %v", pages, len(got), got, want)
	}
	if n := s.Calls().ByOp["ec2.DescribeInstances"]; n != 5 {
		t.Errorf("counted %d DescribeInstances calls, want 5", n)
	}
}

func TestDescribeInstancesWithoutMaxResultsAnswersAllAtOnce(t *testing.T) {
	s := start(t, Options{})
	s.AddInstances(acct, "eu-west-2", 1200, map[string]string{"OOOShutdown": "true"})
	client := ec2.NewFromConfig(config(s, acct, "eu-west-2", 1))
	out, err := client.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Reservations) != 1200 || out.NextToken != nil {
		t.Errorf("got %d reservations, next token %v; want 1200 and none", len(out.Reservations), out.NextToken)
	}
}

func TestDescribeInstancesRefusesWhatEC2Refuses(t *testing.T) {
	s := start(t, Options{})
	s.AddInstances(acct, "eu-west-2", 3, nil)
	client := ec2.NewFromConfig(config(s, acct, "eu-west-2", 1))
	ctx := context.Background()
	for name, in := range map[string]*ec2.DescribeInstancesInput{
		"MaxResults below 5":      {MaxResults: aws.Int32(4)},
		"MaxResults above 1000":   {MaxResults: aws.Int32(1001)},
		"unknown filter":          {Filters: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"red"}}}},
		"ids and MaxResults both": {MaxResults: aws.Int32(5), InstanceIds: []string{instanceID(0, 0)}},
	} {
		if _, err := client.DescribeInstances(ctx, in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	_, err := client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{instanceID(0, 7)}})
	if code := errorCode(err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("unknown instance: error %v, want InvalidInstanceID.NotFound", err)
	}
}

func TestTagFilters(t *testing.T) {
	s := start(t, Options{})
	dev := s.AddInstances(acct, "eu-west-2", 2, map[string]string{"Environment": "development", "OOOShutdown": "true"})
	s.AddInstances(acct, "eu-west-2", 3, map[string]string{"Environment": "production", "OOOShutdown": "true"})
	client := ec2.NewFromConfig(config(s, acct, "eu-west-2", 1))
	out, err := client.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:Environment"), Values: []string{"development", "staging"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			got = append(got, aws.ToString(i.InstanceId))
		}
	}
	if !slices.Equal(got, dev) {
		t.Errorf("tag:Environment filter found %v, want %v", got, dev)
	}
}

func TestStopStartAndTags(t *testing.T) {
	s := start(t, Options{})
	ids := s.AddInstances(acct, "eu-west-2", 3, map[string]string{"OOOShutdown": "true"})
	client := ec2.NewFromConfig(config(s, acct, "eu-west-2", 1))
	ctx := context.Background()
	stop, err := client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: ids[:2]})
	if err != nil {
		t.Fatal(err)
	}
	if len(stop.StoppingInstances) != 2 || stop.StoppingInstances[0].CurrentState.Name != ec2types.InstanceStateNameStopping ||
		stop.StoppingInstances[0].PreviousState.Name != ec2types.InstanceStateNameRunning {
		t.Errorf("stop answer %+v", stop.StoppingInstances)
	}
	if _, err := client.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids[:2], Tags: []ec2types.Tag{
		{Key: aws.String("opsd:shutdown:last-action"), Value: aws.String("stop")},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: ids[1:2], Tags: []ec2types.Tag{{Key: aws.String("OOOShutdown")}}}); err != nil {
		t.Fatal(err)
	}
	got := map[string]Instance{}
	s.EachInstance(acct, "eu-west-2", func(in Instance) bool { got[in.ID] = in; return true })
	if got[ids[0]].State != "stopped" || got[ids[1]].State != "stopped" || got[ids[2]].State != "running" {
		t.Errorf("states after stop: %v", got)
	}
	if got[ids[0]].Tags["opsd:shutdown:last-action"] != "stop" || got[ids[0]].Tags["OOOShutdown"] != "true" {
		t.Errorf("tags of %s: %v", ids[0], got[ids[0]].Tags)
	}
	if _, ok := got[ids[1]].Tags["OOOShutdown"]; ok || got[ids[1]].Tags["opsd:shutdown:last-action"] != "stop" {
		t.Errorf("tags of %s after DeleteTags: %v", ids[1], got[ids[1]].Tags)
	}
	if len(got[ids[2]].Tags) != 1 {
		t.Errorf("untouched instance's tags changed: %v", got[ids[2]].Tags)
	}
	start, err := client.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: ids[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if start.StartingInstances[0].CurrentState.Name != ec2types.InstanceStateNamePending {
		t.Errorf("start answer %+v", start.StartingInstances[0])
	}
	s.EachInstance(acct, "eu-west-2", func(in Instance) bool {
		if in.ID == ids[0] && in.State != "running" {
			t.Errorf("%s is %s after start", in.ID, in.State)
		}
		return true
	})
}

func TestStopRefusesUnknownAndTooManyIDs(t *testing.T) {
	s := start(t, Options{})
	ids := s.AddInstances(acct, "eu-west-2", 1001, nil)
	other := s.AddInstances("222222222222", "eu-west-2", 1, nil)
	client := ec2.NewFromConfig(config(s, acct, "eu-west-2", 1))
	ctx := context.Background()
	_, err := client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{ids[0], other[0]}})
	if code := errorCode(err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("another account's instance: %v, want InvalidInstanceID.NotFound", err)
	}
	if _, err := client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: ids}); err == nil {
		t.Error("1001 ids in one StopInstances: no error")
	}
	if _, err := client.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids[:1000], Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Errorf("1000 ids in one CreateTags: %v", err)
	}
	n := 0
	s.EachInstance(acct, "eu-west-2", func(in Instance) bool {
		if in.State != "running" {
			t.Errorf("%s is %s after refused stops", in.ID, in.State)
		}
		if in.Tags["k"] == "v" {
			n++
		}
		return true
	})
	if n != 1000 {
		t.Errorf("%d instances tagged, want 1000", n)
	}
}
