package starvation_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/patterns/starvation"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestHogsDoTheSameWork(t *testing.T) {
	// Every hog kind runs the same arithmetic, only structured differently
	// (inline, a leaf call, a non-leaf call, inline with yields), so their
	// results agree and their lengths are comparable.
	for _, iters := range []int{0, 1, starvation.YieldEvery + 7} {
		want := starvation.Tight(iters)
		for _, h := range starvation.Hogs {
			if got := h.Run(iters); got != want {
				t.Errorf("%s(%d) = %#x; want %#x (Tight's)", h.Name, iters, got, want)
			}
		}
	}
}

func TestVictims(t *testing.T) {
	// In a synctest bubble time moves only when every goroutine is blocked,
	// so a victim alone wakes exactly on time, once per Period.
	for _, v := range starvation.Victims {
		t.Run(v.Name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*starvation.Period+starvation.Period/2)
				defer cancel()
				var delays []time.Duration
				v.Run(ctx, func(d time.Duration) { delays = append(delays, d) })
				if len(delays) != 10 {
					t.Errorf("%d wake-ups in 10.5 periods; want 10", len(delays))
				}
				for i, d := range delays {
					if d != 0 {
						t.Errorf("wake-up %d: delay = %v; want 0 in a bubble", i, d)
					}
				}
			})
		})
	}
}

func TestMeasure(t *testing.T) {
	for _, h := range starvation.Hogs {
		for _, v := range starvation.Victims {
			t.Run(h.Name+"/"+v.Name, func(t *testing.T) {
				delays := starvation.Measure(h, v, 2, 1000)
				if len(delays) == 0 {
					t.Fatalf("Measure returned no delays; want at least the wake-up after the hogs")
				}
				for i, d := range delays {
					if d < 0 {
						t.Errorf("delay %d = %v; want >= 0", i, d)
					}
				}
			})
		}
	}
}

func TestMeasureWithoutAsyncPreemption(t *testing.T) {
	// GODEBUG=asyncpreemptoff=1 is read at start-up, so the measurement runs
	// in a child process (this test binary again) at GOMAXPROCS=1: there a
	// hog without a cooperative preemption point keeps the only P until it
	// returns, so the sleeper wakes exactly once, when it is done; the
	// cooperative ones are preempted every 10 ms or so, and a hog of
	// about 60 ms of CPU lets it wake more than once.
	const env = "STARVATION_TEST_CHILD"
	if name := os.Getenv(env); name != "" {
		h := starvation.Hogs[slices.IndexFunc(starvation.Hogs, func(h starvation.Hog) bool { return h.Name == name })]
		fmt.Println(len(starvation.Measure(h, starvation.Victims[0], 1, 2_000_000)))
		os.Exit(0)
	}
	for _, h := range starvation.Hogs {
		t.Run(h.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestMeasureWithoutAsyncPreemption$")
			cmd.Env = append(os.Environ(), env+"="+h.Name, "GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var wakes int
			if _, err := fmt.Sscan(strings.TrimSpace(string(out)), &wakes); err != nil {
				t.Fatalf("child printed %q: %v", out, err)
			}
			if h.Cooperative && wakes < 2 || !h.Cooperative && wakes != 1 {
				t.Errorf("%d wake-ups; want %s", wakes, map[bool]string{false: "1 (starved)", true: "2 or more (preempted)"}[h.Cooperative])
			}
		})
	}
}

func TestMeasureMisuse(t *testing.T) {
	for _, tc := range []struct{ n, iters int }{{0, 10}, {1, -1}} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("Measure(n=%d, iters=%d) did not panic; want a starvation: panic", tc.n, tc.iters)
				}
			}()
			starvation.Measure(starvation.Hogs[0], starvation.Victims[0], tc.n, tc.iters)
		}()
	}
}

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	seq := func(n int) []time.Duration {
		d := make([]time.Duration, n)
		for i := range d {
			d[n-1-i] = time.Duration(i+1) * ms // descending: Summarize must sort
		}
		return d
	}
	for _, tc := range []struct {
		name   string
		delays []time.Duration
		want   starvation.Delays
	}{
		{"none", nil, starvation.Delays{}},
		{"one", []time.Duration{5 * ms}, starvation.Delays{P50: 5 * ms, P99: 5 * ms, Max: 5 * ms, Wakes: 1}},
		{"two", []time.Duration{60 * ms, 1 * ms}, starvation.Delays{P50: 1 * ms, P99: 60 * ms, Max: 60 * ms, Wakes: 2}},
		{"hundred", seq(100), starvation.Delays{P50: 50 * ms, P99: 99 * ms, Max: 100 * ms, Wakes: 100}},
		{"thousand", seq(1000), starvation.Delays{P50: 500 * ms, P99: 990 * ms, Max: 1000 * ms, Wakes: 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tc.delays...)
			if got := starvation.Summarize(tc.delays); got != tc.want {
				t.Errorf("Summarize = %+v; want %+v", got, tc.want)
			}
			for i := range in {
				if in[i] != tc.delays[i] {
					t.Fatalf("Summarize modified its input")
				}
			}
		})
	}
}

func TestDelaysString(t *testing.T) {
	d := starvation.Delays{P50: 19_212_345, P99: 20_100_499, Max: 64 * time.Millisecond, Wakes: 99}
	want := "p50 19.212ms, p99 20.1ms, max 64ms, 99 wakes"
	if got := d.String(); got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
}
