package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/concbench/concbench/internal/results"
)

// Compare writes benchstat's old/new table for two sets: per unit, a row
// per cell (benchmark name with its package, GOMAXPROCS and preempt mode)
// with both medians and their intervals and the change, "~" when the U-test
// finds no significant difference, and the geometric mean of the medians of
// the rows both sets have. Benchmarks of one name in different packages are
// different rows. A "~" whose samples are too few for the U-test to find any
// difference (see [testable]) is marked, and a note under the table says so,
// as benchstat does. It reports an error if the sets have no cell in common.
func Compare(w io.Writer, old, new *results.Set, oldName, newName string) error {
	var units []string
	for _, s := range []*results.Set{old, new} {
		for _, m := range s.Metrics() {
			if !slices.Contains(units, m.Unit) {
				units = append(units, m.Unit)
			}
		}
	}
	common := 0
	for i, unit := range units {
		if i > 0 {
			fmt.Fprintln(w)
		}
		n, err := compareUnit(w, old, new, oldName, newName, unit)
		if err != nil {
			return err
		}
		common += n
	}
	if common == 0 {
		if shared := sharedCells(old, new); shared > 0 {
			what := "benchmarks"
			if shared == 1 {
				what = "benchmark"
			}
			return fmt.Errorf("%s and %s have %d %s in common, but in different units (%s against %s): write one unit, or convert one file",
				oldName, newName, shared, what, unitsOf(old), unitsOf(new))
		}
		return fmt.Errorf("%s and %s have no benchmark in common (same name, package, GOMAXPROCS, preempt and unit)", oldName, newName)
	}
	return nil
}

// sharedCells counts old's cells that new has too, whatever their units.
func sharedCells(old, new *results.Set) int {
	n := 0
	for _, c := range old.Cells() {
		if _, ok := new.Lookup(c); ok {
			n++
		}
	}
	return n
}

// unitsOf lists s's units as its input wrote them.
func unitsOf(s *results.Set) string {
	var units []string
	for _, m := range s.Metrics() {
		if u := s.OrigUnit(m.Unit); !slices.Contains(units, u) {
			units = append(units, u)
		}
	}
	return strings.Join(units, ", ")
}

// pair is one row of a comparison: a cell's metric in the old and the new
// set, either of which may be missing.
type pair struct {
	label    string
	old, new *results.Metric
}

// pairs returns the rows of unit: old's cells in order, then those only new has.
func pairs(old, new *results.Set, unit string) []pair {
	var out []pair
	for _, m := range old.Metrics() {
		if m.Unit != unit {
			continue
		}
		p := pair{label: old.Label(m.Cell), old: &m}
		if c, ok := new.Lookup(m.Cell); ok && len(new.Values(results.Metric{Cell: c, Unit: unit})) > 0 {
			p.new = &results.Metric{Cell: c, Unit: unit}
		}
		out = append(out, p)
	}
	for _, m := range new.Metrics() {
		c, ok := old.Lookup(m.Cell)
		if m.Unit == unit && (!ok || len(old.Values(results.Metric{Cell: c, Unit: unit})) == 0) {
			out = append(out, pair{label: new.Label(m.Cell), new: &m})
		}
	}
	return out
}

// compareUnit writes the table of one unit and returns how many rows both
// sets have, a median of zero included (the geomean leaves those out).
func compareUnit(w io.Writer, old, new *results.Set, oldName, newName, unit string) (int, error) {
	rows := pairs(old, new, unit)
	// Names are padded to one width so that right alignment leaves them
	// aligned left, as benchstat prints them.
	width := len("geomean")
	for _, p := range rows {
		width = max(width, len(p.label))
	}
	pad := func(s string) string { return s + strings.Repeat(" ", width-len(s)) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t%s\tvs base\t\n", pad(""), oldName, newName)
	fmt.Fprintf(tw, "%s\t%s\t%s\t\t\n", pad(""), old.OrigUnit(unit), new.OrigUnit(unit))
	var logOld, logNew float64
	both, common := 0, 0 // rows in the geomean (positive medians), rows at both sides
	few := false         // a row has too few samples to test
	for _, p := range rows {
		cells := []string{"—", "—", ""}
		so, _ := summaryOf(old, p.old)
		sn, _ := summaryOf(new, p.new)
		if p.old != nil {
			cells[0] = summary(so, unit)
		}
		if p.new != nil {
			cells[1] = summary(sn, unit)
		}
		if p.old != nil && p.new != nil {
			common++
			c, _ := results.CompareSets(old, *p.old, new, *p.new)
			cells[2] = delta(c, so.Center, sn.Center)
			if c.P >= c.Alpha && !testable(c) {
				cells[2] += " ¹"
				few = true
			}
			if so.Center > 0 && sn.Center > 0 {
				logOld += math.Log(so.Center)
				logNew += math.Log(sn.Center)
				both++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", pad(p.label), cells[0], cells[1], cells[2])
	}
	if both > 0 {
		gOld, gNew := math.Exp(logOld/float64(both)), math.Exp(logNew/float64(both))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%+.2f%%\t\n", pad("geomean"), value(gOld, unit), value(gNew, unit), 100*(gNew/gOld-1))
	}
	if err := tw.Flush(); err != nil {
		return common, err
	}
	if few {
		fmt.Fprintln(w, "¹ too few samples for the U-test to find any difference at α = 0.05 (it needs about 4 on each side)")
	}
	return common, nil
}
