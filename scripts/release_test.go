// Package scripts holds the tests of the build scripts beside them.
package scripts

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestRelease runs release.sh for amd64 only (arm64 is the same command
// with another GOARCH, and cross-compiling it costs as long again) and
// checks what it writes.
func TestRelease(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the release binary for linux/amd64 is run here")
	}
	dist := t.TempDir()
	const version, commit, date = "v0.9.9-test", "abc1234", "2026-12-03"
	cmd := exec.Command("./release.sh")
	cmd.Env = append(os.Environ(), "DIST="+dist, "RELEASE_ARCHES=amd64",
		"VERSION="+version, "COMMIT="+commit, "BUILD_DATE="+date)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, out)
	}

	bin := "opsd_" + version + "_linux_amd64"
	entries, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"SHA256SUMS", bin, bin + ".sbom.txt"}; strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("dist holds %q, want %q", names, want)
	}

	// SHA256SUMS: one line per file, in sha256sum's format.
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(sums)), "\n")
	if len(lines) != 2 {
		t.Errorf("SHA256SUMS has %d lines, want 2:\n%s", len(lines), sums)
	}
	for _, line := range lines {
		sum, file, ok := strings.Cut(line, "  ")
		if !ok {
			t.Errorf("SHA256SUMS line %q is not `SUM  FILE`", line)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dist, file))
		if err != nil {
			t.Errorf("SHA256SUMS names %s: %v", file, err)
			continue
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
			t.Errorf("SHA256SUMS: %s has sum %s, the file %x", file, sum, h)
		}
	}

	// The SBOM: go version -m of the binary (which, with -trimpath,
	// records no -ldflags: the version is in the file's name).
	sbom, err := os.ReadFile(filepath.Join(dist, bin+".sbom.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\tpath\tgithub.com/opsd-dev/opsd/cmd/opsd\n",
		"\tdep\tgithub.com/aws/aws-sdk-go-v2\t",
		"\tbuild\tCGO_ENABLED=0\n",
		"\tbuild\tGOARCH=amd64\n",
		"\tbuild\tGOOS=linux\n",
		"\tbuild\t-trimpath=true\n",
	} {
		if !strings.Contains(string(sbom), want) {
			t.Errorf("the SBOM lacks %q:\n%s", want, sbom)
		}
	}

	exe := exec.Command(filepath.Join(dist, bin), "version")
	exe.Dir = t.TempDir()
	out, err := exe.CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", bin, err, out)
	}
	if want := "opsd " + version + " (commit " + commit + ", built " + date + ")\n"; string(out) != want {
		t.Errorf("%s version printed %q, want %q", bin, out, want)
	}
}

func TestReleaseRefusesABadVersion(t *testing.T) {
	cmd := exec.Command("./release.sh")
	cmd.Env = append(os.Environ(), "DIST="+t.TempDir(), "RELEASE_ARCHES=amd64", "VERSION=v1/../../x")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "cannot name a file") {
		t.Errorf("release.sh with VERSION=v1/../../x: %v\n%s", err, out)
	}
}

func TestVersionScript(t *testing.T) {
	for _, fact := range []string{"version", "commit", "revision", "date", "created"} {
		out, err := exec.Command("./version.sh", fact).Output()
		if err != nil || strings.TrimSpace(string(out)) == "" || strings.ContainsAny(strings.TrimSpace(string(out)), " \n") {
			t.Errorf("version.sh %s: %v %q", fact, err, out)
		}
	}
	cmd := exec.Command("./version.sh", "date")
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1796299200")
	if out, err := cmd.Output(); err != nil || string(out) != "2026-12-03\n" {
		t.Errorf("version.sh date with SOURCE_DATE_EPOCH: %v %q", err, out)
	}
}
