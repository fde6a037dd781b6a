package shutdown

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/accounts"
)

// KeepUpAction is the action id of the notice's "Keep up" buttons.
const KeepUpAction = "opsd_shutdown_keep_up"

// KeepUpRef names the resource a "Keep up" button is for and until when:
// what the button's value carries, "kind|account|region|id|arn|until"
// (until in RFC 3339, worked out in the resource's schedule's timezone
// when the notice was made).
type KeepUpRef struct {
	Kind                     Kind
	Account, Region, ID, ARN string
	Until                    time.Time
}

// String is the button's value.
func (r KeepUpRef) String() string {
	return strings.Join([]string{string(r.Kind), r.Account, r.Region, r.ID, r.ARN, r.Until.UTC().Format(time.RFC3339)}, "|")
}

// ParseKeepUpRef reads a button's value.
func ParseKeepUpRef(v string) (KeepUpRef, error) {
	p := strings.Split(v, "|")
	if len(p) != 6 || p[1] == "" || p[2] == "" || p[3] == "" {
		return KeepUpRef{}, fmt.Errorf("keep-up button value %q is not kind|account|region|id|arn|until", v)
	}
	until, err := time.Parse(time.RFC3339, p[5])
	if err != nil {
		return KeepUpRef{}, fmt.Errorf("keep-up button value %q: %q is not an RFC 3339 time", v, p[5])
	}
	r := KeepUpRef{Kind: Kind(p[0]), Account: p[1], Region: p[2], ID: p[3], ARN: p[4], Until: until}
	switch r.Kind {
	case KindEC2, KindASG:
	case KindRDSInstance, KindRDSCluster, KindECSService:
		if r.ARN == "" {
			return KeepUpRef{}, fmt.Errorf("keep-up button value %q: a %s needs its ARN", v, r.Kind)
		}
	default:
		return KeepUpRef{}, fmt.Errorf("keep-up button value %q: %q is not a kind opsd stops", v, p[0])
	}
	return r, nil
}

// KeepUp sets the skip-until tag on the resource to ref.Until, for
// someone who pressed a notice's "Keep up" button, and says what it did.
// It changes nothing else: the next reconcile reads the tag as it reads
// one set by hand. A time already passed is refused.
func (s *Service) KeepUp(ctx context.Context, ref KeepUpRef, now time.Time) (string, error) {
	if !ref.Until.After(now) {
		return "", fmt.Errorf("keep %s up: %s has passed", ref.ID, ref.Until.UTC().Format(time.RFC3339))
	}
	until := ref.Until.UTC().Format(time.RFC3339)
	targets, err := accounts.ListTargets(ctx, s.deps.Targets)
	if err != nil {
		return "", fmt.Errorf("keep %s up: %w", ref.ID, err)
	}
	for _, t := range targets {
		if t.Account != ref.Account || t.Region != ref.Region {
			continue
		}
		a := &actor{c: s.deps.Clients(t.Config), keys: s.cfg.Tags, planner: s.planner, now: now, log: s.log}
		r := &resource{Observation: Observation{Kind: ref.Kind, ID: ref.ID, Account: ref.Account, Region: ref.Region}, ARN: ref.ARN}
		if ref.Kind == KindECSService {
			r.Cluster, r.Service, _ = strings.Cut(ref.ID, "/")
		}
		if err := a.setTags(ctx, ref.Kind, []*resource{r}, map[string]string{s.cfg.Tags.SkipUntil: until})[ref.ID]; err != nil {
			return "", fmt.Errorf("keep %s up: tag it %s=%s: %w", ref.ID, s.cfg.Tags.SkipUntil, until, err)
		}
		return fmt.Sprintf("%s (%s/%s) is kept up until %s: tagged %s=%s", ref.ID, ref.Account, ref.Region,
			until, s.cfg.Tags.SkipUntil, until), nil
	}
	return "", fmt.Errorf("keep %s up: account %s region %s is not one opsd acts in", ref.ID, ref.Account, ref.Region)
}
