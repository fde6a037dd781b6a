package audit

import (
	"errors"
	"testing"
)

func TestGroupAllZones(t *testing.T) {
	zones := []string{"eu-west-2a", "eu-west-2b", "eu-west-2c"}
	groups := []Group{
		{Resource: res(KindASG, "all", devTags("web")), AZs: []string{"eu-west-2c", "eu-west-2a", "eu-west-2b"}},
		{Resource: res(KindASG, "one", prodTags("web")), AZs: []string{"eu-west-2a"}},
	}
	runCheck(t, checkGroupAllZones(), []checkCase{
		{name: "groups", inv: Inventory{Zones: zones, Groups: groups}, want: map[string]want{
			"all": {Pass, "spans all 3 availability zones of the region: eu-west-2a, eu-west-2b, eu-west-2c"},
			"one": {Fail, "spans 1 of the region's 3 availability zones: not eu-west-2b, eu-west-2c"},
		}},
		{name: "no zones reported", inv: Inventory{Groups: groups[:1]}, want: map[string]want{
			"all": {Unknown, "no available availability zones"},
		}},
		{name: "zones unreadable", inv: Inventory{Groups: groups, Failed: map[Source]error{SourceZones: errors.New("denied")}}, want: map[string]want{
			"all": {Unknown, "zones could not be read (denied)"},
			"one": {Unknown, "zones could not be read (denied)"},
		}},
	})
}
