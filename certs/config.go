package certs

import "time"

// ServiceName is the service's config key and its name in plans, metrics
// and notifications.
const ServiceName = "certs"

// CloudFrontRegion is where CloudFront's certificates live: ACM
// certificates attached to a distribution must be in us-east-1.
const CloudFrontRegion = "us-east-1"

// Config is the certs: section of opsd's configuration.
//
//	certs:
//	  enabled: false                 # the service is off until enabled
//	  schedule: "0 8 * * *"          # cron for the reconcile job: every morning
//	  timeout: 5m                    # bound on one reconcile
//	  warn_days: [45, 30, 14, 7, 1]  # tell when a certificate expires within each of these days, once per threshold
//	  extra_regions: [us-east-1]     # looked in besides aws.regions (CloudFront's certificates are in us-east-1)
//	  tags:
//	    team_email: TeamEmail        # owner, for grouping the summary
//	    application: Application     # owner when there is no team email
type Config struct {
	// Enabled turns the service on.
	Enabled bool `koanf:"enabled"`
	// Schedule is the cron expression the reconcile job runs on. The
	// config package checks it, with every other job's.
	Schedule string `koanf:"schedule"`
	// Timeout bounds one reconcile.
	Timeout time.Duration `koanf:"timeout"`
	// WarnDays are the expiry thresholds, in days: a certificate is told
	// once when it comes within each of them of its expiry.
	WarnDays []int `koanf:"warn_days"`
	// ExtraRegions are looked in, in every account, besides the regions
	// of aws.regions.
	ExtraRegions []string `koanf:"extra_regions"`
	// Tags are the tag keys read from certificates.
	Tags TagKeys `koanf:"tags"`
}

// TagKeys are the certificate tag keys the service reads.
type TagKeys struct {
	// TeamEmail names the owning team, for grouping the summary.
	TeamEmail string `koanf:"team_email"`
	// Application names the application, for grouping the summary when
	// there is no team email.
	Application string `koanf:"application"`
}

// DefaultConfig returns the defaults: look every morning, warn 45, 30,
// 14, 7 and 1 days before expiry, and look in us-east-1 too.
func DefaultConfig() Config {
	return Config{
		Schedule:     "0 8 * * *",
		Timeout:      5 * time.Minute,
		WarnDays:     []int{45, 30, 14, 7, 1},
		ExtraRegions: []string{CloudFrontRegion},
		Tags:         TagKeys{TeamEmail: "TeamEmail", Application: "Application"},
	}
}
