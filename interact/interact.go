// Package interact answers the buttons of opsd's Slack messages over
// Socket Mode (slack-go's socketmode: opsd connects out to Slack, so no
// public endpoint is needed). Only members of one Slack user group are
// answered; everyone else is told so. Each answer is a reply only the
// person who pressed sees.
package interact

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Handler carries out one pressed button: actionID and value are the
// button's, user the Slack user id who pressed it. It returns the reply.
type Handler func(ctx context.Context, actionID, value, user string) (string, error)

// Listener answers buttons.
type Listener struct {
	// API is the Slack client with both the bot token (for the user group
	// and the replies) and the app-level token (xapp-, for Socket Mode).
	API *slack.Client
	// UserGroup is the id of the user group whose members may press.
	UserGroup string
	// Handlers are by action id; a button with another id is ignored.
	Handlers map[string]Handler
	// Logger receives what happened; nil for none.
	Logger *slog.Logger
}

// Run connects to Slack and answers buttons until ctx ends. Socket Mode
// reconnects by itself; Run returns with the connection's error when it
// cannot connect at all (a bad app token), or nil when ctx ended.
func (l *Listener) Run(ctx context.Context) error {
	log := l.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client := socketmode.New(l.API)
	done := make(chan error, 1)
	go func() { done <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-done:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt, ok := <-client.Events:
			if !ok {
				return nil
			}
			switch evt.Type {
			case socketmode.EventTypeConnected:
				log.InfoContext(ctx, "slack socket mode connected")
			case socketmode.EventTypeInvalidAuth:
				log.ErrorContext(ctx, "slack socket mode: the app token was refused")
			case socketmode.EventTypeInteractive:
				cb, isCallback := evt.Data.(slack.InteractionCallback)
				if evt.Request != nil {
					if err := client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
						log.WarnContext(ctx, "slack socket mode: acknowledge", "error", err.Error())
					}
				}
				if isCallback && cb.Type == slack.InteractionTypeBlockActions {
					l.answer(ctx, log, cb)
				}
			}
		}
	}
}

// answer carries out each button of one press and replies to the user.
func (l *Listener) answer(ctx context.Context, log *slog.Logger, cb slack.InteractionCallback) {
	for _, a := range cb.ActionCallback.BlockActions {
		h := l.Handlers[a.ActionID]
		if h == nil {
			continue
		}
		reply, err := l.carryOut(ctx, h, a, cb.User.ID)
		if err != nil {
			log.WarnContext(ctx, "slack button", "action", a.ActionID, "user", cb.User.ID, "error", err.Error())
			reply = "opsd could not do that: " + err.Error()
		} else {
			log.InfoContext(ctx, "slack button", "action", a.ActionID, "user", cb.User.ID, "reply", reply)
		}
		if _, err := l.API.PostEphemeralContext(ctx, cb.Channel.ID, cb.User.ID, slack.MsgOptionText(reply, false)); err != nil {
			log.WarnContext(ctx, "slack button: reply", "user", cb.User.ID, "error", err.Error())
		}
	}
}

func (l *Listener) carryOut(ctx context.Context, h Handler, a *slack.BlockAction, user string) (string, error) {
	members, err := l.API.GetUserGroupMembersContext(ctx, l.UserGroup)
	if err != nil {
		return "", fmt.Errorf("read the members of user group %s: %w", l.UserGroup, err)
	}
	if !slices.Contains(members, user) {
		return fmt.Sprintf("Only members of <!subteam^%s> may do this; nothing was changed.", l.UserGroup), nil
	}
	return h(ctx, a.ActionID, a.Value, user)
}
