#!/usr/bin/env bash
# Runs the benchmark suite with its defaults and leaves the results under
# results/. Arguments are passed on to concbench run (see concbench run -h).
# Exit status as concbench's: 0 ok, 2 bad usage or input.
set -euo pipefail
cd "$(dirname "$0")/.."

# Built, not go run: go run turns every failing exit status into 1.
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/concbench" ./cmd/concbench
"$bin/concbench" run "$@"
