package config

import (
	"fmt"
	"path/filepath"
)

// State says where opsd keeps what it must remember between runs,
// restarts and replicas (see package state): which findings it already
// told, DLQ burst and reminder state, backup jobs already reported.
//
//	state:
//	  path: ""    # local bbolt file when no table is used; "" = /var/lib/opsd/state.db for the daemon, none for run --once
//	  table: ""   # DynamoDB table; "" = ha.table when ha is enabled, else the file
type State struct {
	// Path is the local state file, used when no table is: when ha is off
	// and Table is empty. Empty means DefaultStatePath for the daemon and
	// no file for `run --once`, so one-off runs (on a laptop, against an
	// emulator, in tests) start afresh unless a path is given.
	Path string `koanf:"path"`
	// Table is a DynamoDB table (key "name", as the lease table) for the
	// state. Empty means the lease table when ha is enabled, and the local
	// file otherwise.
	Table string `koanf:"table"`
}

// DefaultStatePath is the daemon's state file when state.path is empty:
// systemd's StateDirectory for the opsd unit.
const DefaultStatePath = "/var/lib/opsd/state.db"

// StatePath is the local state file for a daemon (daemon true) or a
// one-off run, or "" for none (state kept in memory).
func (c *Config) StatePath(daemon bool) string {
	switch {
	case c.State.Path != "":
		return c.State.Path
	case daemon:
		return DefaultStatePath
	}
	return ""
}

// StateTable is the DynamoDB table the state lives in, or "" for the
// local file.
func (c *Config) StateTable() string {
	switch {
	case c.State.Table != "":
		return c.State.Table
	case c.HA.Enabled:
		return c.HA.Table
	}
	return ""
}

func (s State) validate() []error {
	var p []error
	if s.Path != "" && !filepath.IsAbs(s.Path) {
		p = append(p, fmt.Errorf("state.path: %q is not an absolute file path", s.Path))
	}
	if s.Table != "" && !tableNamePattern.MatchString(s.Table) {
		p = append(p, fmt.Errorf("state.table: %q is not a DynamoDB table name (3-255 letters, digits, _ . -)", s.Table))
	}
	return p
}
