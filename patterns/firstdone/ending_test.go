package firstdone_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/concbench/concbench/patterns/firstdone"
	"github.com/concbench/concbench/patterns/internal/contract"
)

// entries calls each entry point on tasks and returns what it panicked
// with (nil if it did not) and the error it returned or yielded first.
var entries = map[string]func(tasks []func(context.Context) (int, error)) (any, error){
	"First": func(tasks []func(context.Context) (int, error)) (v any, err error) {
		defer func() { v = recover() }()
		_, err = firstdone.First(context.Background(), tasks)
		return nil, err
	},
	"FirstSuccess": func(tasks []func(context.Context) (int, error)) (v any, err error) {
		defer func() { v = recover() }()
		_, err = firstdone.FirstSuccess(context.Background(), tasks)
		return nil, err
	},
	"AsCompleted": func(tasks []func(context.Context) (int, error)) (v any, err error) {
		defer func() { v = recover() }()
		for _, e := range firstdone.AsCompleted(context.Background(), tasks) {
			if err == nil {
				err = e
			}
		}
		return nil, err
	},
}

func TestGoexitThenDeferredPanic(t *testing.T) {
	// A task calls runtime.Goexit and its deferred call panics: the panic
	// is what the task did, so every entry point panics with it.
	for name, call := range entries {
		v, err := call([]func(context.Context) (int, error){func(context.Context) (int, error) {
			defer func() { panic("cleanup") }()
			runtime.Goexit()
			return 0, nil
		}})
		if p, ok := v.(*firstdone.PanicError); !ok || p.Value != "cleanup" {
			t.Errorf("%s: panicked with %v, err %v; want a *PanicError of \"cleanup\"", name, v, err)
		}
	}
}

func TestPanicNil(t *testing.T) {
	// Under GODEBUG=panicnil=1 recover returns nil for panic(nil), as for
	// runtime.Goexit: a task that panics with nil still counts as panicked
	// (a *PanicError with Value nil), and one that calls Goexit still
	// completes with ErrGoexit. In a child process, as the setting is the
	// whole program's. Found by an adversarial test.
	contract.InChild(t, []string{"GODEBUG=panicnil=1"}, panicNilChild)
}

// panicNilChild is TestPanicNil in the child: it returns "ok" or what went
// wrong.
func panicNilChild() string {
	var failures []string
	for name, call := range entries {
		v, err := call([]func(context.Context) (int, error){func(context.Context) (int, error) { panic(nil) }})
		if p, ok := v.(*firstdone.PanicError); !ok || p.Value != nil {
			failures = append(failures, fmt.Sprintf("%s, panic(nil): panicked with %#v, err %v; want a *PanicError of Value nil", name, v, err))
		}
		v, err = call([]func(context.Context) (int, error){func(context.Context) (int, error) { runtime.Goexit(); return 0, nil }})
		if v != nil || !errors.Is(err, firstdone.ErrGoexit) {
			failures = append(failures, fmt.Sprintf("%s, Goexit: panicked with %v, err %v; want no panic, ErrGoexit", name, v, err))
		}
	}
	if len(failures) > 0 {
		return strings.Join(failures, "\n")
	}
	return "ok"
}

func TestNilContext(t *testing.T) {
	// A nil context is misuse: each entry point panics with a firstdone:
	// message, as failfast.New does. It panicked inside the context package
	// ("cannot create context from nil parent"), and AsCompleted only once
	// ranged over. Found by an adversarial test.
	tasks := []func(context.Context) (int, error){func(context.Context) (int, error) { return 1, nil }}
	for _, tc := range []struct {
		name string
		call func()
	}{
		{"First", func() { firstdone.First(nil, tasks) }},               //lint:ignore SA1012 misuse on purpose
		{"FirstSuccess", func() { firstdone.FirstSuccess(nil, tasks) }}, //lint:ignore SA1012 misuse on purpose
		{"AsCompleted", func() { firstdone.AsCompleted(nil, tasks) }},   //lint:ignore SA1012 misuse on purpose
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				want := "firstdone: " + tc.name + " with a nil context"
				if got := fmt.Sprint(recover()); got != want {
					t.Errorf("panic = %q; want %q", got, want)
				}
			}()
			tc.call()
		})
	}
}

func TestNilTask(t *testing.T) {
	// A nil task is not checked up front: it panics when called, as any
	// task may, so each entry point panics with a *PanicError of the
	// runtime error once the others returned. 100 tasks start by hand-off.
	for name, call := range entries {
		for _, n := range []int{1, 3, 100} {
			tasks := make([]func(context.Context) (int, error), n)
			for i := range tasks {
				tasks[i] = func(ctx context.Context) (int, error) { <-ctx.Done(); return i, nil }
			}
			tasks[n/2] = nil
			v, err := call(tasks)
			p, ok := v.(*firstdone.PanicError)
			var re runtime.Error
			if !ok || p.Task != n/2 || !errors.As(p, &re) {
				t.Errorf("%s, n=%d: panicked with %v, err %v; want a *PanicError of task %d with a runtime.Error", name, n, v, err, n/2)
			}
		}
	}
}
