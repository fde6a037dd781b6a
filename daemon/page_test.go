package daemon

import (
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The daemon serves the page for people at /: its jobs with their next
// run, and, once a run has finished, its outcome. Other paths are not the
// page.
func TestDaemonServesThePage(t *testing.T) {
	svc := &slowService{name: "quick", cron: "0 0 1 1 *", duration: time.Millisecond, started: make(chan struct{}, 1)}
	r := startDaemon(t, baseConfig, svc)
	defer func() {
		r.signals <- syscall.SIGTERM
		<-r.done
	}()
	var body string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + r.addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		body = string(b)
		if strings.Contains(body, `<td class="ok">ok`) && !strings.Contains(body, "(running)") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{"<td>quick</td>", "<code>0 0 1 1 *</code>", `<td class="ok">ok`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	resp, err := http.Get("http://" + r.addr + "/nothing-here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nothing-here: %d, want 404", resp.StatusCode)
	}
}
