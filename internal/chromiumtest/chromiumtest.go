// Package chromiumtest runs Debian's headless chromium for the tests of
// opsd's HTML pages (/report, /): the binary CHROMIUM_BIN names, or
// /usr/bin/chromium. Without it a test is skipped, unless CI=true, when
// it fails.
package chromiumtest

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Bin returns the chromium binary, or skips (fails under CI=true) the test
// when there is none.
func Bin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("CHROMIUM_BIN")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (apt-get install chromium): %v", bin, err)
		}
		t.Skipf("%s not found (apt-get install chromium); set CI=true to make this a failure", bin)
	}
	return bin
}

// Run runs headless chromium with args (the URL last) and returns what it
// wrote to stdout.
func Run(t *testing.T, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, Bin(t), append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

// Screenshot renders url at width×height and returns the image. The file
// is kept, and named in the test's log, in SCREENSHOT_DIR when that is
// set, and in the temporary directory when the test fails.
func Screenshot(t *testing.T, url string, width, height int, keepAs string) image.Image {
	t.Helper()
	shot := filepath.Join(t.TempDir(), keepAs)
	Run(t, "--screenshot="+shot, "--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), url)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	t.Cleanup(func() {
		dir := os.Getenv("SCREENSHOT_DIR")
		if dir == "" && !t.Failed() {
			return
		}
		if dir == "" {
			dir = os.TempDir()
		}
		keep := filepath.Join(dir, "opsd-"+keepAs)
		if b, err := os.ReadFile(shot); err == nil && os.WriteFile(keep, b, 0o644) == nil {
			t.Logf("screenshot kept at %s", keep)
		}
	})
	return img
}
