package shutdown

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// notice is one resource that stops when its off period begins, for the
// notice its owner gets before.
type notice struct {
	account, region, id, name, arn string
	kind                           Kind
	owner                          string
	labels                         notify.Labels
	stopAt                         time.Time
	loc                            *time.Location
}

// key identifies the notice: the resource and the stop it is about.
func (n notice) key() string {
	return n.account + "/" + n.region + "/" + n.id + "@" + n.stopAt.UTC().Format(time.RFC3339)
}

// notices are the resources of one target that are running in an on
// period ending within NoticeBefore and will stop when it ends: tagged,
// in scope, and not kept up past the stop by a skip-until tag.
func (s *Service) notices(tasks []*task, now time.Time) []notice {
	if s.cfg.NoticeBefore <= 0 {
		return nil
	}
	var out []notice
	for _, t := range tasks {
		d := t.d
		switch {
		case d.tt == nil, d.Window.Off, d.Window.End.IsZero(), d.Observation.State != StateRunning,
			d.Action != ActionNone && d.Action != ActionClear, d.Intent.Problems != 0:
			continue
		case d.Window.End.Sub(now) > s.cfg.NoticeBefore || !d.Window.End.After(now):
			continue
		case d.Override.Kind == OverrideSkip && d.Override.Until.After(d.Window.End):
			continue
		case !d.tt.Off(d.Window.End):
			// The period ends in time a one-sided period leaves as it is,
			// not in a stop.
			continue
		}
		out = append(out, notice{account: t.r.Account, region: t.r.Region, id: t.r.ID, name: t.r.Tags[nameTag], arn: t.r.ARN,
			kind: t.r.Kind, owner: s.owner(t.r.Tags), stopAt: d.Window.End, loc: d.tt.loc,
			labels: notify.Labels{Account: t.r.Account, Region: t.r.Region, Environment: d.Intent.Environment,
				Application: t.r.Tags[s.cfg.Tags.Application], TeamEmail: t.r.Tags[s.cfg.Tags.TeamEmail]}})
	}
	return out
}

// owner is who a notice goes to: the TeamEmail tag, else Application.
func (s *Service) owner(tags map[string]string) string {
	for _, k := range []string{s.cfg.Tags.TeamEmail, s.cfg.Tags.Application} {
		if v := strings.TrimSpace(tags[k]); k != "" && v != "" {
			return v
		}
	}
	return ""
}

// noticeState is the service's document in the state store.
type noticeState struct {
	Noticed map[string]time.Time `json:"noticed"`
}

const noticeStateKey = "notices"

// sendNotices tells each owner, in one message, which of their resources
// stop at the coming stop and how to keep one up; a resource already told
// about this stop is not told again, across restarts and replicas (the
// state store). A notice that could not be sent is tried again next run.
func (s *Service) sendNotices(ctx context.Context, now time.Time, all []notice, res *reconcile.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noticed == nil {
		s.noticed = map[string]time.Time{}
	}
	// Read what is stored every time: another replica may have led, and
	// sent notices, since this one last did.
	if st, ok := state.Load[noticeState](ctx, s.deps.State, ServiceName, noticeStateKey); ok {
		for k, at := range st.Noticed {
			s.noticed[k] = at
		}
	}
	before := len(s.noticed)
	for k, at := range s.noticed {
		if now.Sub(at) > 24*time.Hour {
			delete(s.noticed, k)
		}
	}
	changed := len(s.noticed) != before
	byOwner := map[string][]notice{}
	for _, n := range all {
		if _, told := s.noticed[n.key()]; !told {
			byOwner[n.owner] = append(byOwner[n.owner], n)
		}
	}
	for _, owner := range slices.Sorted(maps.Keys(byOwner)) {
		ns := byOwner[owner]
		if s.deps.Notifier == nil {
			break
		}
		if err := s.deps.Notifier.Notify(ctx, s.noticeMessage(owner, ns)); err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("send shutdown notice to %s: %w", ownerText(owner), err))
			continue
		}
		for _, n := range ns {
			s.noticed[n.key()] = n.stopAt
		}
		changed = true
	}
	if changed && s.deps.State != nil {
		s.deps.State.Save(ctx, ServiceName, noticeStateKey, noticeState{Noticed: maps.Clone(s.noticed)})
	}
}

func ownerText(owner string) string {
	if owner == "" {
		return "resources with no owner tag"
	}
	return owner
}

// noticeMessage is the notice for one owner's resources.
func (s *Service) noticeMessage(owner string, ns []notice) notify.Message {
	slices.SortFunc(ns, func(a, b notice) int {
		return strings.Compare(a.account+a.region+a.id, b.account+b.region+b.id)
	})
	first := ns[0]
	when := first.stopAt.In(first.loc).Format("Mon 15:04 MST")
	tbl := &notify.Table{Columns: []string{"Resource", "Kind", "Account", "Region", "Stops"}}
	labels := make([]notify.Labels, 0, len(ns))
	for _, n := range ns {
		labels = append(labels, n.labels)
		id := n.id
		if n.name != "" && n.name != n.id {
			id += " (" + n.name + ")"
		}
		tbl.Rows = append(tbl.Rows, []string{id, string(n.kind), n.account, n.region, n.stopAt.In(n.loc).Format("Mon 15:04 MST")})
	}
	key := s.cfg.Tags.SkipUntil
	text := fmt.Sprintf("To keep one up tonight, tag it `%s=HH:MM` (or an RFC 3339 time): opsd leaves it running until then and removes the tag. For an EC2 instance: `aws ec2 create-tags --resources %s --tags Key=%s,Value=22:00`.",
		key, exampleID(ns), key)
	return notify.Message{
		Buttons: s.keepUpButtons(ns),
		Kind:    notify.KindShutdown, Severity: notify.Info,
		Title: fmt.Sprintf("Shutdown notice for %s: %s will stop at %s", ownerText(owner), notify.Count(len(ns), "resource", "resources"), when),
		Text:  text, Table: tbl,
		// The owner's labels route it to the owner's channel
		// (notify.routes by team_emails or applications).
		Labels: notify.CommonLabels(labels...),
	}
}

// exampleID is an EC2 instance of the notice for the example command, or
// a placeholder.
func exampleID(ns []notice) string {
	for _, n := range ns {
		if n.kind == KindEC2 {
			return n.id
		}
	}
	return "i-0123456789abcdef0"
}

// keepUpButtons are the notice's "Keep up until HH:MM" buttons, one per
// resource, when shutdown.keep_up_until is set: the first such time after
// the stop, in the resource's schedule's timezone.
func (s *Service) keepUpButtons(ns []notice) []notify.Button {
	hm, err := time.Parse("15:04", s.cfg.KeepUpUntil)
	if s.cfg.KeepUpUntil == "" || err != nil {
		return nil
	}
	var out []notify.Button
	for _, n := range ns {
		stop := n.stopAt.In(n.loc)
		until := time.Date(stop.Year(), stop.Month(), stop.Day(), hm.Hour(), hm.Minute(), 0, 0, n.loc)
		if !until.After(stop) {
			until = time.Date(stop.Year(), stop.Month(), stop.Day()+1, hm.Hour(), hm.Minute(), 0, 0, n.loc)
		}
		ref := KeepUpRef{Kind: n.kind, Account: n.account, Region: n.region, ID: n.id, ARN: n.arn, Until: until}
		out = append(out, notify.Button{Text: "Keep " + n.id + " up until " + s.cfg.KeepUpUntil, ActionID: KeepUpAction, Value: ref.String()})
	}
	return out
}
