// Package work holds the task kinds every concbench benchmark runs: tiny and
// cpu burn a fixed amount of CPU, wait blocks without burning any; mixed,
// skewed and fastslow combine them the way real callers do.
//
// The amounts are fixed iteration counts, not calibrated at start-up, so that
// two builds of the suite (the gate compares them) do the same work. Their
// rough cost on the reference machine is in each doc comment; the suite never
// relies on it, because every cell's lower bound (impl=serial) is measured in
// the same run.
package work

import (
	"context"
	"math/bits"
	"time"

	"github.com/concbench/concbench/internal/suite"
)

// Kinds lists the task kinds in the order the benchmarks use them; their
// names live in internal/suite, which the report reads by.
var Kinds = suite.Kinds

// WaitTime is how long a wait task blocks.
const WaitTime = time.Millisecond

const (
	tinyRounds = 18
	cpuRounds  = 5000
)

// Tiny burns about 40 ns of CPU and returns a value derived from seed, so the
// compiler cannot drop the work.
func Tiny(seed int) int { return mix(uint64(seed), tinyRounds) }

// CPU burns about 10 µs of CPU and returns a value derived from seed.
func CPU(seed int) int { return mix(uint64(seed), cpuRounds) }

// Wait blocks for [WaitTime] on a timer, burning no CPU, and returns seed.
// It returns early with ctx's cause if ctx is done first.
func Wait(ctx context.Context, seed int) (int, error) {
	t := time.NewTimer(WaitTime)
	defer t.Stop()
	select {
	case <-t.C:
		return seed, nil
	case <-ctx.Done():
		return seed, context.Cause(ctx)
	}
}

// Sleep blocks for [WaitTime] with time.Sleep and returns seed: the wait task
// for patterns whose tasks take no context.
func Sleep(seed int) int {
	time.Sleep(WaitTime)
	return seed
}

// MixedEvery is how many tasks of a mixed workload share one wait.
const MixedEvery = 10

// MixedWaits reports whether task i of a mixed workload waits instead of
// running a tiny task: in each block of [MixedEvery] consecutive tasks,
// exactly one waits, at a place that a fixed hash of the block's index
// picks. So the waits sit in a shuffled order that is the same in every build.
func MixedWaits(i int) bool {
	return i%MixedEvery == int(hash(uint64(i/MixedEvery))%MixedEvery)
}

// FastSlowWaits reports whether task i of n in a fast-then-slow workload
// waits: the first n/2 tasks are tiny, the rest wait.
func FastSlowWaits(i, n int) bool { return i >= n/2 }

const (
	skewUnit     = 100 // rounds of mix: about 0.2 µs of CPU
	skewMaxLevel = 12
)

// Skewed burns CPU for an amount picked by a fixed hash of seed, with a heavy
// tail: skewUnit << k rounds (about 0.2 µs << k), where k is the count of
// trailing zero bits of the hash, at most 12. So half the tasks take one
// unit, a quarter two, ... and one in 4096 takes 4096 units (about 0.8 ms):
// a Pareto tail of index 1, whose mean (7 units, about 1.4 µs) the largest
// tasks dominate. It returns a value derived from seed.
func Skewed(seed int) int {
	return mix(uint64(seed), SkewedRounds(seed))
}

// SkewedLargest returns the share of the work of n skewed tasks (seeds 0
// to n-1) that the largest of them does: however many processors run them,
// they finish no sooner than that one task. For n=1000 it is 0.42, so above
// 2 processors it, not the processor count, bounds the speed-up.
func SkewedLargest(n int) float64 {
	total, largest := 0, 0
	for i := range n {
		r := SkewedRounds(i)
		total += r
		largest = max(largest, r)
	}
	if total == 0 {
		return 0
	}
	return float64(largest) / float64(total)
}

// SkewedRounds returns how many rounds of work Skewed(seed) does.
func SkewedRounds(seed int) int {
	k := min(bits.TrailingZeros64(hash(uint64(seed))), skewMaxLevel)
	return skewUnit << k
}

// hash is splitmix64's finaliser: a fixed bijection that scatters
// consecutive inputs.
func hash(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// mix runs rounds of a 64-bit LCG step with an xorshift; each round depends on
// the previous one, so the loop cannot be vectorised or shortened.
//
//go:noinline
func mix(x uint64, rounds int) int {
	for range rounds {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 29
	}
	return int(x >> 1)
}
