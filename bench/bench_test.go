// Package bench is concbench's go test -bench suite: one file per pattern,
// every sub-benchmark named with key=value parts in the order impl, n, task
// (hog, victim for starvation), so that one benchstat line serves them all:
//
//	benchstat -col /impl -row /n@num,/task results.txt
//
// Names, keys, task kinds and units come from internal/suite, which the
// report reads by too. GOMAXPROCS comes from -cpu; the preemption mode from
// the process's GODEBUG, which the runner records as a "preempt:" config
// line.
package bench

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/suite"
)

// perTask reports the benchmark's time per task as ns/task; call it after
// the b.Loop loop, when b.N and b.Elapsed are final.
func perTask(b *testing.B, tasks int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tasks), suite.NsPerTask)
}

// reportMedian reports the median of one span per op (in ns) as unit: a
// latency metric that one slow op, which a mean would carry, cannot move.
// Call it after the b.Loop loop.
func reportMedian(b *testing.B, ns []int64, unit string) {
	if len(ns) == 0 {
		return
	}
	slices.Sort(ns)
	mid := len(ns) / 2
	m := float64(ns[mid])
	if len(ns)%2 == 0 {
		m = (float64(ns[mid-1]) + m) / 2
	}
	b.ReportMetric(m, unit)
}

// TestNames checks that every top-level benchmark of this package is a
// pattern of internal/suite, and every pattern a benchmark here: the report
// finds its cells by those names.
func TestNames(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, path := range files {
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Benchmark") {
				got = append(got, strings.TrimPrefix(fn.Name.Name, "Benchmark"))
			}
		}
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(suite.Patterns))
	if !slices.Equal(got, want) {
		t.Errorf("benchmarks = %q; want suite.Patterns %q", got, want)
	}
}
