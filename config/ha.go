package config

import (
	"fmt"
	"regexp"
	"time"
)

// HA configures leader election between replicas (an ECS service with two
// tasks, say): only the replica holding the lease runs jobs.
type HA struct {
	// Enabled turns leader election on. Off, every replica runs jobs, so
	// run exactly one.
	Enabled bool `koanf:"enabled"`
	// Table is the DynamoDB table holding the lease, in the first of
	// aws.regions, in the account of opsd's own credentials.
	Table string `koanf:"table"`
	// CreateTable creates the table (on demand, key "name") when missing.
	CreateTable bool `koanf:"create_table"`
	// Name is the lease's key: replicas with the same name elect one
	// leader; separate opsd deployments sharing a table use different names.
	Name string `koanf:"name"`
	// Holder identifies this replica; empty means host name and process id.
	Holder string `koanf:"holder"`
	// TTL is how long a lease is good for without renewal: a leader that
	// dies is replaced within it.
	TTL time.Duration `koanf:"ttl"`
	// RenewEvery is how often the leader renews and followers try to take
	// over; zero means TTL/3.
	RenewEvery time.Duration `koanf:"renew_every"`
}

// tableNamePattern is DynamoDB's rule for table names.
var tableNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)

// validate checks the section whether or not leader election is on; only
// the lease name is required just when it is.
func (h HA) validate() []error {
	var p []error
	add := func(path, format string, args ...any) {
		p = append(p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if !tableNamePattern.MatchString(h.Table) {
		add("ha.table", "%q is not a DynamoDB table name (3-255 letters, digits, _ . -)", h.Table)
	}
	if h.Enabled && h.Name == "" {
		add("ha.name", "is required when ha is enabled")
	}
	if h.TTL < 5*time.Second {
		add("ha.ttl", "must be at least 5s, got %s", h.TTL)
	}
	margin := h.TTL / 4
	if h.RenewEvery < 0 || (h.RenewEvery > 0 && h.RenewEvery >= h.TTL-margin) {
		add("ha.renew_every", "must be shorter than three quarters of ha.ttl (%s), got %s", h.TTL-margin, h.RenewEvery)
	}
	return p
}
