#!/usr/bin/env bash
# Compares BenchmarkStarvation with asynchronous preemption on and off
# (GODEBUG=asyncpreemptoff=1) and prints `benchstat -col preempt`.
#
# Usage: scripts/preempt.sh [concbench run flags...]   (none needed)
#
# A thin wrapper: concbench run does the work (one bench binary, every round
# visiting preempt {async,off} x GOMAXPROCS {1,all cores} as separate
# processes labelled "preempt: async|off", the endless hog under its
# watchdog, report.md with the preemption comparison). This script selects
# BenchmarkStarvation, then adds benchstat's own table as benchstat.txt in
# the run's directory.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
# Built, not go run: go run turns every failing exit status into 1.
go build -o "$bin/concbench" ./cmd/concbench
dir="$("$bin/concbench" run -bench '^BenchmarkStarvation$' "$@" | tail -n 1)"

scripts/benchstat.sh -col preempt "$dir/raw.txt" >"$bin/benchstat.txt"
mv "$bin/benchstat.txt" "$dir/benchstat.txt"
cat "$dir/benchstat.txt"
echo >&2
echo "preempt.sh: wrote $dir: raw.txt, report.md (section Preemption), benchstat.txt (benchstat -col preempt)" >&2
