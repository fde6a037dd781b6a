package config

import (
	"time"

	"github.com/opsd-dev/opsd/audit"
	"github.com/opsd-dev/opsd/backup"
	"github.com/opsd-dev/opsd/certs"
	"github.com/opsd-dev/opsd/dlq"
	"github.com/opsd-dev/opsd/monitor"
	"github.com/opsd-dev/opsd/patching"
	"github.com/opsd-dev/opsd/shutdown"
)

// Default returns the configuration opsd runs with when a key is not set.
func Default() Config {
	return Config{
		Timezone: "Europe/London",
		AWS: AWS{
			Regions:     []string{"eu-west-2"},
			Concurrency: 16,
			CallTimeout: 30 * time.Second,
			MaxAttempts: 5,
		},
		HTTP: HTTP{Listen: "127.0.0.1:9102", History: 7 * 24 * time.Hour},
		Notify: Notify{PagerDuty: PagerDuty{
			EventsURL:              "https://events.pagerduty.com",
			ProductionEnvironments: []string{"production", "prod"},
		}},
		Scheduler: Scheduler{GracePeriod: 60 * time.Second, History: 20},
		Log:       Log{Level: "info"},
		HA:        HA{Table: "opsd-lease", CreateTable: true, Name: "opsd", TTL: 30 * time.Second},
		Events:    Events{Coalesce: 20 * time.Second, IgnorePrincipals: []string{":assumed-role/opsd"}},
		Shutdown:  shutdown.DefaultConfig(),
		Patching:  patching.DefaultConfig(),
		Backup:    backup.DefaultConfig(),
		Monitor:   monitor.DefaultConfig(),
		DLQ:       dlq.DefaultConfig(),
		Audit:     audit.DefaultConfig(),
		Certs:     certs.DefaultConfig(),
	}
}
