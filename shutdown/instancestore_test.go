package shutdown

import (
	"strings"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/opsd-dev/opsd/reconcile"
)

// Stopping an EBS-backed instance with instance store volumes loses their
// data: by default such an instance is reported and left running, and an
// instance whose root device is an instance store is never stopped. Each
// instance type is read once.
func TestInstanceStoreIsNotStoppedByDefault(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stop    bool
		typeErr error
		want    map[string]string // id → action
	}{
		{name: "default", want: map[string]string{"i-ebs": "stop", "i-nvme": "report", "i-nvme2": "report", "i-root": "report"}},
		{name: "stop_instance_store", stop: true, want: map[string]string{"i-ebs": "stop", "i-nvme": "stop", "i-nvme2": "stop", "i-root": "report"}},
		{name: "types unreadable", typeErr: apiError("UnauthorizedOperation", "not allowed"), want: map[string]string{"i-ebs": "report", "i-nvme": "report", "i-nvme2": "report", "i-root": "report"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.StopInstanceStore = tc.stop
			h := newHarness(t, cfg)
			f := h.f()
			f.ec2.instanceStore = []ec2types.InstanceType{"m5d.large"}
			f.ec2.typesErr = tc.typeErr
			f.ec2.add("i-ebs", "running", dev()).InstanceType = "t3.micro"
			f.ec2.add("i-nvme", "running", dev()).InstanceType = "m5d.large"
			f.ec2.add("i-nvme2", "running", dev()).InstanceType = "m5d.large"
			root := f.ec2.add("i-root", "running", dev())
			root.InstanceType, root.RootDeviceType = "m1.small", ec2types.DeviceTypeInstanceStore

			res := h.run(t, evening, reconcile.Apply)
			got := byResource(res)
			for id, want := range tc.want {
				if got[id].Action != want {
					t.Errorf("%s: %s (%s), want %s", id, got[id].Action, got[id].Reason, want)
				}
			}
			if r := got["i-nvme"].Reason; !tc.stop && tc.typeErr == nil && !strings.Contains(r, "instance store volumes, whose data is lost when it stops") {
				t.Errorf("i-nvme reason %q", r)
			}
			if f.ec2.state("i-nvme") == "stopped" && !tc.stop {
				t.Error("i-nvme was stopped")
			}
			n := 0
			for _, op := range f.ec2.all() {
				if strings.HasPrefix(op, "DescribeInstanceTypes") {
					n++
				}
			}
			if want := map[bool]int{true: 0, false: 1}[tc.stop]; n != want {
				t.Errorf("%d DescribeInstanceTypes calls, want %d", n, want)
			}
			// A second run reads no type again.
			if tc.typeErr == nil {
				f.ec2.reset()
				h.run(t, "2026-11-24T19:10:00Z", reconcile.Apply)
				for _, op := range f.ec2.all() {
					if strings.HasPrefix(op, "DescribeInstanceTypes") {
						t.Errorf("second run: %s", op)
					}
				}
			}
		})
	}
}
