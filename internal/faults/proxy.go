package faults

import (
	"bytes"
	"context"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// DefaultBaseAccount is the account moto puts calls in when their keys
// did not come from an AssumeRole.
const DefaultBaseAccount = "123456789012"

// Options configure a proxy.
type Options struct {
	// Seed seeds every random choice the rules make.
	Seed uint64
	// BaseAccount is the account of calls signed with keys no AssumeRole
	// through the proxy returned; empty is DefaultBaseAccount.
	BaseAccount string
	// HangLimit is the longest a Hang holds a call; empty is two
	// minutes.
	HangLimit time.Duration
	// OnCall, when set, is told of every call as it arrives, with the
	// fault chosen for it (0 for none), before the fault is applied or the
	// call forwarded: a test can kill the client at that moment.
	OnCall func(c Call, f Fault)
}

// DownMode is how an outage looks to clients.
type DownMode int

const (
	// Refuse closes the proxy's port: connections are refused.
	Refuse DownMode = iota + 1
	// Reset accepts connections and resets every call.
	Reset
)

// Proxy is a fault-injecting reverse proxy on a loopback port in front of
// an upstream AWS endpoint. Create it with [New]; point the code under
// test at [Proxy.URL]; add rules with [Proxy.Add].
type Proxy struct {
	upstream  *url.URL
	opts      Options
	transport *http.Transport
	srv       *http.Server
	addr      string
	done      chan struct{}

	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]struct{}
	down    DownMode
	closed  bool
	rules   []*ruleState
	rnd     *rand.Rand
	keys    map[string]string // access key id → account
	stats   Stats
	records []Record
}

// New starts a proxy in front of upstream (a base URL such as moto's) on
// a free loopback port. Close it when done.
func New(upstream string, opts Options) (*Proxy, error) {
	u, err := url.Parse(upstream)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("start fault proxy: upstream %q is not a URL", upstream)
	}
	if opts.BaseAccount == "" {
		opts.BaseAccount = DefaultBaseAccount
	}
	if opts.HangLimit <= 0 {
		opts.HangLimit = 2 * time.Minute
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start fault proxy: %w", err)
	}
	p := &Proxy{
		upstream:  u,
		opts:      opts,
		transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second},
		addr:      ln.Addr().String(),
		done:      make(chan struct{}),
		ln:        ln,
		conns:     map[net.Conn]struct{}{},
		rnd:       rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		keys:      map[string]string{},
		stats:     newStats(),
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ConnState: p.track, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// URL is the proxy's base URL, for aws.endpoint_url.
func (p *Proxy) URL() string { return "http://" + p.addr }

// Close stops the proxy, releasing held calls.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	close(p.done)
	p.mu.Unlock()
	err := p.srv.Close()
	p.transport.CloseIdleConnections()
	return err
}

// Add appends rules. For each call the first rule that fires decides the
// fault; a call no rule fires for is forwarded untouched.
func (p *Proxy) Add(rules ...Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range rules {
		p.rules = append(p.rules, &ruleState{Rule: r})
	}
}

// Clear removes every rule.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = nil
}

// Down starts an outage: with Refuse the port is closed and open
// connections are cut; with Reset every call is reset. [Proxy.Up] ends it.
func (p *Proxy) Down(mode DownMode) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("fault proxy: down: closed")
	}
	if p.down != 0 {
		return errors.New("fault proxy: down: already down")
	}
	p.down = mode
	if mode != Refuse {
		return nil
	}
	err := p.ln.Close()
	for c := range p.conns {
		_ = c.Close()
	}
	if err != nil {
		return fmt.Errorf("fault proxy: close listener: %w", err)
	}
	return nil
}

// Up ends an outage: the proxy listens on the same address again.
func (p *Proxy) Up() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	mode := p.down
	p.down = 0
	if mode != Refuse || p.closed {
		return nil
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return fmt.Errorf("fault proxy: listen again on %s: %w", p.addr, err)
	}
	p.ln = ln
	go func() { _ = p.srv.Serve(ln) }()
	return nil
}

// track keeps the open connections, so an outage can cut them.
func (p *Proxy) track(c net.Conn, s http.ConnState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch s {
	case http.StateNew:
		if p.down == Refuse {
			_ = c.Close()
			return
		}
		p.conns[c] = struct{}{}
	case http.StateHijacked, http.StateClosed:
		delete(p.conns, c)
	}
}

// serve handles one call: it decides the fault, then answers, forwards,
// resets or holds the call.
func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		resetConn(w)
		return
	}
	c, fault, delay := p.decide(r, body)
	if p.opts.OnCall != nil {
		p.opts.OnCall(c, fault)
	}
	switch fault {
	case Down, ResetBefore:
		resetConn(w)
	case Throttle, InternalError, Unavailable, Deny:
		writeError(w, c, errorFor(fault, c), "faults-"+cryptorand.Text()[:16])
	case Hang:
		p.hang(r.Context())
		resetConn(w)
	default:
		if fault == Slow && !p.wait(r.Context(), delay) {
			resetConn(w)
			return
		}
		p.forward(w, r, c, body, fault == ResetAfter)
	}
}

// decide attributes the call to its account, counts it, and picks its
// fault (0 for none).
func (p *Proxy) decide(r *http.Request, body []byte) (Call, Fault, time.Duration) {
	c := describe(r, body)
	p.mu.Lock()
	defer p.mu.Unlock()
	c.Account = p.accountOf(c)
	p.stats.Calls++
	p.stats.ByOperation[c.Operation]++
	var fault Fault
	var delay time.Duration
	if p.down != 0 {
		fault = Down
	} else {
		for _, rs := range p.rules {
			if rs.fire(c, p.rnd) {
				fault, delay = rs.Fault, rs.Delay
				break
			}
		}
	}
	if fault != 0 {
		p.stats.Injected[fault]++
	}
	return c, fault, delay
}

func (p *Proxy) accountOf(c Call) string {
	if c.Operation == "AssumeRole" {
		if a := roleAccount(c.Form); a != "" {
			return a
		}
	}
	if a, ok := p.keys[c.AccessKey]; ok {
		return a
	}
	return p.opts.BaseAccount
}

// hang holds a call until the client gives up, the proxy closes or the
// hang limit passes.
func (p *Proxy) hang(ctx context.Context) {
	t := time.NewTimer(p.opts.HangLimit)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-p.done:
	case <-t.C:
	}
}

// wait sleeps d unless the client gives up or the proxy closes first.
func (p *Proxy) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-p.done:
		return false
	case <-t.C:
		return true
	}
}

// hopHeaders are not passed through a proxy.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forward sends the call upstream and answers with upstream's answer, or,
// with resetAfter, resets the connection once upstream has answered. The
// call is completed upstream even when the client gives up meanwhile, as
// AWS completes a call whose caller went away.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, c Call, body []byte, resetAfter bool) {
	target := *p.upstream
	target.Path, target.RawPath, target.RawQuery = r.URL.Path, r.URL.RawPath, r.URL.RawQuery
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Minute)
	defer cancel()
	out, err := http.NewRequestWithContext(ctx, r.Method, target.String(), bytes.NewReader(body))
	if err != nil {
		resetConn(w)
		return
	}
	out.Header = r.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	out.Host, out.ContentLength = r.Host, int64(len(body))
	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		http.Error(w, "fault proxy: upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		http.Error(w, "fault proxy: read upstream answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	p.record(c, body, resp.StatusCode, respBody, !resetAfter)
	if resetAfter {
		resetConn(w)
		return
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, h := range hopHeaders {
		w.Header().Del(h)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(respBody)
}

// resetConn hijacks the call's connection and closes it with a TCP reset.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
