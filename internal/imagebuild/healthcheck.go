package imagebuild

import (
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// The image's health check timings, the same as the ECS task
// definitions': a check every 30 s may take 5 s (opsd healthcheck itself
// gives up after one), three failures in a row make the container
// unhealthy, and failures in the first 60 s (the first AWS check, the
// leader lease) do not count.
const (
	HealthInterval    = 30 * time.Second
	HealthTimeout     = 5 * time.Second
	HealthStartPeriod = 60 * time.Second
	HealthRetries     = 3
)

// HealthCommand is the image's health check: opsd healthcheck asks the
// daemon's /readyz, so a hung daemon is marked unhealthy and replaced.
// It runs without a shell, which the image does not have.
func HealthCommand() []string {
	return []string{"CMD", BinaryPath, "healthcheck", "--config", ConfigPath}
}

// healthConfig is the OCI config's Healthcheck (Docker's HEALTHCHECK).
func healthConfig() *v1.HealthConfig {
	return &v1.HealthConfig{Test: HealthCommand(), Interval: HealthInterval, Timeout: HealthTimeout,
		StartPeriod: HealthStartPeriod, Retries: HealthRetries}
}
