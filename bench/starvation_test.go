package bench

import (
	"flag"
	"runtime"
	"strings"
	"testing"
	"time"

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
// (starvation.Measure); the metrics are over the victim's wake-ups that fell
// due while all n hogs ran, in all ops: p50-wake-ns, p99-wake-ns,
// max-wake-ns, and wakes (per op; at least one, the one the hogs held back).
// Run it with and without GODEBUG=asyncpreemptoff=1 (scripts/preempt.sh):
// the runtime's time slice is 10 ms (forcePreemptNS), so a preempted hog
// delays the victim by about 10 to 20 ms, and a hog that cannot be preempted
// by its whole length.
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
	if cpu := flag.Lookup("test.cpu"); cpu != nil && strings.Contains(cpu.Value.String(), ",") {
		b.Fatalf("-test.cpu=%s: BenchmarkStarvation needs one value per process (golang/go#49980 would measure the first value's cells at the wrong GOMAXPROCS)", cpu.Value)
	}
	procs := runtime.GOMAXPROCS(0)
	ns := []int{procs}
	if procs > 1 {
		ns = append(ns, procs-1)
	}
	for _, n := range ns {
		for _, h := range starvation.Hogs {
			for _, v := range starvation.Victims {
				b.Run(name("n", n, "hog", h.Name, "victim", v.Name), func(b *testing.B) {
					var delays []time.Duration
					for b.Loop() {
						delays = append(delays, starvation.Measure(h, v, n, hogIters)...)
					}
					d := starvation.Summarize(delays)
					b.ReportMetric(float64(d.P50.Nanoseconds()), "p50-wake-ns")
					b.ReportMetric(float64(d.P99.Nanoseconds()), "p99-wake-ns")
					b.ReportMetric(float64(d.Max.Nanoseconds()), "max-wake-ns")
					b.ReportMetric(float64(d.Wakes)/float64(b.N), "wakes")
				})
			}
		}
	}
}
