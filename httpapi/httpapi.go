// Package httpapi serves opsd's operations endpoints: /healthz (the process
// is up), /readyz (configuration loaded and AWS reachable), /status (jobs'
// next runs and last outcomes, as JSON), /metrics (Prometheus), /report
// (the readiness assessment) and the page for people at /.
package httpapi

import (
	"encoding/json"
	"net/http"
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
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
