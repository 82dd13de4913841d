package joinall_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/patterns/joinall"
)

// deadline bounds each call in these tests: a deadlocked Run fails the test
// instead of hanging it (its goroutines stay blocked until the binary exits).
const deadline = 30 * time.Second

// procsCases are the GOMAXPROCS values the tests run at, above the core count
// of a small machine too.
var procsCases = []int{1, 2, 4, 8}

// within runs Run on tasks in a goroutine and fails t if it has not returned
// within deadline. It fails t if Run panics; see panicWithin.
func within(t *testing.T, tasks []func() (int, error)) ([]int, error) {
	t.Helper()
	got, v, err := panicWithin(t, tasks)
	if v != nil {
		t.Fatalf("Run panicked: %v", v)
	}
	return got, err
}

// panicWithin is within for a Run that may panic: it returns what Run
// panicked with, if it did.
func panicWithin(t *testing.T, tasks []func() (int, error)) ([]int, any, error) {
	t.Helper()
	type result struct {
		got []int
		err error
		v   any
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			r.v = recover()
			done <- r
		}()
		r.got, r.err = joinall.Run(tasks)
	}()
	select {
	case r := <-done:
		return r.got, r.v, r.err
	case <-time.After(deadline):
		t.Fatalf("Run did not return within %v: deadlock", deadline)
		return nil, nil, nil
	}
}

// withProcs runs f as a subtest at each GOMAXPROCS of procsCases.
func withProcs(t *testing.T, f func(t *testing.T)) {
	for _, p := range procsCases {
		t.Run(fmt.Sprintf("procs=%d", p), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
			f(t)
		})
	}
}

// tasksOf returns n tasks; task i returns f(i).
func tasksOf(n int, f func(i int) (int, error)) []func() (int, error) {
	tasks := make([]func() (int, error), n)
	for i := range tasks {
		tasks[i] = func() (int, error) { return f(i) }
	}
	return tasks
}

// pairs returns index pairs near and far apart in n tasks.
func pairs(n int) [][2]int {
	ps := [][2]int{{0, 1}, {0, n - 1}, {n / 2, n/2 + 1}, {3, 4}, {1, n - 2}}
	var out [][2]int
	for _, p := range ps {
		if p[0] < n && p[1] < n && p[0] != p[1] && p[0] >= 0 && p[1] >= 0 {
			out = append(out, p, [2]int{p[1], p[0]})
		}
	}
	return out
}

func TestRunDependentPair(t *testing.T) {
	// The reproducer: task a receives what task b sends on an
	// unbuffered channel, so each blocks until the other runs; the rest
	// return at once. Both orders, near and far indices, many sizes.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{2, 5, 20, 64, 100, 1000, 10000} {
			for _, p := range pairs(n) {
				a, b := p[0], p[1]
				ch := make(chan int)
				tasks := tasksOf(n, func(i int) (int, error) { return i, nil })
				tasks[a] = func() (int, error) { return <-ch, nil }
				tasks[b] = func() (int, error) { ch <- 42; return b, nil }
				got, err := within(t, tasks)
				if err != nil || got[a] != 42 || got[b] != b {
					t.Errorf("n=%d, task %d waits for task %d: results[%d], results[%d], err = %d, %d, %v; want 42, %d, nil",
						n, a, b, a, b, got[a], got[b], err, b)
				}
			}
		}
	})
}

func TestRunNestedWaitsForOuter(t *testing.T) {
	// Task a of an outer call runs a Run of its own, one of whose tasks
	// waits until task b of the outer call has run: the outer worker that
	// runs task a then waits in the inner call, and the caller of each call
	// stands by as a spare, so both calls must keep starting tasks while
	// the other waits. Both orders, near and far indices.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{2, 20, 1000} {
			for _, p := range pairs(n) {
				a, b := p[0], p[1]
				ran := make(chan struct{})
				tasks := tasksOf(n, func(i int) (int, error) { return i, nil })
				tasks[b] = func() (int, error) { close(ran); return b, nil }
				tasks[a] = func() (int, error) {
					inner := tasksOf(n, func(j int) (int, error) { return j, nil })
					inner[n-1-a] = func() (int, error) { <-ran; return -1, nil }
					got, err := joinall.Run(inner)
					return got[n-1-a], err
				}
				got, err := within(t, tasks)
				if err != nil || got[a] != -1 || got[b] != b {
					t.Errorf("n=%d, task %d's inner call waits for task %d: results[%d], results[%d], err = %d, %d, %v; want -1, %d, nil",
						n, a, b, a, b, got[a], got[b], err, b)
				}
			}
		}
	})
}

func TestRunReverseChain(t *testing.T) {
	// Task i waits until task i+1 has returned: every task but the last
	// blocks until all after it have run, so all n must be in flight at once,
	// as with a goroutine per task.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{2, 100, maxBlocked} {
			done := make([]chan struct{}, n+1)
			for i := range done {
				done[i] = make(chan struct{})
			}
			close(done[n])
			got, err := within(t, tasksOf(n, func(i int) (int, error) {
				<-done[i+1]
				close(done[i])
				return i, nil
			}))
			if err != nil || len(got) != n || got[n-1] != n-1 {
				t.Errorf("n=%d: len(results), err = %d, %v; want %d, nil", n, len(got), err, n)
			}
		}
	})
}

func TestRunFastThenSlow(t *testing.T) {
	// n fast tasks, then n slow ones that each wait until all n slow ones
	// have started: Run returns only if the slow tasks run all at once, not
	// one after another behind the fast ones. The same with the slow tasks
	// at shuffled places among the fast.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{10, 100, 1000} {
			for _, shuffled := range []bool{false, true} {
				slow := make([]bool, 2*n)
				for i := n; i < 2*n; i++ {
					slow[i] = true
				}
				if shuffled {
					rand.New(rand.NewPCG(1, uint64(n))).Shuffle(len(slow), func(i, j int) { slow[i], slow[j] = slow[j], slow[i] })
				}
				var waiting atomic.Int32
				all := make(chan struct{})
				got, err := within(t, tasksOf(2*n, func(i int) (int, error) {
					if slow[i] {
						if waiting.Add(1) == int32(n) {
							close(all)
						}
						<-all
					}
					return i, nil
				}))
				if err != nil || len(got) != 2*n {
					t.Errorf("n=%d, shuffled=%v: len(results), err = %d, %v; want %d, nil", n, shuffled, len(got), err, 2*n)
				}
			}
		}
	})
}

func TestRunGoexit(t *testing.T) {
	// A task that calls runtime.Goexit ends a worker, never the caller: Run
	// returns, that task fails with ErrGoexit, and every other task runs
	// and keeps its result. Sizes cover a goroutine per task and workers;
	// the exiting task is first, in the middle, last, or several.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{1, 8, 64, 1000} {
			for _, exits := range [][]int{{0}, {n / 2}, {n - 1}, {0, n / 2, n - 1}} {
				exit := make(map[int]bool)
				for _, e := range exits {
					exit[e] = true
				}
				var ran atomic.Int32
				got, err := within(t, tasksOf(n, func(i int) (int, error) {
					ran.Add(1)
					if exit[i] {
						runtime.Goexit()
					}
					return i + 1, nil
				}))
				if int(ran.Load()) != n {
					t.Errorf("n=%d, Goexit in %v: %d tasks ran; want %d", n, exits, ran.Load(), n)
				}
				if len(got) != n {
					t.Fatalf("n=%d, Goexit in %v: len(results) = %d; want %d", n, exits, len(got), n)
				}
				if !errors.Is(err, joinall.ErrGoexit) {
					t.Errorf("n=%d, Goexit in %v: err = %v; want ErrGoexit", n, exits, err)
				}
				for i, v := range got {
					if want := i + 1; !exit[i] && v != want {
						t.Errorf("n=%d, Goexit in %v: results[%d] = %d; want %d", n, exits, i, v, want)
					}
				}
			}
		}
	})
}

func TestRunPanicWithBlockedTasks(t *testing.T) {
	// A task panics while others wait for a task that runs after it: the
	// waiting ones still finish, and then the panic reaches the caller.
	withProcs(t, func(t *testing.T) {
		const n = 200
		release := make(chan struct{})
		tasks := tasksOf(n, func(i int) (int, error) {
			switch {
			case i == n-1:
				close(release)
			case i == 5:
				panic("boom")
			case i%7 == 0:
				<-release
			}
			return i, nil
		})
		_, v, _ := panicWithin(t, tasks)
		p, ok := v.(*joinall.PanicError)
		if !ok || p.Task != 5 || p.Value != "boom" {
			t.Errorf("Run panicked with %v; want a *PanicError for task 5's \"boom\"", v)
		}
	})
}

func TestRunOnce(t *testing.T) {
	// Every task runs exactly once and its result lands at its index, also
	// when idle workers take tasks out of busy workers' batches: tasks of
	// uneven length keep some workers busy while others run out of work.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{1000, 50000} {
			runs := make([]atomic.Int32, n)
			got, err := within(t, tasksOf(n, func(i int) (int, error) {
				runs[i].Add(1)
				for k := 0; k < i%64*(i%7); k++ {
					runs[i].Load()
				}
				return i * 3, nil
			}))
			if err != nil || len(got) != n {
				t.Fatalf("n=%d: len(results), err = %d, %v; want %d, nil", n, len(got), err, n)
			}
			for i := range n {
				if c := runs[i].Load(); c != 1 || got[i] != i*3 {
					t.Fatalf("n=%d: task %d ran %d times, results[%d] = %d; want once, %d", n, i, c, i, got[i], i*3)
				}
			}
		}
	})
}

func TestRunNilTask(t *testing.T) {
	// A nil task is not checked up front (that would be a loop over the
	// tasks on every call): it panics when called, as any task may, so the
	// others still run and Run panics with a *PanicError of the runtime
	// error. Sizes cover a goroutine per task and workers.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{1, 8, 100} {
			var ran atomic.Int32
			tasks := tasksOf(n, func(i int) (int, error) { ran.Add(1); return i, nil })
			tasks[n/2] = nil
			_, v, _ := panicWithin(t, tasks)
			p, ok := v.(*joinall.PanicError)
			var re runtime.Error
			if !ok || p.Task != n/2 || !errors.As(p, &re) {
				t.Errorf("n=%d: Run panicked with %v; want a *PanicError of task %d with a runtime.Error", n, v, n/2)
			}
			if got := int(ran.Load()); got != n-1 {
				t.Errorf("n=%d: %d tasks ran; want %d", n, got, n-1)
			}
		}
	})
}
