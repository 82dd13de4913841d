#!/usr/bin/env bash
# Compares BenchmarkStarvation with asynchronous preemption on and off
# (GODEBUG=asyncpreemptoff=1) and prints `benchstat -col preempt`.
#
# Usage: scripts/preempt.sh            (no arguments needed)
# Environment: COUNT (rounds, default 6), CPUS (GOMAXPROCS values, default
# "1 2"), BENCH (go test -bench regexp, default ^BenchmarkStarvation$),
# BENCHTIME (default 20ms).
#
# It builds the bench test binary once, then runs it as separate processes,
# interleaved: every round runs each preemption mode at each GOMAXPROCS, the
# modes in A B / B A order on alternate rounds so that drift on a shared
# machine spreads evenly. Each process's output is preceded by a config line
# "preempt: async" or "preempt: off", which benchstat's -col preempt reads.
# One process per -test.cpu value, not -test.cpu 1,2: with a list, Go
# measures the first value's b.Loop cells at the previous GOMAXPROCS
# (golang/go#49980), and BenchmarkStarvation refuses a list.
#
# Files go to results/preempt-<UTC time>/ (raw.txt, benchstat.txt); an
# existing directory is never reused, and raw.txt appears only when complete.
set -euo pipefail
cd "$(dirname "$0")/.."

count=${COUNT:-6}
cpus=${CPUS:-1 2}
bench=${BENCH:-^BenchmarkStarvation\$}
benchtime=${BENCHTIME:-20ms}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=results/preempt-$stamp
mkdir -p results
n=1
until mkdir "$out" 2>/dev/null; do # never reuse a directory
	n=$((n + 1))
	out=results/preempt-$stamp-$n
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "building the bench binary..." >&2
go test -c -o "$tmp/bench.test" ./bench

# godebug MODE prints the GODEBUG value for MODE, keeping any other setting
# from the environment (a later setting wins).
godebug() {
	local v=0
	[ "$1" = off ] && v=1
	echo "${GODEBUG:+$GODEBUG,}asyncpreemptoff=$v"
}

raw=$tmp/raw.txt
{
	echo "go: $(go env GOVERSION)"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "cores: $(getconf _NPROCESSORS_ONLN)"
} >"$raw"
for ((round = 1; round <= count; round++)); do
	modes="async off"
	((round % 2 == 0)) && modes="off async"
	for mode in $modes; do
		for cpu in $cpus; do
			echo "round $round/$count: preempt=$mode cpu=$cpu" >&2
			echo "preempt: $mode" >>"$raw"
			# A bounded hog always ends; the timeout is a watchdog against a bug.
			if ! GODEBUG=$(godebug "$mode") timeout -k 5 120 "$tmp/bench.test" \
				-test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" \
				-test.cpu "$cpu" -test.count 1 >>"$raw"; then
				mv "$raw" "$out/raw.partial.txt"
				echo "preempt.sh: the bench binary failed (preempt=$mode cpu=$cpu); what was measured is in $out/raw.partial.txt" >&2
				exit 1
			fi
		done
	done
done
mv "$raw" "$out/raw.txt"

if [ -x "$HOME/go/bin/benchstat" ]; then
	benchstat=("$HOME/go/bin/benchstat")
else
	benchstat=(go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260709024250-82a0b07e230d)
fi
"${benchstat[@]}" -col preempt "$out/raw.txt" >"$out/benchstat.txt"
cat "$out/benchstat.txt"
echo >&2
echo "wrote $out/raw.txt (benchmark output) and $out/benchstat.txt (benchstat -col preempt)" >&2
