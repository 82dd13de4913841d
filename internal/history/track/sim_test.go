package track

import (
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
	r := Sim{Series: series, Points: 50, Samples: 30, Seed: 1, Config: changepoint.DefaultConfig}.Run(NoiseOf(s, 6, Tracked))
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

type testWriter []byte

func (w *testWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }
