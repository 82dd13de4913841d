package report

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
)

// series is one line of a chart's legend: a median and its interval per
// category.
type series struct {
	name   string
	points map[int]results.Metric // category index -> metric
}

// logSpan is the ratio of largest to smallest value above which a chart
// uses a log scale.
const logSpan = 30

// patternChart draws one pattern at one GOMAXPROCS: its chart unit per cell
// (n, task, ...), the impls side by side with their 95% intervals as
// whiskers. It returns nil if the pattern has no values in that unit.
func (r *rep) patternChart(p pattern, mode string, procs int) (*Chart, error) {
	unit := p.chart
	var cats []string
	var ser []*series
	for _, try := range []string{unit, secOp} {
		unit = try
		cats, ser = nil, nil
		byName := map[string]*series{}
		for _, m := range r.tableMetrics(p.bench, mode, unit) {
			if m.Procs() != procs {
				continue
			}
			i := indexOrAppend(&cats, others(m.Cell))
			name := m.Sub(suite.Impl)
			if !isGo(m.Cell) { // one name in two runtimes is two series
				name = strings.TrimSpace(name + " runtime=" + m.Runtime())
			}
			if byName[name] == nil {
				byName[name] = &series{name: name, points: map[int]results.Metric{}}
				ser = append(ser, byName[name])
			}
			byName[name].points[i] = m
		}
		if len(ser) > 0 {
			break
		}
	}
	if len(ser) == 0 {
		return nil, nil
	}
	title := fmt.Sprintf("Benchmark%s: %s, GOMAXPROCS=%d", p.bench, r.OrigUnit(unit), procs)
	if mode != "" {
		title += ", preempt=" + mode
	}
	file := fmt.Sprintf("%s-gomaxprocs%d.svg", fileName(p.bench), procs)
	return draw2(r.Set, title, unit, r.OrigUnit(unit)+" (median, 95% interval)", file, cats, ser)
}

// wakeChart draws the starvation benchmark's victim stall (its longest wait
// to run in one op, the metric that stays meaningful when a starved victim
// wakes once per op) by hog kind, preemption on and off, for the cell where
// every P runs a hog.
func (r *rep) wakeChart(hogs []string, procs int, victim string) (*Chart, error) {
	var ser []*series
	for _, mode := range []string{"async", "off"} {
		sr := &series{name: "preempt=" + mode, points: map[int]results.Metric{}}
		for i, hog := range hogs {
			c, ok := r.lookup(suite.Starvation, mode, procs, suite.N.Is(procs), suite.Hog.Is(hog), suite.Victim.Is(victim))
			if ok && r.has(c, stallSec) {
				sr.points[i] = results.Metric{Cell: c, Unit: stallSec}
			}
		}
		if len(sr.points) > 0 {
			ser = append(ser, sr)
		}
	}
	if len(ser) == 0 {
		return nil, nil
	}
	cats := make([]string, len(hogs))
	for i, h := range hogs {
		cats[i] = "hog=" + h
	}
	title := fmt.Sprintf("Victim's longest stall per hog run, %s, GOMAXPROCS=%d, victim=%s", nHogs(strconv.Itoa(procs)), procs, victim)
	file := fmt.Sprintf("starvation-wake-gomaxprocs%d-%s.svg", procs, victim)
	return draw2(r.Set, title, "sec", "longest stall (median, 95% interval)", file, cats, ser)
}

// draw2 renders categories on the X axis with each series offset a little
// within its category, as points with interval whiskers: the plot, its
// series, the category axis, then the canvas with the legend beside it.
func draw2(s *results.Set, title, unit, ylabel, file string, cats []string, ser []*series) (*Chart, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = ylabel
	logScale := yScale(p, s, unit, ser)
	legend := plot.NewLegend() // drawn in a column of its own, not over the data
	legend.Top, legend.Left = true, true
	named := 0 // legend entries
	for k, sr := range ser {
		sc, err := addSeries(p, s, sr, k, len(ser), len(cats), logScale)
		if err != nil {
			return nil, err
		}
		if sc != nil && sr.name != "" {
			legend.Add(sr.name, sc)
			named++
		}
	}
	if p.Y.Min == p.Y.Max && p.Y.Min > 0 && !math.IsInf(2*p.Y.Max, 0) {
		// One value and no whiskers (one cell, or samples too few for an
		// interval): gonum would widen the range by ±1 in the unit, from
		// -1s to 1s around 129µs. Start at zero and put the value mid-height.
		p.Y.Min, p.Y.Max = 0, 2*p.Y.Max
	}
	categoryAxis(p, cats)
	p.Add(plotter.NewGrid())
	svg, err := render(p, legend, cats, named > 0)
	if err != nil {
		return nil, err
	}
	return &Chart{File: file, SVG: svg}, nil
}

// yScale sets the Y axis's ticks to unit and, when the medians span more
// than logSpan, a log scale, which it reports.
func yScale(p *plot.Plot, s *results.Set, unit string, ser []*series) bool {
	lo, hi := math.Inf(1), 0.0
	for _, sr := range ser {
		for _, m := range sr.points {
			if v, ok := s.Median(m); ok && v > 0 {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	logScale := hi > 0 && hi/lo > logSpan
	if logScale {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	p.Y.Tick.Marker = tickUnits{p.Y.Tick.Marker, unit}
	return logScale
}

// addSeries adds series k of n: a point per category at its median, with
// its 95% interval as a whisker. It returns the points' scatter for the
// legend, nil if the series has no point to draw.
func addSeries(p *plot.Plot, s *results.Set, sr *series, k, n, cats int, logScale bool) (*plotter.Scatter, error) {
	width := 0.7 / float64(n)
	var xys plotter.XYs
	var errs plotter.YErrors
	for i := range cats {
		m, ok := sr.points[i]
		if !ok {
			continue
		}
		sum, _ := s.Summary(m)
		if logScale && sum.Center <= 0 {
			continue
		}
		xys = append(xys, plotter.XY{X: float64(i) - 0.35 + width*(float64(k)+0.5), Y: sum.Center})
		low, high := sum.Center-sum.Lo, sum.Hi-sum.Center
		if math.IsInf(low, 0) || math.IsInf(high, 0) || (logScale && sum.Lo <= 0) {
			low, high = 0, 0 // no interval with too few samples
		}
		errs = append(errs, struct{ Low, High float64 }{low, high})
	}
	if len(xys) == 0 {
		return nil, nil
	}
	sc, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle.Color = seriesColor(k)
	sc.GlyphStyle.Shape = plotutil.Shape(k)
	sc.GlyphStyle.Radius = vg.Points(3)
	eb, err := plotter.NewYErrorBars(struct {
		plotter.XYs
		plotter.YErrors
	}{xys, errs})
	if err != nil {
		return nil, err
	}
	eb.LineStyle.Color = seriesColor(k)
	p.Add(sc, eb)
	return sc, nil
}

// categoryAxis labels the X axis with the categories, rotated.
func categoryAxis(p *plot.Plot, cats []string) {
	ticks := make([]plot.Tick, len(cats))
	for i, c := range cats {
		ticks[i] = plot.Tick{Value: float64(i), Label: c}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.5, float64(len(cats))-0.5
	p.X.Tick.Label.Rotation = math.Pi / 5
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
}

// notDrawn is the error of a chart the plotting library could not draw;
// [chartOrNote] turns it into a line of the report.
type notDrawn struct{ why string }

func (e notDrawn) Error() string { return "the chart could not be drawn: " + e.why }

// chartOrNote returns c and nil, or, if err is a [notDrawn], nil and nil
// after writing a line saying which chart is missing and why; any other
// error is returned.
func chartOrNote(b *bytes.Buffer, what string, c *Chart, err error) (*Chart, error) {
	var nd notDrawn
	if errors.As(err, &nd) {
		fmt.Fprintf(b, "(No chart of %s: %s.)\n\n", what, nd.Error())
		return nil, nil
	}
	return c, err
}

// render draws the plot and, if withLegend, a column for the legend at its
// right, below the title, and returns the SVG. SVG viewers draw the text in
// whatever font they have, often wider than the one measured here, so the
// legend keeps clear of the title and the data. The X labels are rotated
// about their right end, so a long first label reaches left of the canvas:
// pad for what the Y axis leaves it (~1 inch), and grow the height by what
// long labels take below.
func render(p *plot.Plot, legend plot.Legend, cats []string, withLegend bool) (svg []byte, err error) {
	// gonum/plot panics on an axis it cannot tick (values near the largest
	// float64 overflow its range): the report goes on without the chart.
	defer func() {
		if v := recover(); v != nil {
			svg, err = nil, notDrawn{fmt.Sprint(v)}
		}
	}()
	w := vg.Length(max(6, 0.55*float64(len(cats))+2)) * vg.Inch
	h := 4.5 * vg.Inch
	pad := vg.Length(0)
	if len(cats) > 0 {
		rot, long := p.X.Tick.Label.Rotation, vg.Length(0)
		for _, c := range cats {
			long = max(long, p.X.Tick.Label.Width(c))
		}
		h += max(0, vg.Length(math.Sin(rot))*long-vg.Inch)
		pad = max(0, vg.Length(math.Cos(rot))*p.X.Tick.Label.Width(cats[0])-vg.Inch)
	}
	col := vg.Length(0)
	if withLegend {
		col = legendColumn(legend)
	}
	c := vgsvg.New(pad+w+col, h)
	dc := draw.New(c)
	p.Draw(draw.Crop(dc, pad, -col, 0, 0))
	if withLegend {
		legend.Draw(draw.Crop(dc, pad+w+0.1*vg.Inch, 0, 0, -0.6*vg.Inch))
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// legendColumn is the width of the legend's column: its widest entry as
// measured here, with a third more for the text (viewers draw it in a font
// of their own, often wider: a fixed 1.7-inch column clipped
// "preempt=async" in a browser), and room on both sides.
func legendColumn(legend plot.Legend) vg.Length {
	r := legend.Rectangle(draw.Canvas{})
	text := r.Size().X - legend.ThumbnailWidth
	return legend.ThumbnailWidth + text*4/3 + 0.3*vg.Inch
}

// seriesColor is series k's colour: plotutil's default palette, then its
// dark one, so that the eighth and ninth series (osthread, concpool in
// JoinAll) do not repeat the first ones' colours.
func seriesColor(k int) color.Color {
	if n := len(plotutil.DefaultColors); k >= n {
		return plotutil.DarkColors[(k-n)%len(plotutil.DarkColors)]
	}
	return plotutil.DefaultColors[k]
}

// tickUnits labels ticks with SI prefixes (and "s" for times) instead of
// raw floats such as 1e-06.
type tickUnits struct {
	plot.Ticker
	unit string
}

func (t tickUnits) Ticks(min, max float64) []plot.Tick {
	ticks := t.Ticker.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = trimZeros(value(ticks[i].Value, t.unit))
		}
	}
	return ticks
}

// trimZeros drops the zeros after a decimal point: 1.000ms is 1ms.
func trimZeros(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(s)
	}
	num := s[:i]
	if strings.Contains(num, ".") {
		num = strings.TrimRight(strings.TrimRight(num, "0"), ".")
	}
	return num + s[i:]
}

func indexOrAppend(ss *[]string, s string) int {
	for i, x := range *ss {
		if x == s {
			return i
		}
	}
	*ss = append(*ss, s)
	return len(*ss) - 1
}
