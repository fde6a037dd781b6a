// Command opsd-sbom writes the software bill of materials of an opsd
// binary as CycloneDX 1.6 JSON, from the build information the Go
// toolchain embeds in every binary (debug/buildinfo): the main module at
// the release's version, every module linked in with its checksum, and the
// build settings. make release (scripts/release.sh) runs it for each
// binary:
//
//	opsd-sbom -binary dist/opsd_v0.2.0_linux_arm64 -version v0.2.0 \
//	    -created 2026-12-03T10:00:00Z -o dist/opsd_v0.2.0_linux_arm64.sbom.cdx.json
//
// The version is a flag because a -trimpath build records none of its own
// (its main module is "(devel)"); scripts/version.sh says it, from VERSION.
package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run writes the SBOM the command line asks for and returns the exit code:
// 0 done, 1 failed, 2 usage error.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("opsd-sbom", flag.ContinueOnError)
	fs.SetOutput(stderr)
	binary := fs.String("binary", "", "the opsd binary to describe (any GOOS and GOARCH)")
	version := fs.String("version", "", "the binary's version, as scripts/version.sh version says it (v0.2.0)")
	created := fs.String("created", "", "the SBOM's timestamp, RFC 3339 (default: now); the commit's time makes releases repeatable")
	out := fs.String("o", "-", "the file to write, - for stdout")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *binary == "" || *version == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "opsd-sbom: -binary and -version are required, and nothing else")
		fs.Usage()
		return 2
	}
	when := time.Now()
	if *created != "" {
		t, err := time.Parse(time.RFC3339, *created)
		if err != nil {
			fmt.Fprintf(stderr, "opsd-sbom: -created %q is not an RFC 3339 time\n", *created)
			return 2
		}
		when = t
	}
	if err := write(*binary, *version, when, *out, stdout); err != nil {
		fmt.Fprintf(stderr, "opsd-sbom: %v\n", err)
		return 1
	}
	return 0
}

// write reads the binary, builds its SBOM and writes it to out ("-" is w).
func write(binary, version string, created time.Time, out string, w io.Writer) error {
	b, err := readBinary(binary)
	if err != nil {
		return err
	}
	bom, err := New(b, version, created, thisTool())
	if err != nil {
		return err
	}
	if out == "-" {
		return encode(w, bom)
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("write the SBOM: %w", err)
	}
	if err := encode(f, bom); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the SBOM %s: %w", out, err)
	}
	return nil
}

// readBinary hashes the binary and reads its build information.
func readBinary(path string) (Binary, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Binary{}, fmt.Errorf("read the binary: %w", err)
	}
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return Binary{}, fmt.Errorf("read the build information of %s: %w", path, err)
	}
	sum := sha256.Sum256(data)
	return Binary{Name: filepath.Base(path), SHA256: hex.EncodeToString(sum[:]), Info: info}, nil
}

// encode writes bom as indented CycloneDX JSON of SpecVersion.
func encode(w io.Writer, bom *cdx.BOM) error {
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, SpecVersion); err != nil {
		return fmt.Errorf("encode the SBOM as CycloneDX %s: %w", SpecVersion, err)
	}
	return nil
}

// thisTool is the CycloneDX library this command was built with.
func thisTool() Tool {
	t := Tool{Path: "github.com/CycloneDX/cyclonedx-go", Version: "unknown"}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == t.Path {
				t.Version = d.Version
			}
		}
	}
	return t
}
