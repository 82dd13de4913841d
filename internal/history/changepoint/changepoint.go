// Package changepoint finds the points where a noisy series shifts, by
// E-divisive means (Matteson and James, 2014) with a permutation test, the
// method of Apache Otava and MongoDB's signal processing.
//
// The statistic compares the mean distance between two adjacent segments
// with the mean distances within each: for a split at τ of [s, κ),
//
//	Q(τ, κ) = m·k/(m+k) · (2/(m·k)·Σ|x_i − y_j| − Σ|x_i − x_i'|/C(m,2) − Σ|y_j − y_j'|/C(k,2))
//
// with x the m points of [s, τ) and y the k points of [τ, κ). It is large
// when the two segments differ in location (or spread), and needs no
// assumption about the noise's distribution: a heavy tail of slow runs
// moves it far less than it moves a mean.
//
// [Find] splits the series hierarchically: in each segment it takes the
// split (τ, κ) of the largest Q, tests the best one of all segments by
// permuting that segment's points (the p-value is the share of
// permutations whose largest Q is at least as large), and stops at the
// first split that is not significant. Cost: O(n²) per permutation of a
// segment of n points; a split that is clearly not significant stops
// early.
//
// Rejected: a fixed-window t-test (what Hunter, Otava's predecessor, sped
// the permutations up with), since it assumes normal noise, and
// benchmark times on a shared machine have a long tail of slow runs.
package changepoint

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Config tunes [Find]. The zero value is not useful; start from
// [DefaultConfig].
type Config struct {
	// Alpha is the largest p-value of an accepted change point.
	Alpha float64
	// Permutations is the number of permutations per test; the smallest
	// p-value is 1/(Permutations+1), so it must be at least 1/Alpha - 1.
	Permutations int
	// MinSize is the fewest points a segment may have (at least 2).
	MinSize int
	// Seed seeds the permutations: one input gives one answer.
	Seed uint64
	// Done, if not nil, stops Find once it is closed (a context's Done):
	// Find then returns early with the points found so far, which the
	// caller, having cancelled it, should not use.
	Done <-chan struct{}
}

// Stopped reports whether c.Done is closed.
func (c Config) Stopped() bool {
	select {
	case <-c.Done:
		return true
	default:
		return false
	}
}

// DefaultConfig is the configuration concbench track uses. Alpha 0.001 is
// Otava's default p-value; the false alarms it gives on this machine's
// noise are measured by the simulation (see docs/history.md).
var DefaultConfig = Config{Alpha: 0.001, Permutations: 999, MinSize: 3, Seed: 1}

// Point is a change point: the series shifts between x[Index-1] and x[Index].
type Point struct {
	Index int
	P     float64 // the permutation test's p-value
	Q     float64 // the statistic Q of the split
}

// Find returns the change points of x, sorted by index. NaN values are not
// allowed. Find panics if c cannot accept any point (Alpha below the
// smallest p-value, MinSize below 2).
func Find(x []float64, c Config) []Point {
	if c.MinSize < 2 || c.Permutations < 1 || c.Alpha*float64(c.Permutations+1) < 1 {
		panic("changepoint: Config cannot accept a change point (MinSize >= 2, Alpha*(Permutations+1) >= 1)")
	}
	rng := rand.New(rand.NewPCG(c.Seed, uint64(len(x))))
	bounds := []int{0, len(x)}
	buf := make([]float64, (len(x)+1)*(len(x)+1))
	var out []Point
	for {
		best, seg := split{}, -1
		for i := 0; i+1 < len(bounds); i++ {
			if s := bestSplit(x[bounds[i]:bounds[i+1]], c.MinSize, buf); s.ok && (seg < 0 || s.q > best.q) {
				best, seg = s, i
			}
		}
		if seg < 0 {
			break
		}
		lo := bounds[seg]
		p := pValue(x[lo:bounds[seg+1]], best.q, c, rng, buf)
		if p > c.Alpha {
			break
		}
		out = append(out, Point{Index: lo + best.tau, P: p, Q: best.q})
		bounds = slices.Insert(bounds, seg+1, lo+best.tau)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// split is the best split of a segment: at tau, with the right part ending
// at kappa (relative to the segment).
type split struct {
	tau, kappa int
	q          float64
	ok         bool
}

// pValue is the share of permutations of seg whose best Q is at least q,
// counting the observed order as one of them. It stops once the answer
// cannot be below c.Alpha.
func pValue(seg []float64, q float64, c Config, rng *rand.Rand, buf []float64) float64 {
	perm := slices.Clone(seg)
	atLeast := 1
	limit := int(c.Alpha * float64(c.Permutations+1))
	for i := 0; i < c.Permutations; i++ {
		if i%1024 == 0 && c.Done != nil && c.Stopped() {
			return 1 // no point accepted: Find returns
		}
		rng.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		if s := bestSplit(perm, c.MinSize, buf); s.ok && s.q >= q {
			atLeast++
			if atLeast > limit {
				return float64(atLeast) / float64(i+2)
			}
		}
	}
	return float64(atLeast) / float64(c.Permutations+1)
}

// bestSplit returns the (τ, κ) of the largest Q over x, with both parts at
// least minSize long; buf holds at least (len(x)+1)² values.
func bestSplit(x []float64, minSize int, buf []float64) split {
	n := len(x)
	if n < 2*minSize {
		return split{}
	}
	w := within(x, buf)
	at := func(a, b int) float64 { return w[a*(n+1)+b] }
	var best split
	for tau := minSize; tau+minSize <= n; tau++ {
		m := float64(tau)
		wl := at(0, tau) / (m * (m - 1) / 2)
		for kappa := tau + minSize; kappa <= n; kappa++ {
			k := float64(kappa - tau)
			between := at(0, kappa) - at(0, tau) - at(tau, kappa)
			e := 2*between/(m*k) - wl - at(tau, kappa)/(k*(k-1)/2)
			if q := m * k / (m + k) * e; !best.ok || q > best.q {
				best = split{tau, kappa, q, true}
			}
		}
	}
	return best
}

// within returns w with w[a*(n+1)+b] the sum of |x_i - x_j| over
// a <= i < j < b, reusing buf.
func within(x []float64, buf []float64) []float64 {
	n := len(x)
	w := buf[:(n+1)*(n+1)]
	clear(w)
	for b := 1; b <= n; b++ {
		// col = sum of |x_i - x_{b-1}| over a <= i < b-1, built from a = b-2 down.
		col := 0.0
		for a := b - 2; a >= 0; a-- {
			col += math.Abs(x[a] - x[b-1])
			w[a*(n+1)+b] = w[a*(n+1)+b-1] + col
		}
	}
	return w
}
