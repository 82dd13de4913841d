package precision_test

import (
	"fmt"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/internal/precision"
)

func ExampleWidth() {
	// benchstat would print this median as "100 ±8%": a cell within ±10%.
	w := precision.Width(benchmath.Summary{Center: 100, Lo: 96, Hi: 108})
	fmt.Printf("±%.0f%%, bucket %d, noisy %v\n", 100*w, precision.Bucket(w), w > precision.Noisy)
	// Output: ±8%, bucket 1, noisy false
}
