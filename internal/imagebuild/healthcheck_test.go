package imagebuild

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The image's health check runs opsd healthcheck with the image's
// configuration; the binary in the image has that command, and with no
// daemon answering it fails with exit 1 (not 2, an unknown command).
func TestImageHealthcheckRunsOpsdHealthcheck(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image's binary is for linux and is run here")
	}
	bin := buildOpsd(t)
	img, err := Build(testOptions(t, bin))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	hc := cfg.Config.Healthcheck
	if hc == nil {
		t.Fatal("the image has no health check")
	}
	want := []string{"CMD", BinaryPath, "healthcheck", "--config", ConfigPath}
	if !slices.Equal(hc.Test, want) {
		t.Fatalf("Healthcheck.Test = %q, want %q", hc.Test, want)
	}
	if hc.Interval != HealthInterval || hc.Timeout != HealthTimeout || hc.StartPeriod != HealthStartPeriod || hc.Retries != HealthRetries {
		t.Errorf("Healthcheck timings %+v", hc)
	}

	// Run the check as the container would, the binary and the
	// configuration read back from the image's filesystem, with nothing
	// listening on the daemon's port.
	fs := filesystem(t, img)
	dir := t.TempDir()
	opsd, conf := filepath.Join(dir, "opsd"), filepath.Join(dir, "opsd.yaml")
	if err := os.WriteFile(opsd, fs[BinaryPath].data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, fs[ConfigPath].data, 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free := ln.Addr().String()
	ln.Close()
	args := slices.Clone(hc.Test[2:])
	args[len(args)-1] = conf
	cmd := exec.Command(opsd, args...)
	cmd.Env = []string{"OPSD_AWS__REGIONS=eu-west-2", "OPSD_HTTP__LISTEN=" + free, "HOME=" + dir}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "no daemon answers at http://"+free+"/readyz") {
		t.Errorf("the image's health check with no daemon: %v, want exit 1 saying no daemon answers:\n%s", err, out)
	}
}

// The Dockerfile's image has the same health check as this one.
func TestDockerfileHealthcheckIsTheImages(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	var line string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "HEALTHCHECK ") {
			line = strings.Join(strings.Fields(l), " ")
		}
	}
	if line == "" {
		t.Fatal("the Dockerfile has no HEALTHCHECK")
	}
	opts, cmd, ok := strings.Cut(line, " CMD ")
	if !ok {
		t.Fatalf("HEALTHCHECK %q runs no CMD", line)
	}
	var argv []string
	if err := json.Unmarshal([]byte(cmd), &argv); err != nil {
		t.Fatalf("HEALTHCHECK CMD %q is not the exec (JSON) form the image without a shell needs: %v", cmd, err)
	}
	if want := HealthCommand()[1:]; !slices.Equal(argv, want) {
		t.Errorf("HEALTHCHECK CMD %q, want %q", argv, want)
	}
	secs := func(d time.Duration) string { return strconv.Itoa(int(d.Seconds())) + "s" }
	for _, want := range []string{
		"--interval=" + secs(HealthInterval), "--timeout=" + secs(HealthTimeout),
		"--start-period=" + secs(HealthStartPeriod), "--retries=" + strconv.Itoa(HealthRetries),
	} {
		if !strings.Contains(opts, want) {
			t.Errorf("HEALTHCHECK %q lacks %s", opts, want)
		}
	}
}
