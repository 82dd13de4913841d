#!/usr/bin/env bash
# Runs the benchmark suite with its defaults and leaves the results under
# results/. Arguments are passed on to concbench run (see concbench run -h).
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./cmd/concbench run "$@"
