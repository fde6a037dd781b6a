package shutdown

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// ec2Batch is how many instances one StopInstances, StartInstances,
// CreateTags or DeleteTags call names: EC2's limit on the ids of one call
// (CreateTags documents "up to 1000 resource IDs"). A batch failing
// because of some of its ids is bisected (see isolate).
const ec2Batch = 1000

// stopInstances stops the tasks' instances in batches. With hibernation
// configured, instances launched with hibernation enabled are hibernated;
// one whose hibernation is refused (not ready yet, not supported) is
// stopped instead.
func (a *actor) stopInstances(ctx context.Context, tasks []*task) {
	if len(tasks) == 0 {
		return
	}
	byID := make(map[string]*task, len(tasks))
	var hibernate, plain []string
	for _, t := range tasks {
		byID[t.r.ID] = t
		if a.hibernate && t.r.Hibernation {
			hibernate = append(hibernate, t.r.ID)
		} else {
			plain = append(plain, t.r.ID)
		}
	}
	refused := isolate(ctx, hibernate, ec2Batch, a.stopCall(true))
	for _, id := range hibernate {
		if err, ok := refused[id]; ok {
			byID[id].note("hibernation refused (" + apiErrorText(err) + "): stopped instead")
			plain = append(plain, id)
			continue
		}
		byID[id].note("hibernated")
	}
	for id, err := range isolate(ctx, plain, ec2Batch, a.stopCall(false)) {
		t := byID[id]
		t.notes = nil
		t.err = failed(ActionStop, KindEC2, "", err)
	}
}

func (a *actor) stopCall(hibernate bool) func(context.Context, []string) error {
	return func(ctx context.Context, ids []string) error {
		in := &ec2.StopInstancesInput{InstanceIds: ids}
		if hibernate {
			in.Hibernate = aws.Bool(true)
		}
		_, err := a.c.EC2.StopInstances(ctx, in)
		return err
	}
}

// startInstances starts the tasks' instances in batches. A start refused
// because an encrypted volume's KMS key denies the role says so.
func (a *actor) startInstances(ctx context.Context, tasks []*task) {
	if len(tasks) == 0 {
		return
	}
	byID := make(map[string]*task, len(tasks))
	ids := make([]string, 0, len(tasks))
	for _, t := range tasks {
		byID[t.r.ID] = t
		ids = append(ids, t.r.ID)
	}
	errs := isolate(ctx, ids, ec2Batch, func(ctx context.Context, ids []string) error {
		_, err := a.c.EC2.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: ids})
		return err
	})
	for id, err := range errs {
		byID[id].err = failed(ActionStart, KindEC2, "", err)
	}
}
