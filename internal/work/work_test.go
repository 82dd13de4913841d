package work_test

import (
	"slices"
	"testing"

	"github.com/concbench/concbench/internal/work"
)

func TestMixedWaits(t *testing.T) {
	// One wait per block of MixedEvery, not always at the same place, and
	// the same places in every build (pinned below).
	const n = 1000
	var places []int
	for b := 0; b < n/work.MixedEvery; b++ {
		waits := 0
		for i := b * work.MixedEvery; i < (b+1)*work.MixedEvery; i++ {
			if work.MixedWaits(i) {
				waits++
				places = append(places, i%work.MixedEvery)
			}
		}
		if waits != 1 {
			t.Fatalf("block %d: %d waits; want 1", b, waits)
		}
	}
	seen := map[int]bool{}
	for _, p := range places {
		seen[p] = true
	}
	if len(seen) < work.MixedEvery/2 {
		t.Errorf("waits sit at %d places of %d in a block; want them spread", len(seen), work.MixedEvery)
	}
	if got, want := places[:8], []int{5, 5, 0, 3, 8, 8, 2, 7}; !slices.Equal(got, want) {
		t.Errorf("places of the first waits = %v; want %v (the same in every build)", got, want)
	}
}

func TestSkewedRounds(t *testing.T) {
	// Sizes halve in count as they double: a heavy tail, deterministic.
	const n = 1 << 16
	count := map[int]int{}
	total := 0
	for i := range n {
		r := work.SkewedRounds(i)
		count[r]++
		total += r
	}
	if c := count[100]; c < n*45/100 || c > n*55/100 {
		t.Errorf("%d of %d tasks of one unit; want about half", c, n)
	}
	if c := count[100<<12]; c == 0 {
		t.Errorf("no task of the largest size among %d; want about %d", n, n>>12)
	}
	if mean := total / n; mean < 600 || mean > 800 {
		t.Errorf("mean = %d rounds; want about 700", mean)
	}
	if got, want := work.SkewedRounds(3), work.SkewedRounds(3); got != want {
		t.Errorf("SkewedRounds(3) = %d, then %d; want the same", got, want)
	}
}

func TestFastSlowWaits(t *testing.T) {
	for _, tc := range []struct {
		i, n int
		want bool
	}{{0, 10, false}, {4, 10, false}, {5, 10, true}, {9, 10, true}, {0, 1, true}} {
		if got := work.FastSlowWaits(tc.i, tc.n); got != tc.want {
			t.Errorf("FastSlowWaits(%d, %d) = %v; want %v", tc.i, tc.n, got, tc.want)
		}
	}
}

func TestSkewedLargest(t *testing.T) {
	// n=1000 holds one task of 4096 units (seed with 12 trailing zero bits
	// or more in its hash) in 9708 units of work; n=1 is all one task.
	for _, tc := range []struct {
		n    int
		want float64
	}{{1000, 409600.0 / 970800}, {1, 1}, {0, 0}} {
		if got := work.SkewedLargest(tc.n); got != tc.want {
			t.Errorf("SkewedLargest(%d) = %v; want %v", tc.n, got, tc.want)
		}
	}
}
