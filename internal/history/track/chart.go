package track

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"golang.org/x/perf/benchunit"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/concbench/concbench/internal/history"
)

var (
	changeColor  = color.RGBA{R: 200, A: 255}
	versionColor = color.RGBA{R: 90, G: 90, B: 200, A: 255}
)

// maxTicks is the most commit labels the X axis shows.
const maxTicks = 30

// chart draws t: each commit's median with its 95% interval as a whisker,
// change points as red dashed lines between the commits, and version steps
// as blue dotted lines labelled with the new version and the step's size.
func (a *Analysis) chart(t Trend) ([]byte, error) {
	p := plot.New()
	p.Title.Text = t.Label
	p.Y.Label.Text = t.Unit
	p.X.Label.Text = "commit"
	med := medians(t.Points)
	sc := benchunit.CommonScale(med, benchunit.ClassOf(t.Unit))
	p.Y.Tick.Marker = scaledTicks{plot.DefaultTicks{}, sc}

	pts, lo, hi := errPointsOf(t.Points)
	pad := max((hi-lo)*0.1, math.Abs(hi)*0.01)
	p.Y.Min, p.Y.Max = lo-pad, hi+2*pad

	line, err := plotter.NewLine(pts.XYs)
	if err != nil {
		return nil, err
	}
	bars, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return nil, err
	}
	scatter, err := plotter.NewScatter(pts.XYs)
	if err != nil {
		return nil, err
	}
	p.Add(line, bars, scatter)
	if err := markers(p, t); err != nil {
		return nil, err
	}
	a.commitAxis(p, t)
	return render(p, len(t.Points))
}

// errPointsOf returns the medians of points with their intervals, and the
// lowest and highest value among them and the finite interval ends.
func errPointsOf(points []history.Point) (pts errPoints, lo, hi float64) {
	pts = errPoints{XYs: make(plotter.XYs, len(points)), YErrors: make(plotter.YErrors, len(points))}
	lo, hi = math.Inf(1), math.Inf(-1)
	for i, pt := range points {
		s := pt.Summary
		pts.XYs[i] = plotter.XY{X: float64(i), Y: s.Center}
		if !math.IsInf(s.Lo, 0) && !math.IsInf(s.Hi, 0) {
			pts.YErrors[i] = struct{ Low, High float64 }{s.Center - s.Lo, s.Hi - s.Center}
			lo, hi = min(lo, s.Lo), max(hi, s.Hi)
		}
		lo, hi = min(lo, s.Center), max(hi, s.Center)
	}
	return pts, lo, hi
}

// markers draws t's change points and version steps.
func markers(p *plot.Plot, t Trend) error {
	for _, c := range t.Changes {
		if err := marker(p, c.Point, changeColor, []vg.Length{vg.Points(5), vg.Points(3)}, ""); err != nil {
			return err
		}
	}
	for _, s := range t.Steps {
		label := fmt.Sprintf("%s %+.1f%%", s.To, 100*s.Shift())
		if err := marker(p, s.Point, versionColor, []vg.Length{vg.Points(1), vg.Points(2)}, label); err != nil {
			return err
		}
	}
	return nil
}

// errPoints are medians with their intervals, for plotter.NewYErrorBars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// marker draws a vertical line between point i-1 and point i, labelled at
// the top if label is not empty.
func marker(p *plot.Plot, i int, c color.Color, dashes []vg.Length, label string) error {
	x := float64(i) - 0.5
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: p.Y.Max}})
	if err != nil {
		return err
	}
	l.Color, l.Dashes, l.Width = c, dashes, vg.Points(1.2)
	p.Add(l)
	if label == "" {
		return nil
	}
	labels, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: p.Y.Max}}, Labels: []string{label}})
	if err != nil {
		return err
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].Color = c
		labels.TextStyle[i].YAlign = draw.YTop
	}
	p.Add(labels)
	return nil
}

// commitAxis labels the X axis with short commits, at most maxTicks of them.
func (a *Analysis) commitAxis(p *plot.Plot, t Trend) {
	step := (len(t.Points) + maxTicks - 1) / maxTicks
	var ticks []plot.Tick
	for i, pt := range t.Points {
		label := ""
		if i%step == 0 {
			label = short(a.Commits[pt.Commit].Commit)
		}
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.5, float64(len(t.Points))-0.5
	p.X.Tick.Label.Rotation = math.Pi / 4
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
}

func render(p *plot.Plot, points int) ([]byte, error) {
	w := vg.Length(max(6, 0.2*float64(min(points, 60))+2)) * vg.Inch
	c := vgsvg.New(w, 4*vg.Inch)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// scaledTicks labels ticks as benchstat prints values: 1.2µ, 350n.
type scaledTicks struct {
	plot.Ticker
	sc benchunit.Scaler
}

func (t scaledTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := t.Ticker.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = fmt.Sprintf("%.4g%s", ticks[i].Value/t.sc.Factor, t.sc.Prefix)
		}
	}
	return ticks
}

// short returns the first 7 characters of a commit hash.
func short(commit string) string { return commit[:min(7, len(commit))] }
