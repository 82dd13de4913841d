package track

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/concbench/concbench/internal/history/changepoint"
	"github.com/concbench/concbench/internal/results"
)

// referenceRaw is the reference run: its 12 samples per cell are the
// machine's noise the simulation draws from.
const referenceRaw = "../../../results/archive/20261125T233524Z-f6e464f/raw.txt"

// TestSimulation measures the change-point search on the machine's own
// noise at the history's 30 samples a commit, seeded so the figures in
// docs/history.md can be regenerated (concbench track sim -samples 30
// prints the same): at most 1 false change point per 100 shift-free series
// of 50 commits, a 10% step found within ±1 commit in at least 90 of 100
// series, and a 2%-per-commit drift over 10 commits in at least 90. Under
// -race, which makes it ten times slower, it runs 20 series a case.
func TestSimulation(t *testing.T) {
	s, err := results.Read(referenceRaw)
	if err != nil {
		t.Fatal(err)
	}
	series := 100
	if raceEnabled || testing.Short() {
		series = 20
	}
	r := Sim{Series: series, Points: 50, Samples: 30, Seed: 1, Config: changepoint.DefaultConfig}.Run(NoiseOf([]*results.Set{s}, 6, Tracked))
	var b testWriter
	r.Print(&b)
	t.Log("\n" + string(b))
	if r.FalseChanges*100 > series {
		t.Errorf("false change points = %d in %d series; want <= 1 per 100", r.FalseChanges, series)
	}
	if r.StepFound*10 < 9*series {
		t.Errorf("10%% step found in %d of %d; want >= 90%%", r.StepFound, series)
	}
	if r.DriftFound*10 < 9*series {
		t.Errorf("drift found in %d of %d; want >= 90%%", r.DriftFound, series)
	}
}

// TestNoiseOfRuns checks the noise of several runs: each cell's runs keep
// their move (the second run 1.5 times the first, divided by the median of
// both), a cell one run lacks or samples too few times is left out, and a
// simulated point comes from one run, never a mix of two.
func TestNoiseOfRuns(t *testing.T) {
	run := func(name string, factor float64, extra string) *results.Set {
		s := results.New()
		data := "pkg: p\n" + extra
		for i := range 6 {
			data += fmt.Sprintf("BenchmarkJoinAll/impl=own/n=1/task=tiny-2 1 %g ns/op\n", factor*float64(100+i%2))
		}
		if _, err := s.Add(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
		return s
	}
	few := "BenchmarkJoinAll/impl=own/n=2/task=tiny-2 1 100 ns/op\n"
	a, b := run("a", 1, few), run("b", 1.5, few+few+few+few+few+few)
	n := NoiseOf([]*results.Set{a, b}, 6, Tracked)
	if len(n) != 1 || len(n[0]) != 2 {
		t.Fatalf("noise of %d cells (%v); want 1 cell of 2 runs (n=2 has too few samples in a)", len(n), n)
	}
	// The pooled median of 100, 101, 150, 151.5 is 125.75.
	if got, want := median(n[0][1])/median(n[0][0]), 1.5; math.Abs(got-want) > 1e-9 {
		t.Errorf("second run's median over the first's = %g; want %g", got, want)
	}
	sim := Sim{Points: 40, Samples: 5}
	s := sim.series(rand.New(rand.NewPCG(1, 2)), n[0], func(int) float64 { return 1 })
	seen := map[bool]int{}
	for _, p := range s.Points {
		first := slices.ContainsFunc(n[0][0], func(v float64) bool { return v == p.Summary.Center })
		second := slices.ContainsFunc(n[0][1], func(v float64) bool { return v == p.Summary.Center })
		if first == second {
			t.Fatalf("point %d = %g: not a median of one run's draws", p.Commit, p.Summary.Center)
		}
		seen[first]++
	}
	if seen[true] == 0 || seen[false] == 0 {
		t.Errorf("points per run: %v; want both runs drawn", seen)
	}
}

type testWriter []byte

func (w *testWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }
