package impls_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/patterns/alt"
	"github.com/concbench/concbench/patterns/firstdone"
	"github.com/concbench/concbench/patterns/firstdone/impls"
	"github.com/concbench/concbench/patterns/internal/contract"
)

func TestFirst(t *testing.T) {
	contract.Run(t, implsFor("First", func(im impls.Impl) bool { return im.First != nil }), firstCases)
}

func TestFirstSuccess(t *testing.T) {
	contract.Run(t, implsFor("FirstSuccess", func(im impls.Impl) bool { return im.FirstSuccess != nil }), successCases)
}

func TestAsCompleted(t *testing.T) {
	contract.Run(t, implsFor("AsCompleted", func(im impls.Impl) bool { return im.AsCompleted != nil }), seqCases)
}

// implsFor lists the implementations offering an entry point, with their
// deviations from that entry point's cases and the failures each excuses.
func implsFor(entry string, has func(impls.Impl) bool) []contract.Impl[impls.Impl] {
	var table []contract.Impl[impls.Impl]
	for _, im := range impls.Impls {
		if !has(im) {
			continue
		}
		devs, excused := map[string]string{}, map[string]string{}
		for k, why := range im.Deviations {
			if c, ok := strings.CutPrefix(k, entry+"/"); ok {
				devs[c] = why
			}
		}
		for k, re := range fails {
			if c, ok := strings.CutPrefix(k, im.Name+"/"+entry+"/"); ok {
				excused[c] = re
			}
		}
		table = append(table, contract.Impl[impls.Impl]{Name: im.Name, Fn: im, Deviations: devs, Fails: excused})
	}
	return table
}

// goexitTasks returns two tasks: task 0 calls runtime.Goexit, as
// t.FailNow does, and task 1 is other.
func goexitTasks(other func(context.Context) (int, error)) []func(context.Context) (int, error) {
	return []func(context.Context) (int, error){
		func(context.Context) (int, error) { runtime.Goexit(); return 0, nil },
		other,
	}
}

// fails are the failures each declared deviation excuses
// (impl/entry/case): any other failure of that case still fails the test.
var fails = map[string]string{
	"conc/First/cause": `^(task \d+: context\.Cause = context canceled; want firstdone: another task won\n?)+$`,
}

func init() {
	// Every declared goexit deviation is a call that never returns.
	for _, im := range impls.Impls {
		for k := range im.Deviations {
			if strings.HasSuffix(k, "/goexit") {
				fails[im.Name+"/"+k] = contract.ChildSays(`did not return within 2s`)
			}
		}
	}
}

// TestDeviationKeys checks that every deviation an implementation declares,
// and every failure it expects, names an entry point and one of its cases:
// implsFor passes on only the keys of the entry point it tests, so a key
// with a misspelt entry would otherwise go unchecked.
func TestDeviationKeys(t *testing.T) {
	entries := map[string][]contract.Case[impls.Impl]{"First": firstCases, "FirstSuccess": successCases, "AsCompleted": seqCases}
	known := func(key string) bool {
		entry, c, _ := strings.Cut(key, "/")
		return slices.ContainsFunc(entries[entry], func(cs contract.Case[impls.Impl]) bool { return cs.Name == c })
	}
	for _, im := range impls.Impls {
		for k := range im.Deviations {
			if !known(k) {
				t.Errorf("impl %s: deviation %q names no entry/case of the contract tests", im.Name, k)
			}
		}
	}
	for k := range fails {
		name, rest, _ := strings.Cut(k, "/")
		if !slices.ContainsFunc(impls.Impls, func(im impls.Impl) bool { return im.Name == name }) || !known(rest) {
			t.Errorf("fails: key %q names no impl/entry/case", k)
		}
	}
}

// size is n, or the most tasks im takes if that is fewer.
func size(im impls.Impl, n int) int {
	if im.MaxTasks > 0 {
		return min(n, im.MaxTasks)
	}
	return n
}

// patience bounds how long a loser waits for its context: past it, the
// loser gives up and returns, and the case fails. In a bubble it is fake
// time, shorter than the harness's 20s timeout.
const patience = 5 * time.Second

// field is a set of tasks and what they observed.
type field struct {
	tasks    []func(context.Context) (int, error)
	returned atomic.Int32
	causes   []error // causes[i]: context.Cause seen by task i, nil if not cancelled
}

// newField makes n tasks; task i runs play(i, ctx) if it is not nil, and
// otherwise waits for its context (for at most patience) and returns its
// cause.
func newField(n int, play func(i int, ctx context.Context) (int, error)) *field {
	f := &field{tasks: make([]func(context.Context) (int, error), n), causes: make([]error, n)}
	for i := range f.tasks {
		f.tasks[i] = func(ctx context.Context) (int, error) {
			defer f.returned.Add(1)
			if play != nil {
				if v, err := play(i, ctx); v >= 0 {
					return v, err
				}
			}
			select {
			case <-ctx.Done():
				f.causes[i] = context.Cause(ctx)
				return -1, f.causes[i]
			case <-time.After(patience):
				return -1, fmt.Errorf("task %d: not cancelled within %v", i, patience)
			}
		}
	}
	return f
}

// after returns v, err after d; given v < 0 it makes the task wait for its
// context instead (see newField).
func after(d time.Duration, v int, err error) (int, error) {
	time.Sleep(d)
	return v, err
}

// wait is a play that makes every task wait for its context.
func wait(int, context.Context) (int, error) { return -1, nil }

// checkAllReturned fails unless every task had returned when the call did.
func (f *field) checkAllReturned(t contract.T, returned int32) {
	t.Helper()
	if returned != int32(len(f.tasks)) {
		t.Errorf("%d of %d tasks had returned when the call ended; want all", returned, len(f.tasks))
	}
}

// checkCancelled fails unless every task but those in skip saw its context
// done with a cause matching want (any cause if want is nil).
func (f *field) checkCancelled(t contract.T, want error, skip ...int) {
	t.Helper()
	for i, c := range f.causes {
		switch {
		case slices.Contains(skip, i):
		case c == nil:
			t.Errorf("task %d: context not cancelled; want cancelled", i)
		case want != nil && !errors.Is(c, want):
			t.Errorf("task %d: context.Cause = %v; want %v", i, c, want)
		}
	}
}

var (
	errBoom   = errors.New("boom")
	errParent = errors.New("parent gave up")
)

var firstCases = []contract.Case[impls.Impl]{
	{Name: "goexit", Check: func(t contract.T, im impls.Impl) {
		// Task 0 calls runtime.Goexit, as t.FailNow does: it completes with
		// firstdone.ErrGoexit and wins; task 1 waits for its context. In a
		// child process, whose exit ends a call that never returns.
		contract.InChild(t, nil, func() string {
			return contract.Within(2*time.Second, func() string {
				if _, err := im.First(context.Background(), goexitTasks(func(ctx context.Context) (int, error) {
					<-ctx.Done()
					return 0, context.Cause(ctx)
				})); !errors.Is(err, firstdone.ErrGoexit) {
					return fmt.Sprintf("err = %v; want firstdone.ErrGoexit", err)
				}
				return "ok"
			})
		})
	}},
	{Name: "fastest", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// The last task started is the fastest; the others take longer and
		// ignore their context.
		n := size(im, 5)
		f := newField(n, func(i int, _ context.Context) (int, error) {
			if i == n-1 {
				return after(time.Millisecond, 100+i, nil)
			}
			return after(time.Duration(2+i)*time.Millisecond, 100+i, nil)
		})
		got, err := im.First(context.Background(), f.tasks)
		if got != 100+n-1 || err != nil {
			t.Errorf("First = %d, %v; want %d, nil", got, err, 100+n-1)
		}
		f.checkAllReturned(t, f.returned.Load())
	}},
	{Name: "cancel", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// The winner returns at 1ms; the losers wait for their context, so
		// First returns only if they are cancelled, and only after them.
		n := size(im, 8)
		f := newField(n, func(i int, _ context.Context) (int, error) {
			if i == 1 {
				return after(time.Millisecond, 7, nil)
			}
			return -1, nil
		})
		start := time.Now()
		got, err := im.First(context.Background(), f.tasks)
		f.checkAllReturned(t, f.returned.Load())
		if got != 7 || err != nil {
			t.Errorf("First = %d, %v; want 7, nil", got, err)
		}
		if d := time.Since(start); d != time.Millisecond {
			t.Errorf("First took %v of fake time; want 1ms (the losers cancelled at once)", d)
		}
		f.checkCancelled(t, nil, 1)
	}},
	{Name: "cause", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		n := size(im, 8)
		f := newField(n, func(i int, _ context.Context) (int, error) {
			if i == 0 {
				return after(time.Millisecond, 7, nil)
			}
			return -1, nil
		})
		im.First(context.Background(), f.tasks)
		f.checkCancelled(t, firstdone.ErrLost, 0)
	}},
	{Name: "error-wins", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// The first task to finish fails: First returns its error, not the
		// success that comes later.
		n := size(im, 3)
		f := newField(n, func(i int, _ context.Context) (int, error) {
			if i == 0 {
				return after(2*time.Millisecond, 1, nil)
			}
			if i == n-1 {
				return after(time.Millisecond, 2, errBoom)
			}
			return -1, nil
		})
		_, err := im.First(context.Background(), f.tasks)
		if !errors.Is(err, errBoom) {
			t.Errorf("First err = %v; want %v", err, errBoom)
		}
	}},
	{Name: "parent", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Every task waits for its context; the caller's is cancelled.
		checkParent(t, size(im, 8), func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			if _, err := im.First(ctx, tasks); !errors.Is(err, errParent) {
				t.Errorf("First err = %v; want %v", err, errParent)
			}
		})
	}},
	{Name: "zero", Check: func(t contract.T, im impls.Impl) {
		checkZero(t, im.First)
	}},
	{Name: "one", Check: func(t contract.T, im impls.Impl) {
		checkOne(t, im.First)
	}},
	{Name: "once", Check: func(t contract.T, im impls.Impl) {
		// Many real, tiny tasks racing: each runs once, one wins.
		n := size(im, 500)
		var runs = make([]atomic.Int32, n)
		f := newField(n, func(i int, _ context.Context) (int, error) {
			runs[i].Add(1)
			return i, nil
		})
		got, err := im.First(context.Background(), f.tasks)
		if got < 0 || got >= n || err != nil {
			t.Errorf("First = %d, %v; want one of the tasks' results", got, err)
		}
		for i := range runs {
			if c := runs[i].Load(); c != 1 {
				t.Errorf("task %d ran %d times; want 1", i, c)
			}
		}
	}},
	{Name: "panic", Check: func(t contract.T, im impls.Impl) {
		checkPanic(t, im, func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			im.First(ctx, tasks)
		})
	}},
	{Name: "late-panic", Check: func(t contract.T, im impls.Impl) {
		checkLatePanic(t, im, func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			im.First(ctx, tasks)
		})
	}},
	{Name: "dependent", Timeout: contract.DepsDeadline + time.Minute, Check: func(t contract.T, im impls.Impl) {
		checkDependent(t, im, im.First)
	}},
}

var successCases = []contract.Case[impls.Impl]{
	{Name: "goexit", Check: func(t contract.T, im impls.Impl) {
		// Task 0 calls runtime.Goexit: a failure, skipped; task 1 succeeds.
		contract.InChild(t, nil, func() string {
			return contract.Within(2*time.Second, func() string {
				if v, err := im.FirstSuccess(context.Background(), goexitTasks(func(context.Context) (int, error) {
					time.Sleep(time.Millisecond) // after the Goexit, most likely
					return 7, nil
				})); v != 7 || err != nil {
					return fmt.Sprintf("FirstSuccess = %d, %v; want 7, nil", v, err)
				}
				return "ok"
			})
		})
	}},
	{Name: "success", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Task 0 fails first, task 1 succeeds next; the rest wait.
		n := size(im, 6)
		f := newField(n, func(i int, _ context.Context) (int, error) {
			switch i {
			case 0:
				return after(time.Millisecond, 0, errBoom)
			case 1:
				return after(2*time.Millisecond, 11, nil)
			}
			return -1, nil
		})
		got, err := im.FirstSuccess(context.Background(), f.tasks)
		f.checkAllReturned(t, f.returned.Load())
		if got != 11 || err != nil {
			t.Errorf("FirstSuccess = %d, %v; want 11, nil", got, err)
		}
		f.checkCancelled(t, nil, 0, 1)
	}},
	{Name: "all-fail", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Every task fails, the later started first: every error comes
		// back, joined in submission order.
		n := size(im, 4)
		errs := make([]error, n)
		var want []string
		for i := range errs {
			errs[i] = fmt.Errorf("e%d", i)
			want = append(want, errs[i].Error())
		}
		f := newField(n, func(i int, _ context.Context) (int, error) {
			return after(time.Duration(n-i)*time.Millisecond, i, errs[i])
		})
		_, err := im.FirstSuccess(context.Background(), f.tasks)
		if err == nil || err.Error() != strings.Join(want, "\n") {
			t.Errorf("FirstSuccess err = %q; want %q", err, strings.Join(want, "\n"))
		}
		for _, e := range errs {
			if !errors.Is(err, e) {
				t.Errorf("errors.Is(err, %v) = false; want true", e)
			}
		}
		f.checkAllReturned(t, f.returned.Load())
	}},
	{Name: "zero", Check: func(t contract.T, im impls.Impl) {
		checkZero(t, im.FirstSuccess)
	}},
	{Name: "one", Check: func(t contract.T, im impls.Impl) {
		checkOne(t, im.FirstSuccess)
	}},
	{Name: "panic", Check: func(t contract.T, im impls.Impl) {
		checkPanic(t, im, func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			im.FirstSuccess(ctx, tasks)
		})
	}},
	{Name: "late-panic", Check: func(t contract.T, im impls.Impl) {
		checkLatePanic(t, im, func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			im.FirstSuccess(ctx, tasks)
		})
	}},
	{Name: "dependent", Timeout: contract.DepsDeadline + time.Minute, Check: func(t contract.T, im impls.Impl) {
		checkDependent(t, im, im.FirstSuccess)
	}},
}

var seqCases = []contract.Case[impls.Impl]{
	{Name: "goexit", Check: func(t contract.T, im impls.Impl) {
		// Task 0 calls runtime.Goexit: it is yielded with
		// firstdone.ErrGoexit, and task 1's result too.
		contract.InChild(t, nil, func() string {
			return contract.Within(2*time.Second, func() string {
				var goexits, sevens int
				for v, err := range im.AsCompleted(context.Background(), goexitTasks(func(context.Context) (int, error) { return 7, nil })) {
					switch {
					case errors.Is(err, firstdone.ErrGoexit):
						goexits++
					case v == 7 && err == nil:
						sevens++
					}
				}
				if goexits != 1 || sevens != 1 {
					return fmt.Sprintf("yielded ErrGoexit %d times and 7 %d times; want once each", goexits, sevens)
				}
				return "ok"
			})
		})
	}},
	{Name: "order", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Later tasks finish first, one of them failing: each outcome comes
		// once, in completion order.
		n := size(im, 6)
		f := newField(n, func(i int, _ context.Context) (int, error) {
			if i == 1 {
				return after(time.Duration(n-i)*time.Millisecond, i, errBoom)
			}
			return after(time.Duration(n-i)*time.Millisecond, i, nil)
		})
		var got []string
		var want []string
		for v, err := range im.AsCompleted(context.Background(), f.tasks) {
			got = append(got, fmt.Sprint(v, err))
		}
		f.checkAllReturned(t, f.returned.Load())
		for i := n - 1; i >= 0; i-- {
			if i == 1 {
				want = append(want, fmt.Sprint(i, errBoom))
			} else {
				want = append(want, fmt.Sprint(i, nil))
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("yielded %q; want %q", got, want)
		}
	}},
	{Name: "break", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Stop after the first result: the others are cancelled with
		// ErrStopped and have returned when the loop ends.
		n := size(im, 8)
		f := newField(n, func(i int, _ context.Context) (int, error) {
			if i == 0 {
				return after(time.Millisecond, 5, nil)
			}
			return -1, nil
		})
		yields := 0
		for v := range im.AsCompleted(context.Background(), f.tasks) {
			yields++
			if v != 5 {
				t.Errorf("first yield = %d; want 5", v)
			}
			break
		}
		f.checkAllReturned(t, f.returned.Load())
		if yields != 1 {
			t.Errorf("%d yields; want 1", yields)
		}
		f.checkCancelled(t, firstdone.ErrStopped, 0)
	}},
	{Name: "body-panic", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// The loop body panics: the panic passes through, after the tasks
		// were cancelled and waited for.
		n := size(im, 4)
		f := newField(n, func(i int, _ context.Context) (int, error) {
			if i == 0 {
				return after(time.Millisecond, 5, nil)
			}
			return -1, nil
		})
		var returned int32
		v := func() (v any) {
			defer func() {
				returned = f.returned.Load()
				v = recover()
			}()
			for range im.AsCompleted(context.Background(), f.tasks) {
				panic(errBoom)
			}
			return nil
		}()
		if v != errBoom {
			t.Errorf("recovered %v; want the loop body's %v", v, errBoom)
		}
		f.checkAllReturned(t, returned)
		f.checkCancelled(t, nil, 0)
	}},
	{Name: "parent", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		n := size(im, 8)
		checkParent(t, n, func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			yields := 0
			for _, err := range im.AsCompleted(ctx, tasks) {
				yields++
				if !errors.Is(err, errParent) {
					t.Errorf("yielded err = %v; want %v", err, errParent)
				}
			}
			if yields != n {
				t.Errorf("%d yields; want %d", yields, n)
			}
		})
	}},
	{Name: "zero", Check: func(t contract.T, im impls.Impl) {
		for v, err := range im.AsCompleted(context.Background(), nil) {
			t.Errorf("AsCompleted(nil) yielded %v, %v; want nothing", v, err)
		}
	}},
	{Name: "one", Check: func(t contract.T, im impls.Impl) {
		var got []string
		for v, err := range im.AsCompleted(context.Background(), newField(1, func(int, context.Context) (int, error) {
			return 7, errBoom
		}).tasks) {
			got = append(got, fmt.Sprint(v, err))
		}
		if len(got) != 1 || got[0] != fmt.Sprint(7, errBoom) {
			t.Errorf("yielded %q; want [\"7 boom\"]", got)
		}
	}},
	{Name: "panic", Check: func(t contract.T, im impls.Impl) {
		checkPanic(t, im, func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			for range im.AsCompleted(ctx, tasks) {
			}
		})
	}},
	{Name: "late-panic", Check: func(t contract.T, im impls.Impl) {
		// The caller breaks after the first result; a loser panics later.
		checkLatePanic(t, im, func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			for range im.AsCompleted(ctx, tasks) {
				break
			}
		})
	}},
	{Name: "panic-cancels", Check: checkPanicCancels},
	{Name: "dependent", Timeout: contract.DepsDeadline + time.Minute, Check: func(t contract.T, im impls.Impl) {
		maxN := im.MaxTasks
		if im.Name == "reflect" {
			// A Select per result over every task still running, each
			// locking every channel: quadratic in n. One 10000-task set
			// took 58.6 s alone on an idle 2-vCPU machine, near this
			// case's bound, so reflect gets the sets up to 1000 tasks.
			maxN = 1000
		}
		checkDependentUpTo(t, im, maxN, func(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
			yields := 0
			for _, err := range im.AsCompleted(ctx, tasks) {
				if err != nil {
					return 0, err
				}
				yields++
			}
			if yields != len(tasks) {
				return 0, fmt.Errorf("%d yields; want %d", yields, len(tasks))
			}
			return 0, nil
		})
	}},
}

func checkZero(t contract.T, fn impls.Func) {
	for _, tasks := range [][]func(context.Context) (int, error){nil, {}} {
		if got, err := fn(context.Background(), tasks); got != 0 || !errors.Is(err, firstdone.ErrNoTasks) {
			t.Errorf("no tasks: %d, %v; want 0, ErrNoTasks", got, err)
		}
	}
}

func checkOne(t contract.T, fn impls.Func) {
	for _, want := range []struct {
		v   int
		err error
	}{{7, nil}, {0, errBoom}} {
		f := newField(1, func(int, context.Context) (int, error) { return want.v, want.err })
		if got, err := fn(context.Background(), f.tasks); got != want.v || !errors.Is(err, want.err) {
			t.Errorf("one task returning %d, %v: got %d, %v", want.v, want.err, got, err)
		}
	}
}

// checkParent runs n tasks waiting for their context through call, and
// cancels the caller's context at 1ms.
func checkParent(t contract.T, n int, call func(context.Context, []func(context.Context) (int, error))) {
	f := newField(n, wait)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	time.AfterFunc(time.Millisecond, func() { cancel(errParent) })
	call(ctx, f.tasks)
	f.checkAllReturned(t, f.returned.Load())
	f.checkCancelled(t, errParent)
}

var errPanic = errors.New("boom from task 1")

// panickingTask is named so that the stack a re-panic carries can be checked.
//
//go:noinline
func panickingTask() (int, error) { panic(errPanic) }

// checkPanic runs tasks through call where task 1 panics at once and the
// others wait for their context, and checks the documented panic mode.
func checkPanic(t contract.T, im impls.Impl, call func(context.Context, []func(context.Context) (int, error))) {
	n := size(im, 4)
	f := newField(n, func(i int, _ context.Context) (int, error) {
		if i == 1 {
			return panickingTask()
		}
		return -1, nil
	})
	switch im.Panics {
	case alt.Crash:
		contract.ExpectCrash(t, func() { call(context.Background(), f.tasks) }, errPanic.Error())
	case alt.Repanic:
		var returned int32
		v := func() (v any) {
			defer func() {
				returned = f.returned.Load()
				v = recover()
			}()
			call(context.Background(), f.tasks)
			return nil
		}()
		if v == nil {
			t.Fatalf("the call returned normally; want a panic")
		}
		if text := fmt.Sprint(v); !strings.Contains(text, errPanic.Error()) || !strings.Contains(text, "panickingTask") {
			t.Errorf("recovered %q; want the value %q and the task's stack (panickingTask)", text, errPanic)
		}
		if err, ok := v.(error); ok && !errors.Is(err, errPanic) {
			t.Errorf("errors.Is(recovered, errPanic) = false; want true")
		}
		f.checkAllReturned(t, returned) // the panicking task counts itself in a deferred call
		f.checkCancelled(t, nil, 1)
	default:
		t.Fatalf("unknown panic mode %q", im.Panics)
	}
}

var errLate = errors.New("late boom from a loser")

// latePanic is a loser's panic, after the race was decided.
//
//go:noinline
func latePanic() (int, error) { panic(errLate) }

// checkLatePanic runs tasks through call where task 0 wins at once and task
// 1 waits for its context (so until the race is decided), then panics. The
// panic must not be dropped: it reaches the caller as the panic mode says.
func checkLatePanic(t contract.T, im impls.Impl, call func(context.Context, []func(context.Context) (int, error))) {
	f := newField(size(im, 3), func(i int, ctx context.Context) (int, error) {
		switch i {
		case 0:
			return 5, nil
		case 1:
			select {
			case <-ctx.Done():
				return latePanic()
			case <-time.After(patience):
				return 1, nil
			}
		}
		return -1, nil
	})
	contract.CheckPanicMode(t, im.Panics, func() { call(context.Background(), f.tasks) }, errLate.Error())
}

// checkPanicCancels: task 0 returns at once; task 1 panics 1ms later while
// the caller still holds task 0's result; task 2 waits for its context. The
// panic must cancel task 2 then, not when the caller reaches it.
func checkPanicCancels(t contract.T, im impls.Impl) {
	cancelled := make(chan struct{})
	f := newField(size(im, 3), func(i int, ctx context.Context) (int, error) {
		switch i {
		case 0:
			return 5, nil
		case 1:
			time.Sleep(time.Millisecond)
			return panickingTask()
		}
		select {
		case <-ctx.Done():
			close(cancelled)
		case <-time.After(patience):
		}
		return 2, nil
	})
	contract.CheckPanicMode(t, im.Panics, func() {
		for range im.AsCompleted(context.Background(), f.tasks) {
			select {
			case <-cancelled:
			case <-time.After(patience):
				t.Errorf("task 2 not cancelled within %v of task 1's panic while the caller held a result", patience)
			}
		}
	}, errPanic.Error())
}

// checkDependent races tasks that wait for each other (they do not watch
// their context, so every one finishes): nothing may deadlock where a
// goroutine per task would not.
func checkDependent(t contract.T, im impls.Impl, call impls.Func) {
	checkDependentUpTo(t, im, im.MaxTasks, call)
}

// checkDependentUpTo is [checkDependent] with the sets of at most maxN tasks
// (0: all).
func checkDependentUpTo(t contract.T, im impls.Impl, maxN int, call impls.Func) {
	contract.CheckDeps(t, im.Name, maxN, func(d *contract.Deps) {
		tasks := make([]func(context.Context) (int, error), d.N)
		for i := range tasks {
			tasks[i] = func(context.Context) (int, error) { return i, d.Task(i) }
		}
		if _, err := call(context.Background(), tasks); err != nil {
			t.Errorf("%s: err = %v; want nil", d.Name, err)
		}
	})
}
