package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Backoff between retries of transient failures: it starts at
// retryBaseDelay and doubles per attempt up to retryMaxDelay.
const (
	retryBaseDelay = 500 * time.Millisecond
	retryMaxDelay  = 8 * time.Second
)

// post posts one message to channel and returns the channel and
// timestamp Slack gives it. Rate limits are waited out for as long as
// Slack asks and transient failures retried with a short backoff, up to
// the configured number of retries and never past ctx. Only this message
// is posted again on a retry.
func (s *Slack) post(ctx context.Context, channel string, opts []slack.MsgOption) (string, string, error) {
	for attempt := 0; ; attempt++ {
		ch, ts, err := s.client.PostMessageContext(ctx, channel, opts...)
		if err == nil {
			return ch, ts, nil
		}
		err = scrub(err, s.token)
		if ctx.Err() != nil {
			return "", "", fmt.Errorf("post slack message to channel %q: %w", channel, err)
		}
		wait, retryable := retryDelay(err, attempt)
		if !retryable {
			return "", "", fmt.Errorf("post slack message to channel %q: %w", channel, err)
		}
		if attempt >= s.maxRetries {
			return "", "", fmt.Errorf("post slack message to channel %q: gave up after %d attempts: %w", channel, attempt+1, err)
		}
		s.logger.LogAttrs(ctx, slog.LevelWarn, "slack post failed, will retry",
			slog.String("channel", channel),
			slog.Int("attempt", attempt+1),
			slog.Duration("wait", wait),
			slog.String("error", err.Error()),
		)
		if werr := s.sleep(ctx, wait); werr != nil {
			return "", "", fmt.Errorf("post slack message to channel %q: wait %s to retry: %w (last error: %w)", channel, wait, werr, err)
		}
	}
}

// retryDelay says whether a failed post may be retried and how long to wait
// first. A rate limit waits as long as Slack asked; 5xx responses, network
// failures and Slack's own transient error codes back off exponentially;
// anything else (bad token, unknown channel, malformed message) is final.
func retryDelay(err error, attempt int) (time.Duration, bool) {
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		if rl.RetryAfter > 0 {
			return rl.RetryAfter, true
		}
		return backoff(attempt), true
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return backoff(attempt), sc.Retryable()
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		switch se.Err {
		case "ratelimited", "internal_error", "service_unavailable", "request_timeout":
			return backoff(attempt), true
		}
		return 0, false
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return backoff(attempt), true
	}
	return 0, false
}

// backoff is the wait before retry number attempt+1 of a transient failure.
func backoff(attempt int) time.Duration {
	d := retryBaseDelay
	for range attempt {
		d *= 2
		if d >= retryMaxDelay {
			return retryMaxDelay
		}
	}
	return d
}

// sleepContext waits d or until ctx ends, whichever is first.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// scrub returns err with every occurrence of secret in its text replaced,
// still unwrapping to err so errors.Is and errors.As keep working.
func scrub(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), secret, "[REDACTED]"), err: err}
}

// scrubbedError is an error whose text had a secret removed.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
