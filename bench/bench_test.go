// Package bench is concbench's go test -bench suite: one file per pattern,
// every sub-benchmark named with key=value parts in the order impl, n, task
// (hog, victim for starvation), so that one benchstat line serves them all:
//
//	benchstat -col /impl -row /n@num,/task results.txt
//
// Names, keys, task kinds and units come from internal/suite, which the
// report reads by too. GOMAXPROCS comes from -cpu, one value per process
// (every benchmark refuses a list: see oneCPU); the preemption mode from
// the process's GODEBUG, which the runner records as a "preempt:" config
// line.
package bench

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/childproc"
	"github.com/concbench/concbench/internal/suite"
)

// TestMain writes a "cores:" config line before the benchmarks run, when
// there are any (-test.bench): the report divides the bound of CPU work by
// the cores when GOMAXPROCS is above them, and plain go test -bench output
// would not say how many there were. The runner writes the same line into
// raw.txt. Left out: a "preempt:" line from GODEBUG, which would also
// label plain output's cells, but cells are matched by it, so the gate
// would find none of a base without the line at a head with it.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		fmt.Printf("cores: %d\n", runtime.NumCPU())
	}
	os.Exit(m.Run())
}

// oneCPU fails the top-level benchmark b when -test.cpu lists more than one
// value. With b.Loop the testing package measures a cell's first -cpu value
// in the run that only probes it (run1), at the GOMAXPROCS the cell before
// it (or, for the first cell, the tests) left behind, and reports that run
// under the first value's -N suffix (golang/go#49980): with -cpu 1,2,4
// every -1 line was measured at GOMAXPROCS=4. Run one value per process, as
// the runner and scripts/preempt.sh do.
func oneCPU(b *testing.B) {
	if cpu := flag.Lookup("test.cpu"); cpu != nil && strings.Contains(cpu.Value.String(), ",") {
		b.Fatalf("-test.cpu=%s: run one -test.cpu value per process: with a list, each cell's first value is measured at the GOMAXPROCS the previous cell left (golang/go#49980), so its -N suffix would name a GOMAXPROCS that did not run", cpu.Value)
	}
}

// perTask reports the benchmark's time per task as ns/task; call it after
// the b.Loop loop, when b.N and b.Elapsed are final.
func perTask(b *testing.B, tasks int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tasks), suite.NsPerTask)
}

// maxSpans is how many ops' spans a [spans] keeps: a sample's last ones.
const maxSpans = 1 << 14

// spans collects one span (in ns) per op of a b.Loop loop for
// [reportMedian], the last [maxSpans] of them. Its buffer is allocated
// before the loop, so recording allocates nothing that the benchmark's B/op
// and allocs/op count: appending to growing slices did, and so added 32 to
// 128 B/op, varying with b.N, and at -benchtime 1x 4 allocs/op, to every
// FirstDone cell.
type spans struct {
	ns []int64
	n  int // spans recorded
}

func newSpans() *spans { return &spans{ns: make([]int64, maxSpans)} }

func (s *spans) add(ns int64) {
	s.ns[s.n%len(s.ns)] = ns
	s.n++
}

// kept returns the spans s holds, in no particular order.
func (s *spans) kept() []int64 { return s.ns[:min(s.n, len(s.ns))] }

// reportMedian reports the median of the spans s kept (in ns) as unit: a
// latency metric that one slow op, which a mean would carry, cannot move.
// Call it after the b.Loop loop.
func reportMedian(b *testing.B, s *spans, unit string) {
	if ns := s.kept(); len(ns) > 0 {
		b.ReportMetric(median(ns), unit)
	}
}

// median returns the median of ns, the mean of the middle two for an even
// count, as benchstat takes it; it sorts ns. ns must not be empty.
func median(ns []int64) float64 {
	slices.Sort(ns)
	mid := len(ns) / 2
	m := float64(ns[mid])
	if len(ns)%2 == 0 {
		m = (float64(ns[mid-1]) + m) / 2
	}
	return m
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

// TestOneCPU runs every top-level benchmark in a child process of this test
// binary, with a -test.cpu list and with one value, and a -test.bench
// pattern that matches none of its cells: each must refuse the list (see
// oneCPU) and accept the single value, and the output must have TestMain's
// cores: line.
func TestOneCPU(t *testing.T) {
	for _, p := range suite.Patterns {
		for _, tc := range []struct {
			cpu    string
			refuse bool
		}{{"1,2", true}, {"1", false}} {
			t.Run(p+"/cpu="+tc.cpu, func(t *testing.T) {
				out, err := benchChild(t, "-test.bench=^Benchmark"+p+"$/^none$", "-test.cpu="+tc.cpu)
				refused := err != nil && strings.Contains(out, "golang/go#49980")
				if refused != tc.refuse {
					t.Errorf("-test.cpu=%s: refused = %v; want %v (err %v)\n%s", tc.cpu, refused, tc.refuse, err, out)
				}
				if want := fmt.Sprintf("cores: %d\n", runtime.NumCPU()); !strings.Contains("\n"+out, "\n"+want) {
					t.Errorf("output lacks the config line %q:\n%s", want, out)
				}
			})
		}
	}
}

// benchChild runs this test binary with no tests, the given flags added,
// for at most a minute, and returns its output and exit error.
func benchChild(t *testing.T, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := childproc.Command(ctx, os.Args[0], append([]string{"-test.run=^$", "-test.benchtime=1x"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := childproc.Run(cmd)
	if ctx.Err() != nil {
		t.Fatalf("%v: no exit within a minute\n%s", cmd.Args, out.String())
	}
	return out.String(), err
}

// TestSpans checks that recording a span allocates nothing, however many
// ops a sample has (the benchmarks record inside the timed loop, where B/op
// and allocs/op count every allocation), and that a spans keeps the last
// maxSpans of them.
func TestSpans(t *testing.T) {
	s := newSpans()
	next := int64(0)
	if a := testing.AllocsPerRun(3, func() {
		for range maxSpans {
			s.add(next)
			next++
		}
	}); a != 0 {
		t.Errorf("recording %d spans: %v allocations; want 0", maxSpans, a)
	}
	got := slices.Sorted(slices.Values(s.kept()))
	if len(got) != maxSpans || got[0] != next-maxSpans || got[len(got)-1] != next-1 {
		t.Errorf("kept %d spans from %d to %d; want the last %d, %d to %d", len(got), got[0], got[len(got)-1], maxSpans, next-maxSpans, next-1)
	}
	if got := newSpans().kept(); len(got) != 0 {
		t.Errorf("a new spans keeps %v; want none", got)
	}
}
