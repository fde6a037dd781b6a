package shutdown

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// describeTypesMax is how many instance types one DescribeInstanceTypes
// call takes.
const describeTypesMax = 100

// instanceStores remembers, per instance type, whether it has instance
// store volumes: their data is lost when an EBS-backed instance stops, so
// opsd stops such an instance only when shutdown.stop_instance_store says
// so. A type's storage does not change, so each is read once per process,
// whichever account or region first has it.
type instanceStores struct {
	mu    sync.Mutex
	known map[ec2types.InstanceType]bool
}

// lookup returns, for each of types, whether it has instance store
// volumes, reading the types not yet known with c. A type EC2 does not
// describe is taken to have none (it cannot be launched).
func (s *instanceStores) lookup(ctx context.Context, c EC2API, types []ec2types.InstanceType) (map[ec2types.InstanceType]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known == nil {
		s.known = map[ec2types.InstanceType]bool{}
	}
	var missing []ec2types.InstanceType
	for _, t := range types {
		if _, ok := s.known[t]; !ok && !slices.Contains(missing, t) {
			missing = append(missing, t)
		}
	}
	for batch := range slices.Chunk(missing, describeTypesMax) {
		got := map[ec2types.InstanceType]bool{}
		p := ec2.NewDescribeInstanceTypesPaginator(c, &ec2.DescribeInstanceTypesInput{InstanceTypes: batch})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe instance types %v: %w", batch, err)
			}
			for _, info := range page.InstanceTypes {
				got[info.InstanceType] = aws.ToBool(info.InstanceStorageSupported)
			}
		}
		for _, t := range batch {
			s.known[t] = got[t]
		}
	}
	out := make(map[ec2types.InstanceType]bool, len(types))
	for _, t := range types {
		out[t] = s.known[t]
	}
	return out, nil
}

// guardInstanceStore marks the running instances that must not be stopped
// for their storage: an instance-store root device (such an instance can
// be terminated, never stopped), or instance store volumes whose data a
// stop would lose, unless stop is set. When the types cannot be read, no
// running instance is stopped this run: a stop on a guess could lose data.
func (ob observer) guardInstanceStore(ctx context.Context, rs []*resource, types map[string]ec2types.InstanceType) {
	var running []*resource
	var want []ec2types.InstanceType
	for _, r := range rs {
		if r.Kind != KindEC2 || r.State != StateRunning || r.Skip != "" || r.Unsupported != "" {
			continue
		}
		running = append(running, r)
		if t := types[r.ID]; t != "" && !slices.Contains(want, t) {
			want = append(want, t)
		}
	}
	if ob.stopInstanceStore || ob.stores == nil || len(want) == 0 {
		return
	}
	has, err := ob.stores.lookup(ctx, ob.c.EC2, want)
	for _, r := range running {
		t := types[r.ID]
		switch {
		case t == "":
		case err != nil:
			r.Unsupported = fmt.Sprintf("whether its instance type %s has instance store volumes could not be read (%v): not stopped this run", t, err)
		case has[t]:
			r.Unsupported = fmt.Sprintf("its instance type %s has instance store volumes, whose data is lost when it stops: not stopped (shutdown.stop_instance_store: true stops such instances)", t)
		}
	}
}
