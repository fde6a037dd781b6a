package shutdown

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/smithy-go"
)

// task is one decision on one resource, and how carrying it out went.
type task struct {
	d Decision
	r *resource
	// err is the failure, nil when the action succeeded (or there was
	// nothing to do).
	err error
	// notes say how the action was carried out ("hibernated", "scaled to
	// zero from min=1,max=3,desired=2").
	notes []string
	// stuck is an EC2 start opsd made that the instance did not survive:
	// it went back to stopped (an encrypted volume's KMS key, usually).
	stuck bool
	// alarmNote says what became of the resource's alarm actions before
	// its stop (see [silencer]).
	alarmNote string
	// silencedSince, when set, is when opsd turned off the resource's
	// alarm actions, which are still off well into its on period.
	silencedSince time.Time
}

// acts reports whether the task changes the resource or its tags.
func (t *task) acts() bool {
	switch t.d.Action {
	case ActionStop, ActionStart, ActionMark, ActionClear:
		return true
	}
	return false
}

// note records how the action was carried out.
func (t *task) note(s string) { t.notes = append(t.notes, s) }

// actor carries out decisions in one account and region. It exists only in
// Apply mode: the plan never reaches it, so plan mode makes no mutating
// call at all.
type actor struct {
	c         Clients
	keys      TagKeys
	planner   *Planner
	hibernate bool
	// now is the reconcile's clock, recorded in the marker tags.
	now time.Time
	log *slog.Logger
}

// run records its intent on every resource it is about to stop, carries
// out every task's action, then records the outcome on each resource:
// opsd's marker tags after a success, the last-error tag after a failure.
func (a *actor) run(ctx context.Context, tasks []*task) {
	a.intend(ctx, tasks)
	var stop, start []*task
	for _, t := range tasks {
		switch {
		case t.err != nil:
			// Its intent could not be recorded: not stopped.
		case t.d.Action != ActionStop && t.d.Action != ActionStart:
			// ActionMark changes nothing but the marker, written below.
		case t.r.Kind == KindEC2 && t.d.Action == ActionStop:
			stop = append(stop, t)
		case t.r.Kind == KindEC2:
			start = append(start, t)
		case t.r.Kind == KindASG:
			a.scaleGroup(ctx, t)
		case t.r.Kind == KindECSService:
			a.scaleService(ctx, t)
		case isRDS(t.r.Kind):
			a.database(ctx, t)
		}
	}
	a.stopInstances(ctx, stop)
	a.startInstances(ctx, start)
	a.record(ctx, tasks)
	a.anchorOverrides(ctx, tasks)
}

// anchorOverrides writes, for each override read from a clock time
// (skip-until=22:00), the time it stands for back into its tag in RFC
// 3339, so that "22:00" means tonight's 22:00 and not, read again
// tomorrow, tomorrow's. Best effort: a tag left as it was is read the same
// way again until it is written or has passed.
func (a *actor) anchorOverrides(ctx context.Context, tasks []*task) {
	for _, t := range tasks {
		ov := t.d.Override
		if !ov.Clock || t.d.ClearOverride || !ov.Active(a.now) || t.err != nil {
			continue
		}
		at := ov.Until.UTC().Format(time.RFC3339)
		if err := a.setTags(ctx, t.r.Kind, []*resource{t.r}, map[string]string{ov.Key: at})[t.r.ID]; err != nil {
			a.log.WarnContext(ctx, "write the override's time", "resource", t.r.ID, "tag", ov.Key, "error", err.Error())
			continue
		}
		t.note(fmt.Sprintf("%s=%s written as %s", ov.Key, ov.Value, at))
	}
}

// intend writes the LastStopping marker on every EC2 instance and
// database about to be stopped (a group gets it with its saved capacity,
// see [actor.scaleGroup]), so that a stop whose outcome opsd never
// records is still known as its own. A resource whose intent cannot be
// written is not stopped: opsd stops nothing it could lose track of.
func (a *actor) intend(ctx context.Context, tasks []*task) {
	byKind := map[Kind][]*task{}
	var kinds []Kind
	for _, t := range tasks {
		if t.d.Action != ActionStop || t.r.Kind == KindASG || t.r.Kind == KindECSService {
			continue
		}
		if _, seen := byKind[t.r.Kind]; !seen {
			kinds = append(kinds, t.r.Kind)
		}
		byKind[t.r.Kind] = append(byKind[t.r.Kind], t)
	}
	tags := a.planner.MarkerTags(LastStopping, a.now)
	for _, k := range kinds {
		ts := byKind[k]
		errs := a.setTags(ctx, k, resourcesOf(ts), tags)
		for _, t := range ts {
			if err := errs[t.r.ID]; err != nil {
				t.err = failed(ActionStop, k, "record the stop in tag "+a.keys.LastAction+" first", err)
			}
		}
	}
}

// isolate calls call for ids in batches of size. A batch that fails
// with an error about its ids (one in the wrong state, a spot instance, no
// capacity) is split in halves and each half tried again, down to single
// ids, so a bad id fails only itself at the cost of about two calls per
// halving. A batch that fails for a reason that is not about its ids
// (throttled beyond the retries, access denied, AWS unreachable) fails
// whole: trying its ids one by one would fail the same way, many times.
// It returns the error of each id that failed.
func isolate(ctx context.Context, ids []string, size int, call func(ctx context.Context, ids []string) error) map[string]error {
	errs := map[string]error{}
	for from := 0; from < len(ids); from += size {
		bisect(ctx, ids[from:min(from+size, len(ids))], call, errs)
	}
	return errs
}

// bisect calls call for batch and, when it fails with an error about its
// ids, for each half of batch in turn; it records each id's failure in
// errs.
func bisect(ctx context.Context, batch []string, call func(ctx context.Context, ids []string) error, errs map[string]error) {
	err := ctx.Err()
	if err == nil {
		err = call(ctx, batch)
	}
	if err == nil {
		return
	}
	if len(batch) == 1 || !aboutIDs(err) || ctx.Err() != nil {
		for _, id := range batch {
			errs[id] = err
		}
		return
	}
	mid := len(batch) / 2
	bisect(ctx, batch[:mid], call, errs)
	bisect(ctx, batch[mid:], call, errs)
}

// aboutIDs reports whether err is an AWS error that may concern only some
// of a call's ids; an error without an AWS error code (a timeout, a
// connection refused) is not.
func aboutIDs(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "AuthFailure", "Blocked", "OptInRequired", "UnauthorizedOperation",
		"RequestLimitExceeded", "Throttling", "RequestExpired", "SignatureDoesNotMatch",
		"InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable":
		return false // the same call with fewer ids fails the same way
	}
	return true
}
