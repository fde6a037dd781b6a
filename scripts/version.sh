#!/usr/bin/env bash
# Prints one fact about the build of the checked-out tree, for make and
# scripts/release.sh:
#   version   the release, from git tags: v0.1.0, v0.1.0-3-gabc1234, -dirty
#             when the tree has changes; v0.0.0-dev before the first tag
#   commit    the abbreviated commit (abc1234)
#   revision  the full commit hash
#   date      the commit's day, UTC (2026-12-03): what `opsd version` calls built
#   created   the commit's time, UTC, RFC 3339: the image's creation time
# The dates are the commit's, not the clock's, so that building a tag again
# gives the same bytes. SOURCE_DATE_EPOCH, when set, overrides them.
# Outside a git checkout: dev, unknown, and today.
set -euo pipefail
cd "$(dirname "$0")/.."

in_git() { git rev-parse --git-dir >/dev/null 2>&1; }

epoch() {
  if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    echo "$SOURCE_DATE_EPOCH"
  elif in_git; then
    git log -1 --format=%ct
  else
    date -u +%s
  fi
}

case "${1:-}" in
  version)
    if ! in_git; then echo dev; exit 0; fi
    git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null \
      || { v=v0.0.0-dev; git diff --quiet HEAD 2>/dev/null || v=$v-dirty; echo "$v"; }
    ;;
  commit)
    if in_git; then git rev-parse --short=7 HEAD; else echo unknown; fi
    ;;
  revision)
    if in_git; then git rev-parse HEAD; else echo unknown; fi
    ;;
  date)
    date -u -d "@$(epoch)" +%Y-%m-%d
    ;;
  created)
    date -u -d "@$(epoch)" +%Y-%m-%dT%H:%M:%SZ
    ;;
  *)
    echo "usage: scripts/version.sh version|commit|revision|date|created" >&2
    exit 2
    ;;
esac
