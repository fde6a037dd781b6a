#!/usr/bin/env bash
# Builds the release files of the checked-out tree into DIST (default dist/):
#   opsd_<version>_linux_<arch>                 the static binary (CGO off, -trimpath, stripped)
#   opsd_<version>_linux_<arch>.sbom.cdx.json   its software bill of materials, CycloneDX 1.6
#                                               JSON (cmd/opsd-sbom, from the binary's build
#                                               information): opsd at <version>, every module
#                                               linked in with its checksum, the build settings
#   SHA256SUMS                                  sha256sum of all of them (check with sha256sum -c)
# for each arch in RELEASE_ARCHES (default: amd64 arm64). make release runs it.
# VERSION, COMMIT, BUILD_DATE and CREATED (the SBOMs' timestamp) default to
# scripts/version.sh's, which reads VERSION; the release commit built twice
# gives the same bytes with the same Go toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
VERSION=${VERSION:-$(scripts/version.sh version)}
COMMIT=${COMMIT:-$(scripts/version.sh commit)}
BUILD_DATE=${BUILD_DATE:-$(scripts/version.sh date)}
CREATED=${CREATED:-$(scripts/version.sh created)}
DIST=${DIST:-dist}
RELEASE_ARCHES=${RELEASE_ARCHES:-amd64 arm64}

case "$VERSION" in
  "" | *[!A-Za-z0-9._+-]*)
    echo "release: version '$VERSION' cannot name a file" >&2
    exit 2
    ;;
esac
case "$VERSION" in
  *.dirty) echo "release: warning: the tree has uncommitted changes ($VERSION)" >&2 ;;
  *-*) echo "release: warning: $VERSION is a development version, not a release (VERSION ends in -dev)" >&2 ;;
  *+*) echo "release: warning: $VERSION is not the release commit (the last commit that changed VERSION)" >&2 ;;
esac

mkdir -p "$DIST"
rm -f "$DIST"/opsd_* "$DIST"/SHA256SUMS
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
"$GO" build -o "$tools/opsd-sbom" ./cmd/opsd-sbom
ldflags="-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.date=$BUILD_DATE"
for arch in $RELEASE_ARCHES; do
  bin="opsd_${VERSION}_linux_${arch}"
  echo "release: $DIST/$bin"
  CGO_ENABLED=0 GOOS=linux GOARCH="$arch" "$GO" build -trimpath -ldflags "$ldflags" -o "$DIST/$bin" ./cmd/opsd
  "$tools/opsd-sbom" -binary "$DIST/$bin" -version "$VERSION" -created "$CREATED" -o "$DIST/$bin.sbom.cdx.json"
done
(cd "$DIST" && sha256sum opsd_* >SHA256SUMS)
echo "release: $DIST/SHA256SUMS"
cat "$DIST/SHA256SUMS"
