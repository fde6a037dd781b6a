package imagebuild

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// WriteTarball writes img to path as an image tarball under tag (for
// example opsd:v0.1.0): `docker load`, `podman load`, `crane push` and
// skopeo's docker-archive: read it.
func WriteTarball(path, tag string, img v1.Image) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("write image tarball %s: tag %q: %w", path, tag, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write image tarball %s: %w", path, err)
	}
	tmp := path + ".tmp"
	if err := tarball.WriteToFile(tmp, ref, img); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write image tarball %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write image tarball %s: %w", path, err)
	}
	return nil
}

// WriteLayout writes img to dir as an OCI image layout, replacing what dir
// held, with its manifest annotated with tag: `crane push DIR REPO:TAG`
// and skopeo's oci:DIR:TAG read it, and the OCI media types are kept as
// built.
func WriteLayout(dir, tag string, img v1.Image) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("write OCI layout %s: tag %q: %w", dir, tag, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	ann := map[string]string{"org.opencontainers.image.ref.name": ref.TagStr()}
	if err := p.AppendImage(img, layout.WithAnnotations(ann)); err != nil {
		return fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	return nil
}

// tagChars are the characters a tag may not hold.
var tagChars = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// TagFor is repo:version with what a tag may not hold (a "+" from a Go
// pseudo-version, say) turned into "-".
func TagFor(repo, version string) string {
	t := tagChars.ReplaceAllString(version, "-")
	t = strings.TrimLeft(t, ".-")
	if t == "" {
		t = "latest"
	}
	if len(t) > 128 {
		t = t[:128]
	}
	return repo + ":" + t
}
