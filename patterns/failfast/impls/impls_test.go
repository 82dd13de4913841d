package impls_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/patterns/alt"
	"github.com/concbench/concbench/patterns/failfast"
	"github.com/concbench/concbench/patterns/failfast/impls"
	"github.com/concbench/concbench/patterns/internal/contract"
)

func TestContract(t *testing.T) {
	contract.Run(t, contract.Expect(t, contract.Table(impls.Impls), fails), cases)
}

// fails are the failures each declared deviation excuses (impl/case):
// any other failure of that case still fails the test.
var fails = map[string]string{
	"errgroup/skip-after-cancel": startedAfter,
	"concpool/cause":             causeNotErr,
	"concpool/skip-after-cancel": startedAfter,
	"concall/cause":              causeNotErr,
	"concall/skip-after-cancel":  startedAfter,
	"handrolled/limit":           `^at most \d+ tasks ran at once; want exactly the limit, \d+$`,
}

func init() {
	for _, im := range []string{"errgroup", "concpool", "concall", "handrolled"} {
		fails[im+"/parent"] = startedUnderParent
		fails[im+"/goexit"] = contract.ChildSays(`did not return within 2s`)
	}
}

const (
	startedUnderParent = `^limit \d+: (10 tasks started under a cancelled parent; want 0|err = <nil>; want the parent's cause, parent cancelled)$`
	startedAfter       = `^\d+ tasks started after the failure; want 0$`
	causeNotErr        = `^0 siblings saw context\.Cause\(ctx\) = first failure; want \d+$`
)

type task = func(context.Context) error

// tasksOf returns n tasks; task i is f(ctx, i).
func tasksOf(n int, f func(ctx context.Context, i int) error) []task {
	tasks := make([]task, n)
	for i := range tasks {
		tasks[i] = func(ctx context.Context) error { return f(ctx, i) }
	}
	return tasks
}

// waitDone waits for ctx to be done, or for a long fake-time bound so that
// an implementation that never cancels fails the case instead of hanging.
func waitDone(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	case <-time.After(time.Hour):
		return false
	}
}

var (
	errFirst  = errors.New("first failure")
	errSecond = errors.New("second failure")
)

var cases = []contract.Case[impls.Impl]{
	{Name: "first-error", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Task 3 fails at 1ms, task 7 at 2ms though it ignores the cancel;
		// the others wait for the context and report its cause.
		err := im.Run(context.Background(), 0, tasksOf(10, func(ctx context.Context, i int) error {
			switch i {
			case 3:
				time.Sleep(time.Millisecond)
				return errFirst
			case 7:
				time.Sleep(2 * time.Millisecond)
				return errSecond
			}
			waitDone(ctx)
			return context.Cause(ctx)
		}))
		if im.AllErrors {
			if !errors.Is(err, errFirst) || !errors.Is(err, errSecond) || !strings.HasPrefix(fmt.Sprint(err), errFirst.Error()) {
				t.Errorf("err = %q; want %q first, then %q among the rest", err, errFirst, errSecond)
			}
			return
		}
		if err != errFirst {
			t.Errorf("err = %v; want %v", err, errFirst)
		}
	}},
	{Name: "cause", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Every sibling sees the context done, with the failure as its cause.
		const n = 8
		var sawDone, sawCause atomic.Int32
		im.Run(context.Background(), 0, tasksOf(n, func(ctx context.Context, i int) error {
			if i == 0 {
				time.Sleep(time.Millisecond)
				return errFirst
			}
			if waitDone(ctx) {
				sawDone.Add(1)
			}
			if context.Cause(ctx) == errFirst {
				sawCause.Add(1)
			}
			return nil
		}))
		if got := sawDone.Load(); got != n-1 {
			t.Errorf("%d siblings saw ctx done; want %d", got, n-1)
		}
		if got := sawCause.Load(); got != n-1 {
			t.Errorf("%d siblings saw context.Cause(ctx) = %v; want %d", got, errFirst, n-1)
		}
	}},
	{Name: "waits", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Task 1 fails at 1ms, when all have started; task 0 ignores the
		// cancel and finishes 5ms later. Wait must not return before it.
		var finished atomic.Bool
		err := im.Run(context.Background(), 0, tasksOf(4, func(ctx context.Context, i int) error {
			switch i {
			case 0:
				time.Sleep(5 * time.Millisecond)
				finished.Store(true)
				return nil
			case 1:
				time.Sleep(time.Millisecond)
				return errFirst
			}
			waitDone(ctx)
			return nil
		}))
		if !finished.Load() {
			t.Errorf("Wait returned (err = %v) before the slow task did", err)
		}
	}},
	{Name: "once", Check: func(t contract.T, im impls.Impl) {
		// Many real, tiny tasks, none failing: each runs exactly once.
		const n = 3000
		var runs [n]atomic.Int32
		err := im.Run(context.Background(), 0, tasksOf(n, func(_ context.Context, i int) error {
			runs[i].Add(1)
			return nil
		}))
		if err != nil {
			t.Errorf("err = %v; want nil", err)
		}
		for i := range runs {
			if c := runs[i].Load(); c != 1 {
				t.Fatalf("task %d ran %d times; want 1", i, c)
			}
		}
	}},
	{Name: "zero", Check: func(t contract.T, im impls.Impl) {
		for _, limit := range []int{0, 2} {
			if err := im.Run(context.Background(), limit, nil); err != nil {
				t.Errorf("Run(limit %d, no tasks) = %v; want nil", limit, err)
			}
		}
	}},
	{Name: "limit", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// 20 tasks of 1ms each with a limit of 3: never more than 3 at once,
		// and 3 at once at some point.
		const n, limit = 20, 3
		var active, most atomic.Int32
		err := im.Run(context.Background(), limit, tasksOf(n, func(context.Context, int) error {
			a := active.Add(1)
			for m := most.Load(); a > m && !most.CompareAndSwap(m, a); m = most.Load() {
			}
			time.Sleep(time.Millisecond)
			active.Add(-1)
			return nil
		}))
		if err != nil {
			t.Errorf("err = %v; want nil", err)
		}
		if got := most.Load(); got != limit {
			t.Errorf("at most %d tasks ran at once; want exactly the limit, %d", got, limit)
		}
	}},
	{Name: "skip-after-cancel", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Limit 2: task 0 fails after 1ms while task 1 runs for 10ms without
		// looking at the context, like CPU work. No task may start after the
		// failure; the error is still the failure.
		const n, limit = 10, 2
		var failed atomic.Bool
		var wasted atomic.Int32
		err := im.Run(context.Background(), limit, tasksOf(n, func(_ context.Context, i int) error {
			if failed.Load() {
				wasted.Add(1)
			}
			if i == 0 {
				time.Sleep(time.Millisecond)
				failed.Store(true)
				return errFirst
			}
			time.Sleep(10 * time.Millisecond)
			return nil
		}))
		if w := wasted.Load(); w != 0 {
			t.Errorf("%d tasks started after the failure; want 0", w)
		}
		if !errors.Is(err, errFirst) {
			t.Errorf("err = %v; want %v", err, errFirst)
		}
	}},
	{Name: "panic", Check: checkPanic},
	{Name: "uncomparable-errors", Bubble: true, Check: checkUncomparable},
	{Name: "dependent", Timeout: contract.DepsDeadline + time.Minute, Check: checkDependent},
	{Name: "late-panic", Check: checkLatePanic},
	{Name: "parent", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// The caller's context is cancelled before Run: no task starts, and
		// Run returns the context's cause, with and without a limit.
		cause := errors.New("parent cancelled")
		for _, limit := range []int{0, 2} {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(cause)
			var ran atomic.Int32
			tasks := make([]func(context.Context) error, 10)
			for i := range tasks {
				tasks[i] = func(context.Context) error { ran.Add(1); return nil }
			}
			err := im.Run(ctx, limit, tasks)
			if r := ran.Load(); r != 0 {
				t.Errorf("limit %d: %d tasks started under a cancelled parent; want 0", limit, r)
			}
			if !errors.Is(err, cause) {
				t.Errorf("limit %d: err = %v; want the parent's cause, %v", limit, err, cause)
			}
		}
	}},
	{Name: "goexit", Check: func(t contract.T, im impls.Impl) {
		// Task 0 calls runtime.Goexit, as t.FailNow does; task 1 waits for
		// its context. The Goexit fails task 0 with failfast.ErrGoexit, which
		// cancels task 1. In a child process, whose exit ends a Run that
		// never returns.
		contract.InChild(t, nil, func() string {
			return contract.Within(2*time.Second, func() string {
				err := im.Run(context.Background(), 0, []func(context.Context) error{
					func(context.Context) error { runtime.Goexit(); return nil },
					func(ctx context.Context) error { <-ctx.Done(); return context.Cause(ctx) },
				})
				if !errors.Is(err, failfast.ErrGoexit) {
					return fmt.Sprintf("err = %v; want failfast.ErrGoexit", err)
				}
				return "ok"
			})
		})
	}},
}

func checkUncomparable(t contract.T, im impls.Impl) {
	// Tasks 1 to 6 fail, 1 ms apart, with two errors of each type that ==
	// cannot compare; the process must survive, and Run returns the first
	// (with AllErrors, all six).
	errs := contract.UncomparableErrors()
	err := im.Run(context.Background(), 0, tasksOf(8, func(ctx context.Context, i int) error {
		if i == 0 || i == 7 {
			waitDone(ctx)
			return nil
		}
		time.Sleep(time.Duration(i) * time.Millisecond)
		return errs[i-1]
	}))
	if !im.AllErrors {
		if err == nil || err.Error() != errs[0].Error() {
			t.Errorf("err = %v; want %v", err, errs[0])
		}
		return
	}
	for _, e := range errs {
		if err == nil || !strings.Contains(err.Error(), e.Error()) {
			t.Errorf("err = %v; want it to list %q", err, e)
		}
	}
}

func checkDependent(t contract.T, im impls.Impl) {
	// Tasks that wait for each other, without a limit: nothing may
	// deadlock where a goroutine per task would not.
	contract.CheckDeps(t, im.Name, 0, func(d *contract.Deps) {
		if err := im.Run(context.Background(), 0, tasksOf(d.N, func(_ context.Context, i int) error {
			return d.Task(i)
		})); err != nil {
			t.Errorf("%s: err = %v; want nil", d.Name, err)
		}
	})
}

var errLate = errors.New("late boom after the failure")

// latePanic is a panic after the group failed, when Wait already has its
// error.
//
//go:noinline
func latePanic() error { panic(errLate) }

func checkLatePanic(t contract.T, im impls.Impl) {
	// Task 0 fails once task 1 has started; task 1 waits for the cancel,
	// then panics. The panic must not be dropped for the error.
	started := make(chan struct{})
	tasks := tasksOf(2, func(ctx context.Context, i int) error {
		if i == 0 {
			<-started
			return errFirst
		}
		close(started)
		if waitDone(ctx) {
			return latePanic()
		}
		return nil
	})
	contract.CheckPanicMode(t, im.Panics, func() { im.Run(context.Background(), 0, tasks) }, errLate.Error())
}

var errPanic = errors.New("boom from task 4")

// panickingTask is named so that the stack a re-panic carries can be checked.
//
//go:noinline
func panickingTask() error { panic(errPanic) }

func checkPanic(t contract.T, im impls.Impl) {
	// Task 4 panics; the others wait for the context (a real minute at most,
	// so an implementation that neither cancels nor crashes fails the case).
	const n = 10
	var started, returned atomic.Int32
	tasks := tasksOf(n, func(ctx context.Context, i int) error {
		started.Add(1)
		if i == 4 {
			return panickingTask()
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Minute):
		}
		returned.Add(1)
		return nil
	})
	switch im.Panics {
	case alt.Crash:
		contract.ExpectCrash(t, func() { im.Run(context.Background(), 0, tasks) }, errPanic.Error())
	case alt.Repanic:
		v := func() (v any) {
			defer func() { v = recover() }()
			im.Run(context.Background(), 0, tasks)
			return nil
		}()
		if v == nil {
			t.Fatalf("Run returned normally; want a panic")
		}
		if text := fmt.Sprint(v); !strings.Contains(text, errPanic.Error()) || !strings.Contains(text, "panickingTask") {
			t.Errorf("recovered %q; want the value %q and the task's stack (panickingTask)", text, errPanic)
		}
		// Tasks not started before the cancel may be skipped; every started
		// one must have returned.
		if r, s := returned.Load(), started.Load()-1; r != s {
			t.Errorf("%d of the %d other started tasks had returned when the panic reached the caller; want all", r, s)
		}
	default:
		t.Fatalf("unknown panic mode %q", im.Panics)
	}
}
