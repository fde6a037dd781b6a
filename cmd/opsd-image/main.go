// Command opsd-image builds opsd's container image from a static opsd
// binary without a Docker engine, and writes it as an image tarball and,
// optionally, an OCI image layout. make image runs it:
//
//	opsd-image -binary bin/opsd-linux-amd64 -version $(scripts/version.sh version) -revision $(git rev-parse HEAD) \
//	    -created 2026-12-03T10:00:00Z -o bin/opsd-image.tar -layout bin/opsd-image.oci
//
// Push the result with crane (crane push bin/opsd-image.tar REPO:TAG) or
// load it into Docker or Podman (docker load -i bin/opsd-image.tar).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/opsd-dev/opsd/internal/imagebuild"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run builds and writes the image the command line describes and returns
// the exit code: 0 done, 1 failed, 2 usage error.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("opsd-image", flag.ContinueOnError)
	fs.SetOutput(stderr)
	binary := fs.String("binary", "", "the static linux opsd binary (CGO_ENABLED=0); its architecture is the image's")
	caCerts := fs.String("ca-certs", "/etc/ssl/certs/ca-certificates.crt", "the CA bundle to install at "+imagebuild.CACertsPath)
	config := fs.String("config", "deploy/image/opsd.yaml", "the configuration to install at "+imagebuild.ConfigPath)
	version := fs.String("version", "", "the version, for the label and the tag: scripts/version.sh version, from VERSION (v0.2.0; v0.2.0-dev+abc1234 is tagged v0.2.0-dev-abc1234)")
	revision := fs.String("revision", "", "the full git commit, for the revision label")
	source := fs.String("source", imagebuild.DefaultSource, "the source repository, for the source label")
	created := fs.String("created", "", "the creation time, RFC 3339 (default: now); the commit's time makes builds repeatable")
	repo := fs.String("repo", "opsd", "the repository of the tag the tarball carries")
	out := fs.String("o", "bin/opsd-image.tar", "the image tarball to write")
	layoutDir := fs.String("layout", "", "also write an OCI image layout into this directory")
	level := fs.Int("gzip-level", 6, "the layer's gzip level, 1 (fastest) to 9 (smallest)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *binary == "" || *version == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "opsd-image: -binary and -version are required, and nothing else")
		fs.Usage()
		return 2
	}
	if *level < 1 || *level > 9 {
		fmt.Fprintf(stderr, "opsd-image: -gzip-level %d is not between 1 and 9\n", *level)
		return 2
	}
	when := time.Now()
	if *created != "" {
		t, err := time.Parse(time.RFC3339, *created)
		if err != nil {
			fmt.Fprintf(stderr, "opsd-image: -created %q is not an RFC 3339 time\n", *created)
			return 2
		}
		when = t
	}

	start := time.Now()
	opts, err := imagebuild.ReadOptions(*binary, *caCerts, *config, imagebuild.Options{
		Version: *version, Revision: *revision, Source: *source, Created: when, GzipLevel: *level,
	})
	if err != nil {
		fmt.Fprintf(stderr, "opsd-image: %v\n", err)
		return 1
	}
	img, err := imagebuild.Build(opts)
	if err != nil {
		fmt.Fprintf(stderr, "opsd-image: %v\n", err)
		return 1
	}
	tag := imagebuild.TagFor(*repo, *version)
	if err := imagebuild.WriteTarball(*out, tag, img); err != nil {
		fmt.Fprintf(stderr, "opsd-image: %v\n", err)
		return 1
	}
	if *layoutDir != "" {
		if err := imagebuild.WriteLayout(*layoutDir, tag, img); err != nil {
			fmt.Fprintf(stderr, "opsd-image: %v\n", err)
			return 1
		}
	}
	if err := report(stdout, img, tag, *out, *layoutDir, time.Since(start)); err != nil {
		fmt.Fprintf(stderr, "opsd-image: %v\n", err)
		return 1
	}
	return 0
}

// report prints what was written: tag, platform, digest and sizes.
func report(w io.Writer, img v1.Image, tag, out, layoutDir string, took time.Duration) error {
	digest, err := img.Digest()
	if err != nil {
		return fmt.Errorf("read the image digest: %w", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return fmt.Errorf("read the image config: %w", err)
	}
	var compressed int64
	if layers, err := img.Layers(); err == nil {
		for _, l := range layers {
			if n, err := l.Size(); err == nil {
				compressed += n
			}
		}
	}
	fmt.Fprintf(w, "opsd-image: %s (linux/%s) %s, %.1f MiB compressed, in %s\n",
		tag, cfg.Architecture, digest, float64(compressed)/(1<<20), took.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  tarball: %s\n", out)
	if layoutDir != "" {
		fmt.Fprintf(w, "  OCI layout: %s\n", layoutDir)
	}
	return nil
}
