package track

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"

	"github.com/concbench/concbench/internal/history"
	"github.com/concbench/concbench/internal/history/changepoint"
	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
)

// Noise is the relative noise of real measurements: for each cell of a
// benchmark file, its sec/op samples divided by their median.
type Noise [][]float64

// NoiseOf reads the noise of every sec/op metric of s with at least
// minSamples samples (6, benchstat's minimum for an interval, is a fair
// choice) whose cell keep accepts.
func NoiseOf(s *results.Set, minSamples int, keep func(results.Cell) bool) Noise {
	var out Noise
	for _, m := range s.Metrics() {
		v := s.Values(m)
		if m.Unit != "sec/op" || len(v) < minSamples || !keep(m.Cell) {
			continue
		}
		med := median(v)
		if med <= 0 {
			continue
		}
		r := make([]float64, len(v))
		for i, x := range v {
			r[i] = x / med
		}
		out = append(out, r)
	}
	return out
}

// Sim is one simulation: Series series of Points points each, every point
// the median of Samples draws (with replacement) from one cell's noise, the
// cell picked at random per series.
type Sim struct {
	Series, Points, Samples int
	Seed                    uint64
	Config                  changepoint.Config
}

// SimResult is what a simulation found.
type SimResult struct {
	Sim
	Cells int // cells the noise came from
	// No shift: change points found in all series (each one false).
	FalseChanges, FalseSeries int
	// A 10% step at a random point: series with a change point within ±1
	// commit of it, and change points found elsewhere.
	StepFound, StepExact, StepOther int
	// The step in the series of quiet cells (noise spread <= QuietSpread).
	QuietSteps, QuietFound int
	// A 2% rise per commit over 10 commits: series with a change point
	// within the ramp or 1 commit either side, and change points elsewhere.
	DriftFound, DriftOther int
}

// Run runs the three simulations on noise, in this order, from one
// random source seeded with sim.Seed. If sim.Config.Done is closed, it
// stops early with a result the caller, having cancelled it, should not use.
func (sim Sim) Run(noise Noise) SimResult {
	if len(noise) == 0 || sim.Points < 30 {
		panic("track: Sim.Run needs noise and at least 30 points")
	}
	rng := rand.New(rand.NewPCG(sim.Seed, 16))
	r := SimResult{Sim: sim, Cells: len(noise)}
	sim.noShift(&r, rng, noise)
	sim.steps(&r, rng, noise)
	sim.drifts(&r, rng, noise)
	return r
}

// noShift counts the change points found in series without a shift.
func (sim Sim) noShift(r *SimResult, rng *rand.Rand, noise Noise) {
	for range sim.Series {
		if sim.Config.Stopped() {
			return
		}
		n := len(sim.changes(rng, noise[rng.IntN(len(noise))], func(int) float64 { return 1 }))
		r.FalseChanges += n
		if n > 0 {
			r.FalseSeries++
		}
	}
}

// steps counts the series with a 10% step at a random point whose change
// points find it.
func (sim Sim) steps(r *SimResult, rng *rand.Rand, noise Noise) {
	for range sim.Series {
		if sim.Config.Stopped() {
			return
		}
		at := 10 + rng.IntN(sim.Points-20)
		cell := noise[rng.IntN(len(noise))]
		cs := sim.changes(rng, cell, func(i int) float64 { return step(i, at) })
		found := slices.IndexFunc(cs, func(c Change) bool { return c.Point >= at-1 && c.Point <= at+1 })
		quiet := spread(cell) <= QuietSpread
		if quiet {
			r.QuietSteps++
		}
		if found >= 0 {
			r.StepFound++
			if quiet {
				r.QuietFound++
			}
			if cs[found].Point == at {
				r.StepExact++
			}
		}
		r.StepOther += len(cs) - min(1, found+1)
	}
}

// drifts counts the series with a 2%-per-commit drift whose change points
// find it.
func (sim Sim) drifts(r *SimResult, rng *rand.Rand, noise Noise) {
	for range sim.Series {
		if sim.Config.Stopped() {
			return
		}
		at := 5 + rng.IntN(sim.Points-25)
		cs := sim.changes(rng, noise[rng.IntN(len(noise))], func(i int) float64 { return drift(i, at) })
		in := 0
		for _, c := range cs {
			if c.Point >= at-1 && c.Point <= at+11 {
				in++
			}
		}
		if in > 0 {
			r.DriftFound++
		}
		r.DriftOther += len(cs) - in
	}
}

// step is 1 before point at and 1.10 from it on.
func step(i, at int) float64 {
	if i < at {
		return 1
	}
	return 1.10
}

// drift rises 2% a commit from point at for 10 commits, then stays.
func drift(i, at int) float64 {
	k := min(max(i-at+1, 0), 10)
	f := 1.0
	for range k {
		f *= 1.02
	}
	return f
}

// changes simulates one series of the given shape and returns its change points.
func (sim Sim) changes(rng *rand.Rand, cell []float64, shape func(int) float64) []Change {
	s := history.Series{Unit: "sec/op", Better: -1, Points: make([]history.Point, sim.Points)}
	draws := make([]float64, sim.Samples)
	for i := range s.Points {
		for j := range draws {
			draws[j] = cell[rng.IntN(len(cell))]
		}
		s.Points[i].Commit = i
		s.Points[i].Summary.Center = shape(i) * median(draws)
	}
	return Changes(s, sim.Config)
}

// QuietSpread is the noise spread (interquartile range over median) up to
// which a cell counts as quiet in [SimResult].
const QuietSpread = 0.10

// spread returns the interquartile range of a cell's noise over its median.
func spread(cell []float64) float64 {
	s := slices.Clone(cell)
	slices.Sort(s)
	n := len(s)
	return (s[3*n/4] - s[n/4]) / median(s)
}

// Print writes r for people.
func (r SimResult) Print(w io.Writer) {
	fmt.Fprintf(w, "noise: %d cells; %d series of %d commits per case, each point the median of %d samples; seed %d\n",
		r.Cells, r.Series, r.Points, r.Samples, r.Seed)
	fmt.Fprintf(w, "change points: E-divisive, %d permutations, p <= %g, segments >= %d\n",
		r.Config.Permutations, r.Config.Alpha, r.Config.MinSize)
	per100 := func(n int) float64 { return 100 * float64(n) / float64(r.Series) }
	fmt.Fprintf(w, "no shift:           %d false change points in %d series (%.1f per 100 series), %d series with any\n",
		r.FalseChanges, r.Series, per100(r.FalseChanges), r.FalseSeries)
	fmt.Fprintf(w, "10%% step:           found within ±1 commit in %d of %d (%.0f%%), at the exact commit in %d; %d other change points\n",
		r.StepFound, r.Series, per100(r.StepFound), r.StepExact, r.StepOther)
	fmt.Fprintf(w, "  of which quiet cells (spread <= %.0f%%): found in %d of %d\n", 100*QuietSpread, r.QuietFound, r.QuietSteps)
	fmt.Fprintf(w, "2%%/commit x10 drift: found within the ramp ±1 in %d of %d (%.0f%%); %d other change points\n",
		r.DriftFound, r.Series, per100(r.DriftFound), r.DriftOther)
}

// Tracked selects the cells the history tracks in CI, whose noise the
// simulation should use: the own implementation (impl=own) of every pattern
// but starvation, as the gate's quick set (internal/gate.QuickSet).
func Tracked(c results.Cell) bool {
	return c.Sub(suite.Impl) == suite.Own && c.Bench() != "Starvation"
}
