// Package verdict decides, from two sets of benchmark samples taken side by
// side, which changes are regressions: the statistics of concbench gate,
// apart from running anything.
//
// Like benchstat, it compares medians with the Mann-Whitney U test
// (golang.org/x/perf/benchmath.AssumeNothing: no assumption about the shape
// of the distribution, which benchmark timings rarely have). Unlike
// benchstat, it corrects for the number of comparisons (Holm–Bonferroni,
// see [Holm]), so that a clean run of many benchmarks fails with
// probability at most alpha, and it calls a regression only where the
// change is also larger than a threshold, in the direction that is worse
// for the unit (see [DirectionOf]). A statistically certain 1% change is
// not worth a red build.
package verdict

import (
	"fmt"
	"math"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/internal/results"
)

// Kind is the verdict on one comparison.
type Kind int

const (
	// Same: not significant after correction.
	Same Kind = iota
	// Identical: every sample on both sides has one value (allocs/op often
	// does). No test is made and the comparison does not count towards
	// the correction: whatever the order of the samples, the test could not
	// reject, so leaving it out keeps the family-wise guarantee.
	Identical
	// Within: significant, but no larger than the threshold.
	Within
	// Regression: significant and worse than the threshold. The gate fails.
	Regression
	// Improvement: significant and better than the threshold. Reported only.
	Improvement
	// Changed: significant and larger than the threshold in a unit whose
	// direction is Unknown. Reported only.
	Changed
)

func (k Kind) String() string {
	switch k {
	case Same:
		return "~"
	case Identical:
		return "identical"
	case Within:
		return "within threshold"
	case Regression:
		return "regression"
	case Improvement:
		return "improvement"
	case Changed:
		return "changed (direction unknown)"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Config holds the two numbers a verdict depends on.
type Config struct {
	Alpha     float64 // family-wise error rate, e.g. 0.05
	Threshold float64 // smallest change that counts, as a fraction: 0.05 is 5%
}

// Input is one benchmark and unit: the samples of the base and of the head.
type Input struct {
	Bench, Unit string
	Base, Head  []float64
	// Direction says which way the unit is worse; Unknown means "by the
	// unit's name" (see [DirectionOf]).
	Direction Direction
}

// Result is the verdict on one Input.
type Result struct {
	Input
	BaseMedian, HeadMedian float64
	// Delta is HeadMedian/BaseMedian - 1 (0 when both are 0, ±Inf when only
	// the base is).
	Delta float64
	// P is the U test's p-value and PHolm the adjusted one, compared with
	// alpha; both are NaN for Identical.
	P, PHolm float64
	Kind     Kind
	// Noise is the larger relative half-width of the two medians' 95%
	// confidence intervals (benchstat's "± x%"; +Inf below 6 samples). A
	// change much smaller than Noise is unlikely to be found: a pass says
	// little about a benchmark whose Noise is above the threshold.
	Noise float64
}

// Decide compares every input and returns one result per input, in the same
// order, and the number of tests made (the m of the correction: the inputs
// that are not Identical).
//
// A change is "larger than the threshold" when it is strictly more than
// Threshold times the base median: with 5%, 100 -> 105 is within, 100 ->
// 105.1 is not. Decide panics if an input has an empty sample or the config
// is out of range (alpha in (0, 1), threshold >= 0).
func Decide(inputs []Input, c Config) ([]Result, int) {
	if !(c.Alpha > 0 && c.Alpha < 1) || !(c.Threshold >= 0) {
		panic(fmt.Sprintf("verdict: bad config %+v", c))
	}
	th := &benchmath.Thresholds{CompareAlpha: c.Alpha}
	res := make([]Result, len(inputs))
	var ps []float64
	var tested []int
	for i, in := range inputs {
		if len(in.Base) == 0 || len(in.Head) == 0 {
			panic(fmt.Sprintf("verdict: %s %s: empty sample", in.Bench, in.Unit))
		}
		// NewSample sorts in place: work on copies.
		base := benchmath.NewSample(append([]float64(nil), in.Base...), th)
		head := benchmath.NewSample(append([]float64(nil), in.Head...), th)
		r := Result{Input: in, P: math.NaN(), PHolm: math.NaN()}
		bs, hs := benchmath.AssumeNothing.Summary(base, 0.95), benchmath.AssumeNothing.Summary(head, 0.95)
		r.BaseMedian, r.HeadMedian = bs.Center, hs.Center
		r.Noise = math.Max(noise(bs), noise(hs))
		r.Delta = delta(r.BaseMedian, r.HeadMedian)
		if identical(base.Values, head.Values) {
			r.Kind = Identical
		} else {
			// results.CompareSamples: x/perf's U-test alone depends on
			// the order of its samples when they have ties.
			r.P = results.CompareSamples(benchmath.AssumeNothing, base, head).P
			ps = append(ps, r.P)
			tested = append(tested, i)
		}
		res[i] = r
	}
	for j, adj := range Holm(ps) {
		r := &res[tested[j]]
		r.PHolm = adj
		r.Kind = kind(r, c)
	}
	return res, len(tested)
}

func kind(r *Result, c Config) Kind {
	if !(r.PHolm <= c.Alpha) {
		return Same
	}
	limit := c.Threshold * math.Abs(r.BaseMedian)
	up := r.HeadMedian - r.BaseMedian
	d := r.Direction
	if d == Unknown {
		d = DirectionOf(r.Unit)
	}
	switch d {
	case HigherIsWorse:
		if up > limit {
			return Regression
		} else if -up > limit {
			return Improvement
		}
	case LowerIsWorse:
		if -up > limit {
			return Regression
		} else if up > limit {
			return Improvement
		}
	default:
		if math.Abs(up) > limit {
			return Changed
		}
	}
	return Within
}

func delta(base, head float64) float64 {
	switch {
	case base == head:
		return 0
	case base == 0:
		return math.Inf(int(math.Copysign(1, head)))
	}
	return head/base - 1
}

// noise is the relative half-width of s's confidence interval.
func noise(s benchmath.Summary) float64 {
	if s.Center == 0 {
		if s.Lo == 0 && s.Hi == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Max(s.Hi-s.Center, s.Center-s.Lo) / math.Abs(s.Center)
}

// identical reports whether the sorted samples a and b hold one value only.
func identical(a, b []float64) bool {
	v := a[0]
	return a[len(a)-1] == v && b[0] == v && b[len(b)-1] == v
}
