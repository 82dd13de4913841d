package starvation_test

import (
	"fmt"
	"time"

	"github.com/concbench/concbench/patterns/starvation"
)

func ExampleMeasure() {
	// One tight hog of about 30 µs next to the 1 ms sleeper: the sleeper
	// always wakes at least once, after the hog is done.
	delays := starvation.Measure(starvation.Hogs[0], starvation.Victims[0], 1, 1000)
	fmt.Println(len(delays) >= 1)
	// Output: true
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
