package report

import (
	"maps"
	"slices"
	"strconv"

	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/patterns/alt"
	failfastimpls "github.com/concbench/concbench/patterns/failfast/impls"
	firstdoneimpls "github.com/concbench/concbench/patterns/firstdone/impls"
	joinallimpls "github.com/concbench/concbench/patterns/joinall/impls"
)

// pattern is what the report knows about one top-level benchmark beyond its
// numbers: a title, the implementations' documented departures from the
// contract, which metric its chart shows, and where a measured lower bound
// gives an efficiency.
//
// To add a pattern, add an entry to [patterns] that reads its impls
// package's table with [alt.Of] (every row embeds an alt.Meta).
// Starvation has no implementations, so no table.
type pattern struct {
	bench string // top-level benchmark name without "Benchmark"
	title string
	about string     // one sentence: what the benchmark models
	impls []alt.Meta // its impls package's table; none for Starvation
	chart string     // tidied unit the chart shows
}

var patterns = []pattern{
	{bench: suite.JoinAll, title: "Join all", impls: alt.Of(joinallimpls.Impls), chart: secTask,
		about: "run n tasks concurrently and wait for all of them, results in submission order."},
	{bench: suite.FirstDone, title: "First done", impls: alt.Of(firstdoneimpls.Impls), chart: firstSec,
		about: "start n tasks, take the first result, cancel the losers."},
	{bench: suite.FailFast, title: "Fail fast", impls: alt.Of(failfastimpls.Impls), chart: secOp,
		about: "the first error cancels the other tasks (the errgroup pattern)."},
	{bench: suite.Starvation, title: "Starvation", chart: stallSec,
		about: "n CPU hogs against a latency-sensitive victim: how long the victim waits to run."},
}

func patternOf(bench string) pattern {
	for _, p := range patterns {
		if p.bench == bench {
			return p
		}
	}
	return pattern{bench: bench, title: bench, chart: secOp}
}

// bound returns the measured lower bound of m by the suite's rules
// (suite.Bounds), and false if no rule applies or its cell was not measured.
func (r *rep) bound(m results.Metric) (float64, bool) {
	b, ok := boundRule(m)
	if !ok {
		return 0, false
	}
	fields := []string{suite.Impl.Field(), b.Impl}
	if b.N != "" {
		fields = append(fields, suite.N.Field(), b.N)
	}
	ref, ok := r.With(m.Cell, fields...)
	if !ok {
		return 0, false
	}
	med, ok := r.Median(results.Metric{Cell: ref, Unit: tidy(b.RefUnit)})
	if b.PerProc {
		med *= max(1/float64(r.parallel(m.Cell)), largestShare(m.Cell))
	}
	return med, ok
}

// boundRule returns the rule of suite.Bounds that applies to m, if any.
func boundRule(m results.Metric) (suite.Bound, bool) {
	for _, b := range suite.Bounds {
		if m.Bench() == b.Pattern && m.Unit == tidy(b.Unit) && (len(b.Tasks) == 0 || slices.Contains(b.Tasks, m.Sub(suite.Task))) {
			return b, true
		}
	}
	return suite.Bound{}, false
}

// largestShare returns the share of a cell's serial work that its largest
// task does, which no schedule can split: that of task=skewed (the other
// kinds' tasks are alike, and their share 1/n is below any 1/GOMAXPROCS the
// suite runs at).
func largestShare(c results.Cell) float64 {
	if c.Sub(suite.Task) != suite.Skewed {
		return 0
	}
	return work.SkewedLargest(int(nOf(c)))
}

// parallel returns how many tasks can run at once in cell c: its
// GOMAXPROCS, or its cores if fewer (see [rep.cores]). Without cores (plain
// go test output of another suite) it returns GOMAXPROCS: the bound then
// assumes a core per P, which -cpu above the machine's cores makes
// unreachable.
func (r *rep) parallel(c results.Cell) int {
	if n, ok := r.cores(c); ok {
		return min(c.Procs(), n)
	}
	return c.Procs()
}

// cores returns how many CPUs cell c's processes could use: the one value
// of the "cores:" config line in the cell's results (the bench binary
// writes runtime.NumCPU(), and the runner the same before each process,
// which differs between a run's pinned and unpinned processes), or else
// the input's one value; false if there is no such line, or no one value.
func (r *rep) cores(c results.Cell) (int, bool) {
	vals := r.CellConfig(c, "cores")
	if len(vals) == 0 {
		vals = r.Config("cores")
	}
	if len(vals) != 1 {
		return 0, false
	}
	n, err := strconv.Atoi(vals[0])
	return n, err == nil && n > 0
}

// panicText says in words what a pattern package's PanicMode means.
func panicText(mode string) string {
	switch mode {
	case "repanic":
		return "re-panics in the caller once the others returned"
	case "crash":
		return "crashes the process"
	case "caller":
		return "unwinds the caller at once (tasks run on it)"
	case "":
		return "–"
	}
	return mode
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// tidy returns a unit as benchunit tidies it, as the report reads it:
// tidy("ns/task") is "sec/task".
func tidy(unit string) string {
	_, u := benchunit.Tidy(1, unit)
	return u
}

// The tidied units the report reads by name.
var (
	secOp       = tidy(suite.NsPerOp)
	secTask     = tidy(suite.NsPerTask)
	firstSec    = tidy(suite.FirstNs)
	cancelSec   = tidy(suite.CancelNs)
	startSec    = tidy(suite.StartNs)
	wastedTasks = tidy(suite.WastedTasks)
	stallSec    = tidy(suite.StallNs)
	progress    = tidy(suite.Progress)
	p50Wake     = tidy(suite.P50WakeNs)
	p99Wake     = tidy(suite.P99WakeNs)
)
