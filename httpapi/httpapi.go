// Package httpapi serves opsd's operations endpoints: /healthz (the process
// is up), /readyz (configuration loaded and AWS reachable), /status (jobs'
// next runs and last outcomes, as JSON), /metrics (Prometheus), /report
// (the readiness assessment) and the page for people at /. Beyond
// loopback, every endpoint but /healthz and /readyz is guarded (see
// Handlers.Access).
package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/opsd-dev/opsd/webpage"
)

// Handlers are the sources the endpoints read.
type Handlers struct {
	// Ready reports readiness and, when not ready, why.
	Ready func() (bool, string)
	// Status returns the JSON document served at /status; it must hold no
	// secrets.
	Status func() any
	// Metrics serves /metrics.
	Metrics http.Handler
	// Role, when set, names this replica's role (leader or follower) in
	// /readyz.
	Role func() string
	// Report, when set, serves /report (the readiness assessment).
	Report http.Handler
	// Page, when set, serves the page for people at /.
	Page http.Handler
	// Access guards every endpoint but /healthz and /readyz: /metrics with
	// Access.GuardMetrics, everything else with Access.Guard. Its zero
	// value refuses them all.
	Access webpage.Access
}

// New returns the operations endpoints as one handler.
func New(h Handlers) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		ok, why := h.Ready()
		if !ok {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "reason": why})
			return
		}
		doc := map[string]any{"ready": true}
		if h.Role != nil {
			doc["role"] = h.Role()
		}
		writeJSON(w, http.StatusOK, doc)
	})
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, h.Status())
	})
	if h.Metrics != nil {
		mux.Handle("GET /metrics", h.Metrics)
	}
	if h.Report != nil {
		mux.Handle("/report", h.Report)
	}
	if h.Page != nil {
		mux.Handle("GET /{$}", h.Page)
	}
	// One guard in front of the whole mux, so that no endpoint added later
	// is open by accident; only the probes' two exact paths pass unguarded.
	guarded, metrics := h.Access.Guard(mux), h.Access.GuardMetrics(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz":
			mux.ServeHTTP(w, r)
		case "/metrics":
			metrics.ServeHTTP(w, r)
		default:
			guarded.ServeHTTP(w, r)
		}
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
