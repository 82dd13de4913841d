package track_test

import (
	"fmt"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/internal/history"
	"github.com/concbench/concbench/internal/history/changepoint"
	"github.com/concbench/concbench/internal/history/track"
)

// A series of per-commit medians that is 12% slower from the ninth commit
// on: one change point, a regression above the 5% threshold.
func ExampleChanges() {
	medians := []float64{100, 101, 99, 100, 102, 100, 99, 101, 113, 112, 111, 113, 112, 114, 112, 113}
	s := history.Series{Label: "JoinAll/impl=own", Unit: "sec/op", Better: -1}
	for i, m := range medians {
		s.Points = append(s.Points, history.Point{Commit: i, Summary: benchmath.Summary{Center: m}})
	}
	t := track.Trend{Series: s, Changes: track.Changes(s, changepoint.DefaultConfig)}
	for _, c := range t.Changes {
		fmt.Printf("from point %d: %+.1f%%, p=%.3f, regression: %v\n", c.Point, 100*c.Shift(), c.P, t.Regression(c, track.DefaultThreshold))
	}
	// Output:
	// from point 8: +12.5%, p=0.001, regression: true
}
