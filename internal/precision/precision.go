// Package precision says how precise a run's numbers are: for every unit,
// how many cells have a 95% interval of the median (benchstat's "±x%"
// column, from golang.org/x/perf/benchmath through internal/results) within
// ±5%, ±10%, ±20%, or wider. It is the table a reader checks before
// trusting a report, and what a run's budget is spent to improve.
package precision

import (
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/internal/results"
)

// Bounds are the upper ends of the buckets of [Row.Counts]: a cell whose
// interval's half-width is at most Bounds[i] of its median falls in bucket
// i; a wider one (an infinite interval included) in the last bucket.
var Bounds = []float64{0.05, 0.10, 0.20}

// Noisy is the half-width above which a cell is noisy: its interval is
// wider than ±10%, so a difference smaller than that is not to be read from
// it.
const Noisy = 0.10

// Width returns the half-width of s's interval relative to its center, as
// benchstat's ±x% prints it: max(Hi/Center-1, 1-Lo/Center). It is 0 when
// the center and both bounds are 0, and +Inf when the interval is infinite
// (too few samples) or a bound lies on the other side of zero.
func Width(s benchmath.Summary) float64 {
	switch {
	case math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0):
		return math.Inf(1)
	case sign(s.Lo) != sign(s.Center) || sign(s.Hi) != sign(s.Center):
		return math.Inf(1)
	case s.Center == 0:
		return 0
	}
	return math.Max(s.Hi/s.Center-1, 1-s.Lo/s.Center)
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// Bucket returns the index of the bucket of width: the first i with
// width <= Bounds[i], or len(Bounds).
func Bucket(width float64) int {
	for i, b := range Bounds {
		if width <= b {
			return i
		}
	}
	return len(Bounds)
}

// Row counts the cells of one unit by the width of their interval.
type Row struct {
	Unit   string // tidied, as internal/results keys it (sec/op, cancel-sec)
	Name   string // as the input wrote it (ns/op, cancel-ns), or a group's name
	Cells  int
	Counts []int // per bucket, len(Bounds)+1
}

// Within returns the share of the row's cells whose interval is within
// ±bound, for bound one of Bounds; 0 for a row without cells.
func (r Row) Within(bound float64) float64 {
	i := slices.Index(Bounds, bound)
	if i < 0 {
		panic(fmt.Sprintf("precision: Within(%v): want one of %v", bound, Bounds))
	}
	if r.Cells == 0 {
		return 0
	}
	n := 0
	for _, c := range r.Counts[:i+1] {
		n += c
	}
	return float64(n) / float64(r.Cells)
}

// Table returns a row per unit of s, in the order the units were first
// seen, counting every cell (benchmark, sub-benchmark, GOMAXPROCS, preempt
// mode) that has values in that unit. Units whose values are all the same
// in every cell (allocs/op in most suites) are counted like the others.
func Table(s *results.Set) []Row {
	var rows []Row
	index := map[string]int{}
	for _, m := range s.Metrics() {
		sum, ok := s.Summary(m)
		if !ok {
			continue
		}
		i, seen := index[m.Unit]
		if !seen {
			i = len(rows)
			index[m.Unit] = i
			rows = append(rows, Row{Unit: m.Unit, Name: s.OrigUnit(m.Unit), Counts: make([]int, len(Bounds)+1)})
		}
		rows[i].Cells++
		rows[i].Counts[Bucket(Width(sum))]++
	}
	return rows
}

// IsLatency reports whether a tidied unit is a latency: a time that is
// not the time per op or per task (first-sec, cancel-sec, stall-sec,
// p50-wake-sec, ...).
func IsLatency(unit string) bool {
	return strings.HasSuffix(unit, "-sec") && !strings.Contains(unit, "/")
}

// Rows returns [Table] of s followed, if s has latency units, by their
// [Sum] as "all latency units": the table concbench prints.
func Rows(s *results.Set) []Row {
	rows := Table(s)
	if lat := Sum("all latency units", rows, IsLatency); lat.Cells > 0 {
		rows = append(rows, lat)
	}
	return rows
}

// Sum returns one row named name that adds up the rows for which keep
// returns true.
func Sum(name string, rows []Row, keep func(unit string) bool) Row {
	sum := Row{Name: name, Counts: make([]int, len(Bounds)+1)}
	for _, r := range rows {
		if !keep(r.Unit) {
			continue
		}
		sum.Cells += r.Cells
		for i, c := range r.Counts {
			sum.Counts[i] += c
		}
	}
	return sum
}

// Write writes rows as a Markdown table: cells per bucket, and the share
// within ±10%.
func Write(w io.Writer, rows []Row) error {
	var b strings.Builder
	b.WriteString("| metric | cells |")
	lo := 0.0
	for _, hi := range Bounds {
		if lo == 0 {
			fmt.Fprintf(&b, " ≤ %s |", pct(hi))
		} else {
			fmt.Fprintf(&b, " %s–%s |", pct(lo), pct(hi))
		}
		lo = hi
	}
	fmt.Fprintf(&b, " > %s | within ±%s |\n|---|--:|%s--:|--:|\n", pct(lo), pct(Noisy), strings.Repeat("--:|", len(Bounds)))
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d |", r.Name, r.Cells)
		for _, c := range r.Counts {
			fmt.Fprintf(&b, " %d |", c)
		}
		fmt.Fprintf(&b, " %.0f%% |\n", 100*r.Within(Noisy))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(f float64) string { return fmt.Sprintf("%g%%", 100*f) }

// Agreement compares every metric of a with the same metric of b (the
// Mann-Whitney U-test, as benchstat) and returns how many comparisons it
// made and how many differ at the test's alpha (0.05). Two runs of the
// same commit should differ in about 5% of them, by chance alone.
func Agreement(a, b *results.Set) (compared, differ int) {
	for _, m := range a.Metrics() {
		c, ok := b.Lookup(m.Cell)
		if !ok {
			continue
		}
		cmp, ok := results.CompareSets(a, m, b, results.Metric{Cell: c, Unit: m.Unit})
		if !ok {
			continue
		}
		compared++
		if cmp.P < cmp.Alpha {
			differ++
		}
	}
	return compared, differ
}

// Shift is how much slower one run's sec/op cells were than another's at
// one GOMAXPROCS: the geometric mean, over the cells both measured, of the
// ratio of their medians (1.05: 5% slower), and how far apart the cells
// moved: Low and High are the ratios a tenth of the way from either end
// (the nearest-rank 10th and 90th percentiles).
type Shift struct {
	Procs     int
	Cells     int
	Ratio     float64
	Low, High float64
}

// Shifts returns b's [Shift] against a per GOMAXPROCS, in ascending order.
// Two runs of one commit on a machine whose speed moved between them
// differ in many cells where the intervals are narrower than the move
// ([Agreement]); Ratio tells a move of the whole run from a few cells that
// changed, and Low and High show whether the cells moved alike. On the
// shared reference VM they did not: between two default runs five minutes
// apart, a tenth of JoinAll's GOMAXPROCS=2 cells moved by 14% or more
// while the median cell moved by 3% (docs/precision.md).
func Shifts(a, b *results.Set) []Shift {
	logs := map[int][]float64{}
	for _, m := range a.Metrics() {
		if m.Unit != "sec/op" {
			continue
		}
		c, ok := b.Lookup(m.Cell)
		if !ok {
			continue
		}
		ma, okA := a.Median(m)
		mb, okB := b.Median(results.Metric{Cell: c, Unit: m.Unit})
		if okA && okB && ma > 0 && mb > 0 {
			logs[m.Procs()] = append(logs[m.Procs()], math.Log(mb/ma))
		}
	}
	var out []Shift
	for _, p := range slices.Sorted(maps.Keys(logs)) {
		l := logs[p]
		sum := 0.0
		for _, v := range l {
			sum += v
		}
		slices.Sort(l)
		rank := func(f float64) float64 { // nearest rank: the ceil(f·n)-th smallest
			return math.Exp(l[max(0, int(math.Ceil(f*float64(len(l))))-1)])
		}
		out = append(out, Shift{Procs: p, Cells: len(l), Ratio: math.Exp(sum / float64(len(l))), Low: rank(0.1), High: rank(0.9)})
	}
	return out
}

// Halves is how the odd rounds of one run compare with its even rounds
// ([Agreement]): about 5% of the comparisons differ by chance where the
// run's intervals hold for what it measured side by side.
type Halves struct{ Compared, Differ int }

// SplitRun reads a runner's raw.txt (data, named name in errors) into two
// sets, its odd rounds and its even rounds ([results.SplitRounds]), whose
// processes ran interleaved over the whole run.
func SplitRun(name string, data []byte) (odd, even *results.Set, err error) {
	o, e, err := results.SplitRounds(name, data)
	if err != nil {
		return nil, nil, err
	}
	odd, even = results.New(), results.New()
	if _, err := odd.Add(name+" (odd rounds)", o); err != nil {
		return nil, nil, err
	}
	if _, err := even.Add(name+" (even rounds)", e); err != nil {
		return nil, nil, err
	}
	return odd, even, nil
}

// RunHalves is [HalvesOf] the file at path, for a report's self-check: nil
// if the file cannot be read or is not a runner's raw.txt of two rounds or
// more (go test's output has no rounds).
func RunHalves(path string) *Halves {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	h, err := HalvesOf(filepath.Base(path), data)
	if err != nil {
		return nil
	}
	return &h
}

// HalvesOf compares the odd rounds of a runner's raw.txt with its even
// rounds; an error if data is not one ([SplitRun]) or no cell was measured
// in both.
func HalvesOf(name string, data []byte) (Halves, error) {
	odd, even, err := SplitRun(name, data)
	if err != nil {
		return Halves{}, err
	}
	var h Halves
	if h.Compared, h.Differ = Agreement(odd, even); h.Compared == 0 {
		return Halves{}, fmt.Errorf("%s: no cell measured in both odd and even rounds: nothing to compare", name)
	}
	return h, nil
}
