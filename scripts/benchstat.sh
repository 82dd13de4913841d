#!/usr/bin/env bash
# Runs benchstat with the given arguments: the one on PATH, else the one in
# $(go env GOPATH)/bin, else golang.org/x/perf's at the version go.mod
# requires (go run, through the module proxy).
set -euo pipefail
if command -v benchstat >/dev/null; then
	exec benchstat "$@"
elif [ -x "$(go env GOPATH)/bin/benchstat" ]; then
	exec "$(go env GOPATH)/bin/benchstat" "$@"
fi
version=$(cd "$(dirname "$0")/.." && go list -m -f '{{.Version}}' golang.org/x/perf)
exec go run "golang.org/x/perf/cmd/benchstat@$version" "$@"
