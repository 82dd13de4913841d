package joinall_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/concbench/concbench/patterns/internal/contract"
	"github.com/concbench/concbench/patterns/joinall"
)

func TestRunGoexitWhileOthersWait(t *testing.T) {
	// Every third task calls runtime.Goexit and every third waits for the
	// last task: the worker that takes an exiting worker's batch must not
	// be the only thing between the waiting tasks and the last one. Found
	// by an adversarial test; the hang depends on the interleaving, so
	// many sizes run, each under the deadline (the race detector's
	// scheduling finds it in the first few).
	withProcs(t, func(t *testing.T) {
		for n := 20; n < 400; n += 3 {
			last := make(chan struct{})
			got, err := within(t, tasksOf(n, func(i int) (int, error) {
				switch {
				case i == n-1:
					close(last)
				case i%3 == 0:
					runtime.Goexit()
				case i%3 == 1:
					<-last
				}
				return i, nil
			}))
			if len(got) != n || !errors.Is(err, joinall.ErrGoexit) {
				t.Fatalf("n=%d: len(results), err = %d, %v; want %d, ErrGoexit", n, len(got), err, n)
			}
		}
	})
}

func TestRunGoexitDeferPanics(t *testing.T) {
	// A task calls runtime.Goexit and a deferred call of it panics (a
	// t.FailNow in a task whose cleanup panics): the panic is recovered,
	// Goexit goes on and ends the worker. The tasks of its batch not yet
	// started must still run, the last task's wait for one of them must
	// end, and Run panics with the deferred call's value.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{64, 20000} {
			var ran atomic.Int32
			ready := make(chan struct{})
			_, v, _ := panicWithin(t, tasksOf(n, func(i int) (int, error) {
				ran.Add(1)
				switch i {
				case n / 2:
					defer func() { panic("cleanup") }()
					runtime.Goexit()
				case n/2 + 5:
					close(ready)
				case n - 1:
					<-ready
				}
				return i, nil
			}))
			if got := int(ran.Load()); got != n {
				t.Errorf("n=%d: %d tasks ran; want %d", n, got, n)
			}
			if p, ok := v.(*joinall.PanicError); !ok || p.Task != n/2 || p.Value != "cleanup" {
				t.Errorf("n=%d: Run panicked with %v; want a *PanicError for task %d's \"cleanup\"", n, v, n/2)
			}
		}
	})
}

func TestRunPanicNil(t *testing.T) {
	// Under GODEBUG=panicnil=1 recover returns nil for panic(nil), as for
	// runtime.Goexit: Run must still tell them apart, so every task runs
	// once, the panicking ones are not taken for Goexit, and Run panics
	// with a *PanicError whose Value is nil. Run in a child process, as the
	// setting is the whole program's.
	contract.InChild(t, []string{"GODEBUG=panicnil=1"}, panicNilChild)
}

// panicNilChild is TestRunPanicNil in the child: it returns "ok" or what
// went wrong.
func panicNilChild() string {
	var failures []string
	for _, p := range procsCases {
		runtime.GOMAXPROCS(p)
		for _, n := range []int{4, 20000} {
			runs := make([]atomic.Int32, n)
			v := func() (v any) {
				defer func() { v = recover() }()
				_, err := joinall.Run(tasksOf(n, func(i int) (int, error) {
					runs[i].Add(1)
					if i%1000 == 1 {
						panic(nil)
					}
					return i, nil
				}))
				failures = append(failures, fmt.Sprintf("procs=%d n=%d: Run returned %v; want a panic", p, n, err))
				return nil
			}()
			if e, ok := v.(*joinall.PanicError); v != nil && (!ok || e.Value != nil || e.Task%1000 != 1) {
				failures = append(failures, fmt.Sprintf("procs=%d n=%d: Run panicked with %#v; want a *PanicError with Value nil", p, n, v))
			}
			for i := range runs {
				if c := runs[i].Load(); c != 1 {
					failures = append(failures, fmt.Sprintf("procs=%d n=%d: task %d ran %d times; want once", p, n, i, c))
					break
				}
			}
		}
	}
	if len(failures) > 0 {
		return strings.Join(failures, "\n")
	}
	return "ok"
}

func TestRunPanicThenDeferredGoexit(t *testing.T) {
	// A task panics and a deferred call of it calls runtime.Goexit: the
	// runtime ends the panic (recover returns nil from then on), so the
	// task counts as failed with ErrGoexit, Run does not panic, and the
	// others keep their results.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{1, 8, 1000} {
			got, v, err := panicWithin(t, tasksOf(n, func(i int) (int, error) {
				if i == n/2 {
					defer runtime.Goexit()
					panic("lost")
				}
				return i + 1, nil
			}))
			if v != nil || !errors.Is(err, joinall.ErrGoexit) {
				t.Fatalf("n=%d: Run panicked with %v, err = %v; want no panic, ErrGoexit", n, v, err)
			}
			for i, r := range got {
				if want := i + 1; i != n/2 && r != want {
					t.Errorf("n=%d: results[%d] = %d; want %d", n, i, r, want)
				}
			}
		}
	})
}
