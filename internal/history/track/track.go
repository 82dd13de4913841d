// Package track reads a benchmark history (package history) the way the Go
// performance dashboard and Apache Otava do: per benchmark and unit, the
// commits where the series shifts (change points, package changepoint),
// with the size of each shift and its p-value; the steps at each toolchain
// or dependency upgrade; and a Markdown page with a trend chart per series.
//
// A series is fed to the change-point search as the logarithm of each
// commit's median, so that a shift is relative: 10% slower is the same
// step for a 100 ns and a 10 ms benchmark. A series with a value <= 0 (a
// count that can be zero) is searched as it is.
package track

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/concbench/concbench/internal/history"
	"github.com/concbench/concbench/internal/history/changepoint"
)

// DefaultThreshold is the smallest regression that makes [Analysis.Regressions]
// report a series: 5%, as the gate's threshold.
const DefaultThreshold = 0.05

// Change is one change point of a series.
type Change struct {
	Point  int     // index into the series' Points of the first point after the shift
	Before float64 // median of the medians of the segment before
	After  float64 // median of the medians of the segment after
	P      float64 // the permutation test's p-value
}

// Shift returns the relative size of the change: +0.10 is 10% higher.
func (c Change) Shift() float64 { return c.After/c.Before - 1 }

// Trend is a series with its change points and version steps.
type Trend struct {
	history.Series
	Changes []Change
	Steps   []Step
}

// Regression reports whether c is a change in the series' bad direction
// larger than threshold.
func (t Trend) Regression(c Change, threshold float64) bool {
	s := c.Shift()
	return (t.Better < 0 && s > threshold) || (t.Better > 0 && s < -threshold)
}

// Analysis is a history with every series' trend.
type Analysis struct {
	*history.History
	Trends []Trend
}

// Analyze finds the change points of every series of h with cfg, and the
// steps at every change of the Go version and of each module's version. It
// stops, with ctx's error, once ctx is done.
func Analyze(ctx context.Context, h *history.History, cfg changepoint.Config) (*Analysis, error) {
	a := &Analysis{History: h}
	cfg.Done = ctx.Done()
	for _, s := range h.Series() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t := Trend{Series: s, Changes: Changes(s, cfg)}
		for _, key := range VersionKeys() {
			t.Steps = append(t.Steps, Steps(h, s, key)...)
		}
		a.Trends = append(a.Trends, t)
	}
	if err := ctx.Err(); err != nil {
		return nil, err // the last series may be cut short
	}
	return a, nil
}

// Changes returns the change points of s.
func Changes(s history.Series, cfg changepoint.Config) []Change {
	med := medians(s.Points)
	x := slices.Clone(med)
	if slices.Min(x) > 0 {
		for i := range x {
			x[i] = math.Log(x[i])
		}
	}
	cps := changepoint.Find(x, cfg)
	out := make([]Change, len(cps))
	for i, cp := range cps {
		lo, hi := 0, len(med)
		if i > 0 {
			lo = cps[i-1].Index
		}
		if i+1 < len(cps) {
			hi = cps[i+1].Index
		}
		out[i] = Change{Point: cp.Index, Before: median(med[lo:cp.Index]), After: median(med[cp.Index:hi]), P: cp.P}
	}
	return out
}

// Regression is a series whose newest change point is a regression.
type Regression struct {
	Trend
	Change
}

func (r Regression) String() string {
	return fmt.Sprintf("%s %s: %+.1f%% (p=%.3g)", r.Label, r.Unit, 100*r.Shift(), r.P)
}

// Regressions returns every series whose newest change point is a
// regression larger than threshold.
func (a *Analysis) Regressions(threshold float64) []Regression {
	var out []Regression
	for _, t := range a.Trends {
		if n := len(t.Changes); n > 0 && t.Regression(t.Changes[n-1], threshold) {
			out = append(out, Regression{t, t.Changes[n-1]})
		}
	}
	return out
}

func medians(ps []history.Point) []float64 {
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = p.Summary.Center
	}
	return out
}

// median returns the median of x, which it does not change.
func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
