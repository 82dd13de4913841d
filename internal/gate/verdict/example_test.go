package verdict_test

import (
	"fmt"

	"github.com/concbench/concbench/internal/gate/verdict"
)

func ExampleDecide() {
	inputs := []verdict.Input{
		{Bench: "BenchmarkJoin", Unit: "sec/op",
			Base: []float64{100, 101, 99, 100, 102, 98},
			Head: []float64{111, 110, 112, 109, 110, 110}},
		{Bench: "BenchmarkJoin", Unit: "allocs/op",
			Base: []float64{3, 3, 3, 3, 3, 3},
			Head: []float64{3, 3, 3, 3, 3, 3}},
		{Bench: "BenchmarkCopy", Unit: "B/s",
			Base: []float64{50, 51, 49, 50, 52, 48},
			Head: []float64{56, 55, 57, 54, 55, 55}},
	}
	results, tests := verdict.Decide(inputs, verdict.Config{Alpha: 0.05, Threshold: 0.05})
	fmt.Println("tests:", tests)
	for _, r := range results {
		fmt.Printf("%s %s %+.1f%% %v\n", r.Bench, r.Unit, 100*r.Delta, r.Kind)
	}
	// Output:
	// tests: 2
	// BenchmarkJoin sec/op +10.0% regression
	// BenchmarkJoin allocs/op +0.0% identical
	// BenchmarkCopy B/s +10.0% improvement
}

func ExampleHolm() {
	fmt.Println(verdict.Holm([]float64{0.01, 0.04, 0.03, 0.005}))
	// Output: [0.03 0.06 0.06 0.02]
}

func ExampleDirectionOf() {
	for _, u := range []string{"sec/op", "cancel-ns", "B/s", "wakes"} {
		fmt.Printf("%s: %v\n", u, verdict.DirectionOf(u))
	}
	// Output:
	// sec/op: higher is worse
	// cancel-ns: higher is worse
	// B/s: lower is worse
	// wakes: direction unknown
}
