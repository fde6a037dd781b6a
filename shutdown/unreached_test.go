package shutdown

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/opsd-dev/opsd/accounts"
)

// An unanswered region costs one timeout, not one per kind of resource;
// a refusal of one kind (access denied) still lets the others be listed.
func TestObserveStopsAtAnUnreachableRegion(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantCalls []string
	}{
		{"timed out", fmt.Errorf("operation error EC2: DescribeInstances: %w", context.DeadlineExceeded), nil},
		{"not answered", &smithyhttp.RequestSendError{Err: errors.New("dial tcp 10.0.0.1:443: connect: connection refused")}, nil},
		{"access denied", apiError("UnauthorizedOperation", "You are not authorized to perform this operation."),
			[]string{"DescribeAutoScalingGroups", "DescribeDBInstances", "DescribeDBClusters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakes()
			f.ec2.describeErr = tt.err
			_, err := observer{c: f.clients(), keys: DefaultConfig().Tags}.observe(context.Background())
			if !errors.Is(err, tt.err) {
				t.Fatalf("observe error %v, want it to hold %v", err, tt.err)
			}
			got := slices.Concat(f.asg.all(), f.rds.all())
			if !slices.Equal(got, tt.wantCalls) {
				t.Errorf("calls after the failed instance list: %q, want %q", got, tt.wantCalls)
			}
		})
	}
}

func TestUnreachedLinesGroupAnAccountsRegionsByCause(t *testing.T) {
	target := func(account, region string) accounts.Target {
		return accounts.Target{Account: account, Region: region}
	}
	denied := apiError("AccessDenied", "User: arn:aws:iam::111111111111:role/opsd is not authorized to perform: sts:AssumeRole")
	errs := []error{
		&accounts.TargetError{Target: target("222222222222", "eu-west-2"), Err: fmt.Errorf("get credentials: %w", denied)},
		&accounts.TargetError{Target: target("333333333333", "us-east-1"), Err: fmt.Errorf("list EC2 instances: %w", context.DeadlineExceeded)},
		&accounts.TargetError{Target: target("222222222222", "eu-west-1"), Err: fmt.Errorf("get credentials: %w", denied)},
		errors.New("list accounts and regions: organizations: AccessDenied\nsecond line"),
	}
	got := unreachedLines(errs)
	want := []string{
		"• account 222222222222 (eu-west-1, eu-west-2): AccessDenied: User: arn:aws:iam::111111111111:role/opsd is not authorized to perform: sts:AssumeRole",
		"• account 333333333333 (us-east-1): timed out",
		"• list accounts and regions: organizations: AccessDenied",
	}
	if !slices.Equal(got, want) {
		t.Errorf("unreached lines:\n%q\nwant\n%q", got, want)
	}
}

func TestCauseIsShort(t *testing.T) {
	long := apiError("InternalError", string(make([]rune, 500)))
	if n := len([]rune(cause(long))); n != maxCause {
		t.Errorf("cause of a long message has %d characters, want %d", n, maxCause)
	}
}
