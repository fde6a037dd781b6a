// Package scripts holds the tests of the build scripts beside them.
package scripts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
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
		"VERSION="+version, "COMMIT="+commit, "BUILD_DATE="+date, "CREATED="+date+"T00:00:00Z")
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
	if want := []string{"SHA256SUMS", bin, bin + ".sbom.cdx.json"}; strings.Join(names, " ") != strings.Join(want, " ") {
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

	// The SBOM: CycloneDX JSON of the binary, with opsd at the release's
	// version and the modules it links.
	data, err := os.ReadFile(filepath.Join(dist, bin+".sbom.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("the SBOM is not CycloneDX JSON: %v\n%s", err, data)
	}
	if bom.SpecVersion != cdx.SpecVersion1_6 || bom.Metadata == nil || bom.Metadata.Component == nil {
		t.Fatalf("the SBOM: spec %v, metadata %v", bom.SpecVersion, bom.Metadata)
	}
	if c := bom.Metadata.Component; c.Name != "github.com/opsd-dev/opsd" || c.Version != version {
		t.Errorf("the SBOM describes %s@%s, want github.com/opsd-dev/opsd@%s", c.Name, c.Version, version)
	}
	if want := "2026-12-03T00:00:00Z"; bom.Metadata.Timestamp != want {
		t.Errorf("the SBOM's timestamp %s, want CREATED %s", bom.Metadata.Timestamp, want)
	}
	props := map[string]string{}
	for _, p := range *bom.Metadata.Properties {
		props[p.Name] = p.Value
	}
	for k, v := range map[string]string{"cdx:gomod:build:env:CGO_ENABLED": "0", "cdx:gomod:build:env:GOARCH": "amd64", "cdx:gomod:build:env:GOOS": "linux", "cdx:gomod:build:trimpath": "true"} {
		if props[k] != v {
			t.Errorf("the SBOM's property %s = %q, want %q", k, props[k], v)
		}
	}
	var sdk bool
	for _, c := range *bom.Components {
		sdk = sdk || c.Name == "github.com/aws/aws-sdk-go-v2"
	}
	if !sdk {
		t.Error("the SBOM lists no github.com/aws/aws-sdk-go-v2")
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
