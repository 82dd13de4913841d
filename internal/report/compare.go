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
// per benchmark (name, GOMAXPROCS and preempt mode) with both medians and
// their intervals and the change, "~" when the U-test finds no significant
// difference, and the geometric mean of the medians of the rows both sets
// have. It reports an error if the sets have no benchmark in common.
func Compare(w io.Writer, old, new *results.Set, oldName, newName string) error {
	var units []string
	for _, s := range []*results.Set{old, new} {
		for _, m := range s.Metrics {
			if !slices.Contains(units, m.Unit) {
				units = append(units, m.Unit)
			}
		}
	}
	common := 0
	for i, unit := range units {
		var rows []results.Metric
		for _, s := range []*results.Set{old, new} {
			for _, m := range s.Metrics {
				if m.Unit == unit && !slices.Contains(rows, m) {
					rows = append(rows, m)
				}
			}
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		// Names are padded to one width so that right alignment leaves
		// them aligned left, as benchstat prints them.
		width := len("geomean")
		for _, m := range rows {
			width = max(width, len(m.Key.String()))
		}
		pad := func(s string) string { return s + strings.Repeat(" ", width-len(s)) }
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\t%s\t%s\tvs base\t\n", pad(""), oldName, newName)
		fmt.Fprintf(tw, "%s\t%s\t%s\t\t\n", pad(""), old.OrigUnit(unit), new.OrigUnit(unit))
		var logOld, logNew float64
		both := 0
		for _, m := range rows {
			so, okOld := old.Summary(m)
			sn, okNew := new.Summary(m)
			cells := []string{"—", "—", ""}
			if okOld {
				cells[0] = summary(so, unit)
			}
			if okNew {
				cells[1] = summary(sn, unit)
			}
			if okOld && okNew {
				c, _ := results.CompareSets(old, m, new, m)
				cells[2] = delta(c, so.Center, sn.Center)
				if so.Center > 0 && sn.Center > 0 {
					logOld += math.Log(so.Center)
					logNew += math.Log(sn.Center)
					both++
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", pad(m.Key.String()), cells[0], cells[1], cells[2])
		}
		if both > 0 {
			common += both
			gOld, gNew := math.Exp(logOld/float64(both)), math.Exp(logNew/float64(both))
			fmt.Fprintf(tw, "%s\t%s\t%s\t%+.2f%%\t\n", pad("geomean"), value(gOld, unit), value(gNew, unit), 100*(gNew/gOld-1))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if common == 0 {
		return fmt.Errorf("%s and %s have no benchmark in common (same name, GOMAXPROCS, preempt and unit)", oldName, newName)
	}
	return nil
}
