package daemon

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/slack-go/slack"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/interact"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/shutdown"
)

// buttonsRetry is how long the daemon waits to connect to Socket Mode
// again after Slack refused it.
const buttonsRetry = time.Minute

// leaderCheck is how often the buttons' connection checks that this
// replica still leads.
const leaderCheck = 5 * time.Second

// answerButtons answers the buttons of opsd's Slack messages over Socket
// Mode, when notify.slack has an app token, until ctx ends. With ha on,
// only the leader connects, so a press reaches the replica whose AWS
// calls are allowed; a replica that stops leading disconnects. The
// configuration is the one opsd started with: a changed app token takes a
// restart.
func (d *daemon) answerButtons(ctx context.Context, cfg *config.Config) {
	s := cfg.Notify.Slack
	if !s.Interactive() {
		return
	}
	d.mu.Lock()
	env := d.env
	d.mu.Unlock()
	var api notify.SSMParameterAPI
	if s.TokenSSMParameter != "" || s.AppTokenSSMParameter != "" {
		api = ssm.NewFromConfig(env.Base)
	}
	for ctx.Err() == nil {
		if !d.leading() {
			sleepCtx(ctx, leaderCheck)
			continue
		}
		err := d.listenWhileLeading(ctx, s, api)
		if err != nil && ctx.Err() == nil {
			d.logger.Error("slack buttons: not answered for now", "error", err.Error(), "retry_in", buttonsRetry.String())
			sleepCtx(ctx, buttonsRetry)
		}
	}
}

func (d *daemon) leading() bool {
	if d.lease == nil {
		return true
	}
	_, ok := d.lease.Leading()
	return ok
}

// listenWhileLeading connects and answers until ctx ends or this replica
// stops leading.
func (d *daemon) listenWhileLeading(ctx context.Context, s config.Slack, api notify.SSMParameterAPI) error {
	bot, err := notify.ResolveToken(ctx, notify.TokenSource{Value: s.Token.Reveal(), SSMParameter: s.TokenSSMParameter}, api)
	if err != nil {
		return err
	}
	app, err := notify.ResolveToken(ctx, notify.TokenSource{Value: s.AppToken.Reveal(), SSMParameter: s.AppTokenSSMParameter}, api)
	if err != nil {
		return fmt.Errorf("read the slack app token: %w", err)
	}
	opts := []slack.Option{slack.OptionAppLevelToken(app)}
	if s.APIURL != "" {
		u := s.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	l := &interact.Listener{
		API:       slack.New(bot, opts...),
		UserGroup: s.ButtonsUserGroup,
		Handlers:  map[string]interact.Handler{shutdown.KeepUpAction: d.keepUp},
		Logger:    d.logger.With("component", "slack-buttons"),
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		t := time.NewTicker(leaderCheck)
		defer t.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
				if !d.leading() {
					cancel()
					return
				}
			}
		}
	}()
	return l.Run(lctx)
}

// keepUp answers a notice's "Keep up" button through the shutdown service.
func (d *daemon) keepUp(ctx context.Context, _, value, user string) (string, error) {
	ref, err := shutdown.ParseKeepUpRef(value)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	svc, env := d.stopper, d.env
	d.mu.Unlock()
	if svc == nil {
		return "", fmt.Errorf("the shutdown service is not enabled")
	}
	reply, err := svc.KeepUp(ctx, ref, env.Now())
	if err != nil {
		return "", err
	}
	d.logger.Info("kept up from slack", "user", user, "resource", ref.ID, "account", ref.Account, "region", ref.Region, "until", ref.Until.UTC().Format(time.RFC3339))
	return reply + " (asked by <@" + user + ">)", nil
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
