package report

import (
	"fmt"
	"slices"

	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
)

// guidance says how impl fared against the other implementations of names
// in this run, from the sec/op cells of bench in mode: in how many of the
// cells where it ran beside another it was the fastest or not significantly
// slower than the fastest (Mann-Whitney U at α = 0.05), where it was
// slower, the worst case, and in how many the samples were too few for the
// test to tell (see [testable]). It is the report's "use it for", computed:
// a sentence the numbers could contradict is never written by hand.
func (r *rep) guidance(bench, mode, impl string, names []string) string {
	var ms []results.Metric
	for _, m := range r.metricsOf(bench, mode, secOp) {
		if slices.Contains(names, m.Sub(suite.Impl)) {
			ms = append(ms, m)
		}
	}
	best, few, total := 0, 0, 0
	var worst *slower
	for _, g := range results.Group(cellsOfMetrics(ms), suite.Impl.Field()) {
		i := slices.IndexFunc(g, func(c results.Cell) bool { return c.Sub(suite.Impl) == impl })
		if i < 0 || len(g) < 2 {
			continue
		}
		total++
		s, sig := r.slowerThanFastest(g, g[i])
		switch sig {
		case same:
			best++
			continue
		case tooFew:
			few++
			continue
		}
		if worst == nil || s.ratio > worst.ratio {
			worst = &s
		}
	}
	if total == 0 {
		return "not compared in this run"
	}
	out := fmt.Sprintf("fastest or within noise in %d of %d cells", best, total)
	if worst != nil {
		out += fmt.Sprintf("; slower in %d, most at %s GOMAXPROCS=%d (%s)",
			total-best-few, others(worst.cell), worst.cell.Procs(), slowdown(worst.ratio, worst.fastest))
	}
	if few > 0 {
		out += fmt.Sprintf("; too few samples to compare with the fastest in %d", few)
	}
	return out
}

// slower is a cell where an implementation was significantly slower than
// the fastest one.
type slower struct {
	cell    results.Cell
	ratio   float64 // its median over the fastest's
	fastest string  // the fastest impl
}

// slowerThanFastest compares c with the fastest cell (by sec/op median) of
// its group g and reports whether c is significantly slower (differs), not
// (same: also when c is the fastest), or too few samples to tell. The
// fastest median is itself compared with the next one: with samples too few
// for the U-test (one each), the lowest median is not evidence of anything.
func (r *rep) slowerThanFastest(g []results.Cell, c results.Cell) (slower, significance) {
	med := func(c results.Cell) float64 {
		v, _ := r.Median(results.Metric{Cell: c, Unit: secOp})
		return v
	}
	byMedian := func(a, b results.Cell) int { return cmpFloat(med(a), med(b)) }
	fastest := slices.MinFunc(g, byMedian)
	if fastest == c {
		next := slices.MinFunc(slices.DeleteFunc(slices.Clone(g), func(o results.Cell) bool { return o == c }), byMedian)
		if sig, _ := r.differ(results.Metric{Cell: c, Unit: secOp}, results.Metric{Cell: next, Unit: secOp}); sig == tooFew {
			return slower{}, tooFew
		}
		return slower{}, same
	}
	if med(fastest) <= 0 {
		return slower{}, same
	}
	sig, _ := r.differ(results.Metric{Cell: fastest, Unit: secOp}, results.Metric{Cell: c, Unit: secOp})
	if sig != differs {
		return slower{}, sig
	}
	return slower{c, med(c) / med(fastest), fastest.Sub(suite.Impl)}, differs
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// slowdown says how much slower a median ratio r is than impl: "12% slower
// than serial" below twice, "15× the time of serial" from there.
func slowdown(r float64, impl string) string {
	if r < 2 {
		return percent(r-1) + " slower than " + impl
	}
	return ratio(r, 1) + " the time of " + impl
}
