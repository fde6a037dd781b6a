package awssim

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestAssumedRoleCredentialsActInTheRolesAccount(t *testing.T) {
	s := start(t, Options{})
	const member = "222222222222"
	theirs := s.AddInstances(member, "eu-west-1", 2, map[string]string{"OOOShutdown": "true"})
	s.AddInstances(member, "eu-west-2", 5, nil)
	s.AddInstances(acct, "eu-west-1", 3, nil)

	base := config(s, acct, "eu-west-1", 1)
	cfg := base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), "arn:aws:iam::"+member+":role/opsd", func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "opsd"
	}))
	ctx := context.Background()
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != member {
		t.Errorf("caller identity account %s, want %s", aws.ToString(id.Account), member)
	}
	out, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Reservations {
		if aws.ToString(r.OwnerId) != member {
			t.Errorf("reservation owned by %s", aws.ToString(r.OwnerId))
		}
		for _, i := range r.Instances {
			got = append(got, aws.ToString(i.InstanceId))
		}
	}
	if len(got) != 2 || got[0] != theirs[0] || got[1] != theirs[1] {
		t.Errorf("the member account's eu-west-1 instances are %v, saw %v", theirs, got)
	}
	calls := s.Calls()
	if calls.ByAccount[acct]["sts.AssumeRole"] != 1 || calls.ByAccount[member]["ec2.DescribeInstances"] != 1 || calls.ByAccount[member]["sts.GetCallerIdentity"] != 1 {
		t.Errorf("calls by account: %v", calls.ByAccount)
	}
}

func TestAssumeRoleRefusesAMalformedRoleARN(t *testing.T) {
	s := start(t, Options{})
	_, err := sts.NewFromConfig(config(s, acct, "eu-west-2", 1)).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::12:role/x"), RoleSessionName: aws.String("opsd"),
	})
	if code := errorCode(err); code != "ValidationError" {
		t.Errorf("error %v, want ValidationError", err)
	}
}

func TestAccessKeyIDEncodesTheAccount(t *testing.T) {
	for akid, want := range map[string]string{
		AccessKeyID("333333333333"):          "333333333333",
		sessionKeyID("444444444444", 0x1234): "444444444444",
		"AKIAIOSFODNN7EXAMPLE":               DefaultAccount,
		"short":                              DefaultAccount,
	} {
		if got := accountOf(akid); got != want {
			t.Errorf("accountOf(%q) = %s, want %s", akid, got, want)
		}
	}
}
