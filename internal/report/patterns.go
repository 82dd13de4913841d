package report

import (
	"maps"
	"slices"

	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
	"github.com/concbench/concbench/patterns/failfast"
	"github.com/concbench/concbench/patterns/firstdone"
	joinallimpls "github.com/concbench/concbench/patterns/joinall/impls"
)

// pattern is what the report knows about one top-level benchmark beyond its
// numbers: a title, the implementations' documented departures from the
// contract, which metric its chart shows, and where a measured lower bound
// gives an efficiency.
//
// To add a pattern, add an entry to [patterns] that reads its package's Impls
// table with [implsOf] (every table has the shape of joinall/impls.Impls:
// Name, Deviations, Panics). Starvation has no implementations, so no table.
type pattern struct {
	bench string // top-level benchmark name without "Benchmark"
	title string
	about string // one sentence: what the benchmark models
	impls func() []impl
	chart string // tidied unit the chart shows
}

// impl is one row of a pattern package's Impls table.
type impl struct {
	name       string
	deviations map[string]string
	panics     string // the package's PanicMode: repanic, crash or caller
}

var patterns = []pattern{
	{
		bench: suite.JoinAll,
		title: "Join all",
		about: "run n tasks concurrently and wait for all of them, results in submission order.",
		impls: func() []impl {
			return implsOf(joinallimpls.Impls, func(i joinallimpls.Impl) impl { return impl{i.Name, i.Deviations, string(i.Panics)} })
		},
		chart: secTask,
	},
	{
		bench: suite.FirstDone,
		title: "First done",
		about: "start n tasks, take the first result, cancel the losers.",
		impls: func() []impl {
			return implsOf(firstdone.Impls, func(i firstdone.Impl) impl { return impl{i.Name, i.Deviations, string(i.Panics)} })
		},
		chart: firstSec,
	},
	{
		bench: suite.FailFast,
		title: "Fail fast",
		about: "the first error cancels the other tasks (the errgroup pattern).",
		impls: func() []impl {
			return implsOf(failfast.Impls, func(i failfast.Impl) impl { return impl{i.Name, i.Deviations, string(i.Panics)} })
		},
		chart: secOp,
	},
	{
		bench: suite.Starvation,
		title: "Starvation",
		about: "n CPU hogs against a latency-sensitive victim: how long the victim waits to run.",
		chart: stallSec,
	},
}

// implsOf converts a pattern package's Impls table.
func implsOf[T any](table []T, conv func(T) impl) []impl {
	out := make([]impl, len(table))
	for i, t := range table {
		out[i] = conv(t)
	}
	return out
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
	for _, b := range suite.Bounds {
		if m.Bench() != b.Pattern || m.Unit != tidy(b.Unit) || len(b.Tasks) > 0 && !slices.Contains(b.Tasks, m.Sub(suite.Task)) {
			continue
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
			med /= float64(m.Procs())
		}
		return med, ok
	}
	return 0, false
}

// deviationsOf returns the pattern's implementations that document a
// departure from the contract, sorted by the table's order.
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

func deviationsOf(p pattern) []impl {
	if p.impls == nil {
		return nil
	}
	var out []impl
	for _, im := range p.impls() {
		if len(im.deviations) > 0 {
			out = append(out, im)
		}
	}
	return out
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
