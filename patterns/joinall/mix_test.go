package joinall_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/concbench/concbench/patterns/joinall"
)

// An ending is what a task of TestRunMix does once it may go on.
type ending int

const (
	returns ending = iota
	fails
	panics
	exits           // runtime.Goexit
	exitsThenPanics // runtime.Goexit, then a deferred call panics
	locks           // runtime.LockOSThread without unlocking
	nests           // a Run of its own inside
	endings
)

func TestRunMix(t *testing.T) {
	// The clauses the other tests check one at a time, mixed at random in
	// one call: tasks wait for others (each for one later in a random
	// order, so both directions, near and far), fail, panic, call Goexit
	// (with and without a deferred panic), lock their thread or run a Run of
	// their own. Every task runs once; without a panic, results and the
	// joined errors are exact, in submission order; with one, Run panics
	// with the value of a task that panicked. Held in an adversarial pass;
	// kept because the worker, slot and spare paths meet here in
	// combinations the single-clause tests leave out.
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		procs := []int{1, 2, 3, 4, 8}[rng.IntN(5)]
		n := []int{1, 2, 5, 16, 17, 64, 200, 1000, 5000}[rng.IntN(9)]
		t.Run(fmt.Sprintf("seed=%d/procs=%d/n=%d", seed, procs, n), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			mix := newMix(rng, n)
			got, v, err := panicWithin(t, tasksOf(n, mix.task))
			for i := range mix.runs {
				if c := mix.runs[i].Load(); c != 1 {
					t.Fatalf("task %d ran %d times; want once", i, c)
				}
			}
			if mix.panics {
				p, ok := v.(*joinall.PanicError)
				if !ok || p.Value != mix.errs[p.Task] {
					t.Fatalf("Run panicked with %v; want a *PanicError of a task that panicked", v)
				}
				return
			}
			if v != nil {
				t.Fatalf("Run panicked with %v; want no panic", v)
			}
			var errs []error
			if err != nil {
				errs = err.(interface{ Unwrap() []error }).Unwrap()
			}
			if want := mix.wantErrs(); !slices.Equal(errs, want) {
				t.Fatalf("errors = %v; want %v", errs, want)
			}
			for i, e := range mix.endings {
				if e != exits && got[i] != i {
					t.Fatalf("results[%d] = %d; want %d", i, got[i], i)
				}
			}
		})
	}
}

// mix is the tasks of one TestRunMix call.
type mix struct {
	endings []ending
	waitFor []int           // the task each waits for, -1 for none
	done    []chan struct{} // closed when a task ends, however
	errs    []error         // what task i fails or panics with
	runs    []atomic.Int32
	panics  bool // some task panics
}

func newMix(rng *rand.Rand, n int) *mix {
	m := &mix{endings: make([]ending, n), waitFor: make([]int, n), done: make([]chan struct{}, n),
		errs: make([]error, n), runs: make([]atomic.Int32, n)}
	withPanics := rng.IntN(2) == 0
	odd := rng.Float64() * 0.2 // the share of tasks that do not just return
	order := rng.Perm(n)
	for p, i := range order {
		if rng.Float64() < odd {
			m.endings[i] = ending(rng.IntN(int(endings)))
		}
		if e := m.endings[i]; e == panics || e == exitsThenPanics {
			if !withPanics {
				m.endings[i] = fails
			}
			m.panics = m.panics || withPanics
		}
		m.waitFor[i] = -1
		if p+1 < n && rng.Float64() < 0.3 {
			m.waitFor[i] = order[p+1+rng.IntN(n-p-1)]
		}
		m.done[i] = make(chan struct{})
		m.errs[i] = fmt.Errorf("task %d", i)
	}
	return m
}

func (m *mix) task(i int) (int, error) {
	m.runs[i].Add(1)
	defer close(m.done[i])
	if w := m.waitFor[i]; w >= 0 {
		<-m.done[w]
	}
	switch m.endings[i] {
	case fails:
		return i, m.errs[i]
	case panics:
		panic(m.errs[i])
	case exits:
		runtime.Goexit()
	case exitsThenPanics:
		defer func() { panic(m.errs[i]) }()
		runtime.Goexit()
	case locks:
		runtime.LockOSThread()
	case nests:
		if got, err := joinall.Run(tasksOf(10, func(j int) (int, error) { return j, nil })); err != nil || len(got) != 10 {
			return i, fmt.Errorf("nested Run: len(results), err = %d, %v; want 10, nil", len(got), err)
		}
	}
	return i, nil
}

// wantErrs is the errors Run returns when no task panics, in order.
func (m *mix) wantErrs() []error {
	var want []error
	for i, e := range m.endings {
		switch e {
		case fails:
			want = append(want, m.errs[i])
		case exits:
			want = append(want, joinall.ErrGoexit)
		}
	}
	return want
}
