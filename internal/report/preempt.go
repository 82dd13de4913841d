package report

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/md"
	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
)

// forcePreemptNS is the runtime's bound on how long a goroutine may run
// before sysmon asks it to yield (runtime/proc.go); it is stated in the text,
// never used as a measurement.
const forcePreemptNS = "10ms"

// wakeUnits are the starvation benchmark's victim metrics, tidied: the
// robust ones (its progress, wake-ups made per wake-up due, and its longest
// stall per op) first, then the delay percentiles, which the benchmark
// reports only from enough wake-ups.
var wakeUnits = []string{stallSec, progress, p50Wake, p99Wake}

// starved is the rule the report uses to call a victim starved: its longest
// stall (median over samples) is at least half of the benchmark's time per
// op, the length of one bounded hog run. Below that the stall was bounded by
// something other than the hog's end.
const starvedShare = 0.5

// preemption writes the async-vs-off comparison of every starvation cell
// and a sentence per hog kind.
func (r *rep) preemption(b *bytes.Buffer) error {
	const bench = suite.Starvation
	fmt.Fprintf(b, "## Preemption: async vs off (BenchmarkStarvation)\n\n")
	if !slices.Contains(r.benches, bench) {
		fmt.Fprintf(b, "Not measured in this run: the input has no BenchmarkStarvation results.\n\n")
		return nil
	}
	if !r.hasMode(bench, "async") || !r.hasMode(bench, "off") {
		fmt.Fprintf(b, "Not measured in this run: the comparison needs BenchmarkStarvation with both preempt: async and preempt: off; "+
			"the input has preempt=%q only.\n\n", r.mode(bench))
		return nil
	}
	fmt.Fprintf(b, "Each row compares the same cell run with async preemption (the default) and with GODEBUG=asyncpreemptoff=1; "+
		"the delta is off against async, as benchstat computes it. For reference, the runtime asks a goroutine that has run "+
		"for more than forcePreemptNS = %s to yield; with async preemption off, a loop without function calls cannot be asked. "+
		"The victim's progress is the wake-ups it made per wake-up due while the hogs ran (1 when left alone); its stall is its longest wait to run in one op. "+
		"A victim counts as starved when its stall (median over samples) is at least %s of the time per op, one bounded hog run; "+
		"otherwise its delay was bounded.\n\n", forcePreemptNS, percent(starvedShare))
	for _, hog := range r.keyValues(bench, suite.Hog) {
		fmt.Fprintf(b, "- %s\n", r.hogSentence(bench, hog))
	}
	b.WriteString("\n")
	if r.opts.Charts {
		for _, procs := range r.procs(bench, "async") {
			for _, victim := range r.keyValues(bench, suite.Victim) {
				c, err := r.wakeChart(r.keyValues(bench, suite.Hog), procs, victim)
				c, err = chartOrNote(b, fmt.Sprintf("the wake delay, GOMAXPROCS=%d, victim=%s", procs, victim), c, err)
				if err != nil {
					return err
				}
				if c != nil {
					r.charts = append(r.charts, *c)
					fmt.Fprintf(b, "![wake delay by hog kind, GOMAXPROCS=%d, victim=%s](%s)\n\n", procs, victim, c.File)
				}
			}
		}
	}
	for _, unit := range wakeUnits {
		r.compareTable(b, bench, unit)
	}
	return nil
}

func (r *rep) hasMode(bench, mode string) bool { return len(r.cellsOf(bench, mode)) > 0 }

// keyValues returns the values of a suite key in the cells of bench, as sorted.
func (r *rep) keyValues(bench string, k suite.Key) []string {
	var out []string
	for _, c := range r.cellsOf(bench) {
		if v := c.Sub(k); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// compareTable writes async vs off for one unit of every cell measured in
// both modes.
func (r *rep) compareTable(b *bytes.Buffer, bench, unit string) {
	var rows [][2]results.Metric
	for _, m := range r.metricsOf(bench, "async", unit) {
		if off, ok := r.With(m.Cell, results.Preempt, "off"); ok && r.has(off, unit) {
			rows = append(rows, [2]results.Metric{m, {Cell: off, Unit: unit}})
		}
	}
	if len(rows) == 0 {
		return
	}
	slices.SortStableFunc(rows, func(a, b [2]results.Metric) int { return a[0].Procs() - b[0].Procs() })
	var cells []results.Cell
	for _, row := range rows {
		cells = append(cells, row[0].Cell)
	}
	keys := columns(cells)
	fmt.Fprintf(b, "### %s\n\n| GOMAXPROCS |", r.OrigUnit(unit))
	rule := "|--:|"
	for _, k := range keys {
		fmt.Fprintf(b, " %s |", k.name)
		rule += "---|"
	}
	fmt.Fprintf(b, " async | off | off vs async |\n%s--:|--:|--:|\n", rule)
	for _, row := range rows {
		sa, _ := r.Summary(row[0])
		so, _ := r.Summary(row[1])
		c, _ := r.Compare(row[0], row[1])
		fmt.Fprintf(b, "| %d |", row[0].Procs())
		for _, k := range keys {
			fmt.Fprintf(b, " %s |", md.Cell(k.value(row[0].Cell)))
		}
		fmt.Fprintf(b, " %s | %s | %s |\n", marked(sa, unit), marked(so, unit), delta(c, sa.Center, so.Center))
	}
	b.WriteString("\n")
}

// compared returns the GOMAXPROCS values at which bench ran with both
// async preemption and preemption off, ascending.
func (r *rep) compared(bench string) []int {
	off := r.procs(bench, "off")
	return slices.DeleteFunc(r.procs(bench, "async"), func(n int) bool { return !slices.Contains(off, n) })
}

// hogSentence says what happened to the victim next to one hog kind, in
// the cell where every P runs a hog (n = GOMAXPROCS) at the largest
// GOMAXPROCS measured in both modes (async alone if none).
func (r *rep) hogSentence(bench, hog string) string {
	procs := r.compared(bench)
	if len(procs) == 0 {
		procs = r.procs(bench, "async")
	}
	if len(procs) == 0 {
		return fmt.Sprintf("hog=%s: not measured with async preemption in this run.", hog)
	}
	n := procs[len(procs)-1]
	var clauses []string
	for _, victim := range r.keyValues(bench, suite.Victim) {
		var modes []string
		for _, mode := range []string{"off", "async"} {
			v := "not measured in this run"
			if c, ok := r.lookup(bench, mode, n, suite.N.Is(n), suite.Hog.Is(hog), suite.Victim.Is(victim)); ok {
				v = r.verdict(c)
			}
			modes = append(modes, fmt.Sprintf("preempt=%s %s", mode, v))
		}
		clauses = append(clauses, fmt.Sprintf("victim=%s: %s", victim, strings.Join(modes, "; ")))
	}
	return fmt.Sprintf("**hog=%s** (n=%s, GOMAXPROCS=%d) — %s.", hog, nHogs(strconv.Itoa(n)), n, strings.Join(clauses, " — "))
}

// verdict calls one cell starved or bounded, with the numbers that decide.
func (r *rep) verdict(c results.Cell) string {
	stall, ok1 := r.Median(results.Metric{Cell: c, Unit: stallSec})
	prog, ok2 := r.Median(results.Metric{Cell: c, Unit: progress})
	op, ok3 := r.Median(results.Metric{Cell: c, Unit: secOp})
	switch {
	case !ok1 || !ok2:
		return "not measured in this run"
	case ok3 && op > 0 && stall >= starvedShare*op:
		return fmt.Sprintf("starved: its longest stall in an op was %s, about the hog's whole run (%s per op), making %s of its wake-ups", value(stall, "sec"), value(op, "sec"), percent(prog))
	default:
		return fmt.Sprintf("bounded: its longest stall in an op was %s, making %s of its wake-ups", value(stall, "sec"), percent(prog))
	}
}
