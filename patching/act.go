package patching

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// actor carries out a plan's acting items in one account and region:
// every mutating call the service makes goes through it, and it is used in
// Apply mode only.
type actor struct {
	c   Clients
	log *slog.Logger
	now time.Time
	// failed remembers items whose act failed in this reconcile, so a later
	// pass does not try them again.
	failed map[string]bool
}

// acted is an acting item after it was carried out.
type acted struct {
	item *Item
	send *Send
	err  error
}

// actKey identifies an item's act across the passes of a reconcile.
func actKey(it *Item) string { return it.Instance.ID + " " + string(it.Verb) + " " + it.Run.String() }

// run sends the plan's commands and makes its changes. It returns what was
// done, the commands sent (to be found by the next pass even before
// ListCommands shows them) and whether any command went out.
func (a *actor) run(ctx context.Context, pl *Plan) (done []acted, sent []Command, progressed bool) {
	bySend := map[int][]*Item{}
	for _, it := range pl.Items {
		if it.Send >= 0 {
			bySend[it.Send] = append(bySend[it.Send], it)
		}
	}
	for n, s := range pl.Sends {
		items := bySend[n]
		if len(items) == 0 || a.failed[actKey(items[0])] {
			continue
		}
		c, err := a.send(ctx, s)
		for _, it := range items {
			if err != nil {
				a.failed[actKey(it)] = true
			} else {
				it.Command = c.ID
			}
			done = append(done, acted{item: it, send: s, err: err})
		}
		if err == nil {
			sent = append(sent, c)
			progressed = true
		}
	}
	for _, it := range pl.Items {
		if it.Send >= 0 || !it.Verb.acts() || a.failed[actKey(it)] {
			continue
		}
		err := a.change(ctx, it.Instance.ID, it.Change)
		if err != nil {
			a.failed[actKey(it)] = true
			a.log.WarnContext(ctx, "patching change failed", "resource", it.Instance.ID, "action", it.Verb, "error", err.Error())
		}
		done = append(done, acted{item: it, err: err})
	}
	return done, sent, progressed
}

// send sends one command.
func (a *actor) send(ctx context.Context, s *Send) (Command, error) {
	in := &ssm.SendCommandInput{
		DocumentName:   aws.String(s.document()),
		InstanceIds:    s.InstanceIDs,
		Parameters:     s.Parameters(),
		Comment:        aws.String(s.Comment()),
		MaxConcurrency: aws.String(s.MaxConcurrency),
		MaxErrors:      aws.String(s.MaxErrors),
		TimeoutSeconds: aws.Int32(s.TimeoutSeconds),
	}
	out, err := a.c.SSM.SendCommand(ctx, in)
	if err != nil {
		return Command{}, fmt.Errorf("send %s command %q to %s: %w", strings.ToLower(string(s.Run.Op)), s.Comment(), strings.Join(s.InstanceIDs, ", "), err)
	}
	c := Command{Run: s.Run, First: s.First, InstanceIDs: s.InstanceIDs, Status: "Pending", Requested: a.now}
	if out.Command != nil {
		c.ID = aws.ToString(out.Command.CommandId)
		if out.Command.Status != "" {
			c.Status = string(out.Command.Status)
		}
	}
	a.log.InfoContext(ctx, "patching command sent", "command", c.ID, "comment", s.Comment(), "instances", len(s.InstanceIDs))
	return c, nil
}

// change makes an item's change: tags then start, or (stop mark,) stop
// then tags.
// When a start fails, the tags it was to go with are taken off again.
func (a *actor) change(ctx context.Context, id string, ch Change) error {
	if ch.Start {
		if err := a.tag(ctx, id, ch.Set); err != nil {
			return err
		}
		if _, err := a.c.EC2.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}}); err != nil {
			err = fmt.Errorf("start instance %s for patching: %w", id, err)
			if uerr := a.untag(ctx, id, keysOf(ch.Set)); uerr != nil {
				a.log.WarnContext(ctx, "remove patching tags after a failed start", "resource", id, "error", uerr.Error())
			}
			return err
		}
		return nil
	}
	if ch.Stop {
		if ch.StopMark != "" {
			if err := a.tag(ctx, id, map[string]string{ch.StopMark: a.now.UTC().Format(time.RFC3339)}); err != nil {
				return err
			}
		}
		if _, err := a.c.EC2.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
			return fmt.Errorf("stop instance %s after patching: %w", id, err)
		}
	}
	if err := a.tag(ctx, id, ch.Set); err != nil {
		return err
	}
	return a.untag(ctx, id, ch.Remove)
}

func (a *actor) tag(ctx context.Context, id string, set map[string]string) error {
	if len(set) == 0 {
		return nil
	}
	var tags []ec2types.Tag
	for _, k := range keysOf(set) {
		tags = append(tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(set[k])})
	}
	if _, err := a.c.EC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: tags}); err != nil {
		return fmt.Errorf("tag instance %s with %s: %w", id, strings.Join(keysOf(set), ", "), err)
	}
	return nil
}

func (a *actor) untag(ctx context.Context, id string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	var tags []ec2types.Tag
	for _, k := range keys {
		tags = append(tags, ec2types.Tag{Key: aws.String(k)})
	}
	if _, err := a.c.EC2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: tags}); err != nil {
		return fmt.Errorf("remove tags %s from instance %s: %w", strings.Join(keys, ", "), id, err)
	}
	return nil
}

// markReported writes value under key on the instances, at most
// maxTagResources a call.
func markReported(ctx context.Context, c EC2API, key, value string, ids []string) error {
	for _, part := range chunk(ids, maxTagResources) {
		_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{
			Resources: part,
			Tags:      []ec2types.Tag{{Key: aws.String(key), Value: aws.String(value)}},
		})
		if err != nil {
			return fmt.Errorf("tag %s=%q on %s: %w", key, value, strings.Join(part, ", "), err)
		}
	}
	return nil
}

// maxTagResources is how many resources one CreateTags call is given.
const maxTagResources = 200

func keysOf(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
