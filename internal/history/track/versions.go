package track

import (
	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/internal/history"
	"github.com/concbench/concbench/internal/results"
)

// StepWindow is how many commits on each side of a version change a [Step]
// compares: enough for the U-test to reach p < 0.01 (5 against 5 gives at
// best 0.008), few enough that a change point a few commits away does not
// blur the step.
const StepWindow = 5

// Step is a change of a version (Go, or a module) between two commits, and
// what it did to a series.
type Step struct {
	Key      string // history.KeyGo or a module path
	From, To string // the versions
	Point    int    // index into the series' Points of the first point with To
	Before   float64
	After    float64
	P        float64 // Mann-Whitney U-test of the points' medians on each side
}

// Shift returns the relative size of the step: +0.10 is 10% higher.
func (s Step) Shift() float64 { return s.After/s.Before - 1 }

// VersionKeys are the config keys whose changes make steps: the Go version
// and each of history.Modules.
func VersionKeys() []string { return append([]string{history.KeyGo}, history.Modules...) }

// Steps returns the steps of s at each change of key's value between two
// of its consecutive points, each compared over up to StepWindow points a
// side that have the same version as the point next to the change.
func Steps(h *history.History, s history.Series, key string) []Step {
	version := func(i int) string { return h.Commits[s.Points[i].Commit].Get(key) }
	med := medians(s.Points)
	var out []Step
	for i := 1; i < len(s.Points); i++ {
		from, to := version(i-1), version(i)
		if from == to {
			continue
		}
		lo := i - 1
		for lo > 0 && i-lo < StepWindow && version(lo-1) == from {
			lo--
		}
		hi := i + 1
		for hi < len(med) && hi-i < StepWindow && version(hi) == to {
			hi++
		}
		st := Step{Key: key, From: from, To: to, Point: i, Before: median(med[lo:i]), After: median(med[i:hi]), P: 1}
		if c := results.CompareSamples(benchmath.AssumeNothing, sample(med[lo:i]), sample(med[i:hi])); c.P == c.P {
			st.P = c.P
		}
		out = append(out, st)
	}
	return out
}

func sample(x []float64) *benchmath.Sample {
	return benchmath.NewSample(append([]float64(nil), x...), &benchmath.DefaultThresholds)
}
