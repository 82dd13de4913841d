#!/usr/bin/env bash
# Gates the working tree against a base revision: exit 0 no regression, 1 a
# regression, 2 bad usage or input (see concbench gate -h).
#
#   scripts/regress.sh [BASE] [concbench gate flags...]
#
# BASE defaults to the merge base of HEAD with origin/main, or with main when
# there is no origin/main. Under CI (CI set) the checkout must be clean: the
# head measured must be the commit under review (-clean). GitHub Actions
# use action.yml at the repository's root instead, as .github/workflows/
# bench.yml does.
set -euo pipefail
cd "$(dirname "$0")/.."

base=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	base="$1"
	shift
fi
if [ -z "$base" ]; then
	for main in origin/main main; do
		if base="$(git merge-base HEAD "$main" 2>/dev/null)"; then
			break
		fi
		base=""
	done
	if [ -z "$base" ]; then
		echo "regress.sh: neither origin/main nor main shares history with HEAD; give the base revision as the first argument" >&2
		exit 2
	fi
fi
flags=()
if [ -n "${CI:-}" ]; then
	flags+=(-clean)
fi

# Built, not go run: go run turns every failing exit status into 1, and the
# gate's 1 (regression) and 2 (bad input) must stay apart.
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/concbench" ./cmd/concbench
"$bin/concbench" gate --base "$base" ${flags[@]+"${flags[@]}"} "$@"
