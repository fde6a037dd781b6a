package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/opsd-dev/opsd/internal/opsdbin"
)

func TestMain(m *testing.M) {
	code := m.Run()
	opsdbin.Remove()
	os.Exit(code)
}

// decode parses an SBOM back with the library that wrote it.
func decode(t *testing.T, data []byte) *cdx.BOM {
	t.Helper()
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("the SBOM does not decode as CycloneDX JSON: %v\n%s", err, data)
	}
	return &bom
}

// requiredModules reads the require lines of go.mod: module path → version.
func requiredModules(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\t(\S+) (v\S+)`).FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// goSum reads go.sum's module checksums: "path version" → the hex SHA-256
// of its h1 hash.
func goSum(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || strings.HasSuffix(f[1], "/go.mod") {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(f[2], "h1:"))
		if err != nil {
			t.Fatalf("go.sum: %q: %v", line, err)
		}
		out[f[0]+" "+f[1]] = hex.EncodeToString(raw)
	}
	return out
}

// TestSBOMOfOpsd writes the SBOM of a real opsd binary, built as make
// builds it, at the version in VERSION, and checks it reads back as
// CycloneDX 1.6 that names the main module at that version and the modules
// opsd is made of at go.mod's versions with go.sum's checksums.
func TestSBOMOfOpsd(t *testing.T) {
	raw, err := os.ReadFile("../../VERSION")
	if err != nil {
		t.Fatal(err)
	}
	version := "v" + strings.TrimSpace(string(raw))
	bin := opsdbin.Build(t)
	out := filepath.Join(t.TempDir(), "opsd.sbom.cdx.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-binary", bin, "-version", version, "-created", "2026-12-03T10:00:00Z", "-o", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("opsd-sbom: exit %d: %s", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	bom := decode(t, data)
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != cdx.SpecVersion1_6 || !strings.Contains(bom.JSONSchema, "bom-1.6") {
		t.Errorf("format %q spec %v schema %q, want CycloneDX 1.6", bom.BOMFormat, bom.SpecVersion, bom.JSONSchema)
	}
	if !regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(bom.SerialNumber) {
		t.Errorf("serial number %q is not a version 5 UUID URN", bom.SerialNumber)
	}
	if bom.Metadata == nil || bom.Metadata.Component == nil {
		t.Fatal("the SBOM has no metadata component")
	}
	if bom.Metadata.Timestamp != "2026-12-03T10:00:00Z" {
		t.Errorf("timestamp %q, want -created's", bom.Metadata.Timestamp)
	}
	main := bom.Metadata.Component
	if main.Type != cdx.ComponentTypeApplication || main.Name != "github.com/opsd-dev/opsd" || main.Version != version {
		t.Errorf("main component %s %s@%s, want application github.com/opsd-dev/opsd@%s", main.Type, main.Name, main.Version, version)
	}
	if want := "pkg:golang/github.com/opsd-dev/opsd@" + strings.ReplaceAll(version, "+", "%2B") + "?type=module"; !strings.HasPrefix(main.PackageURL, want) {
		t.Errorf("main purl %q, want %s…", main.PackageURL, want)
	}
	bin256, _ := os.ReadFile(bin)
	if main.Hashes == nil || len(*main.Hashes) != 1 || (*main.Hashes)[0].Value != sha256Hex(bin256) {
		t.Errorf("main component hashes %v, want the binary's SHA-256 %s", main.Hashes, sha256Hex(bin256))
	}
	props := map[string]string{}
	for _, p := range *bom.Metadata.Properties {
		props[p.Name] = p.Value
	}
	for k, v := range map[string]string{"cdx:gomod:build:env:CGO_ENABLED": "0", "cdx:gomod:build:trimpath": "true", "cdx:gomod:build:env:GOOS": "linux", "cdx:gomod:binary:name": filepath.Base(bin)} {
		if props[k] != v {
			t.Errorf("property %s = %q, want %q", k, props[k], v)
		}
	}

	required := requiredModules(t)
	sums := goSum(t)
	libs := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		libs[c.Name] = c
		if c.Type != cdx.ComponentTypeLibrary || c.Scope != cdx.ScopeRequired {
			t.Errorf("%s: type %s scope %s, want a required library", c.Name, c.Type, c.Scope)
		}
		if c.Hashes == nil || len(*c.Hashes) != 1 || (*c.Hashes)[0].Algorithm != cdx.HashAlgoSHA256 || (*c.Hashes)[0].Value != sums[c.Name+" "+c.Version] {
			t.Errorf("%s@%s: hashes %v, want go.sum's h1 as SHA-256 %s", c.Name, c.Version, c.Hashes, sums[c.Name+" "+c.Version])
		}
	}
	for _, path := range []string{
		"github.com/aws/aws-sdk-go-v2",
		"github.com/aws/aws-sdk-go-v2/service/ec2",
		"github.com/go-co-op/gocron/v2",
		"github.com/knadh/koanf/v2",
		"github.com/slack-go/slack",
		"go.opentelemetry.io/otel",
		"go.opentelemetry.io/otel/sdk",
	} {
		c, ok := libs[path]
		switch {
		case !ok:
			t.Errorf("the SBOM lists no %s", path)
		case c.Version != required[path]:
			t.Errorf("the SBOM lists %s@%s, go.mod requires %s", path, c.Version, required[path])
		case !strings.HasPrefix(c.PackageURL, "pkg:golang/"+path+"@"+c.Version+"?type=module"):
			t.Errorf("%s: purl %q", path, c.PackageURL)
		}
	}
	if _, ok := libs["github.com/CycloneDX/cyclonedx-go"]; ok {
		t.Error("the SBOM of opsd lists the SBOM library, which opsd does not link")
	}
	if deps := *bom.Dependencies; len(deps) != 1 || deps[0].Ref != main.BOMRef || len(*deps[0].Dependencies) != len(libs) {
		t.Errorf("dependencies: want the main component depending on all %d libraries", len(libs))
	}

	// The same binary gives the same bytes.
	again := filepath.Join(t.TempDir(), "again.json")
	if code := run([]string{"-binary", bin, "-version", version, "-created", "2026-12-03T10:00:00Z", "-o", again}, &stdout, &stderr); code != 0 {
		t.Fatalf("opsd-sbom again: exit %d: %s", code, stderr.String())
	}
	if b, _ := os.ReadFile(again); !bytes.Equal(b, data) {
		t.Error("two SBOMs of the same binary differ")
	}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestNew(t *testing.T) {
	sum := func(b byte) string { return "h1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)) }
	info := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Path:      "github.com/opsd-dev/opsd/cmd/opsd",
		Main:      debug.Module{Path: "github.com/opsd-dev/opsd", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "github.com/slack-go/slack", Version: "v0.34.0", Sum: sum(1)},
			{Path: "github.com/aws/aws-sdk-go-v2", Version: "v1.48.0", Sum: sum(2)},
			{Path: "example.com/old", Version: "v1.0.0", Sum: sum(3), Replace: &debug.Module{Path: "example.com/new", Version: "v1.0.1", Sum: sum(4)}},
		},
		Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}, {Key: "-trimpath", Value: "true"}, {Key: "vcs.revision", Value: "abc"}},
	}
	when := time.Date(2026, 12, 3, 10, 0, 0, 0, time.FixedZone("x", 3600))
	bin := Binary{Name: "opsd_v0.2.0-dev+abc1234_linux_arm64", SHA256: strings.Repeat("ab", 32), Info: info}
	bom, err := New(bin, "v0.2.0-dev+abc1234", when, Tool{Path: "github.com/CycloneDX/cyclonedx-go", Version: "v0.12.0"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := encode(&buf, bom); err != nil {
		t.Fatal(err)
	}
	got := decode(t, buf.Bytes())
	main := got.Metadata.Component
	if main.Version != "v0.2.0-dev+abc1234" || main.PackageURL != "pkg:golang/github.com/opsd-dev/opsd@v0.2.0-dev%2Babc1234?type=module&goos=linux&goarch=arm64" {
		t.Errorf("main %s purl %s", main.Version, main.PackageURL)
	}
	if got.Metadata.Timestamp != "2026-12-03T09:00:00Z" {
		t.Errorf("timestamp %s, want UTC", got.Metadata.Timestamp)
	}
	if tools := *got.Metadata.Tools.Components; len(tools) != 1 || tools[0].Name != "github.com/CycloneDX/cyclonedx-go" || tools[0].Version != "v0.12.0" {
		t.Errorf("tools %v", tools)
	}
	var names []string
	for _, c := range *got.Components {
		names = append(names, c.Name+"@"+c.Version+" "+(*c.Hashes)[0].Value[:4])
	}
	// Sorted by package URL; the replacement in place of what it replaces.
	if want := "example.com/new@v1.0.1 0404 github.com/aws/aws-sdk-go-v2@v1.48.0 0202 github.com/slack-go/slack@v0.34.0 0101"; strings.Join(names, " ") != want {
		t.Errorf("components %q, want %q", strings.Join(names, " "), want)
	}
	props := map[string]string{}
	for _, p := range *got.Metadata.Properties {
		props[p.Name] = p.Value
	}
	for k, v := range map[string]string{"cdx:gomod:build:env:GOARCH": "arm64", "cdx:gomod:build:env:GOVERSION": "go1.26.8", "cdx:gomod:build:trimpath": "true", "cdx:gomod:build:vcs:revision": "abc"} {
		if props[k] != v {
			t.Errorf("property %s = %q, want %q", k, props[k], v)
		}
	}

	// Another binary, another serial number; the same, the same.
	other := bin
	other.SHA256 = strings.Repeat("cd", 32)
	b2, _ := New(other, "v0.2.0-dev+abc1234", when, Tool{})
	b3, _ := New(bin, "v0.2.0-dev+abc1234", when, Tool{})
	if b2.SerialNumber == bom.SerialNumber || b3.SerialNumber != bom.SerialNumber {
		t.Errorf("serial numbers %s %s %s: want one per binary", bom.SerialNumber, b2.SerialNumber, b3.SerialNumber)
	}

	for name, tc := range map[string]struct {
		b       Binary
		version string
		says    string
	}{
		"no build info": {Binary{Name: "x"}, "v1", "no Go build information"},
		"no version":    {bin, "", "no version"},
		"bad sum": {Binary{Name: "x", Info: &debug.BuildInfo{Main: debug.Module{Path: "m"}, Deps: []*debug.Module{{Path: "d", Version: "v1", Sum: "h1:nope"}}}}, "v1",
			"not h1:<base64 SHA-256>"},
	} {
		if _, err := New(tc.b, tc.version, when, Tool{}); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.says)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	notBinary := filepath.Join(t.TempDir(), "opsd")
	if err := os.WriteFile(notBinary, []byte("not a binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		code int
		says string
	}{
		"no binary":    {[]string{"-version", "v1.0.0"}, 2, "-binary and -version are required"},
		"no version":   {[]string{"-binary", notBinary}, 2, "-binary and -version are required"},
		"bad created":  {[]string{"-binary", notBinary, "-version", "v1.0.0", "-created", "yesterday"}, 2, "RFC 3339"},
		"extra":        {[]string{"-binary", notBinary, "-version", "v1.0.0", "more"}, 2, "nothing else"},
		"not a binary": {[]string{"-binary", notBinary, "-version", "v1.0.0"}, 1, "read the build information"},
		"missing":      {[]string{"-binary", filepath.Join(t.TempDir(), "absent"), "-version", "v1.0.0"}, 1, "read the binary"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("exit %d, want %d; stderr %q should say %q", code, tc.code, stderr.String(), tc.says)
			}
		})
	}
}
