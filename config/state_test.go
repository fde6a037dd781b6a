package config

import (
	"strings"
	"testing"
)

// The daemon keeps its state in /var/lib/opsd unless told otherwise; a
// one-off run keeps none unless a path is given; ha puts it in the lease
// table; a relative path is refused.
func TestStatePlace(t *testing.T) {
	c := Default()
	if got := c.StatePath(true); got != DefaultStatePath {
		t.Errorf("daemon, nothing set: %q", got)
	}
	if got := c.StatePath(false); got != "" {
		t.Errorf("run --once, nothing set: %q, want none", got)
	}
	c.State.Path = "/srv/opsd/state.db"
	if c.StatePath(true) != "/srv/opsd/state.db" || c.StatePath(false) != "/srv/opsd/state.db" {
		t.Errorf("explicit path: %q %q", c.StatePath(true), c.StatePath(false))
	}
	if c.StateTable() != "" {
		t.Errorf("table without ha: %q", c.StateTable())
	}
	c.HA.Enabled, c.HA.Name = true, "opsd"
	if c.StateTable() != "opsd-lease" {
		t.Errorf("table with ha: %q", c.StateTable())
	}
	c.State.Table = "opsd-state"
	if c.StateTable() != "opsd-state" {
		t.Errorf("explicit table: %q", c.StateTable())
	}
	c.State.Path = "state.db"
	if p := c.State.validate(); len(p) != 1 || !strings.Contains(p[0].Error(), `state.path: "state.db" is not an absolute file path`) {
		t.Errorf("relative path: %v", p)
	}
}
