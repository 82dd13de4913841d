package report

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/concbench/concbench/internal/results"
)

// TestLegendColumn checks the legend's column holds its widest entry with a
// third to spare for a viewer's wider font, however long the names are: a
// fixed column clipped "preempt=async" in a browser.
func TestLegendColumn(t *testing.T) {
	var prev vg.Length
	for _, names := range [][]string{
		{"preempt=async", "preempt=off"},
		{"impl=concpool", "impl=waitgroup", "runtime=tokio impl=joinset"},
	} {
		legend := plot.NewLegend()
		widest := vg.Length(0)
		for _, n := range names {
			legend.Add(n, &plotter.Scatter{})
			widest = max(widest, legend.TextStyle.Width(" "+n))
		}
		col := legendColumn(legend)
		if need := legend.ThumbnailWidth + widest*4/3; col < need {
			t.Errorf("%q: column %.1fpt, want at least %.1fpt", names, col, need)
		}
		if col <= prev {
			t.Errorf("%q: column %.1fpt is not wider than %.1fpt for shorter names", names, col, prev)
		}
		prev = col
	}
}

// TestChartOneValue checks the Y axis of a chart whose medians are all one
// value (one cell, as with -bench of a single sub-benchmark): gonum widens
// an empty range by ±1 in the unit, so 129µs sat on an axis from -800ms to
// 800ms, at "0s", below a negative time.
func TestChartOneValue(t *testing.T) {
	for _, in := range []string{
		"BenchmarkJoinAll/impl=own/n=10/task=wait 1 1289000 ns/op 128900 ns/task\n",
		"BenchmarkJoinAll/impl=own/n=10/task=wait 1 1289000 ns/op 128900 ns/task\nBenchmarkJoinAll/impl=serial/n=10/task=wait 1 1289000 ns/op 128900 ns/task\n",
	} {
		s := results.New()
		if _, err := s.Add("one.txt", []byte(in)); err != nil {
			t.Fatal(err)
		}
		_, charts, err := Build(s, Options{Charts: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(charts) != 1 {
			t.Fatalf("got %d charts; want 1", len(charts))
		}
		var labels []string
		for _, m := range regexp.MustCompile(`>([^<>]*s)</text>`).FindAllStringSubmatch(string(charts[0].SVG), -1) {
			labels = append(labels, m[1])
		}
		if len(labels) < 2 || slices.ContainsFunc(labels, func(l string) bool { return strings.HasPrefix(l, "-") || strings.HasSuffix(l, "00ms") }) {
			t.Errorf("%q: Y ticks = %q; want ticks around 128.9µs, none negative", in, labels)
		}
	}
}
