package impls_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/patterns/alt"
	"github.com/concbench/concbench/patterns/internal/contract"
	"github.com/concbench/concbench/patterns/joinall/impls"
)

func TestContract(t *testing.T) {
	contract.Run(t, contract.Expect(t, contract.Table(impls.Impls), fails), append(cases, clauses...))
}

func init() {
	for _, im := range []string{"waitgroup", "wggo", "errgroup", "concwg", "osthread"} {
		fails[im+"/goexit"] = contract.ChildSays(`results, err = \[0 7\], <nil>; want \[0 7\], joinall.ErrGoexit`)
	}
}

// fails are the failures each declared deviation excuses (impl/case):
// any other failure of that case still fails the test.
var fails = map[string]string{
	"serial/concurrent": `^\d+ tasks did not overlap: (task \d+: only \d+ of \d+ tasks started within \S+\n?)+$`,
	"serial/dependent":  `deadlock`,
	"errgroup/errors":   `^err = "e(3|11)"; want e3 and e11 joined in submission order$`,
	"concpool/ordered":  `^results\[\d+\] = \d+; want \d+ \(results: \[[0-9 ]+\]\)$`,
	"serial/goexit":     contract.ChildSays(`the calling goroutine ended: runtime.Goexit reached it`),
	"fanin/goexit":      contract.ChildSays(`did not return within 2s`),
	"concpool/goexit":   contract.ChildSays(`results, err = \[7\], <nil>; want \[0 7\], joinall.ErrGoexit`),
	"concpool/errors":   `^(err = "e11\\ne3"; want e3 and e11 joined in submission order|len\(results\) = 18; want 20)$`,
}

// tasksOf returns n tasks; task i returns f(i).
func tasksOf(n int, f func(i int) (int, error)) []func() (int, error) {
	tasks := make([]func() (int, error), n)
	for i := range tasks {
		tasks[i] = func() (int, error) { return f(i) }
	}
	return tasks
}

var cases = []contract.Case[impls.Impl]{
	{Name: "ordered", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Later tasks finish first; results must still come in submission order.
		const n = 50
		got, err := im.Run(tasksOf(n, func(i int) (int, error) {
			time.Sleep(time.Duration(n-i) * time.Millisecond)
			return 10 * i, nil
		}))
		if err != nil {
			t.Fatalf("err = %v; want nil", err)
		}
		if len(got) != n {
			t.Fatalf("len(results) = %d; want %d", len(got), n)
		}
		for i, v := range got {
			if v != 10*i {
				t.Fatalf("results[%d] = %d; want %d (results: %v)", i, v, 10*i, got)
			}
		}
	}},
	{Name: "once", Check: func(t contract.T, im impls.Impl) {
		// Many real, tiny tasks: each must run exactly once.
		const n = 5000
		var runs [n]atomic.Int32
		got, err := im.Run(tasksOf(n, func(i int) (int, error) {
			runs[i].Add(1)
			return i, nil
		}))
		if err != nil {
			t.Fatalf("err = %v; want nil", err)
		}
		for i := range runs {
			if c := runs[i].Load(); c != 1 {
				t.Fatalf("task %d ran %d times; want 1", i, c)
			}
		}
		if len(got) != n {
			t.Fatalf("len(results) = %d; want %d", len(got), n)
		}
	}},
	{Name: "errors", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Tasks 3 and 11 fail, 3 last of all; the others still run, every
		// error comes back, joined in submission order.
		const n = 20
		e3, e11 := errors.New("e3"), errors.New("e11")
		var ran atomic.Int32
		got, err := im.Run(tasksOf(n, func(i int) (int, error) {
			defer ran.Add(1)
			switch i {
			case 3:
				time.Sleep(2 * time.Millisecond)
				return 0, e3
			case 11:
				time.Sleep(time.Millisecond)
				return 0, e11
			}
			return i, nil
		}))
		if r := ran.Load(); r != n {
			t.Errorf("%d tasks ran; want %d", r, n)
		}
		if err == nil || err.Error() != "e3\ne11" || !errors.Is(err, e3) || !errors.Is(err, e11) {
			t.Errorf("err = %q; want e3 and e11 joined in submission order", err)
		}
		if len(got) != n {
			t.Fatalf("len(results) = %d; want %d", len(got), n)
		}
		for i, v := range got {
			if want := i; i != 3 && i != 11 && v != want {
				t.Errorf("results[%d] = %d; want %d", i, v, want)
			}
		}
	}},
	{Name: "zero", Check: func(t contract.T, im impls.Impl) {
		got, err := im.Run(nil)
		if len(got) != 0 || err != nil {
			t.Errorf("Run(nil) = %v, %v; want empty, nil", got, err)
		}
	}},
	{Name: "one", Check: func(t contract.T, im impls.Impl) {
		got, err := im.Run(tasksOf(1, func(int) (int, error) { return 7, nil }))
		if len(got) != 1 || got[0] != 7 || err != nil {
			t.Errorf("one task = %v, %v; want [7], nil", got, err)
		}
		boom := errors.New("boom")
		_, err = im.Run(tasksOf(1, func(int) (int, error) { return 0, boom }))
		if !errors.Is(err, boom) {
			t.Errorf("one failing task: err = %v; want %v", err, boom)
		}
	}},
	{Name: "concurrent", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Each task waits (fake time) until all have started: only an
		// implementation that runs them at the same time gets through. Run
		// gives few tasks a goroutine each and shares many among workers;
		// both sizes are here.
		for _, n := range []int32{10, 100} {
			var started atomic.Int32
			_, err := im.Run(tasksOf(int(n), func(i int) (int, error) {
				started.Add(1)
				for deadline := time.Now().Add(time.Second); started.Load() < n; time.Sleep(time.Millisecond) {
					if time.Now().After(deadline) {
						return 0, fmt.Errorf("task %d: only %d of %d tasks started within 1s", i, started.Load(), n)
					}
				}
				return i, nil
			}))
			if err != nil {
				t.Errorf("%d tasks did not overlap: %v", n, err)
				return
			}
		}
	}},
	{Name: "panic", Check: func(t contract.T, im impls.Impl) { checkPanic(t, im, 10) }},
	{Name: "panic/many", Check: func(t contract.T, im impls.Impl) { checkPanic(t, im, 100) }},
}

var errPanic = errors.New("boom from task 4")

// panickingTask is named so that the stack a re-panic carries can be checked.
//
//go:noinline
func panickingTask() (int, error) { panic(errPanic) }

// checkPanic runs n tasks of which task 4 panics.
func checkPanic(t contract.T, im impls.Impl, n int32) {
	var ran atomic.Int32
	tasks := tasksOf(int(n), func(i int) (int, error) {
		if i == 4 {
			return panickingTask()
		}
		time.Sleep(time.Millisecond) // finish after the panic
		ran.Add(1)
		return i, nil
	})
	switch im.Panics {
	case alt.Crash:
		contract.ExpectCrash(t, func() { im.Run(tasks) }, errPanic.Error())
	case alt.Repanic, alt.Caller:
		v := func() (v any) {
			defer func() { v = recover() }()
			im.Run(tasks)
			return nil
		}()
		if v == nil {
			t.Fatalf("Run returned normally; want a panic")
		}
		text := fmt.Sprint(v)
		if im.Panics == alt.Caller {
			if v != errPanic {
				t.Errorf("recovered %v; want the task's own value %v", v, errPanic)
			}
			if r := ran.Load(); r != 4 {
				t.Errorf("%d other tasks ran; want 4 (those before the panic)", r)
			}
			return
		}
		if !strings.Contains(text, errPanic.Error()) || !strings.Contains(text, "panickingTask") {
			t.Errorf("recovered %q; want the value %q and the task's stack (panickingTask)", text, errPanic)
		}
		if err, ok := v.(error); ok && !errors.Is(err, errPanic) {
			t.Errorf("errors.Is(recovered, errPanic) = false; want true")
		}
		if r := ran.Load(); r != n-1 {
			t.Errorf("%d other tasks had finished when the panic reached the caller; want %d", r, n-1)
		}
	default:
		t.Fatalf("unknown panic mode %q", im.Panics)
	}
}
