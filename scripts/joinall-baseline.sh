#!/usr/bin/env bash
# Measures joinall.Run against the Run of an earlier commit, side by side in
# the same benchmark processes, and prints `benchstat -col /impl`: the
# measurement behind issue #11's bound (no homogeneous cell more than 5%
# slower than e84e06c) and the tables in docs/joinall.md.
#
# Usage: scripts/joinall-baseline.sh [REV] [concbench run flags...]
#
# REV (default e84e06c, issue #11's baseline) must be a commit of this
# repository whose patterns/joinall builds against HEAD's other packages.
# The flags follow the defaults below and override them (e.g. -count 20,
# -cpu 1,2, or -bench to choose other cells).
#
# In a temporary worktree of HEAD (committed code only), REV's
# patterns/joinall is added as package patterns/joinall/impls/baseline and
# as impl=baseline next to impl=own in joinall/impls.Impls (before it in
# about half of the processes, after it in the others), so BenchmarkJoinAll
# runs both on the same task slices, one after the other in every process;
# concbench run takes the rounds as separate processes (40 of them, about
# 20 s on the 2-vCPU reference machine).
# The run, whose commit reads HEAD-dirty (the added impl), is written under
# results/ with benchstat.txt beside its raw.txt; the worktree is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

rev=e84e06c
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	rev=$1
	shift
fi
if ! git rev-parse --verify -q "$rev^{commit}" >/dev/null; then
	echo "joinall-baseline.sh: $rev: not a commit of this repository" >&2
	exit 2
fi
files=$(git ls-tree --name-only "$rev" patterns/joinall/ | grep '\.go$' | grep -v '_test\.go$' || true)
if [ -z "$files" ]; then
	echo "joinall-baseline.sh: $rev has no patterns/joinall/*.go" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'git -C "$top" worktree remove --force "$tmp/wt" 2>/dev/null || true; rm -rf "$tmp"' EXIT
git worktree add -q --detach "$tmp/wt" HEAD
mkdir "$tmp/wt/patterns/joinall/impls/baseline"
for f in $files; do
	git show "$rev:$f" | sed 's/^package joinall$/package baseline/' \
		>"$tmp/wt/patterns/joinall/impls/baseline/$(basename "$f")"
done
cat >"$tmp/wt/patterns/joinall/impls/zz_baseline.go" <<EOF
package impls

import (
	"os"
	"slices"

	"github.com/concbench/concbench/patterns/alt"
	"github.com/concbench/concbench/patterns/joinall/impls/baseline"
)

// Added by scripts/joinall-baseline.sh: joinall.Run as of $rev, right
// before or right after impl=own, by the parity of the process's PID, so
// that neither always runs the process's first (cold) benchmark.
func init() {
	at := os.Getpid() % 2
	Impls = slices.Insert(Impls, at, Impl{Meta: alt.Meta{Name: "baseline", Panics: alt.Repanic}, Run: baseline.Run[int]})
}
EOF

# Built, not go run: go run turns every failing exit status into 1.
(cd "$tmp/wt" && go build -o "$tmp/concbench" ./cmd/concbench)
dir=$(cd "$tmp/wt" && "$tmp/concbench" run \
	-bench '^BenchmarkJoinAll$/^impl=(own|baseline)$/^n=(1000|100000)$/^task=(tiny|wait)$' \
	-cpu 2 -preempt async -count 40 -benchtime 50ms -tokio '' -endless 0 \
	-out "$top/results" "$@" | tail -n 1)

scripts/benchstat.sh -col '/impl@(baseline own)' -filter '.unit:sec/op' "$dir/raw.txt" >"$tmp/benchstat.txt"
mv "$tmp/benchstat.txt" "$dir/benchstat.txt"
cat "$dir/benchstat.txt"
echo >&2
echo "joinall-baseline.sh: wrote $dir: raw.txt, report.md, benchstat.txt (own against $rev as impl=baseline)" >&2
