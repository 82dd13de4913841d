package bench

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/suite"
	"github.com/concbench/concbench/patterns/starvation"
)

// hogIters is the length of one bounded hog: about 60 ms of CPU on the
// reference machine for every hog kind. Long enough that a victim starved
// for a hog's whole run (a delay of about 60 ms) stands apart from one
// preempted hogs let through (10 to 20 ms with sysmon's 10 ms time slice);
// short enough that a pass takes about 0.7 s at -test.cpu 1 (8 cells, one
// op each) and 2 s at -test.cpu 2 (16 cells), in either preemption mode.
const hogIters = 2_000_000

// BenchmarkStarvation models a latency-sensitive goroutine (a 1 ms sleeper,
// or a server answering a 1 ms ping) sharing the machine with n CPU hogs,
// with n = GOMAXPROCS (every P taken) and, when GOMAXPROCS > 1, n =
// GOMAXPROCS-1 (one P free). Each op runs the n hogs once, to completion
// (starvation.Measure), and looks at the victim while all n hogs ran:
//
//   - progress: the wake-ups the victim made per wake-up due, over all ops
//     (near 1 when it was left alone, 1/60 when it woke only after a 60 ms
//     hog);
//   - stall-ns: the victim's longest wait to run in an op, the median over
//     the sample's ops, so one op's hiccup does not move the sample;
//   - p50-wake-ns and p99-wake-ns: percentiles of the delays of all the
//     sample's wake-ups, reported only when the sample has
//     starvation.MinWakes (p50) or 100 (p99) wake-ups behind them. A starved
//     victim wakes once per op, and a percentile of two or five delays says
//     more about where the window cut than about the victim.
//
// Run it with and without GODEBUG=asyncpreemptoff=1 (scripts/preempt.sh):
// the runtime's time slice is 10 ms (forcePreemptNS), so a preempted hog
// stalls the victim for about 10 to 20 ms, and a hog that cannot be
// preempted for its whole length.
//
// It leaves out hogs that block or allocate (those reach the scheduler by
// themselves), GC pressure, and victims that need more than a brief turn.
//
// It needs one -test.cpu value per process (the runner and
// scripts/preempt.sh run one process per value): with a list, the testing
// package runs this function, and the first op of every cell, at the
// GOMAXPROCS the previous value left behind (golang/go#49980; with b.Loop
// that first op is the one reported), so n and the -N suffix would disagree
// with what ran.
func BenchmarkStarvation(b *testing.B) {
	oneCPU(b)
	procs := runtime.GOMAXPROCS(0)
	ns := []int{procs}
	if procs > 1 {
		ns = append(ns, procs-1)
	}
	for _, n := range ns {
		for _, h := range starvation.Hogs {
			for _, v := range starvation.Victims {
				b.Run(suite.Name(suite.N.Is(n), suite.Hog.Is(h.Name), suite.Victim.Is(v.Name)), func(b *testing.B) {
					var wins []starvation.Window
					for b.Loop() {
						wins = append(wins, starvation.Measure(h, v, n, hogIters))
					}
					for _, m := range starvationMetrics(wins) {
						b.ReportMetric(m.v, m.unit)
					}
				})
			}
		}
	}
}

// p99Wakes is the fewest wake-ups a 99th percentile is reported from: below
// 100 the nearest-rank p99 is the maximum, which stall-ns already says.
const p99Wakes = 100

// metric is one value a benchmark reports, in its unit.
type metric struct {
	v    float64
	unit string
}

// starvationMetrics returns the metrics of BenchmarkStarvation over the
// windows of one sample (at least one): progress, the median stall (the
// mean of the middle two for an even count of ops, as [median] takes it),
// and the wake-up percentiles the sample has enough wake-ups for.
func starvationMetrics(wins []starvation.Window) []metric {
	var delays []time.Duration
	var stalls []int64
	var due float64
	for _, w := range wins {
		delays = append(delays, w.Delays...)
		stalls = append(stalls, w.Stall.Nanoseconds())
		due += w.Due()
	}
	ms := []metric{{float64(len(delays)) / due, suite.Progress}, {median(stalls), suite.StallNs}}
	d := starvation.Summarize(delays)
	if d.Wakes >= starvation.MinWakes {
		ms = append(ms, metric{float64(d.P50.Nanoseconds()), suite.P50WakeNs})
	}
	if d.Wakes >= p99Wakes {
		ms = append(ms, metric{float64(d.P99.Nanoseconds()), suite.P99WakeNs})
	}
	return ms
}

// TestStarvationMetrics checks the metrics of a sample of two ops: the
// stall is their median as every other latency metric of the suite takes
// it (the mean of the two), and p50-wake-ns appears only from
// starvation.MinWakes wake-ups on.
func TestStarvationMetrics(t *testing.T) {
	ms := time.Millisecond
	wakes := func(n int) []time.Duration { return slices.Repeat([]time.Duration{ms}, n) }
	for _, tc := range []struct {
		name string
		wins []starvation.Window
		want []metric
	}{
		{"starved", []starvation.Window{
			{Length: 60 * ms, Delays: wakes(5), Stall: 10 * ms},
			{Length: 60 * ms, Delays: wakes(1), Stall: 60 * ms},
		}, []metric{{6.0 / 120, suite.Progress}, {float64(35 * ms), suite.StallNs}}},
		{"free", []starvation.Window{
			{Length: 60 * ms, Delays: wakes(starvation.MinWakes), Stall: ms},
		}, []metric{{float64(starvation.MinWakes) / 60, suite.Progress}, {float64(ms), suite.StallNs}, {float64(ms), suite.P50WakeNs}}},
	} {
		if got := starvationMetrics(tc.wins); !slices.Equal(got, tc.want) {
			t.Errorf("%s: metrics = %v; want %v", tc.name, got, tc.want)
		}
	}
}
