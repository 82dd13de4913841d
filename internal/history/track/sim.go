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

// Noise is the relative noise of real measurements: for each cell, the
// sec/op samples of each run they came from, divided by the median of all
// of them. A cell measured in one run has one row; in several runs made
// apart in time, one row per run, each keeping how far the machine moved
// that run.
type Noise [][][]float64

// NoiseOf reads the noise of every sec/op metric that cell keep accepts
// and that each of runs measured in at least minSamples samples (6,
// benchstat's minimum for an interval, is a fair choice): a cell some run
// lacks, or sampled fewer times, is left out.
func NoiseOf(runs []*results.Set, minSamples int, keep func(results.Cell) bool) Noise {
	var out Noise
	if len(runs) == 0 {
		return nil
	}
	for _, m := range runs[0].Metrics() {
		if m.Unit != "sec/op" || !keep(m.Cell) {
			continue
		}
		var rows [][]float64
		var all []float64
		for _, s := range runs {
			c, ok := s.Lookup(m.Cell)
			if !ok {
				break
			}
			v := s.Values(results.Metric{Cell: c, Unit: m.Unit})
			if len(v) < minSamples {
				break
			}
			rows = append(rows, slices.Clone(v))
			all = append(all, v...)
		}
		if len(rows) < len(runs) {
			continue
		}
		med := median(all)
		if med <= 0 {
			continue
		}
		for _, r := range rows {
			for i := range r {
				r[i] /= med
			}
		}
		out = append(out, rows)
	}
	return out
}

// Sim is one simulation: Series series of Points points each, every point
// the median of Samples draws (with replacement) from one cell's noise, the
// cell picked at random per series and, where the noise has several runs,
// the run picked at random per point: each commit is measured in one run.
type Sim struct {
	Series, Points, Samples int
	Seed                    uint64
	Config                  changepoint.Config
}

// SimResult is what a simulation found.
type SimResult struct {
	Sim
	Cells int // cells the noise came from
	Runs  int // runs of each cell
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
	r := SimResult{Sim: sim, Cells: len(noise), Runs: len(noise[0])}
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
func (sim Sim) changes(rng *rand.Rand, cell [][]float64, shape func(int) float64) []Change {
	return Changes(sim.series(rng, cell, shape), sim.Config)
}

// series simulates one series of the given shape: each point from one run
// of cell, picked at random.
func (sim Sim) series(rng *rand.Rand, cell [][]float64, shape func(int) float64) history.Series {
	s := history.Series{Unit: "sec/op", Better: -1, Points: make([]history.Point, sim.Points)}
	draws := make([]float64, sim.Samples)
	for i := range s.Points {
		run := cell[0]
		if len(cell) > 1 { // one run draws nothing here: its figures stay as they were
			run = cell[rng.IntN(len(cell))]
		}
		for j := range draws {
			draws[j] = run[rng.IntN(len(run))]
		}
		s.Points[i].Commit = i
		s.Points[i].Summary.Center = shape(i) * median(draws)
	}
	return s
}

// QuietSpread is the noise spread (interquartile range over median) up to
// which a cell counts as quiet in [SimResult].
const QuietSpread = 0.10

// spread returns the interquartile range of a cell's noise, all its runs
// together, over its median.
func spread(cell [][]float64) float64 {
	s := slices.Concat(cell...)
	slices.Sort(s)
	n := len(s)
	return (s[3*n/4] - s[n/4]) / median(s)
}

// Print writes r for people.
func (r SimResult) Print(w io.Writer) {
	runs := "one run"
	if r.Runs > 1 {
		runs = fmt.Sprintf("%d runs, each point from one of them", r.Runs)
	}
	fmt.Fprintf(w, "noise: %d cells of %s; %d series of %d commits per case, each point the median of %d samples; seed %d\n",
		r.Cells, runs, r.Series, r.Points, r.Samples, r.Seed)
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
