package report

import (
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
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
