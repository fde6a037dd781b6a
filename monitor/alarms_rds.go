package monitor

import (
	"fmt"
	"strings"
)

// Byte sizes.
const (
	mib = 1 << 20
	gib = 1 << 30
)

// postgresLogGroup is the log group RDS exports a PostgreSQL instance's
// log to.
func postgresLogGroup(db string) string { return "/aws/rds/instance/" + db + "/postgresql" }

// loginMetricName is the metric the login failure filter of db publishes.
func loginMetricName(db string) string { return "LoginFailures-" + db }

// isAurora reports whether engine is an Aurora engine, whose storage is
// the cluster's and grows by itself.
func isAurora(engine string) bool { return strings.HasPrefix(engine, "aurora") }

// rdsAlarms makes a DB instance's alarms (dimension DBInstanceIdentifier).
//
//   - cpu: AWS/RDS CPUUtilization, Average > threshold.
//   - storage: FreeStorageSpace, Minimum < threshold% of the allocated
//     storage, in bytes (not for Aurora, whose storage grows by itself).
//   - memory: FreeableMemory, Average < threshold MiB, in bytes.
//   - logins: the login failure metric filter's count, Sum >= threshold,
//     for PostgreSQL instances whose log is exported to
//     /aws/rds/instance/<db>/postgresql; missing data is not breaching
//     (no failures, no data).
//
// Missing data of the AWS/RDS metrics is missing, or not breaching with a
// shutdown tag. Status changes come from the RDS event subscription, not
// an alarm.
func (pl *planning) rdsAlarms(r *Resource, st standing) {
	noun := "DB instance " + r.ID
	dims := []Dimension{{"DBInstanceIdentifier", r.ID}}
	if a, ok := pl.newAlarm(r, st, MetricCPU); ok {
		a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Comparison = nsRDS, "CPUUtilization", dims, "Average", greaterThan
		pl.finish(a, st, missingMissing, "CPUUtilization of "+noun, "above "+formatNumber(a.Threshold)+"%")
	}
	if a, ok := pl.newAlarm(r, st, MetricStorage); ok {
		switch {
		case isAurora(r.Engine):
			pl.unwanted[a.Name] = "Aurora storage grows by itself: no FreeStorageSpace alarm"
		case r.AllocatedGiB <= 0:
			pl.unwanted[a.Name] = "DB instance reports no allocated storage"
		default:
			pct := a.Threshold
			a.Threshold = pct / 100 * float64(r.AllocatedGiB) * gib
			a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Comparison = nsRDS, "FreeStorageSpace", dims, "Minimum", lessThan
			pl.finish(a, st, missingMissing, "FreeStorageSpace of "+noun,
				fmt.Sprintf("below %s%% of %d GiB (%s bytes)", formatNumber(pct), r.AllocatedGiB, formatNumber(a.Threshold)))
		}
	}
	if a, ok := pl.newAlarm(r, st, MetricMemory); ok {
		m := a.Threshold
		a.Threshold = m * mib
		a.Namespace, a.MetricName, a.Dimensions, a.Statistic, a.Comparison = nsRDS, "FreeableMemory", dims, "Average", lessThan
		pl.finish(a, st, missingMissing, "FreeableMemory of "+noun, fmt.Sprintf("below %s MiB", formatNumber(m)))
	}
	if a, ok := pl.newAlarm(r, st, MetricLogins); ok {
		group := postgresLogGroup(r.ID)
		ex, kept := pl.existing[a.Name]
		// Without the log group list, the alarm opsd keeps stays.
		kept = kept && ex.Tags[pl.cfg.Tags.Managed] == "true" && !pl.obs.LogGroupsListed
		switch {
		case r.Engine != "postgres":
			pl.unwanted[a.Name] = "login failures are counted for PostgreSQL only (engine " + r.Engine + ")"
		case !pl.logGroups[group] && !kept:
			pl.unwanted[a.Name] = "no exported PostgreSQL log group " + group
			if !pl.obs.LogGroupsListed {
				pl.unwanted[a.Name] = "log groups could not be listed"
			} else {
				pl.reports = append(pl.reports, report(r.Ref, "PostgreSQL logs are not exported to CloudWatch Logs ("+group+"): no login failure alarm until they are", resourceDetails(r)))
			}
		default:
			a.Namespace, a.MetricName, a.Statistic, a.Comparison = pl.cfg.LoginFailures.Namespace, loginMetricName(r.ID), "Sum", greaterThanOrEqual
			pl.finish(a, st, missingNotBreaching, "PostgreSQL login failures of "+noun, "at or above "+formatNumber(a.Threshold))
		}
	}
}
