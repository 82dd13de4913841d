package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/concbench/concbench/internal/results"
)

// forcePreemptNS is the runtime's bound on how long a goroutine may run
// before sysmon asks it to yield (runtime/proc.go); it is stated in the text,
// never used as a measurement.
const forcePreemptNS = "10ms"

// wakeUnits are the starvation benchmark's victim metrics, tidied: the
// robust ones (its progress, wake-ups made per wake-up due, and its longest
// stall per op) first, then the delay percentiles, which the benchmark
// reports only from enough wake-ups.
var wakeUnits = []string{"stall-sec", "progress", "p50-wake-sec", "p99-wake-sec"}

// starved is the rule the report uses to call a victim starved: its longest
// stall (median over samples) is at least half of the benchmark's time per
// op, the length of one bounded hog run. Below that the stall was bounded by
// something other than the hog's end.
const starvedShare = 0.5

// preemption writes the async-vs-off comparison of every starvation cell
// and a sentence per hog kind.
func (r *rep) preemption(b *bytes.Buffer) error {
	const bench = "Starvation"
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
	for _, hog := range r.keyValues(bench, "hog") {
		fmt.Fprintf(b, "- %s\n", r.hogSentence(bench, hog))
	}
	b.WriteString("\n")
	if r.opts.Charts {
		for _, procs := range r.procs(bench, "async") {
			for _, victim := range r.keyValues(bench, "victim") {
				c, err := wakeChart(r.Set, r.keyValues(bench, "hog"), procs, victim)
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

func (r *rep) hasMode(bench, mode string) bool {
	return slices.ContainsFunc(r.Metrics, func(m results.Metric) bool { return m.Bench == bench && m.Preempt == mode })
}

// keyValues returns the values of a sub-benchmark key of bench, as seen.
func (r *rep) keyValues(bench, key string) []string {
	var out []string
	for _, m := range r.Metrics {
		if v := m.Get(key); m.Bench == bench && v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// compareTable writes async vs off for one unit of every cell measured in
// both modes.
func (r *rep) compareTable(b *bytes.Buffer, bench, unit string) {
	var rows []results.Metric
	for _, m := range r.Metrics {
		if m.Bench != bench || m.Unit != unit || m.Preempt != "async" {
			continue
		}
		off := m
		off.Preempt = "off"
		if len(r.Values(off)) > 0 {
			rows = append(rows, m)
		}
	}
	if len(rows) == 0 {
		return
	}
	subs := r.rows(bench, "async", unit)
	slices.SortStableFunc(rows, func(a, b results.Metric) int {
		if a.Procs != b.Procs {
			return a.Procs - b.Procs
		}
		return slices.Index(subs, a.Sub) - slices.Index(subs, b.Sub)
	})
	keys := columns(subs)
	fmt.Fprintf(b, "### %s\n\n| GOMAXPROCS |", r.OrigUnit(unit))
	rule := "|--:|"
	for _, k := range keys {
		fmt.Fprintf(b, " %s |", k)
		rule += "---|"
	}
	fmt.Fprintf(b, " async | off | off vs async |\n%s--:|--:|--:|\n", rule)
	for _, m := range rows {
		off := m
		off.Preempt = "off"
		sa, _ := r.Summary(m)
		so, _ := r.Summary(off)
		c, _ := r.Compare(m, off)
		fmt.Fprintf(b, "| %d |", m.Procs)
		parts := splitSub(m.Sub)
		for _, k := range keys {
			fmt.Fprintf(b, " %s |", valueOf(parts, k))
		}
		fmt.Fprintf(b, " %s | %s | %s |\n", summary(sa, unit), summary(so, unit), delta(c, sa.Center, so.Center))
	}
	b.WriteString("\n")
}

// hogSentence says what happened to the victim next to one hog kind, in
// the cell where every P runs a hog (n = GOMAXPROCS) at the largest
// GOMAXPROCS measured.
func (r *rep) hogSentence(bench, hog string) string {
	procs := r.procs(bench, "async")
	if len(procs) == 0 {
		return fmt.Sprintf("hog=%s: not measured with async preemption in this run.", hog)
	}
	n := procs[len(procs)-1]
	var clauses []string
	for _, victim := range r.keyValues(bench, "victim") {
		sub := fmt.Sprintf("n=%d/hog=%s/victim=%s", n, hog, victim)
		var modes []string
		for _, mode := range []string{"off", "async"} {
			modes = append(modes, fmt.Sprintf("preempt=%s %s", mode, r.verdict(bench, sub, n, mode)))
		}
		clauses = append(clauses, fmt.Sprintf("victim=%s: %s", victim, strings.Join(modes, "; ")))
	}
	return fmt.Sprintf("**hog=%s** (n=%d hogs, GOMAXPROCS=%d) — %s.", hog, n, n, strings.Join(clauses, " — "))
}

// verdict calls one cell starved or bounded, with the numbers that decide.
func (r *rep) verdict(bench, sub string, procs int, mode string) string {
	stall, ok1 := median(r.Set, metric(bench, sub, procs, mode, "stall-sec"))
	prog, ok2 := median(r.Set, metric(bench, sub, procs, mode, "progress"))
	op, ok3 := median(r.Set, metric(bench, sub, procs, mode, "sec/op"))
	switch {
	case !ok1 || !ok2:
		return "not measured in this run"
	case ok3 && op > 0 && stall >= starvedShare*op:
		return fmt.Sprintf("starved: stalled %s, about the hog's whole run (%s per op), making %s of its wake-ups", value(stall, "sec"), value(op, "sec"), percent(prog))
	default:
		return fmt.Sprintf("bounded: stalled %s at most, making %s of its wake-ups", value(stall, "sec"), percent(prog))
	}
}
