#!/usr/bin/env bash
# Prints one fact about the build of the checked-out tree, for make,
# scripts/release.sh and the Dockerfile's build arguments:
#   version   the version, from the VERSION file at the top of the tree,
#             the one place it is set:
#               VERSION 0.2.0-dev, between releases: v0.2.0-dev+abc1234,
#                 the next release in development at commit abc1234
#                 (v0.2.0-dev outside a git checkout);
#               VERSION 0.2.0, set by the release commit: v0.2.0 from the
#                 release commit (the last commit that changed VERSION) or
#                 outside git, no tag needed; v0.2.0+3.abc1234 from a commit
#                 3 after it, before VERSION moves on to the next -dev;
#             .dirty is added (v0.2.0-dev+abc1234.dirty, v0.2.0+abc1234.dirty)
#             when tracked files have changes or VERSION is not committed
#   commit    the abbreviated commit (abc1234)
#   revision  the full commit hash
#   date      the commit's day, UTC (2026-12-03): what `opsd version` calls built
#   created   the commit's time, UTC, RFC 3339: the image's creation time
# The dates are the commit's, not the clock's, so that building the release
# commit again gives the same bytes. SOURCE_DATE_EPOCH, when set, overrides them.
# Outside a git checkout: unknown commit, and today.
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
    v=$(tr -d ' \t\r\n' 2>/dev/null <VERSION) || { echo "version.sh: no VERSION file" >&2; exit 1; }
    if ! [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
      echo "version.sh: VERSION holds '$v', not MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-dev" >&2
      exit 1
    fi
    if ! in_git; then echo "v$v"; exit 0; fi
    short=$(git rev-parse --short=7 HEAD)
    dirty=""
    if ! git diff --quiet HEAD -- 2>/dev/null || ! git ls-files --error-unmatch VERSION >/dev/null 2>&1; then
      dirty=.dirty
    fi
    if [[ $v == *-* ]]; then
      echo "v$v+$short$dirty"
      exit 0
    fi
    # The release commit; none while the release is being made (VERSION
    # not committed as it is), which is the tree's own.
    release=$(git log -1 --format=%H -- VERSION)
    if ! git ls-files --error-unmatch VERSION >/dev/null 2>&1 || ! git diff --quiet HEAD -- VERSION; then
      release=""
    fi
    if [ -z "$release" ] || [ "$release" = "$(git rev-parse HEAD)" ]; then
      if [ -z "$dirty" ]; then echo "v$v"; else echo "v$v+$short$dirty"; fi
    else
      echo "v$v+$(git rev-list --count "$release..HEAD").$short$dirty"
    fi
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
