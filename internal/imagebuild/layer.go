package imagebuild

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// passwd and group hold root, nobody and nonroot, as distroless does.
const (
	passwd = "root:x:0:0:root:/root:/sbin/nologin\n" +
		"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n" +
		"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	group = "root:x:0:\n" +
		"nobody:x:65534:\n" +
		"nonroot:x:65532:\n"
	// nsswitch makes Go's resolver read /etc/hosts before DNS.
	nsswitch = "hosts: files dns\n"
)

// entry is one file or directory of the layer.
type entry struct {
	name     string // without the leading slash; directories end in /
	mode     int64
	uid, gid int
	data     []byte
}

// entries lists the layer's contents, every directory before what it holds.
func entries(opts Options) []entry {
	root := func(name string, mode int64, data []byte) entry { return entry{name: name, mode: mode, data: data} }
	nonroot := func(name string, mode int64) entry { return entry{name: name, mode: mode, uid: UID, gid: GID} }
	return []entry{
		root("etc/", 0o755, nil),
		root("etc/group", 0o644, []byte(group)),
		root("etc/nsswitch.conf", 0o644, []byte(nsswitch)),
		root("etc/opsd/", 0o755, nil),
		root(ConfigPath[1:], 0o644, opts.Config),
		root("etc/passwd", 0o644, []byte(passwd)),
		root("etc/ssl/", 0o755, nil),
		root("etc/ssl/certs/", 0o755, nil),
		root(CACertsPath[1:], 0o644, opts.CACerts),
		root("home/", 0o755, nil),
		nonroot("home/nonroot/", 0o700),
		root("tmp/", 0o1777, nil),
		root("usr/", 0o755, nil),
		root("usr/local/", 0o755, nil),
		root("usr/local/bin/", 0o755, nil),
		root(BinaryPath[1:], 0o755, opts.Binary),
		root("var/", 0o755, nil),
		root("var/lib/", 0o755, nil),
		nonroot(StateDir[1:]+"/", 0o700),
	}
}

// rootLayer writes the layer's files with archive/tar, gzips them once, and
// hands the result to go-containerregistry as an OCI layer.
func rootLayer(opts Options) (v1.Layer, error) {
	var buf bytes.Buffer
	level := opts.GzipLevel
	if level == 0 {
		level = gzip.DefaultCompression
	}
	zw, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		return nil, fmt.Errorf("compress the layer: %w", err)
	}
	tw := tar.NewWriter(zw)
	for _, e := range entries(opts) {
		if err := writeEntry(tw, e, opts.Created); err != nil {
			return nil, fmt.Errorf("write %s into the layer: %w", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("write the layer: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress the layer: %w", err)
	}
	gz := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(gz)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("make the layer: %w", err)
	}
	return layer, nil
}

func writeEntry(tw *tar.Writer, e entry, mtime time.Time) error {
	h := &tar.Header{
		Name:    e.name,
		Mode:    e.mode,
		Uid:     e.uid,
		Gid:     e.gid,
		ModTime: mtime,
	}
	if e.uid == UID {
		h.Uname, h.Gname = "nonroot", "nonroot"
	} else {
		h.Uname, h.Gname = "root", "root"
	}
	if e.name[len(e.name)-1] == '/' {
		h.Typeflag = tar.TypeDir
	} else {
		h.Typeflag = tar.TypeReg
		h.Size = int64(len(e.data))
	}
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	_, err := tw.Write(e.data)
	return err
}
