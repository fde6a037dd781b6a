package shutdown

import (
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// fakeCloudWatch holds metric alarms and their actions' state.
type fakeCloudWatch struct {
	calls
	mu     sync.Mutex
	alarms []cwtypes.MetricAlarm
	// disableErr fails DisableAlarmActions.
	disableErr error
	// onDisable, when set, is called at each DisableAlarmActions.
	onDisable func()
}

// add adds an alarm on one dimension, its actions on or off.
func (f *fakeCloudWatch) add(name, dim, value string, enabled bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.alarms = append(f.alarms, cwtypes.MetricAlarm{AlarmName: aws.String(name), ActionsEnabled: aws.Bool(enabled),
		Dimensions: []cwtypes.Dimension{{Name: aws.String(dim), Value: aws.String(value)}}})
}

// enabled reports whether the named alarm's actions are on.
func (f *fakeCloudWatch) enabled(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.alarms {
		if aws.ToString(a.AlarmName) == name {
			return aws.ToBool(a.ActionsEnabled)
		}
	}
	return false
}

func (f *fakeCloudWatch) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	f.calls.add("DescribeAlarms")
	f.mu.Lock()
	defer f.mu.Unlock()
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: slices.Clone(f.alarms)}, nil
}

func (f *fakeCloudWatch) DisableAlarmActions(_ context.Context, in *cloudwatch.DisableAlarmActionsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DisableAlarmActionsOutput, error) {
	f.calls.add("DisableAlarmActions", in.AlarmNames...)
	if f.onDisable != nil {
		f.onDisable()
	}
	if f.disableErr != nil {
		return nil, f.disableErr
	}
	f.setActions(in.AlarmNames, false)
	return &cloudwatch.DisableAlarmActionsOutput{}, nil
}

func (f *fakeCloudWatch) EnableAlarmActions(_ context.Context, in *cloudwatch.EnableAlarmActionsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.EnableAlarmActionsOutput, error) {
	f.calls.add("EnableAlarmActions", in.AlarmNames...)
	f.setActions(in.AlarmNames, true)
	return &cloudwatch.EnableAlarmActionsOutput{}, nil
}

func (f *fakeCloudWatch) setActions(names []string, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.alarms {
		if slices.Contains(names, aws.ToString(f.alarms[i].AlarmName)) {
			f.alarms[i].ActionsEnabled = aws.Bool(on)
		}
	}
}
