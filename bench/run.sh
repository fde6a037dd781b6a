#!/usr/bin/env bash
# make bench: run every benchmark and write BENCHMARKS.md with the machine,
# Go version, date, the command behind each figure, each target and whether
# it was met, and the profiles-and-fixes record from bench/NOTES.md.
#
# Three groups:
#   micro    testing.B benchmarks of pure code (schedule decisions, alarm
#            planning), several counts, summarised with benchstat;
#   daemon   the real binary against moto: start-up to /readyz, idle cost;
#   scale    the real binary against a simulated AWS (internal/awssim):
#            shutdown over 500 accounts × 2 regions × 200 instances and DLQ
#            archive of 100,000 messages.
# BENCH_GROUPS selects groups (default "micro daemon scale").
set -euo pipefail
cd "$(dirname "$0")/.."

BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
groups=${BENCH_GROUPS:-micro daemon scale}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# Packages with benchmarks of their own, outside bench/.
micro_pkgs=$(grep -rl --include='*_test.go' '^func Benchmark' --exclude-dir=bench . |
  xargs -n1 dirname | sort -u | tr '\n' ' ')

declare -A cmds=(
  [micro]="go test -run '^\$' -bench . -benchmem -count 6 ${micro_pkgs}"
  [daemon]="go test -run '^\$' -bench StartupToReady -benchtime 10x ./bench/daemon && go test -run '^\$' -bench Idle -benchtime 1x ./bench/daemon"
  [scale]="go test -run '^\$' -bench . -benchtime 1x -timeout 60m ./bench/scale"
)

for g in $groups; do
  [ -n "${cmds[$g]:-}" ] || { echo "bench: unknown group $g" >&2; exit 2; }
  echo "== $g: ${cmds[$g]}"
  eval "${cmds[$g]}" | tee "$dir/$g.txt"
done

# metric FILE BENCHMARK UNIT: the mean of UNIT over BENCHMARK's result
# lines (the name without the -N cpu suffix), or "-" when absent.
metric() {
  [ -f "$1" ] || { echo "-"; return; }
  awk -v name="$2" -v unit="$3" '
    $1 ~ "^"name"(-[0-9]+)?$" {
      for (i = 3; i < NF; i++) if ($(i+1) == unit) { sum += $i; n++ }
    }
    END {
      if (!n) { print "-"; exit }
      m = sum / n
      if (m >= 1000) printf "%.0f", m; else printf "%.3g", m
    }' "$1"
}

# row LABEL GROUP BENCHMARK UNIT OP TARGET: one line of the targets table.
row() {
  local v met
  v=$(metric "$dir/$2.txt" "$3" "$4")
  if [ "$v" = "-" ]; then
    met="not run"
  elif awk -v v="$v" -v t="$6" -v op="$5" 'BEGIN { exit !((op == "<=" && v <= t) || (op == ">=" && v >= t)) }'; then
    met="met"
  else
    met="**missed**"
  fi
  echo "| $1 | $v $4 | $5 $6 | $met |"
}

cores=$(nproc)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (bench/run.sh) from one run on the machine below."
  echo "Compare two runs' raw output with benchstat (\`go run $BENCHSTAT old.txt new.txt\`)."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u +%Y-%m-%d) |"
  echo "| machine | ${cores} cores (${cpu:-unknown cpu}), ${mem} |"
  echo "| go | $(go version | awk '{print $3, $4}') |"
  for g in $groups; do
    echo "| $g | \`${cmds[$g]}\` |"
  done
  echo
  echo "## Targets"
  echo
  echo "| figure | measured | target | |"
  echo "|---|---|---|---|"
  row "shutdown decisions per second, one core" micro BenchmarkDecide decisions/s ">=" 1000000
  row "start-up to /readyz (median of 10)" daemon BenchmarkStartupToReady ms-to-ready "<=" 300
  row "idle daemon RSS after 60 s" daemon BenchmarkIdle MB-rss "<=" 40
  row "idle daemon anonymous RSS (heap, stacks)" daemon BenchmarkIdle MB-anon-rss "<=" 40
  row "idle daemon CPU, % of one core" daemon BenchmarkIdle %cpu "<=" 0.5
  row "shutdown at scale: AWS calls ÷ floor" scale BenchmarkShutdownAtScale calls/floor "<=" 1
  row "shutdown at scale: wall time ÷ floor's" scale BenchmarkShutdownAtScale wall/floor-wall "<=" 2
  row "shutdown at scale: peak RSS" scale BenchmarkShutdownAtScale peak-RSS-MiB "<=" 200
  for n in 1 10; do
    row "DLQ archive, $n account(s): messages per second" scale "BenchmarkDLQArchiveAtScale/$n-accounts" msgs/s ">=" 2000
    row "DLQ archive, $n account(s): SQS receive and delete calls per message" scale "BenchmarkDLQArchiveAtScale/$n-accounts" sqs-receive-delete/msg "<=" 0.2
    row "DLQ archive, $n account(s): S3 puts per message" scale "BenchmarkDLQArchiveAtScale/$n-accounts" s3-puts/msg "<=" 1
  done
  echo
  echo "## Results"
  for g in $groups; do
    echo
    echo "### $g"
    echo
    echo '```text'
    if [ "$g" = micro ]; then
      (cd "$dir" && go run "$BENCHSTAT" "$g.txt" 2>/dev/null) || grep -E '^(pkg|Benchmark)' "$dir/$g.txt"
    else
      grep -E '^(pkg|Benchmark|    .*_test.go)' "$dir/$g.txt" || true
    fi
    echo '```'
  done
  echo
  cat bench/NOTES.md
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
