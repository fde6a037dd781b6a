package backup

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/opsd-dev/opsd/notify"
)

// The messages an Apply reconcile may send, each only when it has
// something new to say:
//   - enforcement: what opsd changed (vaults, locks, plans, selections,
//     PITR), what failed in a new way, drift it will not fix that was not
//     told before, accounts and regions newly unreachable;
//   - vault locks applied for the first time (or turned to compliance);
//   - the audit of data stores without a valid BackupPolicy tag, when a
//     store was added to it;
//   - backup health: backup jobs that failed, aborted or expired, and
//     resources whose latest backup is too old, each told once.

// enforcementKeys are the keys of a run's drift reports and failures,
// which are told once.
func (r *targetRun) enforcementKeys() []string {
	var keys []string
	for _, pr := range r.policies {
		for _, d := range pr.diffs {
			if k := r.diffKey(pr, d); k != "" {
				keys = append(keys, k)
			}
		}
	}
	for _, t := range r.pitr {
		if t.err != nil {
			keys = append(keys, "pitr|"+t.store.ID+"|"+apiErrorText(t.err))
		}
	}
	return keys
}

// diffKey is the key of a reported difference or a failed fix; "" for a
// fix that succeeded or was not attempted.
func (r *targetRun) diffKey(pr *policyRun, d Difference) string {
	if !d.Auto() {
		return strings.Join([]string{"drift", d.Resource, d.Field, d.Observed, d.Desired}, "|")
	}
	if _, err := pr.outcome(d); err != nil {
		return strings.Join([]string{"failed", d.Resource, d.Field, apiErrorText(err)}, "|")
	}
	return ""
}

// summarizeEnforcement builds the enforcement message. fresh holds, by
// target, the keys not told before.
func summarizeEnforcement(runs []*targetRun, fresh map[string]map[string]bool, errs []error, newErrs int) (notify.Message, bool) {
	var changed, failed, reports []string
	var nChanged, nFailed, nReported int
	anyFresh := false
	for _, r := range runs {
		where := r.t.String()
		isNew := fresh[where]
		for _, pr := range r.policies {
			for _, d := range pr.diffs {
				key := r.diffKey(pr, d)
				attempted, err := pr.outcome(d)
				switch {
				case !d.Auto():
					nReported++
					line := fmt.Sprintf("• %s `%s`: %s", where, d.Resource, d.Reason())
					if isNew[key] {
						anyFresh = true
						line += " _(new)_"
					}
					reports = append(reports, line)
				case err != nil:
					nFailed++
					anyFresh = anyFresh || isNew[key]
					failed = append(failed, fmt.Sprintf("• %s `%s` %s failed: %s", where, d.Resource, d.Op, apiErrorText(err)))
				case attempted:
					nChanged++
					changed = append(changed, fmt.Sprintf("• %s `%s` %s: %s", where, d.Resource, d.Op, d.Summary()))
				}
			}
		}
		for _, t := range r.pitr {
			line := fmt.Sprintf("• %s `%s` enable-pitr: %s", where, t.store.ID, t.reason)
			switch {
			case t.err != nil:
				nFailed++
				anyFresh = anyFresh || isNew["pitr|"+t.store.ID+"|"+apiErrorText(t.err)]
				failed = append(failed, line+" — "+apiErrorText(t.err))
			case t.attempted:
				nChanged++
				changed = append(changed, line)
			}
		}
	}
	if nChanged == 0 && !anyFresh && newErrs == 0 {
		return notify.Message{}, false
	}
	title := fmt.Sprintf("Backup enforcement: %d changed, %d failed, %d need a person", nChanged, nFailed, nReported)
	if len(errs) > 0 {
		title += fmt.Sprintf(", %d not reached", len(errs))
	}
	sev := notify.Info
	switch {
	case nFailed > 0 || len(errs) > 0:
		sev = notify.Error
	case nReported > 0:
		sev = notify.Warning
	}
	var text []string
	section := func(heading string, lines []string) {
		if len(lines) > 0 {
			text = append(text, "*"+heading+"*")
			text = append(text, lines...)
		}
	}
	section("Changed", changed)
	section("Failed", failed)
	section("Needs a person (opsd does not change these)", reports)
	var unreached []string
	for _, err := range errs {
		unreached = append(unreached, "• "+err.Error())
	}
	section("Not reached", unreached)
	return notify.Message{Kind: notify.KindBackup, Severity: sev, Title: title, Text: strings.Join(text, "\n")}, true
}

// summarizeLocks builds the notice of vault locks applied this reconcile.
func summarizeLocks(runs []*targetRun) (notify.Message, bool) {
	var lines []string
	compliance := 0
	for _, r := range runs {
		for _, pr := range r.policies {
			n := pr.notice
			if n == nil {
				continue
			}
			what := "applied"
			if !n.First {
				what = "changed from governance to compliance mode"
			}
			line := fmt.Sprintf("• `%s` in %s: %s, minimum retention %s. ", n.Vault, r.t.String(), what, days(n.MinRetentionDays))
			if n.Compliance {
				compliance++
				line += fmt.Sprintf("*Compliance mode*: it can be removed or changed only until %s (%s from now). "+
					"After that it can never be removed or loosened, by anyone, and no recovery point in the vault can be deleted before its retention ends.",
					n.ImmutableFrom.UTC().Format(time.RFC3339), days(n.ChangeableForDays))
			} else {
				line += "Governance mode: users with the backup:DeleteBackupVaultLockConfiguration permission can remove it."
			}
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return notify.Message{}, false
	}
	sev := notify.Info
	if compliance > 0 {
		sev = notify.Warning
	}
	return notify.Message{
		Kind: notify.KindBackup, Severity: sev,
		Title: fmt.Sprintf("Backup vault lock applied to %d vault(s)", len(lines)),
		Text:  strings.Join(lines, "\n"),
	}, true
}

// summarizeAudit builds the audit report: every data store without a
// valid BackupPolicy tag (and production table without PITR, when only
// reported), grouped by owner, those not told before marked new. It is
// sent only when something is new.
func summarizeAudit(runs []*targetRun, fresh map[string]map[string]bool, keys TagKeys) (notify.Message, bool) {
	byOwner := map[string][]string{}
	total, newN := 0, 0
	for _, r := range runs {
		for _, f := range r.findings {
			total++
			line := fmt.Sprintf("• %s: %s", describeStore(f.Store), f.Text)
			if fresh[r.t.String()][f.key()] {
				newN++
				line += " _(new)_"
			}
			owner := keys.owner(f.Store)
			byOwner[owner] = append(byOwner[owner], line)
		}
	}
	if newN == 0 {
		return notify.Message{}, false
	}
	owners := make([]string, 0, len(byOwner))
	for o := range byOwner {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	var text []string
	for _, o := range owners {
		text = append(text, "*"+o+"*")
		text = append(text, byOwner[o]...)
	}
	return notify.Message{
		Kind: notify.KindBackup, Severity: notify.Warning,
		Title: fmt.Sprintf("Backup audit: %d data store(s) need a backup tag or PITR (%d new)", total, newN),
		Text: "Every resource that stores data needs a " + keys.BackupPolicy + " tag naming a backup policy, and production DynamoDB tables need point-in-time recovery.\n" +
			strings.Join(text, "\n"),
	}, true
}

// summarizeHealth builds the health alert from the jobs and stale backups
// not told before.
func summarizeHealth(jobs map[string][]types.BackupJob, stale map[string][]StaleBackup, now time.Time) (notify.Message, bool) {
	var jobLines, staleLines []string
	for _, where := range sortedKeys(jobs) {
		for _, j := range jobs[where] {
			line := fmt.Sprintf("• %s `%s`: %s", where, jobResource(j), jobText(j))
			if c := j.CreationDate; c != nil {
				line += " (created " + c.UTC().Format(time.RFC3339) + ")"
			}
			jobLines = append(jobLines, line)
		}
	}
	for _, where := range sortedKeys(stale) {
		for _, s := range stale[where] {
			staleLines = append(staleLines, fmt.Sprintf("• %s: %s", describeStore(s.Store), s.Text(now)))
		}
	}
	if len(jobLines)+len(staleLines) == 0 {
		return notify.Message{}, false
	}
	var text []string
	if len(jobLines) > 0 {
		text = append(text, "*Backup jobs failed, aborted or expired*")
		text = append(text, jobLines...)
	}
	if len(staleLines) > 0 {
		text = append(text, "*Backups older than their RPO*")
		text = append(text, staleLines...)
	}
	return notify.Message{
		Kind: notify.KindBackup, Severity: notify.Error,
		Title: fmt.Sprintf("Backup health: %d job(s) failed, %d stale backup(s)", len(jobLines), len(staleLines)),
		Text:  strings.Join(text, "\n"),
	}, true
}

// describeStore names a store for a message: "`vol-1` data (ebs-volume,
// 123456789012/eu-west-2)".
func describeStore(s Store) string {
	out := "`" + s.ID + "`"
	if n := s.name(); n != "" {
		out += " " + n
	}
	return out + " (" + string(s.Kind) + ", " + s.Account + "/" + s.Region + ")"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// healthLabels are the labels every job and stale backup the health alert
// tells of share: routed by owner when they all have one owner.
func healthLabels(runs []*targetRun, jobs map[string][]types.BackupJob, stale map[string][]StaleBackup, keys TagKeys) notify.Labels {
	var ls []notify.Labels
	for _, r := range runs {
		for _, j := range jobs[r.t.String()] {
			ls = append(ls, r.jobLabels(j, keys))
		}
	}
	for _, where := range sortedKeys(stale) {
		for _, s := range stale[where] {
			ls = append(ls, storeLabels(s.Store, keys))
		}
	}
	return notify.CommonLabels(ls...)
}
