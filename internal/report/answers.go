package report

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/results"
)

// questions are ../shared/QUESTIONS.md, each with the function that answers
// it from the run's numbers. An answer names the cells it read; when one is
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
	fmt.Fprintf(b, "## Answers\n\nThe questions of QUESTIONS.md, answered from this run's medians (largest GOMAXPROCS measured, preempt=async unless stated).\n\n")
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

// find returns the cells of bench in unit whose sub-benchmark has every
// key=value of want, at the largest GOMAXPROCS that has any, in the order
// first seen.
func (r *rep) find(bench, unit string, want ...string) []cell {
	mode := r.mode(bench)
	var out []cell
	best := 0
	for _, m := range r.Metrics {
		if m.Bench != bench || m.Unit != unit || m.Preempt != mode || m.Procs < best || !hasAll(m, want) {
			continue
		}
		if m.Procs > best {
			best, out = m.Procs, nil
		}
		v, _ := median(r.Set, m)
		out = append(out, cell{m, v})
	}
	return out
}

func hasAll(m results.Metric, want []string) bool {
	for _, kv := range want {
		k, v, _ := strings.Cut(kv, "=")
		if m.Get(k) != v {
			return false
		}
	}
	return true
}

// biggest returns the cell with the largest n, the first seen among equals.
func biggest(cs []cell) (cell, bool) {
	if len(cs) == 0 {
		return cell{}, false
	}
	return slices.MaxFunc(cs, func(a, b cell) int { return numLess(a.Get("n"), b.Get("n")) }), true
}

// other returns m's sibling cell with key set to val (and the same GOMAXPROCS
// and mode), in unit.
func (r *rep) other(m results.Metric, unit string, kv ...string) (cell, bool) {
	o := m
	o.Unit = unit
	for _, p := range kv {
		k, v, _ := strings.Cut(p, "=")
		o.Sub = withKey(o.Sub, k, v)
	}
	v, ok := median(r.Set, o)
	return cell{o, v}, ok
}

func notMeasured(what string) string {
	return "Not measured in this run (" + what + ")."
}

func (r *rep) answerJoin() string {
	cs := r.find("JoinAll", "sec/op", "impl=serial", "task=wait")
	serial, ok := first(cs)
	if !ok {
		return notMeasured("no BenchmarkJoinAll impl=serial task=wait")
	}
	own, ok := r.other(serial.Metric, "sec/op", "impl=own")
	if !ok {
		return notMeasured("no BenchmarkJoinAll impl=own at " + serial.Sub)
	}
	one, _ := r.other(serial.Metric, "sec/task")
	n := serial.Get("n")
	verb := "Waiting tasks overlap"
	if own.v >= serial.v {
		verb = "In this run concurrency did not help"
	}
	s := fmt.Sprintf("%s: at GOMAXPROCS=%d, n=%s waiting tasks took %s one after another (impl=serial) and %s with joinall.Run (impl=own), %s faster; one wait alone is %s.",
		verb, serial.Procs, n, value(serial.v, "sec"), value(own.v, "sec"), ratio(serial.v, own.v), value(one.v, "sec"))
	if big, ok := biggest(r.find("JoinAll", "sec/op", "impl=own", "task=wait")); ok && big.Get("n") != n && big.Procs == serial.Procs {
		k, _ := strconv.ParseFloat(big.Get("n"), 64)
		s += fmt.Sprintf(" n=%s took %s concurrently, where one after another would take about %s (n × one wait): about %s faster.",
			big.Get("n"), value(big.v, "sec"), value(k*one.v, "sec"), ratio(k*one.v, big.v))
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
	cs := r.find("FirstDone", unit, "impl=own")
	for _, c := range cs {
		if c.Get("n") == "16" {
			return c, true
		}
	}
	return biggest(cs)
}

func (r *rep) answerFirst() string {
	f, ok := r.firstDoneCell("first-sec")
	if !ok {
		return notMeasured("no BenchmarkFirstDone impl=own first-ns")
	}
	s := fmt.Sprintf("Take results as they complete: with the project's First (impl=own, %s, GOMAXPROCS=%d) the caller had the winner's result %s after the winner finished",
		strings.ReplaceAll(withoutKey(f.Sub, "impl"), "/", " "), f.Procs, value(f.v, "sec"))
	if c, ok := r.other(f.Metric, "cancel-sec"); ok {
		s += fmt.Sprintf(", and the last loser had returned %s after it", value(c.v, "sec"))
		if fl, ok := r.other(f.Metric, "cancel-sec", "impl=floor"); ok {
			s += fmt.Sprintf(" (the floor, a bare goroutine per task watching ctx.Done: %s)", value(fl.v, "sec"))
		}
	}
	return s + "."
}

func (r *rep) answerErrors() string {
	fail, ok := biggest(r.find("FailFast", "cancel-sec", "impl=own", "task=fail"))
	if !ok {
		return notMeasured("no BenchmarkFailFast impl=own task=fail cancel-ns")
	}
	s := fmt.Sprintf("No: the first error is returned and cancels the rest. With %d tasks (GOMAXPROCS=%d), Wait returned %s after the failure (impl=own)",
		atoi(fail.Get("n")), fail.Procs, value(fail.v, "sec"))
	if eg, ok := r.other(fail.Metric, "cancel-sec", "impl=errgroup"); ok {
		s += fmt.Sprintf(", %s with x/sync errgroup", value(eg.v, "sec"))
	}
	s += "."
	if w, ok := biggest(r.find("FailFast", "wasted-tasks", "impl=own", "task=cpufail")); ok {
		s += fmt.Sprintf(" When tasks ignore the context (task=cpufail, n=%s), %s tasks started after the failure (impl=own)", w.Get("n"), value(w.v, "tasks"))
		if eg, ok := r.other(w.Metric, "wasted-tasks", "impl=errgroup"); ok {
			s += fmt.Sprintf(", %s with errgroup", value(eg.v, "tasks"))
		}
		s += "."
	}
	return s
}

// starveCell picks the starvation cell the answers read: hog=tight (or the
// first hog kind) with every P taken, at the largest GOMAXPROCS.
func (r *rep) starveCell(mode string) (results.Metric, bool) {
	hogs := r.keyValues("Starvation", "hog")
	victims := r.keyValues("Starvation", "victim")
	procs := r.procs("Starvation", mode)
	if len(hogs) == 0 || len(victims) == 0 || len(procs) == 0 {
		return results.Metric{}, false
	}
	hog := hogs[0]
	if slices.Contains(hogs, "tight") {
		hog = "tight"
	}
	n := procs[len(procs)-1]
	return metric("Starvation", fmt.Sprintf("n=%d/hog=%s/victim=%s", n, hog, victims[0]), n, mode, "stall-sec"), true
}

func (r *rep) answerStarve() string {
	m, ok := r.starveCell("async")
	if !ok {
		return notMeasured("no BenchmarkStarvation with preempt=async")
	}
	astall, ok1 := r.other(m, "stall-sec")
	aprog, ok2 := r.other(m, "progress")
	if !ok1 || !ok2 {
		return notMeasured("no BenchmarkStarvation " + m.Sub + " stall and progress")
	}
	s := fmt.Sprintf("With async preemption (Go's default), next to %s hogs on every P (hog=%s, GOMAXPROCS=%d) the victim waited at most %s to run and made %s of the wake-ups due",
		m.Get("n"), m.Get("hog"), m.Procs, value(astall.v, "sec"), percent(aprog.v))
	off := m
	off.Preempt = "off"
	ostall, ok1 := r.other(off, "stall-sec")
	oprog, ok2 := r.other(off, "progress")
	if ok1 && ok2 {
		s += fmt.Sprintf("; with it off (GODEBUG=asyncpreemptoff=1, a cooperative scheduler for loops without calls) it waited %s and made %s, a stall %s the async one",
			value(ostall.v, "sec"), percent(oprog.v), ratio(ostall.v, astall.v))
	} else {
		s += "; preemption off was not measured in this run"
	}
	return s + "."
}

func (r *rep) answerEndless() string {
	m, ok := r.starveCell("off")
	if !ok {
		return notMeasured("no BenchmarkStarvation with preempt=off")
	}
	s := fmt.Sprintf("The benchmark's hogs are bounded, so the run finishes; with preemption off, hog=%s (GOMAXPROCS=%d, %s hogs): %s. An endless loop is that hog without an end: the victim would never run again",
		m.Get("hog"), m.Procs, m.Get("n"), r.verdict("Starvation", m.Sub, m.Procs, "off"))
	a := m
	a.Preempt = "async"
	if _, ok := median(r.Set, results.Metric{Key: a.Key, Unit: "stall-sec"}); ok {
		s += fmt.Sprintf(", while with async preemption the same cell was %s", r.verdict("Starvation", a.Sub, a.Procs, "async"))
	}
	s += "."
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
	st, ok := r.firstDoneCell("start-sec")
	if !ok {
		return notMeasured("no BenchmarkFirstDone impl=own start-ns")
	}
	s := fmt.Sprintf("A spawned goroutine runs without anyone waiting for it: its first instruction ran %s after its go statement (impl=own, %s, GOMAXPROCS=%d)",
		value(st.v, "sec"), strings.ReplaceAll(withoutKey(st.Sub, "impl"), "/", " "), st.Procs)
	if f, ok := r.other(st.Metric, "first-sec"); ok {
		s += fmt.Sprintf(", and from its completion to the waiter waking took %s", value(f.v, "sec"))
	}
	return s + "."
}

func (r *rep) answerThreads() string {
	cs := r.find("JoinAll", "sec/task", "impl=osthread")
	var th cell
	ok := false
	for _, c := range cs {
		if c.Get("task") == "tiny" && (!ok || numLess(c.Get("n"), th.Get("n")) > 0) {
			th, ok = c, true
		}
	}
	if !ok {
		return notMeasured("no BenchmarkJoinAll impl=osthread task=tiny")
	}
	g, ok := r.other(th.Metric, "sec/task", "impl=waitgroup")
	if !ok {
		return notMeasured("no BenchmarkJoinAll impl=waitgroup at " + th.Sub)
	}
	verdict := "An OS thread per task costs more than a goroutine"
	if th.v <= g.v {
		verdict = "In this run an OS thread per task was not dearer than a goroutine"
	}
	return fmt.Sprintf("%s: at n=%s tiny tasks (GOMAXPROCS=%d) a goroutine per task cost %s per task (impl=waitgroup) and an OS thread per task %s (impl=osthread), %s as much.",
		verdict, th.Get("n"), th.Procs, value(g.v, "sec"), value(th.v, "sec"), ratio(th.v, g.v))
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
