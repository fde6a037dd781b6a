package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// The shutdown estate of the kill tests: dev instances, one production
// instance, an Auto Scaling group and a database, all asking for the
// default overnight schedule.
var shutdownDevInstances = []string{"dev-a", "dev-b", "dev-c"}

const (
	lastActionTag = "opsd:shutdown:last-action"
	shutdownGroup = "dev-web"
	shutdownDB    = "dev-db"
)

// seedShutdown creates the estate through cfg (moto directly).
func seedShutdown(t *testing.T, cfg aws.Config) {
	t.Helper()
	ctx := context.Background()
	ec2c := ec2.NewFromConfig(cfg)
	imgs, err := ec2c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil || len(imgs.Images) == 0 {
		t.Fatalf("describe images: %v", err)
	}
	ami := imgs.Images[0].ImageId
	launch := func(name, env string) {
		tags := []ec2types.Tag{
			{Key: aws.String("Name"), Value: aws.String(name)},
			{Key: aws.String("Environment"), Value: aws.String(env)},
			{Key: aws.String("OOOShutdown"), Value: aws.String("true")},
		}
		if _, err := ec2c.RunInstances(ctx, &ec2.RunInstancesInput{
			ImageId: ami, InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: tags}},
		}); err != nil {
			t.Fatalf("run instance %s: %v", name, err)
		}
	}
	for _, name := range shutdownDevInstances {
		launch(name, "development")
	}
	launch("prod-api", "production")
	if _, err := ec2c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String(shutdownGroup),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: ami, InstanceType: ec2types.InstanceTypeT3Micro},
	}); err != nil {
		t.Fatalf("create launch template: %v", err)
	}
	if _, err := autoscaling.NewFromConfig(cfg).CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(shutdownGroup),
		LaunchTemplate:       &asgtypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String(shutdownGroup)},
		MinSize:              aws.Int32(1), MaxSize: aws.Int32(3), DesiredCapacity: aws.Int32(2),
		AvailabilityZones: []string{"eu-west-2a"},
		Tags: []asgtypes.Tag{
			{Key: aws.String("Environment"), Value: aws.String("development"), PropagateAtLaunch: aws.Bool(true)},
			{Key: aws.String("OOOShutdown"), Value: aws.String("true"), PropagateAtLaunch: aws.Bool(true)},
		},
	}); err != nil {
		t.Fatalf("create auto scaling group: %v", err)
	}
	if _, err := rds.NewFromConfig(cfg).CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String(shutdownDB), Engine: aws.String("postgres"), DBInstanceClass: aws.String("db.t3.micro"),
		MasterUsername: aws.String("opsd"), MasterUserPassword: aws.String("test-password-1"), AllocatedStorage: aws.Int32(20),
		Tags: []rdstypes.Tag{
			{Key: aws.String("Environment"), Value: aws.String("development")},
			{Key: aws.String("OOOShutdown"), Value: aws.String("true")},
		},
	}); err != nil {
		t.Fatalf("create db instance: %v", err)
	}
}

// shutdownView is the estate as moto has it: each resource's state and
// opsd's last-action marker, by name (instances), group name or database
// id. A group's state is "min/max/desired".
type shutdownView struct {
	state  map[string]string
	marker map[string]string
}

func lookShutdown(t *testing.T, cfg aws.Config) shutdownView {
	t.Helper()
	ctx := context.Background()
	v := shutdownView{state: map[string]string{}, marker: map[string]string{}}
	out, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			tags := map[string]string{}
			for _, tg := range i.Tags {
				tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
			if tags["Name"] == "" {
				continue // a group's member
			}
			v.state[tags["Name"]] = string(i.State.Name)
			v.marker[tags["Name"]] = tags[lastActionTag]
		}
	}
	groups, err := autoscaling.NewFromConfig(cfg).DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{shutdownGroup}})
	if err != nil || len(groups.AutoScalingGroups) != 1 {
		t.Fatalf("describe %s: %v", shutdownGroup, err)
	}
	g := groups.AutoScalingGroups[0]
	v.state[shutdownGroup] = fmt.Sprintf("%d/%d/%d", aws.ToInt32(g.MinSize), aws.ToInt32(g.MaxSize), aws.ToInt32(g.DesiredCapacity))
	for _, tg := range g.Tags {
		if aws.ToString(tg.Key) == lastActionTag {
			v.marker[shutdownGroup] = aws.ToString(tg.Value)
		}
	}
	dbs, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(shutdownDB)})
	if err != nil || len(dbs.DBInstances) != 1 {
		t.Fatalf("describe %s: %v", shutdownDB, err)
	}
	v.state[shutdownDB] = aws.ToString(dbs.DBInstances[0].DBInstanceStatus)
	for _, tg := range dbs.DBInstances[0].TagList {
		if aws.ToString(tg.Key) == lastActionTag {
			v.marker[shutdownDB] = aws.ToString(tg.Value)
		}
	}
	return v
}

// wantOff checks that every dev resource is off (and, when marked is set,
// carries opsd's stop marker) and the production instance runs.
func (v shutdownView) wantOff(t *testing.T, when string, marked bool) {
	t.Helper()
	for _, name := range shutdownDevInstances {
		if v.state[name] != "stopped" {
			t.Errorf("%s: %s is %s, want stopped", when, name, v.state[name])
		}
	}
	if v.state[shutdownGroup] != "0/0/0" {
		t.Errorf("%s: group %s is %s, want 0/0/0", when, shutdownGroup, v.state[shutdownGroup])
	}
	if v.state[shutdownDB] != "stopped" {
		t.Errorf("%s: database %s is %s, want stopped", when, shutdownDB, v.state[shutdownDB])
	}
	if v.state["prod-api"] != "running" {
		t.Errorf("%s: prod-api is %s, want running", when, v.state["prod-api"])
	}
	if !marked {
		return
	}
	for _, name := range append([]string{shutdownGroup, shutdownDB}, shutdownDevInstances...) {
		if v.marker[name] != "stop" {
			t.Errorf("%s: %s has marker %q, want stop", when, name, v.marker[name])
		}
	}
}

// wantOn checks that every resource is up again.
func (v shutdownView) wantOn(t *testing.T, when string) {
	t.Helper()
	for _, name := range append([]string{"prod-api"}, shutdownDevInstances...) {
		if v.state[name] != "running" {
			t.Errorf("%s: %s is %s, want running", when, name, v.state[name])
		}
	}
	if v.state[shutdownGroup] != "1/3/2" {
		t.Errorf("%s: group %s is %s, want 1/3/2", when, shutdownGroup, v.state[shutdownGroup])
	}
	if v.state[shutdownDB] != "available" {
		t.Errorf("%s: database %s is %s, want available", when, shutdownDB, v.state[shutdownDB])
	}
}
