package audit

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"time"
)

// ReportHandler serves the latest report at /report: HTML by default,
// ?format=json or ?format=text for the others, ?application=NAME for one
// application. Before the first assessment it answers 503 and says so.
//
// failed, when set, says why the last assessment could not be made; with
// no report to show, the page says so instead of "no assessment has run".
func ReportHandler(latest func() *Report, failed func() (Failure, bool)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		q := req.URL.Query()
		format := q.Get("format")
		if format == "" {
			format = "html"
		}
		write, contentType := formatWriter(format)
		if write == nil {
			http.Error(w, "unknown format "+format+" (html, json or text)", http.StatusBadRequest)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		rep := latest()
		if rep == nil {
			h.Set("Content-Type", "text/html; charset=utf-8")
			if format != "html" {
				h.Set("Content-Type", "text/plain; charset=utf-8")
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			var f Failure
			var ok bool
			if failed != nil {
				f, ok = failed()
			}
			switch {
			case ok && format == "html":
				_ = failedPage.Execute(w, f)
			case ok:
				fmt.Fprintf(w, "The last assessment, at %s, failed:\n", f.At.UTC().Format(time.RFC3339))
				for _, e := range f.Errors {
					fmt.Fprintf(w, "- %s\n", e)
				}
			case format == "html":
				_, _ = w.Write([]byte(noReportHTML))
			default:
				_, _ = w.Write([]byte("No assessment has run yet: the audit job has not finished since opsd started.\n"))
			}
			return
		}
		app := q.Get("application")
		if app != "" {
			rep = rep.Filter(app)
		}
		var buf bytes.Buffer
		var err error
		if format == "html" {
			err = writeHTML(&buf, rep, app)
		} else {
			err = write(&buf, rep)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h.Set("Content-Type", contentType)
		_, _ = w.Write(buf.Bytes())
	})
}

func formatWriter(format string) (func(*bytes.Buffer, *Report) error, string) {
	switch format {
	case "html":
		return func(b *bytes.Buffer, r *Report) error { return WriteHTML(b, r) }, "text/html; charset=utf-8"
	case "json":
		return func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) }, "application/json"
	case "text":
		return func(b *bytes.Buffer, r *Report) error { return WriteText(b, r) }, "text/plain; charset=utf-8"
	}
	return nil, ""
}

// noReportHTML is the page shown before the first assessment.
const noReportHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Production readiness</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#1b1b1b}</style></head>
<body><h1>Production readiness</h1>
<p>No assessment has run yet: the audit job has not finished since opsd started. This page shows its report once it has.</p>
</body></html>
`

// failedPage is the page shown when the last assessment failed and none
// has succeeded since.
var failedPage = template.Must(template.New("failed").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Production readiness</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#1b1b1b}</style></head>
<body><h1>Production readiness</h1>
<p>The last assessment, at {{.At.UTC.Format "2006-01-02 15:04 MST"}}, failed; there is no report to show until one succeeds:</p>
<ul>{{range .Errors}}<li>{{.}}</li>{{end}}</ul>
</body></html>
`))
