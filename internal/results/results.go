// Package results is the one reader of the Go benchmark format in concbench:
// the runner's raw.txt, any `go test -bench` output, and the processes the
// gate runs. It reads as benchstat does (golang.org/x/perf/benchfmt) and
// groups results into cells, benchproc keys over the benchmark name, the
// suite's sub-benchmark keys (internal/suite), GOMAXPROCS, the runner's
// "preempt:" config, the package and the gate's side; callers ask it for
// cells and values by field, never by taking names apart.
//
// Read refuses input that would make a misleading report: a missing, empty
// or binary file, a malformed benchmark line, a file with no benchmarks, one
// metric written in two units (say wake-ns here and wake-ms there), and one
// cell in two files (benchstat would show them as two columns; a report would
// merge them). Each is one error naming the file, and the line where there
// is one.
//
// Statistics go through golang.org/x/perf/benchmath, as benchstat's do: the
// median with its 95% confidence interval, and the Mann-Whitney U-test for
// comparisons. Units are tidied as benchstat tidies them (ns/op is sec/op,
// first-ns is first-sec).
package results

import (
	"cmp"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// NotePrefix starts a comment line that the runner writes into raw.txt for
// something the numbers cannot say: a process that crashed or hung, a run
// that was interrupted. The benchmark format ignores such lines; Read keeps
// them as [Set.Notes].
const NotePrefix = "# concbench: "

// EndlessPrefix starts a note that is not a problem: the verdict of an
// endless hog run under the watchdog (see runner.Config.Endless), as
// starve.Verdict prints it.
const EndlessPrefix = "endless: "

// InterruptedPrefix starts the note of a run whose rounds were
// interrupted: some cells have fewer samples than the others, some none.
const InterruptedPrefix = "interrupted in round "

// BudgetPrefix starts a note that is not a problem: what the run's time
// budget bought (rounds, cells within ±10%), as the runner writes it.
const BudgetPrefix = "budget: "

// Note is a NotePrefix comment line of an input file.
type Note struct {
	File string
	Line int
	Text string
}

// Set is everything read from a group of inputs.
type Set struct {
	Files []string // the inputs' names, in the order added
	Notes []Note
	// Units is the unit metadata of the inputs (better=, assume=).
	Units benchfmt.UnitMetadataMap

	proj, residue *benchproc.Projection
	cells         []Cell               // in the order first seen
	sorted        bool                 // cells is sorted
	index         map[string]Cell      // cell field values -> cell
	units         map[Cell][]string    // units of a cell, in the order first seen
	values        map[Metric][]float64 // in input order
	residues      map[Cell]map[benchproc.Key]bool
	fileOf        map[Cell]string // the input a cell came from
	names         map[Cell]string // the name of a cell's first result
	vary          map[string]bool // field -> cells have several values (see varies)
	oneFile       bool            // a cell in two inputs is an error (Read)
	shapes        map[string]unitSeen
	origUnit      map[string]string   // tidied unit -> unit as written
	config        map[string][]string // file config key -> distinct values
	configKey     []string            // config keys in the order first seen
	runids        map[string]string   // runid -> where it was first read, file:line
}

// New returns an empty set to [Set.Add] inputs to.
func New() *Set {
	var p benchproc.ProjectionParser
	proj, err := p.Parse(cellProjection, nil)
	if err != nil {
		panic("results: " + err.Error())
	}
	return &Set{
		Units:    benchfmt.UnitMetadataMap{},
		proj:     proj,
		residue:  p.Residue(),
		index:    map[string]Cell{},
		units:    map[Cell][]string{},
		values:   map[Metric][]float64{},
		residues: map[Cell]map[benchproc.Key]bool{},
		fileOf:   map[Cell]string{},
		names:    map[Cell]string{},
		vary:     map[string]bool{},
		shapes:   map[string]unitSeen{},
		origUnit: map[string]string{},
		config:   map[string][]string{},
		runids:   map[string]string{},
	}
}

// Cells returns every cell, sorted by benchproc.SortKeys over the cell
// projection (see [Cell]).
func (s *Set) Cells() []Cell {
	if !s.sorted {
		keys := make([]benchproc.Key, len(s.cells))
		for i, c := range s.cells {
			keys[i] = c.key
		}
		benchproc.SortKeys(keys)
		for i, k := range keys {
			s.cells[i] = Cell{k}
		}
		s.sorted = true
	}
	return s.cells
}

// Metrics returns every metric with values: by cell as [Set.Cells] sorts
// them, and in one cell in the order its units were first seen.
func (s *Set) Metrics() []Metric {
	var out []Metric
	for _, c := range s.Cells() {
		for _, u := range s.units[c] {
			out = append(out, Metric{c, u})
		}
	}
	return out
}

// Values returns the measurements of m, in input order.
func (s *Set) Values(m Metric) []float64 { return s.values[m] }

// OrigUnit returns unit as the input wrote it (ns/task for sec/task).
func (s *Set) OrigUnit(unit string) string {
	if u, ok := s.origUnit[unit]; ok {
		return u
	}
	return unit
}

// Config returns the distinct values of a file config key (commit, go, cpu,
// ...) in the order first seen; none if no input has it.
func (s *Set) Config(key string) []string { return s.config[key] }

// CellConfig returns the distinct values a file config key had in the
// results of cell c (a cell of s), sorted; none if they did not have it.
// A key whose value differs between processes, as cores: does between a
// run's pinned and unpinned ones, has one value per cell.
func (s *Set) CellConfig(c Cell, key string) []string {
	var vals []string
	for rk := range s.residues[c] {
		for _, f := range rk.Projection().FlattenedFields() {
			if f.Name != key {
				continue
			}
			if v := rk.Get(f); v != "" && !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
	}
	slices.Sort(vals)
	return vals
}

// ConfigKeys returns the file config keys in the order first seen.
func (s *Set) ConfigKeys() []string { return s.configKey }

// Lookup returns the cell of s whose fields equal those of c, a cell of s or
// of another set, and false if s has none.
func (s *Set) Lookup(c Cell) (Cell, bool) {
	if c.key.IsZero() {
		return Cell{}, false
	}
	found, ok := s.index[indexKey(c.values())]
	return found, ok
}

// With returns the cell of s that equals c but for the given fields, each a
// field name and its value (suite.Impl.Field(), "serial", ...), and false if
// s has no such cell or c is the zero Cell. With panics if a field is not a
// field of a cell.
func (s *Set) With(c Cell, fieldValues ...string) (Cell, bool) {
	if len(fieldValues)%2 != 0 {
		panic("results: With needs field, value pairs")
	}
	if c.key.IsZero() {
		return Cell{}, false
	}
	vals := c.values()
	fs := c.key.Projection().Fields()
	for i := 0; i < len(fieldValues); i += 2 {
		j := slices.IndexFunc(fs, func(f *benchproc.Field) bool { return f.Name == fieldValues[i] })
		if j < 0 {
			panic("results: a cell has no field " + fieldValues[i])
		}
		vals[j] = fieldValues[i+1]
	}
	found, ok := s.index[indexKey(vals)]
	return found, ok
}

func indexKey(vals []string) string {
	b := make([]byte, 0, 64)
	for _, v := range vals {
		b = append(b, v...)
		b = append(b, 0)
	}
	return string(b)
}

// Confidence is the level of every interval: 95%, as benchstat's default.
const Confidence = 0.95

// Summary returns the median of m with its 95% confidence interval, as
// benchstat computes it, and false if m has no values.
func (s *Set) Summary(m Metric) (benchmath.Summary, bool) {
	v := s.values[m]
	if len(v) == 0 {
		return benchmath.Summary{}, false
	}
	return s.Units.GetAssumption(m.Unit).Summary(s.sample(m), Confidence), true
}

// Median returns the median of m, and false if m has no values.
func (s *Set) Median(m Metric) (float64, bool) {
	sum, ok := s.Summary(m)
	return sum.Center, ok
}

// Compare tests whether old and new differ, as benchstat does (Mann-Whitney
// U-test at alpha 0.05 unless the unit says assume=exact), and false if
// either has no values.
func (s *Set) Compare(old, new Metric) (benchmath.Comparison, bool) {
	return CompareSets(s, old, s, new)
}

// CompareSets is [Set.Compare] with old a metric of olds and new one of news.
func CompareSets(olds *Set, old Metric, news *Set, new Metric) (benchmath.Comparison, bool) {
	if len(olds.values[old]) == 0 || len(news.values[new]) == 0 {
		return benchmath.Comparison{}, false
	}
	return CompareSamples(olds.Units.GetAssumption(old.Unit), olds.sample(old), news.sample(new)), true
}

// CompareSamples is a.Compare(x, y) with two fixes to x/perf's U-test
// (benchmath.AssumeNothing):
//   - With ties and small samples it uses the exact distribution of x's U
//     and doubles its lower tail at min(U_x, U_y), which is the two-sided
//     p-value only when U_x is the smaller; otherwise it is the tail at the
//     other sample's U, too small when ties make the distribution lopsided
//     ([1368 ×14] against [1368 ×7, 1372, 1373, 1374]: p = 0.119 one way
//     round, 0 the other). So y goes first when x has the larger U; the
//     p-value then no longer depends on the order.
//   - It doubles the one-sided p-value without capping it, so tiny samples
//     with ties get more than 1 ([1] against [1 2]: 4/3); P is capped at 1.
func CompareSamples(a benchmath.Assumption, x, y *benchmath.Sample) benchmath.Comparison {
	c := a.Compare(x, y)
	if a == benchmath.AssumeNothing && 2*uOf(x.Values, y.Values) > float64(len(x.Values)*len(y.Values)) {
		// U_x + U_y = n_x·n_y, so U_x is the larger when above half of it.
		c.P = a.Compare(y, x).P
	}
	c.P = min(c.P, 1)
	return c
}

// uOf is the Mann-Whitney U of x against y: how many pairs have x's value
// above y's, a tie counting one half.
func uOf(x, y []float64) float64 {
	var u float64
	for _, a := range x {
		for _, b := range y {
			switch {
			case a > b:
				u++
			case a == b:
				u += 0.5
			}
		}
	}
	return u
}

func (s *Set) sample(m Metric) *benchmath.Sample {
	return benchmath.NewSample(slices.Clone(s.values[m]), &benchmath.DefaultThresholds)
}

// Label names c for people: its benchmark name as the input wrote it,
// without "Benchmark", then " preempt=" and its mode if it has one, then
// " runtime=" and " pkg=" with the cell's value ("none" if it has none)
// where the set's cells have several: "JoinAll/impl=own/n=10/task=tiny-2
// preempt=off". The gate's side is never part of the label.
func (s *Set) Label(c Cell) string {
	name := s.names[c]
	if p := c.Preempt(); p != "" {
		name += " preempt=" + p
	}
	for _, f := range []string{Runtime, Pkg} {
		if s.varies(f) {
			name += " " + f + "=" + cmp.Or(c.Get(f), "none")
		}
	}
	return name
}

// Name returns c's benchmark name as the input wrote it, without
// "Benchmark" and without the -N GOMAXPROCS suffix: the name a
// -test.bench pattern matches, level by level ("JoinAll/impl=own/n=10/task=tiny").
func (s *Set) Name(c Cell) string {
	name := s.names[c]
	if p := c.Get(Procs); p != "" {
		name = strings.TrimSuffix(name, "-"+p)
	}
	return name
}

// varies reports whether the cells of s have more than one value of field
// (a missing one counts as a value).
func (s *Set) varies(field string) bool {
	v, ok := s.vary[field]
	if !ok {
		seen := map[string]bool{}
		for _, c := range s.cells {
			seen[c.Get(field)] = true
		}
		v = len(seen) > 1
		s.vary[field] = v
	}
	return v
}

// Group splits cells into groups of cells equal in every field but the
// given ones (say Procs: a table row with a cell per GOMAXPROCS), keeping
// the order of cells within and between groups.
func Group(cells []Cell, except ...string) [][]Cell {
	var out [][]Cell
	at := map[string]int{}
	for _, c := range cells {
		vals := c.values()
		for i, f := range c.key.Projection().Fields() {
			if slices.Contains(except, f.Name) {
				vals[i] = ""
			}
		}
		k := indexKey(vals)
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], c)
	}
	return out
}
