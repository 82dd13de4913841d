package starvation_test

import (
	"fmt"
	"runtime"
	"time"

	"github.com/concbench/concbench/patterns/starvation"
)

func ExampleMeasure() {
	// One 60 ms tight hog per P next to the 1 ms sleeper. The output
	// depends on the machine and on GODEBUG=asyncpreemptoff: with
	// asynchronous preemption (the default) the sleeper is stalled for 10
	// to 20 ms at a time and makes about 1 wake-up in 12 that fell due;
	// with it off, it wakes once, when the hog is done.
	n := runtime.GOMAXPROCS(0)
	w := starvation.Measure(starvation.Hogs[0], starvation.Victims[0], n, 2_000_000)
	fmt.Printf("%d hogs for %v: %.0f%% of the wake-ups due, longest stall %v\n",
		n, w.Length.Round(time.Millisecond), 100*w.Progress(), w.Stall.Round(time.Millisecond))
}

func ExampleWindow() {
	// A victim woken every 1 ms that a 60 ms hog held back until its end:
	// it made 1 of the 60 wake-ups due, and waited 59 ms for it.
	w := starvation.Window{
		Length: 60 * time.Millisecond,
		Delays: []time.Duration{59 * time.Millisecond},
		Stall:  59 * time.Millisecond,
	}
	fmt.Printf("due %.0f, progress %.3f, stall %v\n", w.Due(), w.Progress(), w.Stall)
	// Output: due 60, progress 0.017, stall 59ms
}

func ExampleSummarize() {
	ms := time.Millisecond
	d := starvation.Summarize([]time.Duration{19 * ms, 21 * ms, 20 * ms, 64 * ms})
	fmt.Println(d)
	// Output: p50 20ms, p99 64ms, max 64ms, 4 wakes
}

func ExampleHog() {
	// The hog kinds differ only in where the CPU could be taken from them.
	for _, h := range starvation.Hogs {
		fmt.Printf("%-8s cooperative=%v\n", h.Name, h.Cooperative)
	}
	// Output:
	// tight    cooperative=false
	// leafcall cooperative=false
	// call     cooperative=true
	// yield    cooperative=true
}
