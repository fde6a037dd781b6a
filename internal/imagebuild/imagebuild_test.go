package imagebuild

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// hostCACerts is the build machine's CA bundle, what make image installs.
const hostCACerts = "/etc/ssl/certs/ca-certificates.crt"

const (
	testVersion  = "v0.9.9-test"
	testCommit   = "abc1234"
	testRevision = "abc1234def5678abc1234def5678abc1234def56"
	testDate     = "2026-12-03"
	testTag      = "opsd:" + testVersion
)

var testCreated = time.Date(2026, 12, 3, 10, 11, 12, 0, time.UTC)

// buildOpsd builds cmd/opsd the way make image does (static, trimmed,
// stripped, version injected) for this machine's architecture.
func buildOpsd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "opsd")
	ldflags := "-s -w -X main.version=" + testVersion + " -X main.commit=" + testCommit + " -X main.date=" + testDate
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin, "github.com/opsd-dev/opsd/cmd/opsd")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build opsd: %v\n%s", err, out)
	}
	return bin
}

// testOptions reads the inputs make image uses.
func testOptions(t *testing.T, bin string) Options {
	t.Helper()
	if _, err := os.Stat(hostCACerts); err != nil {
		t.Fatalf("the image takes its CA bundle from %s, which this machine lacks (on Debian: apt-get install ca-certificates): %v", hostCACerts, err)
	}
	opts, err := ReadOptions(bin, hostCACerts, filepath.Join("..", "..", "deploy", "image", "opsd.yaml"), Options{
		Version: testVersion, Revision: testRevision, Created: testCreated, GzipLevel: gzip.BestSpeed,
	})
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

// file is one regular file or directory read back from the image.
type file struct {
	hdr  *tar.Header
	data []byte
}

// filesystem flattens img's layers into path → file.
func filesystem(t *testing.T, img v1.Image) map[string]file {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	fs := map[string]file{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read the image's filesystem: %v", err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("read %s from the image: %v", h.Name, err)
		}
		fs["/"+strings.TrimSuffix(strings.TrimPrefix(h.Name, "/"), "/")] = file{hdr: h, data: data}
	}
	return fs
}

func TestImage(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image's binary is for linux and is run here")
	}
	bin := buildOpsd(t)
	opts := testOptions(t, bin)
	start := time.Now()
	built, err := Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tarPath := filepath.Join(dir, "opsd-image.tar")
	if err := WriteTarball(tarPath, testTag, built); err != nil {
		t.Fatal(err)
	}
	layoutDir := filepath.Join(dir, "opsd-image.oci")
	if err := WriteLayout(layoutDir, testTag, built); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("image tarball %.1f MiB (gzip level %d) built and written in %s", float64(st.Size())/(1<<20), opts.GzipLevel, time.Since(start).Round(time.Millisecond))

	// Read the tarball back, as crane push or docker load would.
	tag, err := name.NewTag(testTag)
	if err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(tarPath, &tag)
	if err != nil {
		t.Fatalf("open the image tarball: %v", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("config", func(t *testing.T) {
		c := cfg.Config
		if c.User != "65532" {
			t.Errorf("User = %q, want 65532", c.User)
		}
		argv := append(slices.Clone(c.Entrypoint), c.Cmd...)
		if len(argv) < 2 || filepath.Base(argv[0]) != "opsd" || argv[1] != "run" {
			t.Errorf("Entrypoint %q + Cmd %q does not run `opsd run`", c.Entrypoint, c.Cmd)
		}
		if want := []string{BinaryPath, "run", "--config", ConfigPath}; !slices.Equal(argv, want) {
			t.Errorf("Entrypoint + Cmd = %q, want %q", argv, want)
		}
		if !slices.Equal(c.Entrypoint, []string{BinaryPath}) {
			t.Errorf("Entrypoint = %q, want only the binary, so that the ECS task's command replaces the arguments", c.Entrypoint)
		}
		for k, want := range map[string]string{
			LabelVersion:  testVersion,
			LabelRevision: testRevision,
			LabelSource:   "https://github.com/opsd-dev/opsd",
			LabelCreated:  "2026-12-03T10:11:12Z",
		} {
			if got := c.Labels[k]; got != want {
				t.Errorf("label %s = %q, want %q", k, got, want)
			}
		}
		if cfg.OS != "linux" || cfg.Architecture != runtime.GOARCH {
			t.Errorf("platform %s/%s, want linux/%s", cfg.OS, cfg.Architecture, runtime.GOARCH)
		}
		if !cfg.Created.Time.Equal(testCreated) {
			t.Errorf("created %s, want %s", cfg.Created.Time, testCreated)
		}
	})

	fs := filesystem(t, img)

	t.Run("files", func(t *testing.T) {
		want, err := os.ReadFile(hostCACerts)
		if err != nil {
			t.Fatal(err)
		}
		ca, ok := fs[CACertsPath]
		switch {
		case !ok:
			t.Errorf("%s is missing from the image", CACertsPath)
		case len(ca.data) == 0:
			t.Errorf("%s is empty", CACertsPath)
		case !bytes.Equal(ca.data, want):
			t.Errorf("%s differs from the build machine's %s", CACertsPath, hostCACerts)
		case !bytes.Contains(ca.data, []byte("-----BEGIN CERTIFICATE-----")):
			t.Errorf("%s holds no PEM certificate", CACertsPath)
		}
		if !strings.Contains(string(fs["/etc/passwd"].data), "\nnonroot:x:65532:65532:") {
			t.Errorf("/etc/passwd has no nonroot user 65532:\n%s", fs["/etc/passwd"].data)
		}
		if !strings.Contains(string(fs["/etc/group"].data), "\nnonroot:x:65532:") {
			t.Errorf("/etc/group has no nonroot group 65532:\n%s", fs["/etc/group"].data)
		}
		b, ok := fs[BinaryPath]
		if !ok {
			t.Fatalf("%s is missing from the image", BinaryPath)
		}
		if b.hdr.Uid != 0 || b.hdr.Mode&0o777 != 0o755 {
			t.Errorf("%s: uid %d mode %o, want root's and 0755 (the user cannot change it)", BinaryPath, b.hdr.Uid, b.hdr.Mode)
		}
		for _, d := range []string{"/home/nonroot", StateDir} {
			if h := fs[d].hdr; h == nil || h.Typeflag != tar.TypeDir || h.Uid != UID || h.Gid != GID {
				t.Errorf("%s should be a directory owned by 65532:65532, is %+v", d, h)
			}
		}
		if h := fs["/tmp"].hdr; h == nil || h.Mode&0o1777 != 0o1777 {
			t.Errorf("/tmp should be world-writable and sticky, is %+v", h)
		}
		if h := fs[CACertsPath].hdr; h != nil && !h.ModTime.Equal(testCreated) {
			t.Errorf("files carry modification time %s, want the image's creation time %s", h.ModTime, testCreated)
		}
	})

	t.Run("binary runs", func(t *testing.T) {
		b, ok := fs[BinaryPath]
		if !ok {
			t.Fatalf("%s is missing from the image", BinaryPath)
		}
		work := t.TempDir()
		exe := filepath.Join(work, "opsd")
		if err := os.WriteFile(exe, b.data, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(exe, "version")
		cmd.Dir = work
		cmd.Env = []string{}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("opsd version from the image: %v\n%s", err, out)
		}
		if want := "opsd " + testVersion + " (commit " + testCommit + ", built " + testDate + ")\n"; string(out) != want {
			t.Errorf("opsd version printed %q, want %q", out, want)
		}

		// The configuration the image runs with, with the environment
		// only: opsd run reads it exactly as check-config does.
		conf := filepath.Join(work, "opsd.yaml")
		if err := os.WriteFile(conf, fs[ConfigPath].data, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(exe, "check-config", "--config", conf)
		cmd.Dir = work
		cmd.Env = []string{"OPSD_AWS__REGIONS=eu-west-1", "OPSD_SHUTDOWN__ENABLED=true", "OPSD_TIMEZONE=Europe/London"}
		out, err = cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("opsd check-config with the image's %s and OPSD_* variables: %v\n%s", ConfigPath, err, out)
		}
		if !strings.Contains(string(out), "ok (regions [eu-west-1], services enabled: [shutdown])") {
			t.Errorf("check-config of the image's configuration did not take the environment: %s", out)
		}
	})

	t.Run("OCI layout", func(t *testing.T) {
		idx, err := layout.ImageIndexFromPath(layoutDir)
		if err != nil {
			t.Fatalf("open the OCI layout: %v", err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		if len(im.Manifests) != 1 {
			t.Fatalf("the layout holds %d manifests, want 1", len(im.Manifests))
		}
		d := im.Manifests[0]
		if d.MediaType != types.OCIManifestSchema1 || d.Annotations["org.opencontainers.image.ref.name"] != testVersion {
			t.Errorf("layout descriptor %s with annotations %v, want an OCI manifest named %s", d.MediaType, d.Annotations, testVersion)
		}
		li, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		m, err := li.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		if m.Config.MediaType != types.OCIConfigJSON || len(m.Layers) != 1 || m.Layers[0].MediaType != types.OCILayer {
			t.Errorf("manifest config %s, layers %v: want OCI media types and one layer", m.Config.MediaType, m.Layers)
		}
		if m.Annotations[LabelVersion] != testVersion {
			t.Errorf("manifest annotations %v lack the version", m.Annotations)
		}
		want, _ := img.ConfigName()
		if got, _ := li.ConfigName(); got != want {
			t.Errorf("the layout's config %s differs from the tarball's %s", got, want)
		}
	})

	t.Run("repeatable", func(t *testing.T) {
		again, err := Build(opts)
		if err != nil {
			t.Fatal(err)
		}
		d1, _ := built.Digest()
		d2, _ := again.Digest()
		if d1 != d2 {
			t.Errorf("the same inputs built %s and then %s", d1, d2)
		}
	})
}

// TestBinaryCarriesZoneData: the image has no /usr/share/zoneinfo, so opsd
// must link the zone database for its schedules' time zones.
func TestBinaryCarriesZoneData(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/opsd-dev/opsd/cmd/opsd").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if !slices.Contains(strings.Fields(string(out)), "time/tzdata") {
		t.Error("cmd/opsd does not import time/tzdata; in the image every time zone would fail to load")
	}
}

func TestBuildRefusesWhatCannotRun(t *testing.T) {
	base := Options{Binary: []byte("#!/bin/sh\necho not a Go binary\n"), CACerts: []byte("pem"), Version: "v1.0.0"}
	if _, err := Build(base); err == nil || !strings.Contains(err.Error(), "not an ELF") {
		t.Errorf("a script as the binary: %v", err)
	}
	noCA := base
	noCA.CACerts = nil
	if _, err := Build(noCA); err == nil || !strings.Contains(err.Error(), "CA bundle") {
		t.Errorf("no CA bundle: %v", err)
	}
	// This test binary is an ELF executable; with cgo it may be dynamic.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := binaryPlatform(data); err != nil && !strings.Contains(err.Error(), "CGO_ENABLED=0") {
		t.Errorf("this test binary: %v", err)
	}
}

func TestTagFor(t *testing.T) {
	for version, want := range map[string]string{
		"v0.1.0":            "opsd:v0.1.0",
		"v0.1.0-3-gabc1234": "opsd:v0.1.0-3-gabc1234",
		"v0.0.0-20261203140311-ed7982dc6c63+dirty": "opsd:v0.0.0-20261203140311-ed7982dc6c63-dirty",
		"":   "opsd:latest",
		".x": "opsd:x",
	} {
		if got := TagFor("opsd", version); got != want {
			t.Errorf("TagFor(opsd, %q) = %q, want %q", version, got, want)
		}
		if _, err := name.NewTag(TagFor("opsd", version)); err != nil {
			t.Errorf("TagFor(opsd, %q) is not a valid tag: %v", version, err)
		}
	}
}
