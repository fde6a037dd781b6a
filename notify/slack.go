package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// DefaultSlackMaxRetries is how many times Slack retries a failed post when
// SlackOptions.MaxRetries is zero.
const DefaultSlackMaxRetries = 3

// SlackOptions configures a Slack notifier.
type SlackOptions struct {
	// Token is the bot token (xoxb-…). It never appears in errors or logs.
	Token string
	// Channel receives every kind of message that Channels does not name.
	Channel string
	// Channels gives a channel per kind of event, falling back to Channel.
	Channels map[Kind]string
	// Routes are tried in order before Channels and Channel: the first
	// that matches a message names its channel.
	Routes []Route
	// APIURL is the base URL of a Slack-compatible Web API, for tests and
	// proxies; empty means Slack itself. A missing trailing '/' is added.
	APIURL string
	// MaxRetries is how many times a post is retried after a rate limit or a
	// transient failure (5xx, network): 0 means DefaultSlackMaxRetries and a
	// negative value means never retry.
	MaxRetries int
	// HTTPClient sends the requests; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// Sleep waits d before a retry, returning early with ctx's error when ctx
	// ends; nil means a real timer. Tests inject one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives a warning for each retry; nil means no logging.
	Logger *slog.Logger
	// Interactive shows messages' buttons: someone answers them (Socket
	// Mode, package interact). Without it buttons are left out.
	Interactive bool
	// Now reads the clock; nil means time.Now.
	Now func() time.Time
}

// Slack is a Notifier that posts Block Kit messages to Slack channels.
type Slack struct {
	client     *slack.Client
	token      string
	channel    string
	channels   map[Kind]string
	routes     []Route
	maxRetries int
	sleep      func(ctx context.Context, d time.Duration) error
	logger     *slog.Logger
	// interactive shows messages' buttons.
	interactive bool
	// now reads the clock, for how long a thread may be continued.
	now func() time.Time
	// threads are the messages of several parts whose posting stopped
	// part way.
	threads threads
}

var _ Notifier = (*Slack)(nil)

// NewSlack returns a Slack notifier. It needs a token and at least one
// channel; it does not call Slack.
func NewSlack(opts SlackOptions) (*Slack, error) {
	if strings.TrimSpace(opts.Token) == "" {
		return nil, errors.New("create slack notifier: no token")
	}
	channels := make(map[Kind]string, len(opts.Channels))
	for kind, ch := range opts.Channels {
		if ch = strings.TrimSpace(ch); ch != "" {
			channels[kind] = ch
		}
	}
	channel := strings.TrimSpace(opts.Channel)
	var routes []Route
	for _, r := range opts.Routes {
		if r.Channel = strings.TrimSpace(r.Channel); r.Channel != "" {
			routes = append(routes, r)
		}
	}
	if channel == "" && len(channels) == 0 && len(routes) == 0 {
		return nil, errors.New("create slack notifier: no channel")
	}

	httpClient := opts.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	clientOpts := []slack.Option{slack.OptionHTTPClient(httpClient)}
	if opts.APIURL != "" {
		u := opts.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		clientOpts = append(clientOpts, slack.OptionAPIURL(u))
	}

	maxRetries := opts.MaxRetries
	switch {
	case maxRetries == 0:
		maxRetries = DefaultSlackMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	sleep := opts.Sleep
	if sleep == nil {
		sleep = sleepContext
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}

	return &Slack{
		client:     slack.New(opts.Token, clientOpts...),
		token:      opts.Token,
		channel:    channel,
		channels:   channels,
		routes:     routes,
		maxRetries: maxRetries,
		sleep:      sleep,
		logger:     logger,

		interactive: opts.Interactive,
		now:         now,
	}, nil
}

// ChannelFor returns the channel that messages of kind go to, or "" when
// none is configured for it.
func (s *Slack) ChannelFor(kind Kind) string {
	if ch, ok := s.channels[kind]; ok {
		return ch
	}
	return s.channel
}

// ChannelForMessage returns the channel msg goes to: the first matching
// route's, else the channel for its kind; "" when none is configured.
func (s *Slack) ChannelForMessage(msg Message) string {
	if ch, ok := RouteChannel(s.routes, msg); ok {
		return ch
	}
	return s.ChannelFor(msg.Kind)
}

// Notify posts msg to the channel its routes, or else its kind, name. A
// message too long for one Slack message is posted as several, the first
// in the channel and the rest as replies in its thread. If the first
// cannot be posted nothing more is; if a later one cannot, the error says
// so and posting the same message again continues the thread where it
// stopped instead of repeating what was posted (see [Slack.postThread]).
// Each message waits out rate limits and retries transient failures on
// its own (see [Slack.post]).
func (s *Slack) Notify(ctx context.Context, msg Message) error {
	channel := s.ChannelForMessage(msg)
	if channel == "" {
		return fmt.Errorf("post slack message of kind %q: no channel configured", msg.Kind)
	}
	parts, left := layout(msg, s.interactive && len(msg.Buttons) > 0)
	if !left.empty() {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "slack message too long; the end is left out",
			slog.String("channel", channel),
			slog.String("kind", string(msg.Kind)),
			slog.String("title", msg.Title),
			slog.String("left_out", left.String()),
		)
	}
	if len(parts) == 1 {
		_, _, err := s.post(ctx, channel, parts[0].options())
		return err
	}
	return s.postThread(ctx, channel, parts)
}
