// Package report turns benchmark results into the report people read:
// report.md with, per pattern, a table per metric (median and 95% interval,
// efficiency against the measured lower bound), the preemption comparison
// for the starvation cells, answers to the project's questions built from
// the numbers, the implementations' documented contract deviations, and SVG
// charts; and [Compare], benchstat's old/new table for two sets.
//
// It is benchstat's table with concbench's knowledge added (internal/suite):
// which impl is a lower bound, which cells answer which question. Everything
// shown comes from the input; a cell the input lacks is reported as not
// measured. Statistics come from golang.org/x/perf/benchmath through
// [results.Set]: a cell whose 95% interval is wider than ±10% is marked
// noisy, and no answer or per-implementation guidance calls a difference the
// Mann-Whitney U-test does not find.
//
// Rejected: one table with a column per (GOMAXPROCS, preempt) pair for every
// pattern. Preemption mode moves nothing but the starvation numbers, so the
// pattern tables show one mode (async when measured) and the comparison of
// modes has a section of its own; raw.txt keeps everything for benchstat.
package report

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concbench/concbench/internal/md"
	"github.com/concbench/concbench/internal/precision"
	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
)

// Options are what the report says about how it was made.
type Options struct {
	// Command is the command line that wrote this report; the command that
	// produced the data comes from the input's "command:" config line.
	Command string
	// Charts, when false, leaves the charts out (and their links).
	Charts bool
	// Files, if set, names the inputs in the report instead of their paths
	// (the runner's report says raw.txt, not its temporary path).
	Files []string
	// Halves, if set, is how the run's odd rounds compare with its even
	// rounds (precision.HalvesOf): the header's self-check of the
	// intervals.
	Halves *precision.Halves
}

// Write writes report.md and the charts for s into dir, which must exist.
// Everything is rendered before the first file is written.
func Write(dir string, s *results.Set, o Options) error {
	md, charts, err := Build(s, o)
	if err != nil {
		return err
	}
	files := map[string][]byte{"report.md": md}
	for _, c := range charts {
		files[c.File] = c.SVG
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Chart is one rendered chart.
type Chart struct {
	File string // e.g. joinall-gomaxprocs2.svg
	SVG  []byte
}

// Build returns report.md's text and, if o.Charts, the charts it links to.
func Build(s *results.Set, o Options) ([]byte, []Chart, error) {
	r := &rep{Set: s, opts: o}
	r.index()
	var b bytes.Buffer
	r.header(&b)
	r.problems(&b)
	r.answers(&b)
	for _, bench := range r.benches {
		if err := r.pattern(&b, bench); err != nil {
			return nil, nil, err
		}
	}
	if err := r.preemption(&b); err != nil {
		return nil, nil, err
	}
	r.machine(&b)
	return b.Bytes(), r.charts, nil
}

// rep is one report being built.
type rep struct {
	*results.Set
	opts    Options
	benches []string // top-level benchmarks, the suite's order first
	charts  []Chart
}

func (r *rep) index() {
	for _, p := range patterns {
		if len(r.cellsOf(p.bench)) > 0 {
			r.benches = append(r.benches, p.bench)
		}
	}
	for _, c := range r.Cells() {
		if !slices.Contains(r.benches, c.Bench()) {
			r.benches = append(r.benches, c.Bench())
		}
	}
}

// cellsOf returns the Go cells of bench, sorted, in modes (any mode if
// none): everything but the tables reads Go's cells only (see isGo).
func (r *rep) cellsOf(bench string, modes ...string) []results.Cell {
	return r.cellsIn(false, bench, modes...)
}

// cellsIn returns the cells of bench in modes of one runtime: tokio's
// (runtime: tokio, the xruntime/tokio suite) or Go's ([isGo]).
func (r *rep) cellsIn(tokio bool, bench string, modes ...string) []results.Cell {
	var out []results.Cell
	for _, c := range r.Cells() {
		if c.Bench() == bench && (len(modes) == 0 || slices.Contains(modes, c.Preempt())) && isGo(c) != tokio {
			out = append(out, c)
		}
	}
	return out
}

// metricsOf returns Go's metrics of bench in mode and unit, sorted by cell.
func (r *rep) metricsOf(bench, mode, unit string) []results.Metric {
	return r.metricsIn(false, bench, mode, unit)
}

// tableMetrics returns the metrics the tables and charts of bench show in
// mode and unit: Go's, then tokio's.
func (r *rep) tableMetrics(bench, mode, unit string) []results.Metric {
	return append(r.metricsOf(bench, mode, unit), r.metricsIn(true, bench, mode, unit)...)
}

// metricsIn is metricsOf for one runtime (see cellsIn).
func (r *rep) metricsIn(tokio bool, bench, mode, unit string) []results.Metric {
	var out []results.Metric
	for _, c := range r.cellsIn(tokio, bench, mode) {
		if m := (results.Metric{Cell: c, Unit: unit}); len(r.Values(m)) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// mode returns the preempt mode the pattern tables of bench show: async
// when measured, else the unlabelled mode of plain go test output, else the
// first one seen.
func (r *rep) mode(bench string) string {
	var modes []string
	for _, c := range r.cellsOf(bench) {
		if !slices.Contains(modes, c.Preempt()) {
			modes = append(modes, c.Preempt())
		}
	}
	for _, want := range []string{"async", ""} {
		if slices.Contains(modes, want) {
			return want
		}
	}
	if len(modes) == 0 {
		return ""
	}
	return modes[0]
}

// procs returns the GOMAXPROCS values measured for bench in mode, ascending.
func (r *rep) procs(bench, mode string) []int {
	var out []int
	for _, c := range append(r.cellsOf(bench, mode), r.cellsIn(true, bench, mode)...) {
		if !slices.Contains(out, c.Procs()) {
			out = append(out, c.Procs())
		}
	}
	slices.Sort(out)
	return out
}

func (r *rep) header(b *bytes.Buffer) {
	fmt.Fprintf(b, "# concbench report\n\n")
	fmt.Fprintf(b, "Medians with their 95%% confidence intervals, computed by golang.org/x/perf/benchmath as benchstat does "+
		"(\"±∞\": fewer than 6 samples, too few for an interval). Comparisons use the Mann-Whitney U-test; "+
		"\"~\" means no significant difference at α = 0.05.\n\n")
	files := r.Files
	if len(r.opts.Files) > 0 {
		files = r.opts.Files
	}
	fmt.Fprintf(b, "- Data: %s\n", strings.Join(quoteAll(files), ", "))
	if c := r.Config("command"); len(c) > 0 {
		fmt.Fprintf(b, "- Produced by: %s\n", strings.Join(quoteAll(c), ", "))
	} else {
		fmt.Fprintf(b, "- Produced by: not recorded in the input (no \"command:\" line)\n")
	}
	if r.opts.Command != "" {
		fmt.Fprintf(b, "- Report written by: `%s`\n", r.opts.Command)
	}
	var cells []string
	for _, bench := range r.benches {
		n, tokio, lo, hi := r.samples(bench)
		s := fmt.Sprintf("%s %d cells", bench, n)
		if tokio > 0 {
			s += fmt.Sprintf(" and %d of tokio", tokio)
		}
		if lo == hi {
			s += fmt.Sprintf(", %d samples each", lo)
		} else {
			s += fmt.Sprintf(", %d to %d samples", lo, hi)
		}
		cells = append(cells, s)
	}
	fmt.Fprintf(b, "- Measured (a cell is a sub-benchmark at one GOMAXPROCS and preemption mode): %s\n", strings.Join(cells, "; "))
	fmt.Fprintf(b, "- Precision: %s\n", r.precisionLine())
	if st, ok := precision.Steadiness(r.Set); ok {
		fmt.Fprintf(b, "- Machine steadiness: %s.\n", st)
	}
	for _, n := range r.Notes {
		if text, ok := strings.CutPrefix(n.Text, results.BudgetPrefix); ok {
			fmt.Fprintf(b, "- Time budget: %s\n", text)
		}
	}
	if h := r.opts.Halves; h != nil && h.Compared > 0 {
		fmt.Fprintf(b, "- Self-check: %s\n", halvesLine(*h))
	}
	fmt.Fprintf(b, "- Machine: see [the end of this report](#machine)\n\n")
}

// halvesLine says how the run's odd and even rounds compare, and what that
// says of its intervals: the rate of chance is the U-test's alpha, 5%.
func halvesLine(h precision.Halves) string {
	share := float64(h.Differ) / float64(h.Compared)
	s := fmt.Sprintf("the run's odd rounds and its even rounds, which ran interleaved, differ in %d of %d comparisons (%.1f%%), ",
		h.Differ, h.Compared, 100*share)
	if share <= 0.05 {
		return s + "within the 5% that chance alone gives: the cells held still within the run, as far as halves of its samples can tell. " +
			"Runs made apart in time can differ more: the machine moves between them (`concbench precision -halves -aa`)."
	}
	return s + "more than the 5% that chance alone gives: the cells moved within the run, " +
		"by more than their intervals say; read small differences with care."
}

// precisionLine states the share of sec/op cells and of latency cells
// whose 95% interval is within ±10%; the tables mark the others noisy.
func (r *rep) precisionLine() string {
	rows := precision.Table(r.Set)
	var parts []string
	for _, row := range []precision.Row{
		precision.Sum("sec/op", rows, func(u string) bool { return u == secOp }),
		precision.Sum("latency", rows, precision.IsLatency),
	} {
		if row.Cells > 0 {
			parts = append(parts, fmt.Sprintf("%s of the %s cells (%d of %d)", percent(row.Within(precision.Noisy)), row.Name,
				int(math.Round(row.Within(precision.Noisy)*float64(row.Cells))), row.Cells))
		}
	}
	if len(parts) == 0 {
		return "no sec/op or latency cells"
	}
	return strings.Join(parts, " and ") + fmt.Sprintf(" have a 95%% interval within ±%s; the tables mark wider ones \"(noisy)\"", percent(precision.Noisy))
}

// samples returns the number of cells of bench and the fewest and most
// samples of a metric among them.
func (r *rep) samples(bench string) (n, tokio, lo, hi int) {
	for _, m := range r.Metrics() {
		if m.Bench() != bench {
			continue
		}
		k := len(r.Values(m))
		if lo == 0 || k < lo {
			lo = k
		}
		hi = max(hi, k)
	}
	return len(r.cellsOf(bench)), len(r.cellsIn(true, bench)), lo, hi
}

func (r *rep) problems(b *bytes.Buffer) {
	var problems []results.Note
	for _, n := range r.Notes {
		if !strings.HasPrefix(n.Text, results.EndlessPrefix) && !strings.HasPrefix(n.Text, results.BudgetPrefix) {
			problems = append(problems, n)
		}
	}
	warnings := r.Warnings()
	if len(problems) == 0 && len(warnings) == 0 {
		return
	}
	fmt.Fprintf(b, "## Problems during the run\n\n")
	for _, n := range problems {
		fmt.Fprintf(b, "- %s:%d: %s\n", n.File, n.Line, n.Text)
	}
	for _, w := range warnings {
		fmt.Fprintf(b, "- mixed inputs: %s\n", w)
	}
	b.WriteString("\n")
}

func (r *rep) machine(b *bytes.Buffer) {
	fmt.Fprintf(b, "## Machine\n\n")
	for _, k := range r.ConfigKeys() {
		switch k {
		case "command", "preempt":
			continue
		case "cpus", "cores":
			fmt.Fprintf(b, "- %s: %s\n", k, r.placement(k))
			continue
		}
		// Go pads the cpu: line's brand string with spaces, which at the
		// end of a Markdown line would break it.
		var vals []string
		for _, v := range r.Config(k) {
			if v = strings.TrimSpace(v); !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
		fmt.Fprintf(b, "- %s: %s\n", k, strings.Join(vals, "; "))
	}
	if len(r.ConfigKeys()) == 0 {
		fmt.Fprintf(b, "The input has no configuration lines (goos:, cpu:, ...): the machine is unknown.\n")
	}
}

// placement says, by GOMAXPROCS, what the cells' own config lines key
// ("cpus" or "cores") said: "1 at GOMAXPROCS=1; 0,1 at GOMAXPROCS=2", or
// the one value if every cell had the same.
func (r *rep) placement(key string) string {
	var procs []int
	at := map[int][]string{}
	for _, c := range r.Cells() {
		p := c.Procs()
		if _, ok := at[p]; !ok {
			procs = append(procs, p)
		}
		for _, v := range r.CellConfig(c, key) {
			if !slices.Contains(at[p], v) {
				at[p] = append(at[p], v)
			}
		}
	}
	slices.Sort(procs)
	var parts []string
	for _, p := range procs {
		if len(at[p]) > 0 {
			parts = append(parts, fmt.Sprintf("%s at GOMAXPROCS=%d", strings.Join(at[p], " and "), p))
		}
	}
	if all := r.Config(key); len(all) == 1 || len(parts) == 0 {
		return strings.Join(all, "; ")
	}
	s := strings.Join(parts, "; ")
	if key == "cpus" {
		s += " (`concbench run` starts a process at GOMAXPROCS=k on the last k CPUs it may use, unless -pin=false)"
	}
	return s
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}

// pattern writes one pattern's section: what it is, the chart, the
// documented deviations, and a table per metric.
func (r *rep) pattern(b *bytes.Buffer, bench string) error {
	p := patternOf(bench)
	mode := r.mode(bench)
	fmt.Fprintf(b, "## %s (%s)\n\n", plainOr(p.title), plainOr("Benchmark"+bench))
	if p.about != "" {
		fmt.Fprintf(b, "Models: %s", p.about)
	}
	if mode != "" {
		fmt.Fprintf(b, " Tables show preempt=%s.", mode)
	}
	b.WriteString("\n\n")
	if r.opts.Charts {
		for _, procs := range r.procs(bench, mode) {
			c, err := r.patternChart(p, mode, procs)
			c, err = chartOrNote(b, fmt.Sprintf("%s, GOMAXPROCS=%d", bench, procs), c, err)
			if err != nil {
				return err
			}
			if c != nil {
				r.charts = append(r.charts, *c)
				fmt.Fprintf(b, "![%s, GOMAXPROCS=%d](%s)\n\n", strings.NewReplacer("[", "(", "]", ")", "<", "(", ">", ")").Replace(bench), procs, c.File)
			}
		}
	}
	if len(p.impls) > 0 {
		r.implsTable(b, p, mode)
	}
	for _, unit := range r.units(bench, mode) {
		r.table(b, p, mode, unit)
	}
	return nil
}

// implsTable writes the pattern's implementations: panic behaviour,
// documented departures from the contract, and how each fared in this run.
func (r *rep) implsTable(b *bytes.Buffer, p pattern, mode string) {
	fmt.Fprintf(b, "Implementations (from the package's Impls table; the contract tests check each departure and each panic behaviour). "+
		"\"In this run\" is computed from the sec/op cells of this section: in how many cells where the implementation ran beside another of this table "+
		"it was the fastest or not significantly slower than the fastest, and where it was slower.\n\n")
	fmt.Fprintf(b, "| impl | when a task panics | departs from the contract | in this run (sec/op) |\n|---|---|---|---|\n")
	var names []string
	for _, im := range p.impls {
		names = append(names, im.Name)
	}
	for _, im := range p.impls {
		departs := "–"
		if len(im.Deviations) > 0 {
			var ds []string
			for _, clause := range sortedKeys(im.Deviations) {
				ds = append(ds, clause+": "+im.Deviations[clause])
			}
			departs = strings.Join(ds, "; ")
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", im.Name, panicText(string(im.Panics)), departs, r.guidance(p.bench, mode, im.Name, names))
	}
	b.WriteString("\n")
}

// units returns the units of bench in mode: sec/op first, then as seen.
func (r *rep) units(bench, mode string) []string {
	var out []string
	for _, m := range r.Metrics() {
		if m.Bench() == bench && m.Preempt() == mode && !slices.Contains(out, m.Unit) {
			out = append(out, m.Unit)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		return cmp.Compare(boolInt(a != secOp), boolInt(b != secOp))
	})
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// table writes one metric of one pattern: a row per sub-benchmark, a column
// (and an efficiency column where there is a bound) per GOMAXPROCS; tokio's
// rows, where the run has them, follow Go's.
func (r *rep) table(b *bytes.Buffer, p pattern, mode, unit string) {
	procs := r.procs(p.bench, mode)
	ms := r.tableMetrics(p.bench, mode, unit)
	rows := results.Group(cellsOfMetrics(ms), results.Procs)
	keys := columns(cellsOfMetrics(ms))
	hasBound := slices.ContainsFunc(ms, func(m results.Metric) bool { _, ok := r.bound(m); return ok })
	fmt.Fprintf(b, "### %s\n\n", r.OrigUnit(unit))
	if hasBound {
		fmt.Fprintf(b, "eff. = measured lower bound / median (100%% = at the bound).")
		perProc := slices.ContainsFunc(ms, func(m results.Metric) bool {
			b, ok := boundRule(m)
			_, measured := r.bound(m)
			return ok && b.PerProc && measured
		})
		if perProc && slices.ContainsFunc(ms, func(m results.Metric) bool { _, ok := r.cores(m.Cell); return !ok }) {
			b.WriteString(" The input has no cores: line, so the bound of CPU work divides serial's time by GOMAXPROCS: above the machine's cores, no implementation can reach it.")
		}
		if slices.ContainsFunc(ms, r.beatsBound) {
			b.WriteString(" Above 100%, a cell beat its bound: the bound is another cell of this run (serial's, floor's), measured with its own noise and overheads, not a limit no run can pass.")
		}
		b.WriteString("\n\n")
	}
	head, rule := "|", "|"
	for _, k := range keys {
		head += " " + k.name + " |"
		rule += "---|"
	}
	for _, n := range procs {
		head += fmt.Sprintf(" GOMAXPROCS=%d |", n)
		rule += "--:|"
		if hasBound {
			head += " eff. |"
			rule += "--:|"
		}
	}
	fmt.Fprintf(b, "%s\n%s\n", head, rule)
	for _, row := range rows {
		b.WriteString(r.tableRow(row, keys, procs, unit, hasBound) + "\n")
	}
	b.WriteString("\n")
}

// beatsBound reports whether m's median is below its bound: an efficiency
// above 100%.
func (r *rep) beatsBound(m results.Metric) bool {
	bound, ok := r.bound(m)
	med, ok2 := r.Median(m)
	return ok && ok2 && med > 0 && bound > med
}

// fewer returns " (k of n samples)" when m has values in fewer of its
// cell's samples than sec/op: a metric the benchmark reports only in some
// (p50-wake-ns needs enough wake-ups), whose median then comes from those
// samples only; "" otherwise.
func (r *rep) fewer(m results.Metric) string {
	k, n := len(r.Values(m)), len(r.Values(results.Metric{Cell: m.Cell, Unit: secOp}))
	if k >= n {
		return ""
	}
	return fmt.Sprintf(" (%d of %d samples)", k, n)
}

// tableRow is one row of [rep.table]: the cell's keys, then its median and
// interval (and efficiency) at each GOMAXPROCS.
func (r *rep) tableRow(row []results.Cell, keys []column, procs []int, unit string, hasBound bool) string {
	line := "|"
	for _, k := range keys {
		line += " " + md.Cell(k.value(row[0])) + " |"
	}
	for _, n := range procs {
		i := slices.IndexFunc(row, func(c results.Cell) bool { return c.Procs() == n })
		if i < 0 {
			line += " — |"
			if hasBound {
				line += " |"
			}
			continue
		}
		m := results.Metric{Cell: row[i], Unit: unit}
		sum, _ := r.Summary(m)
		line += " " + marked(sum, unit) + r.fewer(m) + " |"
		if hasBound {
			if bound, ok := r.bound(m); ok && sum.Center > 0 {
				line += " " + percent(bound/sum.Center) + " |"
			} else {
				line += " |"
			}
		}
	}
	return line
}

func cellsOfMetrics(ms []results.Metric) []results.Cell {
	out := make([]results.Cell, len(ms))
	for i, m := range ms {
		out[i] = m.Cell
	}
	return out
}

// column is a column of a table that names a cell: a suite key, or the
// parts of the name no key holds.
type column struct {
	name  string
	value func(results.Cell) string
}

// columns returns the columns that tell cells apart, in the order cells
// sort by: the package and the runtime where the cells have several, the
// suite's keys but impl, then the rest of the name, then impl.
func columns(cells []results.Cell) []column {
	var out []column
	for _, f := range []string{results.Pkg, results.Runtime} {
		vals := map[string]bool{}
		for _, c := range cells {
			vals[c.Get(f)] = true
		}
		if len(vals) > 1 {
			out = append(out, column{f, func(c results.Cell) string { return cmp.Or(c.Get(f), "–") }})
		}
	}
	for _, k := range []suite.Key{suite.N, suite.Task, suite.Hog, suite.Victim} {
		out = append(out, column{string(k), func(c results.Cell) string { return c.Sub(k) }})
	}
	out = append(out,
		column{"name", results.Cell.Rest},
		column{string(suite.Impl), func(c results.Cell) string { return c.Sub(suite.Impl) }})
	return slices.DeleteFunc(out, func(col column) bool {
		return !slices.ContainsFunc(cells, func(c results.Cell) bool { return col.value(c) != "" })
	})
}
