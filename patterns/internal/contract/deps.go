package contract

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
)

// Deps is a set of n tasks that wait for each other, the same way whatever
// the pattern: a pattern's case wraps [Deps.Task] in its own task signature.
// Task i marks itself started, waits until every task it depends on has
// finished and, if it is in the barrier, until every task of the barrier has
// started; then it finishes.
//
// A goroutine per task never deadlocks on a Deps. An implementation that
// holds a task back until another returns can: then a watchdog (see
// [CheckDeps]) aborts the waits after a generous real-time deadline, so the
// case fails and every goroutine returns, instead of the test hanging or the
// runtime's "all goroutines are asleep" crash deciding.
type Deps struct {
	Name     string
	N        int
	waitsFor map[int][]int // task -> the tasks it waits for
	barrier  [2]int        // tasks barrier[0] to barrier[1]-1 start together

	started, finished []atomic.Bool
	done              []chan struct{} // done[i] closed when task i finished
	arrived           atomic.Int32    // barrier tasks started
	open              chan struct{}   // closed when every barrier task started
	abort             chan struct{}   // closed by the watchdog
}

// ErrAborted is what [Deps.Task] returns when the watchdog ended its wait.
var ErrAborted = errors.New("contract: the watchdog ended a task's wait (deadlock)")

// NewDeps returns n tasks where, for each edge {a, b}, task a waits until
// task b has finished, and tasks barrier[0] to barrier[1]-1 (none if equal)
// each wait until all of them have started.
func NewDeps(name string, n int, barrier [2]int, edges ...[2]int) *Deps {
	d := &Deps{Name: name, N: n, waitsFor: map[int][]int{}, barrier: barrier,
		started: make([]atomic.Bool, n), finished: make([]atomic.Bool, n),
		done: make([]chan struct{}, n), open: make(chan struct{}), abort: make(chan struct{})}
	for i := range d.done {
		d.done[i] = make(chan struct{})
	}
	for _, e := range edges {
		d.waitsFor[e[0]] = append(d.waitsFor[e[0]], e[1])
	}
	if barrier[0] == barrier[1] {
		close(d.open)
	}
	return d
}

// Task is task i's body. It returns nil, or ErrAborted if the watchdog ended
// its wait. Each task must be called at most once.
func (d *Deps) Task(i int) error {
	d.started[i].Store(true)
	if i >= d.barrier[0] && i < d.barrier[1] && d.arrived.Add(1) == int32(d.barrier[1]-d.barrier[0]) {
		close(d.open)
	}
	var err error
	if i >= d.barrier[0] && i < d.barrier[1] {
		err = d.await(d.open)
	}
	for _, j := range d.waitsFor[i] {
		if err == nil {
			err = d.await(d.done[j])
		}
	}
	d.finished[i].Store(true)
	close(d.done[i])
	return err
}

func (d *Deps) await(ch <-chan struct{}) error {
	select {
	case <-ch:
		return nil
	case <-d.abort:
		return ErrAborted
	}
}

// state says how many tasks started and finished, and the first task that
// never started.
func (d *Deps) state() string {
	s, f, first := d.counts()
	return fmt.Sprintf("%d of %d tasks started (first never started: %d), %d finished", s, d.N, first, f)
}

// counts returns how many tasks started and finished so far, and the
// first that never started (-1 if all did).
func (d *Deps) counts() (started, finished, first int) {
	first = -1
	for i := range d.started {
		if d.started[i].Load() {
			started++
		} else if first < 0 {
			first = i
		}
		if d.finished[i].Load() {
			finished++
		}
	}
	return started, finished, first
}

// Finished reports whether every task finished.
func (d *Deps) Finished() bool {
	for i := range d.finished {
		if !d.finished[i].Load() {
			return false
		}
	}
	return true
}

// DepsDeadline is how long [CheckDeps] lets a call go without any task
// starting or finishing before it decides the call deadlocked: far beyond
// the ~0.1 s the largest set takes in all with a goroutine per task under
// -race on a loaded 2-core machine. A call that keeps making progress is
// never cut off, however slow (reflect.Select over 10000 cases under -race
// and a load of 5 takes over 15 s), nor one whose tasks have all finished;
// go test's -timeout bounds them.
var DepsDeadline = 15 * time.Second

// progress counts the tasks started and finished so far.
func (d *Deps) progress() int {
	s, f, _ := d.counts()
	return s + f
}

// DepSets returns the dependency sets every pattern's implementations are
// held to, with at most maxN tasks (0: no bound):
//   - pairs: one task waits for another, earlier or later, near (adjacent)
//     and far (first and last) indices, n from 2 to 1000; at n = 10000 far
//     ones only;
//   - chains: task i waits for task i+1 (every task in flight at once) or
//     for task i-1, n = 10000;
//   - fast-then-slow: n tasks that return at once, then n that each wait
//     until all n have started, n = 100 and 1000: the slow tasks must
//     overlap, checked by structure, not by a clock;
//   - random: each task waits for up to two others that come before it in
//     a random order (fixed seed), n = 1000 and 10000.
func DepSets(maxN int) []*Deps {
	var sets []*Deps
	seen := map[string]bool{}
	add := func(d *Deps) {
		if (maxN == 0 || d.N <= maxN) && !seen[d.Name] {
			seen[d.Name] = true
			sets = append(sets, d)
		}
	}
	for _, n := range []int{2, 3, 20, 1000, 10000} {
		pairs := [][2]int{{0, n - 1}, {n - 1, 0}} // far
		if n < 10000 {                            // near: the same at 10000 as at 1000
			pairs = append(pairs, [2]int{0, 1}, [2]int{1, 0}, [2]int{3, 4}, [2]int{4, 3}, [2]int{n / 2, n/2 - 1})
		}
		for _, p := range pairs {
			if p[0] != p[1] && p[1] >= 0 && p[0] < n && p[1] < n {
				add(NewDeps(fmt.Sprintf("n=%d/task %d waits for %d", n, p[0], p[1]), n, [2]int{}, p))
			}
		}
	}
	const long = 10000
	back, fwd := make([][2]int, long-1), make([][2]int, long-1)
	for i := range long - 1 {
		back[i], fwd[i] = [2]int{i, i + 1}, [2]int{i + 1, i}
	}
	add(NewDeps(fmt.Sprintf("n=%d/task i waits for i+1", long), long, [2]int{}, back...))
	add(NewDeps(fmt.Sprintf("n=%d/task i+1 waits for i", long), long, [2]int{}, fwd...))
	for _, n := range []int{100, 1000} {
		add(NewDeps(fmt.Sprintf("n=%d/%d fast then %d slow that wait for each other to start", 2*n, n, n), 2*n, [2]int{n, 2 * n}))
	}
	for _, n := range []int{1000, long} {
		add(randomDeps(n))
	}
	return sets
}

// randomDeps returns n tasks of which each waits for up to two others that
// come before it in a random order of the tasks (a fixed one, so a failure
// repeats): dependencies of any shape, on earlier and later indices, near
// and far, that a goroutine per task still completes.
func randomDeps(n int) *Deps {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	order := rng.Perm(n)
	var edges [][2]int
	for k, i := range order[1:] {
		for range rng.IntN(3) {
			edges = append(edges, [2]int{i, order[rng.IntN(k+1)]})
		}
	}
	return NewDeps(fmt.Sprintf("n=%d/each task waits for up to 2 others, in a random order", n), n, [2]int{}, edges...)
}

// DepsProcs are the GOMAXPROCS values [CheckDeps] runs an own
// implementation's sets of up to 1000 tasks at, above a small machine's core
// count too; larger sets, and the alternatives, run at the process's
// GOMAXPROCS only, for time.
var DepsProcs = []int{1, 2, 8}

// CheckDeps runs call on each of [DepSets], in order, for the implementation
// named impl that takes at most maxN tasks (0: any number). Own
// implementations (named own...) get every set, those of up to 1000 tasks
// at each of [DepsProcs]; the alternatives (library code) get the sets up
// to [AltMaxN] tasks: every set, but 1000 tasks at most under the race
// detector. Each call runs under a watchdog: if, while some task is
// unfinished, no task of the set has started or finished for
// [DepsDeadline], the watchdog fails t, naming the set and how far it got,
// and aborts the waits so that call can return; the sets after a
// deadlocked one are not run. call gets the set, runs its tasks through the
// implementation, and reports through t what the implementation returned
// wrong. CheckDeps sets GOMAXPROCS, so cases that use it must not run in
// parallel with others.
func CheckDeps(t T, impl string, maxN int, call func(d *Deps)) {
	t.Helper()
	if !strings.HasPrefix(impl, "own") {
		for _, d := range DepSets(capN(maxN, AltMaxN)) {
			if !checkSet(t, d, 0, call) {
				return
			}
		}
		return
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range DepsProcs {
		runtime.GOMAXPROCS(procs)
		for _, d := range DepSets(capN(maxN, 1000)) {
			if !checkSet(t, d, procs, call) {
				return
			}
		}
	}
	for _, d := range DepSets(maxN) {
		if d.N > 1000 && !checkSet(t, d, 0, call) {
			return
		}
	}
}

// capN is the smaller of two bounds on n, where 0 is no bound.
func capN(a, b int) int {
	if a == 0 || b != 0 && b < a {
		return b
	}
	return a
}

// checkSet runs call on d under the watchdog, and reports whether it
// returned without stalling for DepsDeadline.
func checkSet(t T, d *Deps, procs int, call func(d *Deps)) bool {
	t.Helper()
	if procs > 0 {
		d.Name = fmt.Sprintf("GOMAXPROCS=%d/%s", procs, d.Name)
	}
	stop := make(chan struct{})
	timedOut := make(chan bool, 1)
	go func() {
		tick := time.NewTicker(DepsDeadline / 50)
		defer tick.Stop()
		last, since := -1, time.Now()
		for {
			select {
			case <-stop:
				timedOut <- false
				return
			case now := <-tick.C:
				// Once every task has finished, no wait is left to deadlock
				// or to abort: what the call does after that (reflect.Select
				// draining 10000 results took over 15 s on a loaded machine)
				// is not this watchdog's to judge.
				if p := d.progress(); p != last || p == 2*d.N {
					last, since = p, now
					continue
				}
				if now.Sub(since) >= DepsDeadline {
					t.Errorf("%s: no task started or finished for %v, deadlock: %s", d.Name, DepsDeadline, d.state())
					close(d.abort)
					timedOut <- true
					return
				}
			}
		}
	}()
	call(d)
	close(stop)
	if <-timedOut {
		return false
	}
	if !d.Finished() {
		t.Errorf("%s: the call returned before every task finished: %s", d.Name, d.state())
	}
	return true
}
