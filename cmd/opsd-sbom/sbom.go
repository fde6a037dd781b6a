package main

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// SpecVersion is the CycloneDX version the SBOMs are written in.
const SpecVersion = cdx.SpecVersion1_6

// Source is opsd's repository, the main component's VCS reference.
const Source = "https://github.com/opsd-dev/opsd"

// License is opsd's licence (the repository's LICENSE), as an SPDX id.
const License = "Apache-2.0"

// Binary is the binary an SBOM describes.
type Binary struct {
	// Name is the file's base name (opsd_v0.2.0_linux_arm64).
	Name string
	// SHA256 is the file's SHA-256, hex.
	SHA256 string
	// Info is the build information the Go toolchain embedded in it.
	Info *debug.BuildInfo
}

// Tool is the library that writes the SBOM, for the SBOM's metadata.
type Tool struct {
	Path, Version string
}

// New returns the CycloneDX SBOM of b: the main module at version as the
// metadata's component, every module linked into the binary as a required
// library with its Go checksum as a SHA-256 hash, and the build settings
// as properties. It is a function of its arguments only, so the same
// binary gives the same SBOM, serial number included.
func New(b Binary, version string, created time.Time, tool Tool) (*cdx.BOM, error) {
	if b.Info == nil {
		return nil, fmt.Errorf("describe %s: no Go build information", b.Name)
	}
	if version == "" {
		return nil, fmt.Errorf("describe %s: no version", b.Name)
	}
	if b.Info.Main.Path == "" {
		return nil, fmt.Errorf("describe %s: the build information names no main module", b.Name)
	}
	goos, goarch := setting(b.Info, "GOOS"), setting(b.Info, "GOARCH")

	main := cdx.Component{
		BOMRef:      purl(b.Info.Main.Path, version, "", ""),
		Type:        cdx.ComponentTypeApplication,
		Name:        b.Info.Main.Path,
		Version:     version,
		Description: "opsd, the cloud engineering operations daemon for AWS (main package " + b.Info.Path + ")",
		PackageURL:  purl(b.Info.Main.Path, version, goos, goarch),
		Licenses:    &cdx.Licenses{{License: &cdx.License{ID: License}}},
		ExternalReferences: &[]cdx.ExternalReference{
			{Type: cdx.ERTypeVCS, URL: Source},
		},
	}
	if b.SHA256 != "" {
		main.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: b.SHA256}}
	}

	var libs []cdx.Component
	var refs []string
	for _, d := range b.Info.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		c := cdx.Component{
			BOMRef:     purl(m.Path, m.Version, "", ""),
			Type:       cdx.ComponentTypeLibrary,
			Name:       m.Path,
			Version:    m.Version,
			Scope:      cdx.ScopeRequired,
			PackageURL: purl(m.Path, m.Version, goos, goarch),
		}
		if sum, ok := strings.CutPrefix(m.Sum, "h1:"); ok {
			raw, err := base64.StdEncoding.DecodeString(sum)
			if err != nil || len(raw) != 32 {
				return nil, fmt.Errorf("describe %s: module %s@%s has checksum %q, not h1:<base64 SHA-256>", b.Name, m.Path, m.Version, m.Sum)
			}
			c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: hex.EncodeToString(raw)}}
		}
		if d.Replace != nil {
			c.Description = "replaces " + d.Path + "@" + d.Version
		}
		libs = append(libs, c)
		refs = append(refs, c.BOMRef)
	}
	sort.Slice(libs, func(i, j int) bool { return libs[i].BOMRef < libs[j].BOMRef })
	sort.Strings(refs)

	props := []cdx.Property{{Name: "cdx:gomod:binary:name", Value: b.Name}}
	if b.Info.GoVersion != "" {
		props = append(props, cdx.Property{Name: "cdx:gomod:build:env:GOVERSION", Value: b.Info.GoVersion})
	}
	for _, s := range b.Info.Settings {
		props = append(props, cdx.Property{Name: settingProperty(s.Key), Value: s.Value})
	}
	sort.SliceStable(props, func(i, j int) bool { return props[i].Name < props[j].Name })

	bom := cdx.NewBOM()
	bom.SerialNumber = serialNumber(b, version)
	bom.Metadata = &cdx.Metadata{
		Timestamp:  created.UTC().Format(time.RFC3339),
		Lifecycles: &[]cdx.Lifecycle{{Phase: cdx.LifecyclePhasePostBuild}},
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{
			{Type: cdx.ComponentTypeLibrary, Name: tool.Path, Version: tool.Version},
		}},
		Component:  &main,
		Properties: &props,
	}
	bom.Components = &libs
	bom.Dependencies = &[]cdx.Dependency{{Ref: main.BOMRef, Dependencies: &refs}}
	return bom, nil
}

// setting is the value of one build setting, or "".
func setting(info *debug.BuildInfo, key string) string {
	for _, s := range info.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// settingProperty names a build setting in the cdx:gomod taxonomy:
// environment settings (GOOS, CGO_ENABLED) under cdx:gomod:build:env,
// flags (-trimpath, -compiler) and vcs.* under cdx:gomod:build.
func settingProperty(key string) string {
	if key != "" && key[0] >= 'A' && key[0] <= 'Z' {
		return "cdx:gomod:build:env:" + key
	}
	return "cdx:gomod:build:" + strings.ReplaceAll(strings.TrimLeft(key, "-"), ".", ":")
}

// purl is a Go module's package URL, pkg:golang/PATH@VERSION?type=module,
// with the platform when known.
func purl(path, version, goos, goarch string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	p := "pkg:golang/" + strings.Join(segs, "/")
	if version != "" {
		p += "@" + strings.ReplaceAll(url.PathEscape(version), "+", "%2B")
	}
	p += "?type=module"
	if goos != "" && goarch != "" {
		p += "&goos=" + url.QueryEscape(goos) + "&goarch=" + url.QueryEscape(goarch)
	}
	return p
}

// serialNumber is a name-based (version 5) UUID URN of the binary's hash,
// name and version: the same binary gets the same serial number.
func serialNumber(b Binary, version string) string {
	// The URL namespace of RFC 4122, appendix C.
	ns := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New() // RFC 4122 defines version 5 with SHA-1
	h.Write(ns)
	h.Write([]byte(Source + "/sbom/" + b.Name + "@" + version + "#sha256:" + b.SHA256))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u)
	return "urn:uuid:" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
