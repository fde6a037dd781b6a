// Package imagebuild builds opsd's container image without a Docker
// engine: one layer holding the static opsd binary, a CA bundle, the
// nonroot user and a default configuration, on an empty base, assembled
// with go-containerregistry. cmd/opsd-image is its command line and
// make image runs it.
//
// The image follows gcr.io/distroless/static's conventions (user 65532
// "nonroot", /etc/ssl/certs/ca-certificates.crt), so it behaves like the
// Dockerfile's image, which is built on that base.
package imagebuild

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Paths and identities inside the image.
const (
	// BinaryPath is where the opsd binary is installed.
	BinaryPath = "/usr/local/bin/opsd"
	// CACertsPath is the CA bundle, where Go and distroless look for it.
	CACertsPath = "/etc/ssl/certs/ca-certificates.crt"
	// ConfigPath is the configuration file the image runs with.
	ConfigPath = "/etc/opsd/opsd.yaml"
	// StateDir is opsd's default state directory, writable by the user.
	StateDir = "/var/lib/opsd"
	// UID and GID are the nonroot user's, as in distroless.
	UID = 65532
	GID = 65532
	// User is the image's configured user.
	User = "65532"
)

// OCI annotation keys the image's labels use.
const (
	LabelVersion     = "org.opencontainers.image.version"
	LabelRevision    = "org.opencontainers.image.revision"
	LabelSource      = "org.opencontainers.image.source"
	LabelCreated     = "org.opencontainers.image.created"
	LabelTitle       = "org.opencontainers.image.title"
	LabelDescription = "org.opencontainers.image.description"
)

// DefaultSource is the repository the image's source label names.
const DefaultSource = "https://github.com/opsd-dev/opsd"

// Options describe one image.
type Options struct {
	// Binary is the static (CGO_ENABLED=0) opsd binary for linux; its ELF
	// header decides the image's architecture.
	Binary []byte
	// CACerts is the CA bundle (PEM) installed at CACertsPath.
	CACerts []byte
	// Config is the configuration installed at ConfigPath.
	Config []byte
	// Version, Revision and Source fill the OCI labels; Source defaults
	// to DefaultSource.
	Version, Revision, Source string
	// Created is the image's creation time and every file's modification
	// time; the zero time means the Unix epoch, so that the same inputs
	// always give the same image.
	Created time.Time
	// GzipLevel is the layer's compression, from gzip.BestSpeed (1) to
	// gzip.BestCompression (9); 0 means gzip.DefaultCompression (6).
	GzipLevel int
}

// Build assembles the image Options describe: entrypoint BinaryPath,
// command "run --config ConfigPath", user 65532, OCI media types.
func Build(opts Options) (v1.Image, error) {
	if opts.Source == "" {
		opts.Source = DefaultSource
	}
	if opts.Created.IsZero() {
		opts.Created = time.Unix(0, 0)
	}
	opts.Created = opts.Created.UTC().Truncate(time.Second)
	switch {
	case len(opts.CACerts) == 0:
		return nil, errors.New("build image: the CA bundle is empty")
	case opts.Version == "":
		return nil, errors.New("build image: no version")
	}
	platform, err := binaryPlatform(opts.Binary)
	if err != nil {
		return nil, fmt.Errorf("build image: %w", err)
	}
	layer, err := rootLayer(opts)
	if err != nil {
		return nil, fmt.Errorf("build image: %w", err)
	}

	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: opts.Created},
			CreatedBy: "opsd-image: opsd " + opts.Version + ", CA certificates, user nonroot",
			Comment:   "built by github.com/opsd-dev/opsd/cmd/opsd-image",
		},
	})
	if err != nil {
		return nil, fmt.Errorf("build image: add the layer: %w", err)
	}
	base, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("build image: read the config: %w", err)
	}
	cfg := base.DeepCopy()
	cfg.OS = platform.OS
	cfg.Architecture = platform.Architecture
	cfg.Variant = platform.Variant
	cfg.Created = v1.Time{Time: opts.Created}
	labels := Labels(opts)
	cfg.Config = v1.Config{
		User:       User,
		Entrypoint: []string{BinaryPath},
		Cmd:        []string{"run", "--config", ConfigPath},
		Env: []string{
			"PATH=/usr/local/bin:/usr/bin:/bin",
			"SSL_CERT_FILE=" + CACertsPath,
		},
		WorkingDir: "/",
		Labels:     labels,
	}
	cfg.Config.Healthcheck = healthConfig()
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		return nil, fmt.Errorf("build image: set the config: %w", err)
	}
	annotated, ok := mutate.Annotations(img, labels).(v1.Image)
	if !ok {
		return nil, errors.New("build image: annotating the manifest did not give an image")
	}
	return annotated, nil
}

// Labels are the OCI labels (and manifest annotations) of the image opts
// describe.
func Labels(opts Options) map[string]string {
	source := opts.Source
	if source == "" {
		source = DefaultSource
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	l := map[string]string{
		LabelTitle:       "opsd",
		LabelDescription: "opsd, the cloud engineering operations daemon for AWS",
		LabelVersion:     opts.Version,
		LabelSource:      source,
		LabelCreated:     created.UTC().Format(time.RFC3339),
	}
	if opts.Revision != "" {
		l[LabelRevision] = opts.Revision
	}
	return l
}

// binaryPlatform reads the binary's ELF header: it must be a statically
// linked linux executable (the image has no C library), for amd64 or
// arm64.
func binaryPlatform(bin []byte) (v1.Platform, error) {
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return v1.Platform{}, fmt.Errorf("read the opsd binary: not an ELF executable: %w", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return v1.Platform{}, errors.New("the opsd binary is dynamically linked; build it with CGO_ENABLED=0")
		}
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return v1.Platform{}, fmt.Errorf("the opsd binary is an ELF %s, not an executable", f.Type)
	}
	switch f.Machine {
	case elf.EM_X86_64:
		return v1.Platform{OS: "linux", Architecture: "amd64"}, nil
	case elf.EM_AARCH64:
		return v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}, nil
	default:
		return v1.Platform{}, fmt.Errorf("the opsd binary is for %s; the image supports amd64 and arm64", f.Machine)
	}
}

// ReadOptions reads the binary, CA bundle and configuration files into
// opts.
func ReadOptions(binary, caCerts, config string, opts Options) (Options, error) {
	var err error
	if opts.Binary, err = os.ReadFile(binary); err != nil {
		return opts, fmt.Errorf("read the opsd binary: %w", err)
	}
	if opts.CACerts, err = os.ReadFile(caCerts); err != nil {
		return opts, fmt.Errorf("read the CA bundle (on Debian: apt-get install ca-certificates): %w", err)
	}
	if opts.Config, err = os.ReadFile(config); err != nil {
		return opts, fmt.Errorf("read the image's configuration: %w", err)
	}
	return opts, nil
}
