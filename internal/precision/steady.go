package precision

import (
	"fmt"
	"math"
	"slices"

	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
)

// The probe is the cell whose spread says how steady the machine was while
// the run measured: JoinAll impl=serial n=1000 task=tiny at GOMAXPROCS=1,
// a plain loop of tiny CPU tasks on the benchmark's goroutine, which neither
// starts a goroutine nor waits. What varies between its samples is mostly
// the machine's speed (a shared host's other work, its clock), which every
// other cell of the run saw as well. It tells a reader that the machine
// moved during the run and by how much; on the 2-vCPU machine of
// docs/precision.md it did not predict well how many cells came out
// precise.
var probe = []suite.Part{suite.Impl.Is(suite.Serial), suite.N.Is(1000), suite.Task.Is(suite.Tiny)}

// Steady is what the probe measured.
type Steady struct {
	Name              string  // the probe cell, as [results.Set.Name] writes it
	Samples           int     // its sec/op samples
	Fastest, Slowest  float64 // sec/op of its fastest and slowest sample
	Median, HalfWidth float64 // its median and the half-width of its 95% interval ([Width])
}

// Spread is the slowest sample's time over the fastest's: 1 on a machine
// whose speed never changed.
func (st Steady) Spread() float64 { return st.Slowest / st.Fastest }

// Steadiness returns the probe's sec/op in s, ok false if s has no probe
// cell (its -bench left it out) with two samples or more (one sample has no
// spread to tell of): in the Go runtime, at GOMAXPROCS=1, preemption on if
// both modes ran.
func Steadiness(s *results.Set) (st Steady, ok bool) {
	var best results.Metric
	for _, m := range s.Metrics() {
		c := m.Cell
		if m.Unit != "sec/op" || c.Bench() != suite.JoinAll || c.Procs() != 1 || c.Runtime() == "tokio" || !c.Has(probe...) {
			continue
		}
		if !ok || best.Preempt() == "off" {
			best, ok = m, true
		}
	}
	if !ok {
		return Steady{}, false
	}
	vals := slices.Clone(s.Values(best))
	sum, ok := s.Summary(best)
	if !ok || len(vals) < 2 {
		return Steady{}, false
	}
	slices.Sort(vals)
	return Steady{Name: s.Name(best.Cell), Samples: len(vals), Fastest: vals[0], Slowest: vals[len(vals)-1],
		Median: sum.Center, HalfWidth: Width(sum)}, true
}

// String says what the probe measured and what it means, one sentence for
// a report's header and the precision command.
func (st Steady) String() string {
	sec := func(v float64) string { return benchunit.Scale(v, benchunit.Decimal) + "s" }
	within := "∞" // fewer than 6 samples have no interval, as benchstat writes it
	if !math.IsInf(st.HalfWidth, 0) {
		within = fmt.Sprintf("%.0f%%", 100*st.HalfWidth)
	}
	return fmt.Sprintf("%s at GOMAXPROCS=1, a plain loop of CPU work on one goroutine, took %s in its fastest and %s in its slowest of %d samples "+
		"(×%.2f; median %s ±%s). It starts no goroutine and never waits, so what moves it is mostly the machine (a shared host's other work, its clock), "+
		"which every cell of the run saw",
		st.Name, sec(st.Fastest), sec(st.Slowest), st.Samples, st.Spread(), sec(st.Median), within)
}
