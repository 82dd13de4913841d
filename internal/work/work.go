// Package work holds the task kinds every concbench benchmark runs: tiny and
// cpu burn a fixed amount of CPU, wait blocks without burning any.
//
// The amounts are fixed iteration counts, not calibrated at start-up, so that
// two builds of the suite (the gate compares them) do the same work. Their
// rough cost on the reference machine is in each doc comment; the suite never
// relies on it, because every cell's lower bound (impl=serial) is measured in
// the same run.
package work

import (
	"context"
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

// Tiny burns about 20 ns of CPU and returns a value derived from seed, so the
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
