package patching

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// Test fixtures shared by the planner and service tests. Dates are in
// November 2026, when London time is UTC: the scan runs at 02:00 every
// day and the default window opens Sunday 29 November 01:00–04:00.

const (
	acct   = "123456789012"
	region = "eu-west-2"
)

var (
	tuesdayScan  = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	sundayWindow = time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
)

func scanRunAt(start time.Time) Run { return Run{Op: OpScan, Start: start} }
func installRun(window string, start time.Time) Run {
	return Run{Op: OpInstall, Window: window, Start: start}
}

// testConfig is the default configuration with quick polling, changed by
// mutate.
func testConfig(mutate func(*Config)) Config {
	c := DefaultConfig()
	c.Enabled = true
	c.PollInterval = time.Millisecond
	c.Windows = map[string]Window{"default": DefaultWindow()}
	if mutate != nil {
		mutate(&c)
	}
	return c
}

func testPlanner(t *testing.T, mutate func(*Config)) *Planner {
	t.Helper()
	p, err := NewPlanner(testConfig(mutate), london(t))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// inst is an instance with tags given as "key=value" (or "key" for an
// empty value).
func inst(id, state string, tags ...string) Instance {
	i := Instance{Account: acct, Region: region, ID: id, State: state, Tags: map[string]string{}}
	for _, kv := range tags {
		k, v, _ := strings.Cut(kv, "=")
		i.Tags[k] = v
	}
	return i
}

// online is SSM's view of an Online instance of the named platform:
// "Ubuntu", "Windows" or anything else.
func online(platform string) Managed {
	switch platform {
	case "Windows":
		return Managed{PingStatus: "Online", PlatformType: "Windows", PlatformName: "Microsoft Windows Server 2022 Datacenter", PlatformVersion: "10.0.20348"}
	case "Ubuntu":
		return Managed{PingStatus: "Online", PlatformType: "Linux", PlatformName: "Ubuntu", PlatformVersion: "22.04"}
	}
	return Managed{PingStatus: "Online", PlatformType: "Linux", PlatformName: platform, PlatformVersion: "2"}
}

// obs builds an observation.
type obs struct{ o *Observation }

func newObs(instances ...Instance) *obs {
	return &obs{o: &Observation{
		Account: acct, Region: region, Instances: instances,
		Managed: map[string]Managed{}, Invocations: map[string]map[string]Invocation{}, PatchStates: map[string]PatchState{},
	}}
}

func (b *obs) managed(m Managed, ids ...string) *obs {
	for _, id := range ids {
		b.o.Managed[id] = m
	}
	return b
}

// command adds a command of run to ids; statuses gives each instance's
// invocation status in order (missing ones: the command was not read).
func (b *obs) command(id string, run Run, first bool, ids []string, statuses ...string) *obs {
	b.o.Commands = append(b.o.Commands, Command{ID: id, Run: run, First: first, InstanceIDs: ids, Status: "InProgress"})
	if len(statuses) > 0 {
		invs := map[string]Invocation{}
		for n, s := range statuses {
			inv := Invocation{InstanceID: ids[n], Status: s, Step: "PatchLinux"}
			if s == "Failed" {
				inv.Output = "E: Unable to locate package"
			}
			invs[ids[n]] = inv
		}
		b.o.Invocations[id] = invs
	}
	return b
}

func (b *obs) state(id string, s PatchState) *obs {
	b.o.PatchStates[id] = s
	return b
}

// find returns the items of the instance for the purpose.
func find(pl *Plan, id string, purpose Purpose) []*Item {
	var out []*Item
	for _, it := range pl.Items {
		if it.Instance.ID == id && it.Purpose == purpose {
			out = append(out, it)
		}
	}
	return out
}

// verbs lists the verbs of the instance's items for the purpose.
func verbs(pl *Plan, id string, purpose Purpose) string {
	var vs []string
	for _, it := range find(pl, id, purpose) {
		vs = append(vs, string(it.Verb))
	}
	return strings.Join(vs, ",")
}

// one returns the only item of the instance for the purpose with verb v.
func one(t *testing.T, pl *Plan, id string, purpose Purpose, v Verb) *Item {
	t.Helper()
	for _, it := range find(pl, id, purpose) {
		if it.Verb == v {
			return it
		}
	}
	t.Fatalf("%s %s: no %s item; have %s", id, purpose, v, verbs(pl, id, purpose))
	return nil
}

func ids(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + string(rune('a'+i/26)) + string(rune('a'+i%26))
	}
	sort.Strings(out)
	return out
}
