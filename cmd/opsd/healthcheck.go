package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthTimeout bounds the whole check: a daemon that does not answer
// /readyz within it counts as hung.
const healthTimeout = time.Second

// cmdHealthcheck asks the local daemon's /readyz whether it is ready, for
// container health checks (the image's HEALTHCHECK, the ECS task's
// healthCheck): exit 0 when it is, 1 with one line saying why when it is
// not or does not answer within a second, 2 on usage and configuration
// errors. http.listen in the configuration (or OPSD_HTTP__LISTEN) says
// where the daemon listens; /readyz needs no token.
func cmdHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("healthcheck", "healthcheck --config FILE", stderr)
	configPath := fs.String("config", "", "the daemon's configuration file; its http.listen says where the daemon listens")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	url, err := readyURL(cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("%w: %w", errConfig, err)
	}
	role, err := checkReady(ctx, url, healthTimeout)
	if err != nil {
		return err
	}
	if role != "" {
		fmt.Fprintf(stdout, "opsd: ready (%s)\n", role)
	} else {
		fmt.Fprintln(stdout, "opsd: ready")
	}
	return nil
}

// readyURL is the address of /readyz on the daemon listening on listen,
// as seen from the same host: a wildcard listener (0.0.0.0, [::], no
// host) is asked on its loopback address.
func readyURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("find the daemon from http.listen %q: %w", listen, err)
	}
	if port == "0" {
		return "", fmt.Errorf("find the daemon from http.listen %q: port 0 is chosen at start, so a health check cannot find it", listen)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}

// checkReady asks url, within timeout, and returns the replica's role
// when it says it is ready, or an error of one line saying why not.
func checkReady(ctx context.Context, url string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("health check: build the request for %s: %w", url, err)
	}
	// Straight to the local daemon: never through HTTP_PROXY.
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "", fmt.Errorf("health check: the daemon did not answer %s within %s: %w", url, timeout, err)
		}
		return "", fmt.Errorf("health check: no daemon answers at %s: %w", url, err)
	}
	defer resp.Body.Close()
	var doc struct {
		Ready  bool   `json:"ready"`
		Reason string `json:"reason"`
		Role   string `json:"role"`
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("health check: read the answer of %s: %w", url, err)
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("health check: %s answered %s with no readiness: %w", url, resp.Status, err)
	}
	switch {
	case resp.StatusCode == http.StatusOK && doc.Ready:
		return doc.Role, nil
	case doc.Reason != "":
		return "", fmt.Errorf("health check: not ready: %s", oneLine(doc.Reason))
	default:
		return "", fmt.Errorf("health check: not ready: %s answered %s", url, resp.Status)
	}
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
