package paging

import (
	"strconv"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Conditions that page.
const (
	// CondBackupJobFailed is a backup job of a production resource that
	// failed, aborted or expired.
	CondBackupJobFailed = "backup-job-failed"
	// CondDLQMessages is a production dead-letter queue that messages
	// arrived in; it clears when the queue is empty.
	CondDLQMessages = "dlq-messages"
	// CondStartFailed is a resource the overnight shutdown could not start
	// again in the morning.
	CondStartFailed = "start-failed"
	// CondCertExpiring is a certificate expiring within CertWarning.
	CondCertExpiring = "certificate-expiring"
)

// CertWarning is how close to expiry a certificate pages.
const CertWarning = 7 * 24 * time.Hour

// Policy is what deciding needs beyond the results.
type Policy struct {
	// Production are the environment values (case-insensitive) that are
	// production.
	Production []string
	// Now is the time of the run the result is from.
	Now time.Time
}

func (p Policy) production(env string) bool {
	env = strings.TrimSpace(env)
	if env == "" {
		return false
	}
	for _, e := range p.Production {
		if strings.EqualFold(strings.TrimSpace(e), env) {
			return true
		}
	}
	return false
}

// verdict is what one action says about a condition.
type verdict int

const (
	// none: the action says nothing that pages.
	none verdict = iota
	// firing: the condition is there and pages if not open already.
	firing
	// holding: the condition is still there but is no reason to page
	// anew (a queue not yet emptied, a start already told as failed).
	holding
)

// judge applies the paging rules to one action, returning the condition
// it concerns and the verdict.
func judge(a reconcile.Action, p Policy) (string, verdict) {
	switch a.Service {
	case "backup":
		if a.Action == "report-backup-job" && p.production(a.Details["environment"]) {
			return CondBackupJobFailed, firing
		}
	case "dlq":
		if !p.production(a.Details["environment"]) {
			return "", none
		}
		switch {
		case a.Action == "alert" && a.Status != reconcile.Planned:
			return CondDLQMessages, firing
		case a.Action == "watch" && queueDepth(a.Details) != 0:
			return CondDLQMessages, holding
		}
	case "shutdown":
		switch {
		case a.Action == "start" && a.Status == reconcile.Failed:
			return CondStartFailed, firing
		case a.Action == "report" && strings.HasPrefix(a.Error, "start failed"):
			return CondStartFailed, holding
		}
	case "certs":
		if left, ok := certTimeLeft(a.Details, p.Now); ok && left <= CertWarning {
			return CondCertExpiring, firing
		}
	}
	return "", none
}

// queueDepth is the messages a dlq watch action counts; -1 when it says
// none (an unreadable queue is not an empty one).
func queueDepth(d map[string]string) int64 {
	total, seen := int64(0), false
	for _, k := range []string{"visible", "in_flight", "delayed"} {
		if n, err := strconv.ParseInt(d[k], 10, 64); err == nil {
			total += n
			seen = true
		}
	}
	if !seen {
		return -1
	}
	return total
}

// certTimeLeft reads how long a certificate has left from a certs
// action's details: not_after (RFC 3339), or else days_left.
func certTimeLeft(d map[string]string, now time.Time) (time.Duration, bool) {
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(d["not_after"])); err == nil {
		return t.Sub(now), true
	}
	if n, err := strconv.Atoi(strings.TrimSpace(d["days_left"])); err == nil {
		return time.Duration(n) * 24 * time.Hour, true
	}
	return 0, false
}

// severity is the PagerDuty severity of a condition.
func severity(cond string) notify.PageSeverity {
	if cond == CondCertExpiring {
		return notify.PageError
	}
	return notify.PageCritical
}
