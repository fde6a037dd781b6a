// Package monitor is the home of opsd's monitoring service: CloudWatch
// alarms, dashboards and log retention kept in line with the monitoring
// standard. The service is not part of this version; enabling monitor in
// the configuration is refused by check-config.
package monitor
