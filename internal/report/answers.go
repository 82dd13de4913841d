package report

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
	"github.com/concbench/concbench/internal/work"
)

// questions are the ones a reader coming from async Rust (tokio) asks, the
// lesson the README's first paragraph names, each with the function that
// answers it from the run's numbers. An answer names the cells it read; when one is
// missing it says so instead of guessing.
var questions = []struct {
	q      string
	answer func(r *rep) string
}{
	{"If I have to wait for each async call anyway, how is that different from calling functions one after another?", (*rep).answerJoin},
	{"How do I handle whichever task finishes first, then keep waiting for the rest?", (*rep).answerFirst},
	{"Do I have to unwrap every Result? How do errors travel?", (*rep).answerErrors},
	{"In a cooperative scheduler a task that never awaits keeps its core. Is Go different?", (*rep).answerStarve},
	{"What happens if I write an endless loop?", (*rep).answerEndless},
	{"Does a spawned task start running right away, or only when someone waits for it?", (*rep).answerStart},
	{"Do I still need threads, or are goroutines enough?", (*rep).answerThreads},
}

func (r *rep) answers(b *bytes.Buffer) {
	fmt.Fprintf(b, "## Answers\n\nThe questions of a reader who knows async Rust (tokio), answered from this run's medians (largest GOMAXPROCS measured, preempt=async unless stated).\n\n")
	for i, q := range questions {
		fmt.Fprintf(b, "%d. **%s** %s\n", i+1, q.q, q.answer(r))
	}
	b.WriteString("\n")
}

// cell is one metric the answers read, with its median.
type cell struct {
	results.Metric
	v float64
}

// find returns the Go cells of bench in unit that have every key=value of
// want, at the largest GOMAXPROCS that has any, sorted.
func (r *rep) find(bench, unit string, want ...suite.Part) []cell {
	var out []cell
	best := 0
	for _, m := range r.metricsOf(bench, r.mode(bench), unit) {
		if m.Procs() < best || !m.Has(want...) || !isGo(m.Cell) {
			continue
		}
		if m.Procs() > best {
			best, out = m.Procs(), nil
		}
		v, _ := r.Median(m)
		out = append(out, cell{m, v})
	}
	return out
}

// isGo reports whether c was measured in Go (runtime: go, or no runtime
// line), not by xruntime/tokio: the answers and verdicts are about Go.
func isGo(c results.Cell) bool { return c.Runtime() == "" || c.Runtime() == "go" }

// n returns a cell's n as a number, 0 if it has none.
func nOf(c results.Cell) float64 {
	v, _ := strconv.ParseFloat(c.Sub(suite.N), 64)
	return v
}

// biggest returns the cell with the largest n, the first among equals.
func biggest(cs []cell) (cell, bool) {
	if len(cs) == 0 {
		return cell{}, false
	}
	return slices.MaxFunc(cs, func(a, b cell) int { return cmp.Compare(nOf(a.Cell), nOf(b.Cell)) }), true
}

// other returns m's sibling cell with the given key=values (and the same
// GOMAXPROCS and mode), in unit.
func (r *rep) other(m results.Metric, unit string, parts ...suite.Part) (cell, bool) {
	var fields []string
	for _, p := range parts {
		fields = append(fields, p.Key.Field(), p.Value)
	}
	c, ok := r.With(m.Cell, fields...)
	if !ok {
		return cell{}, false
	}
	o := results.Metric{Cell: c, Unit: unit}
	v, ok := r.Median(o)
	return cell{o, v}, ok
}

// others returns c's name parts but impl, separated by spaces: "n=16 task=wait".
func others(c results.Cell) string {
	var out []string
	for _, k := range suite.Keys {
		if v := c.Sub(k); k != suite.Impl && v != "" {
			out = append(out, string(k)+"="+v)
		}
	}
	if rest := c.Rest(); rest != "" {
		out = append(out, rest)
	}
	return strings.Join(out, " ")
}

func notMeasured(what string) string {
	return "Not measured in this run (" + what + ")."
}

func (r *rep) answerJoin() string {
	cs := r.find(suite.JoinAll, secOp, suite.Impl.Is(suite.Serial), suite.Task.Is(suite.Wait))
	serial, ok := first(cs)
	if !ok {
		return notMeasured("no BenchmarkJoinAll impl=serial task=wait")
	}
	own, ok := r.other(serial.Metric, secOp, suite.Impl.Is(suite.Own))
	if !ok {
		return notMeasured("no BenchmarkJoinAll impl=own at " + others(serial.Cell))
	}
	n := serial.Sub(suite.N)
	sig, why := r.differ(serial.Metric, own.Metric)
	verb, how := "Waiting tasks overlap", ratio(serial.v, own.v)+" faster"
	if sig == tooFew {
		verb, how = "This run has too few samples to tell whether concurrency helped", why
	} else if sig == same {
		verb, how = "In this run concurrency made no significant difference", why
	} else if own.v > serial.v {
		verb, how = "In this run concurrency did not help", ratio(own.v, serial.v)+" slower"
	}
	s := fmt.Sprintf("%s: at GOMAXPROCS=%d, n=%s waiting tasks took %s one after another (impl=serial) and %s with joinall.Run (impl=own), %s",
		verb, serial.Procs(), n, value(serial.v, "sec"), value(own.v, "sec"), how)
	one, ok := r.other(serial.Metric, secTask)
	if !ok {
		return s + "." // serial's ns/task not measured: no time of one wait
	}
	s += fmt.Sprintf("; one wait alone is %s.", value(one.v, "sec"))
	// A larger n is not run one after another (1000 waits would take a
	// second an op), so it is compared with a floor, not an estimate: a
	// task=wait task sleeps work.WaitTime, so n of them one after another
	// take at least n times that, whatever the machine does.
	if big, ok := biggest(r.find(suite.JoinAll, secOp, suite.Impl.Is(suite.Own), suite.Task.Is(suite.Wait))); ok && sig == differs && big.Sub(suite.N) != n && big.Procs() == serial.Procs() {
		k := nOf(big.Cell)
		floor := time.Duration(k) * work.WaitTime
		s += fmt.Sprintf(" n=%s took %s concurrently; one after another they would take at least %s (each sleeps %s)",
			big.Sub(suite.N), value(big.v, "sec"), floor, work.WaitTime)
		if big.v < floor.Seconds() {
			s += fmt.Sprintf(", %s as long", ratio(floor.Seconds(), big.v))
		}
		s += "."
	}
	return s
}

func first(cs []cell) (cell, bool) {
	if len(cs) == 0 {
		return cell{}, false
	}
	return cs[0], true
}

// firstDoneCell picks the FirstDone cell the answers read: impl=own at
// n=16 if measured, else its largest n.
func (r *rep) firstDoneCell(unit string) (cell, bool) {
	cs := r.find(suite.FirstDone, unit, suite.Impl.Is(suite.Own))
	for _, c := range cs {
		if c.Sub(suite.N) == "16" {
			return c, true
		}
	}
	return biggest(cs)
}

func (r *rep) answerFirst() string {
	f, ok := r.firstDoneCell(firstSec)
	if !ok {
		return notMeasured("no BenchmarkFirstDone impl=own first-ns")
	}
	s := "Take results as they complete"
	a, asCompleted := r.other(f.Metric, firstSec, suite.Impl.Is(suite.AsCompleted))
	if asCompleted {
		s += fmt.Sprintf(": a loop over firstdone.AsCompleted (impl=ascompleted, %s, GOMAXPROCS=%d) had the winner's result %s after the winner finished",
			others(f.Cell), f.Procs(), value(a.v, "sec"))
		if c, ok := r.other(a.Metric, cancelSec); ok && c.v > a.v && r.differs(a.Metric, c.Metric) {
			s += fmt.Sprintf(", before the last of the others had returned (%s after it)", value(c.v, "sec"))
		}
		s += ". The project's First, which returns only once every task has,"
	} else {
		s += fmt.Sprintf(": with the project's First (impl=own, %s, GOMAXPROCS=%d), which returns only once every task has, the caller", others(f.Cell), f.Procs())
	}
	s += fmt.Sprintf(" had the winner's result %s after the winner finished", value(f.v, "sec"))
	if asCompleted {
		// The two sentences put AsCompleted's time and First's side by side.
		if sig, why := r.differ(a.Metric, f.Metric); sig != differs {
			s += " (against AsCompleted's: " + why + ")"
		}
	}
	if c, ok := r.other(f.Metric, cancelSec); ok {
		s += fmt.Sprintf(", the last loser having returned %s after it", value(c.v, "sec"))
		if fl, ok := r.other(f.Metric, cancelSec, suite.Impl.Is(suite.Floor)); ok {
			s += fmt.Sprintf(" (the floor, a bare goroutine per task watching ctx.Done: %s%s)", value(fl.v, "sec"), r.alike(c.Metric, fl.Metric))
		}
	}
	return s + "."
}

func (r *rep) answerErrors() string {
	fail, ok := biggest(r.find(suite.FailFast, cancelSec, suite.Impl.Is(suite.Own), suite.Task.Is(suite.Fail)))
	if !ok {
		return notMeasured("no BenchmarkFailFast impl=own task=fail cancel-ns")
	}
	s := fmt.Sprintf("No: the first error is returned and cancels the rest. With %s tasks (GOMAXPROCS=%d), Wait returned %s after the failure (impl=own)",
		fail.Sub(suite.N), fail.Procs(), value(fail.v, "sec"))
	if eg, ok := r.other(fail.Metric, cancelSec, suite.Impl.Is(suite.ErrGroup)); ok {
		s += fmt.Sprintf(", %s with x/sync errgroup%s", value(eg.v, "sec"), r.alike(fail.Metric, eg.Metric))
	}
	s += "."
	if w, ok := biggest(r.find(suite.FailFast, wastedTasks, suite.Impl.Is(suite.Own), suite.Task.Is(suite.CPUFail))); ok {
		s += fmt.Sprintf(" When tasks ignore the context (task=cpufail, n=%s), %s tasks started after the failure (impl=own)", w.Sub(suite.N), value(w.v, "tasks"))
		if eg, ok := r.other(w.Metric, wastedTasks, suite.Impl.Is(suite.ErrGroup)); ok {
			s += fmt.Sprintf(", %s with errgroup%s", value(eg.v, "tasks"), r.alike(w.Metric, eg.Metric))
		}
		s += "."
	}
	return s
}

// starveCell picks the starvation cell the answers read: hog=tight (or the
// first hog kind) with every P taken, at the largest GOMAXPROCS.
func (r *rep) starveCell(mode string) (results.Cell, bool) {
	return r.starveCellAt(mode, r.procs(suite.Starvation, mode))
}

// starveCellAt is starveCell at the largest of procs.
func (r *rep) starveCellAt(mode string, procs []int) (results.Cell, bool) {
	hogs := r.keyValues(suite.Starvation, suite.Hog)
	victims := r.keyValues(suite.Starvation, suite.Victim)
	if len(hogs) == 0 || len(victims) == 0 || len(procs) == 0 {
		return results.Cell{}, false
	}
	hog := hogs[0]
	if slices.Contains(hogs, "tight") {
		hog = "tight"
	}
	n := procs[len(procs)-1]
	return r.lookup(suite.Starvation, mode, n, suite.N.Is(n), suite.Hog.Is(hog), suite.Victim.Is(victims[0]))
}

// lookup returns the Go cell of bench in mode at GOMAXPROCS procs that has
// every key=value of want.
func (r *rep) lookup(bench, mode string, procs int, want ...suite.Part) (results.Cell, bool) {
	for _, c := range r.cellsOf(bench, mode) {
		if c.Procs() == procs && c.Has(want...) && isGo(c) {
			return c, true
		}
	}
	return results.Cell{}, false
}

func (r *rep) answerStarve() string {
	with, noOff := "With async preemption (Go's default)", "; preemption off was not measured in this run"
	c, ok := r.starveCellAt("async", r.compared(suite.Starvation))
	if !ok {
		c, ok = r.starveCell("async")
	}
	if !ok {
		// Plain go test -bench output has no preempt: line: its mode is
		// Go's default unless GODEBUG said otherwise, which it does not record.
		with = "In the input's unrecorded preemption mode (no preempt: line; async unless GODEBUG=asyncpreemptoff=1 was set)"
		noOff = "; the input has no preempt: off cells to compare with"
		c, ok = r.starveCell("")
	}
	if !ok {
		return notMeasured("no BenchmarkStarvation with preempt=async")
	}
	m := results.Metric{Cell: c}
	astall, ok1 := r.other(m, stallSec)
	aprog, ok2 := r.other(m, progress)
	if !ok1 || !ok2 {
		return notMeasured("no BenchmarkStarvation " + others(c) + " stall and progress")
	}
	s := fmt.Sprintf("%s, next to %s on every P (hog=%s, GOMAXPROCS=%d) the victim's longest stall in an op was %s and it made %s of the wake-ups due",
		with, nHogs(c.Sub(suite.N)), c.Sub(suite.Hog), c.Procs(), value(astall.v, "sec"), percent(aprog.v))
	off, ok := r.With(c, results.Preempt, "off")
	ostall, ok1 := r.other(results.Metric{Cell: off}, stallSec)
	oprog, ok2 := r.other(results.Metric{Cell: off}, progress)
	if ok && ok1 && ok2 {
		how := "a stall " + ratio(ostall.v, astall.v) + " the async one"
		if sig, why := r.differ(astall.Metric, ostall.Metric); sig == tooFew {
			how += ", " + why
		} else if sig == same {
			how = "a stall not significantly different from the async one: " + why
		}
		s += fmt.Sprintf("; with it off (GODEBUG=asyncpreemptoff=1, a cooperative scheduler for loops without calls) its longest stall was %s and it made %s%s, %s",
			value(ostall.v, "sec"), percent(oprog.v), r.alikeTo(aprog.Metric, oprog.Metric, "the async share"), how)
	} else {
		s += noOff
	}
	return s + "." + r.tokioStarve(c, astall, aprog.Metric)
}

// tokioStarve is the answers' sentence on tokio's run of Go's starvation
// cell c (the same hogs and victim, xruntime/tokio), against Go's stall
// goStall with async preemption; "" if the run has no tokio cell.
func (r *rep) tokioStarve(c results.Cell, goStall cell, goProg results.Metric) string {
	t, ok := r.With(c, results.Runtime, "tokio")
	if !ok {
		return ""
	}
	tstall, ok1 := r.other(results.Metric{Cell: t}, stallSec)
	tprog, ok2 := r.other(results.Metric{Cell: t}, progress)
	if !ok1 || !ok2 {
		return ""
	}
	how := "a stall " + ratio(tstall.v, goStall.v) + " Go's with async preemption"
	if sig, why := r.differ(goStall.Metric, tstall.Metric); sig == tooFew {
		how += ", " + why
	} else if sig == same {
		how = "a stall not significantly different from Go's with async preemption: " + why
	}
	return fmt.Sprintf(" tokio, which schedules cooperatively (%s), next to the same hogs: the victim's longest stall was %s and it made %s%s, %s; tokio's rows in the Starvation tables give every hog kind, its budget hog included.",
		tokioFlavour(t.Procs()), value(tstall.v, "sec"), percent(tprog.v), r.alikeTo(goProg, tprog.Metric, "Go's async share"), how)
}

// tokioFlavour names the tokio runtime the tokio suite runs at GOMAXPROCS
// procs.
func tokioFlavour(procs int) string {
	if procs == 1 {
		return "a current_thread runtime"
	}
	return fmt.Sprintf("a multi_thread runtime, worker_threads=%d", procs)
}

// nHogs is "1 hog" or "n hogs", n as a cell names it.
func nHogs(n string) string {
	if n == "1" {
		return "1 hog"
	}
	return n + " hogs"
}

func (r *rep) answerEndless() string {
	c, ok := r.starveCell("off")
	if !ok {
		return notMeasured("no BenchmarkStarvation with preempt=off")
	}
	s := fmt.Sprintf("The benchmark's hogs are bounded, so the run finishes; with preemption off, hog=%s (GOMAXPROCS=%d, %s): %s. An endless loop is that hog without an end: the victim would never run again",
		c.Sub(suite.Hog), c.Procs(), nHogs(c.Sub(suite.N)), r.verdict(c))
	if a, ok := r.With(c, results.Preempt, "async"); ok && r.has(a, stallSec) {
		s += fmt.Sprintf(", while with async preemption the same cell was %s", r.verdict(a))
	}
	s += "."
	if t, ok := r.With(c, results.Preempt, "async", results.Runtime, "tokio"); ok && r.has(t, stallSec) {
		s += fmt.Sprintf(" In tokio (%s) the same cell was %s: a task that never reaches an .await keeps its thread.", tokioFlavour(t.Procs()), r.verdict(t))
	}
	var endless []string
	for _, n := range r.Notes {
		if v, ok := strings.CutPrefix(n.Text, results.EndlessPrefix); ok {
			endless = append(endless, "`"+v+"`")
		}
	}
	if len(endless) > 0 {
		s += " The endless hog itself, run in a child process under a watchdog: " + strings.Join(endless, "; ") + "."
	}
	killed := 0
	for _, n := range r.Notes {
		if strings.Contains(n.Text, "watchdog") && !strings.HasPrefix(n.Text, results.EndlessPrefix) {
			killed++
		}
	}
	if killed > 0 {
		s += fmt.Sprintf(" In this run the watchdog killed %d benchmark process(es); see Problems during the run.", killed)
	}
	return s
}

func (r *rep) answerStart() string {
	st, ok := r.firstDoneCell(startSec)
	if !ok {
		return notMeasured("no BenchmarkFirstDone impl=own start-ns")
	}
	// start-ns runs from the call, so it holds First's set-up before its
	// go statement; First's first-ns holds the losers' cancellation, which
	// it waits for: AsCompleted's is the bare hand-over to a waiting caller.
	s := fmt.Sprintf("Right away: a go statement makes the goroutine runnable, as tokio::spawn does a task (a Rust future that is not spawned runs only when polled); that is the language, not a measurement. How soon it ran here: its first instruction ran %s after the call that spawned it began, the call's set-up included (firstdone.First, impl=own, %s, GOMAXPROCS=%d)",
		value(st.v, "sec"), others(st.Cell), st.Procs())
	if a, ok := r.other(st.Metric, firstSec, suite.Impl.Is(suite.AsCompleted)); ok {
		s += fmt.Sprintf(", and from its completion to the caller's loop over firstdone.AsCompleted having its result took %s", value(a.v, "sec"))
	} else if f, ok := r.other(st.Metric, firstSec); ok {
		s += fmt.Sprintf(", and from its completion to First returning its result took %s, with the cancellation of the other tasks, which First waits for", value(f.v, "sec"))
	}
	return s + "."
}

func (r *rep) answerThreads() string {
	cs := r.find(suite.JoinAll, secTask, suite.Impl.Is(suite.OSThread))
	var th cell
	ok := false
	for _, c := range cs {
		if c.Sub(suite.Task) == suite.Tiny && (!ok || nOf(c.Cell) > nOf(th.Cell)) {
			th, ok = c, true
		}
	}
	if !ok {
		return notMeasured("no BenchmarkJoinAll impl=osthread task=tiny")
	}
	g, ok := r.other(th.Metric, secTask, suite.Impl.Is(suite.WaitGroup))
	if !ok {
		return notMeasured("no BenchmarkJoinAll impl=waitgroup at " + others(th.Cell))
	}
	verdict, how := "An OS thread per task costs more than a goroutine", ratio(th.v, g.v)+" as much"
	if sig, why := r.differ(g.Metric, th.Metric); sig == tooFew {
		verdict, how = "This run has too few samples to compare an OS thread per task with a goroutine", why
	} else if sig == same {
		verdict, how = "In this run an OS thread per task cost no more than a goroutine", why
	} else if th.v < g.v {
		verdict = "In this run an OS thread per task was cheaper than a goroutine"
	}
	return fmt.Sprintf("%s: at n=%s tiny tasks (GOMAXPROCS=%d) a goroutine per task cost %s per task (impl=waitgroup) and an OS thread per task %s (impl=osthread), %s.",
		verdict, th.Sub(suite.N), th.Procs(), value(g.v, "sec"), value(th.v, "sec"), how)
}

// significance is what the Mann-Whitney U-test (α = 0.05, as benchstat
// tests) says about two metrics.
type significance int

const (
	same    significance = iota // no significant difference
	differs                     // a significant difference
	tooFew                      // too few samples for the test to find any difference
)

// differ compares a and b with the U-test, and when it finds no difference
// says why with the test's numbers: "no significant difference (p=0.310
// n=6+6)", or for samples too small to ever differ (go test -count 1 or 3:
// see [testable]) "too few samples to test the difference (n=3+3: ...)".
func (r *rep) differ(a, b results.Metric) (significance, string) {
	c, ok := r.Compare(a, b)
	switch {
	case ok && c.P < c.Alpha:
		return differs, ""
	case ok && !testable(c):
		return tooFew, fmt.Sprintf("too few samples to test the difference (n=%d+%d: no samples of these sizes differ significantly at α = %v)", c.N1, c.N2, c.Alpha)
	}
	return same, fmt.Sprintf("no significant difference (%s)", c.String())
}

// differs reports whether the U-test tells a and b apart.
func (r *rep) differs(a, b results.Metric) bool {
	sig, _ := r.differ(a, b)
	return sig == differs
}

// testable reports whether samples of c's sizes can differ significantly
// at all: the smallest two-sided p of the U-test, both samples apart with
// no ties, is 2 / C(N1+N2, N1), which is 1 for 1+1 samples, 0.1 for 3+3 and
// 0.029 for 4+4.
func testable(c benchmath.Comparison) bool {
	p := 2.0 // 2 / C(N1+N2, N1), built up as a product
	for i := 1; i <= c.N1; i++ {
		p *= float64(i) / float64(c.N2+i)
	}
	return p < c.Alpha
}

// alikeTo returns, for b's value put beside a's (named what), "" if the
// U-test tells them apart, and otherwise " (not significantly different
// from what: …)", so the reader does not read a difference into them.
func (r *rep) alikeTo(a, b results.Metric, what string) string {
	if sig, why := r.differ(a, b); sig != differs {
		return " (not significantly different from " + what + ": " + why + ")"
	}
	return ""
}

// alike returns, for two values an answer puts side by side without
// saying which is less, "" if they differ significantly, and otherwise
// ", no significant difference (p=…)" (or that the samples are too few to
// test), so the reader does not read one into them.
func (r *rep) alike(a, b results.Metric) string {
	if sig, why := r.differ(a, b); sig != differs {
		return ", " + why
	}
	return ""
}

// has reports whether cell c has values in unit.
func (r *rep) has(c results.Cell, unit string) bool {
	return len(r.Values(results.Metric{Cell: c, Unit: unit})) > 0
}
