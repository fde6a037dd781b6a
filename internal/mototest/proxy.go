package mototest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Proxy is a loopback HTTP server in front of moto that answers the
// operations registered with [Proxy.Handle] itself and forwards every other
// request to moto unchanged. Point SDK clients at it with [Proxy.Config]:
// the real SDK serialises the request and parses the fake's answer.
//
// It also records the operation of every request it sees, answered or
// forwarded, for tests that count calls.
type Proxy struct {
	tb       testing.TB
	srv      *httptest.Server
	upstream *httputil.ReverseProxy

	mu     sync.Mutex
	ops    map[string]http.HandlerFunc // by X-Amz-Target or Action
	routes []route                     // REST method + path patterns
	calls  []string
}

// NewProxy starts a proxy in front of upstream (a moto server's URL) on a
// loopback port; it is closed when tb's test ends.
func NewProxy(tb testing.TB, upstream string) *Proxy {
	tb.Helper()
	u, err := url.Parse(upstream)
	if err != nil || u.Scheme == "" || u.Host == "" {
		tb.Fatalf("mototest: proxy upstream %q is not a URL", upstream)
	}
	p := &Proxy{
		tb:  tb,
		ops: map[string]http.HandlerFunc{},
		upstream: &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host // as signed by the client
		}},
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	tb.Cleanup(p.srv.Close)
	return p
}

// URL is the proxy's base URL.
func (p *Proxy) URL() string { return p.srv.URL }

// Config returns SDK configuration whose calls go through the proxy; see
// [Config].
func (p *Proxy) Config(region string) aws.Config { return Config(p.srv.URL, region) }

// Handle makes the proxy answer an operation with h instead of moto. The
// operation is named as the SDK sends it:
//
//   - AWS JSON services and Smithy RPC v2 CBOR: the X-Amz-Target value,
//     "AmazonSSM.DescribeInstanceInformation", "AmazonSQS.StartMessageMoveTask",
//     "GraniteServiceVersion20100801.EnableAlarmActions" (CBOR requests to
//     /service/{svc}/operation/{op} are named "{svc}.{op}");
//   - query services (form value Action): the action, "EnableAlarmActions";
//   - REST services: method, space, path pattern, where {name} matches one
//     path segment and a final {name+} the rest, "PUT /backup/plans/{id}/selections/";
//     handlers read the segments with r.PathValue("id").
//
// A handler may inspect the request and then pass it on with
// [Proxy.Forward]. Registering an operation again replaces its handler.
func (p *Proxy) Handle(operation string, h http.HandlerFunc) {
	p.tb.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	method, pattern, isREST := strings.Cut(operation, " ")
	if !isREST {
		p.ops[operation] = h
		return
	}
	if method == "" || !strings.HasPrefix(pattern, "/") {
		p.tb.Fatalf("mototest: REST operation %q is not METHOD /path", operation)
	}
	rt := route{pattern: operation, method: method, segs: strings.Split(pattern, "/"), h: h}
	for i := range p.routes {
		if p.routes[i].pattern == operation {
			p.routes[i] = rt
			return
		}
	}
	p.routes = append(p.routes, rt)
}

// Forward sends r to moto and copies moto's answer to w. Handlers call it to
// let a request through after looking at it; the body is there to read
// again even if the handler read it.
func (p *Proxy) Forward(w http.ResponseWriter, r *http.Request) {
	if in, ok := r.Context().Value(requestKey{}).(*request); ok {
		setBody(r, in.body)
	}
	p.upstream.ServeHTTP(w, r)
}

// Calls returns the operations of every request so far, in order, named as
// for [Proxy.Handle] (a REST request that matched a pattern is named by the
// pattern, any other by its method and path).
func (p *Proxy) Calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.calls...)
}

// Count returns how many requests named operation the proxy has seen.
func (p *Proxy) Count(operation string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.calls {
		if c == operation {
			n++
		}
	}
	return n
}

// ResetCalls forgets the calls recorded so far.
func (p *Proxy) ResetCalls() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = nil
}

// serve answers or forwards one request.
func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		http.Error(w, "mototest proxy: read request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	in := describe(r, body)
	h, params := p.lookup(r, in)
	r = r.WithContext(withRequest(r.Context(), in))
	setBody(r, body)
	for k, v := range params {
		r.SetPathValue(k, v)
	}
	if h == nil {
		p.Forward(w, r)
		return
	}
	h(w, r)
}

// lookup finds the handler for in, names REST requests by the matching
// pattern, and records the call.
func (p *Proxy) lookup(r *http.Request, in *request) (http.HandlerFunc, map[string]string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var h http.HandlerFunc
	var params map[string]string
	if in.proto == protoREST {
		for _, rt := range p.routes {
			if vals, ok := rt.match(r); ok {
				h, params, in.op = rt.h, vals, rt.pattern
				break
			}
		}
	} else {
		h = p.ops[in.op]
	}
	p.calls = append(p.calls, in.op)
	return h, params
}

// setBody makes body r's body again.
func setBody(r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
}

// route is one REST operation pattern.
type route struct {
	pattern string // as registered, "PUT /backup/plans/{id}/selections/"
	method  string
	segs    []string // the path split on "/"
	h       http.HandlerFunc
}

// match reports whether r is this route's operation, with the values of
// the pattern's wildcards.
func (rt route) match(r *http.Request) (map[string]string, bool) {
	if r.Method != rt.method {
		return nil, false
	}
	segs := strings.Split(r.URL.Path, "/")
	vals := map[string]string{}
	for i, s := range rt.segs {
		if len(s) < 3 || s[0] != '{' || s[len(s)-1] != '}' {
			if i >= len(segs) || segs[i] != s {
				return nil, false
			}
			continue
		}
		name := s[1 : len(s)-1]
		if rest, greedy := strings.CutSuffix(name, "+"); greedy {
			if i >= len(segs) || segs[i] == "" {
				return nil, false
			}
			vals[rest] = strings.Join(segs[i:], "/")
			return vals, true
		}
		if i >= len(segs) || segs[i] == "" {
			return nil, false
		}
		vals[name] = segs[i]
	}
	return vals, len(segs) == len(rt.segs)
}
