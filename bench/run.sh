#!/usr/bin/env bash
# make bench: run every Go benchmark and write BENCHMARKS.md with the
# machine, Go version, date and the command that reproduces the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

cmd="go test -run '^\$' -bench . -benchmem -count 5 ./..."
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
eval "$cmd" | tee "$raw"

cores=$(nproc)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\`. Figures are from one run on the machine below;"
  echo "compare runs with benchstat (\`go run golang.org/x/perf/cmd/benchstat@latest old.txt new.txt\`)."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u +%Y-%m-%d) |"
  echo "| machine | ${cores} cores (${cpu:-unknown cpu}), ${mem} |"
  echo "| go | $(go version | awk '{print $3, $4}') |"
  echo "| command | \`$cmd\` |"
  echo
  echo "## Results"
  echo
  echo '```text'
  grep -E '^(goos|goarch|pkg|cpu|Benchmark)' "$raw"
  echo '```'
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
