package panics_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/concbench/concbench/patterns/internal/panics"
)

// run runs task i in a goroutine of its own and records how it ended.
func run(f *panics.First, i int, task func()) (goexit bool) {
	var wg sync.WaitGroup
	wg.Go(func() {
		returned := false
		defer func() {
			if !returned {
				v := recover()
				goexit = v == nil
				f.Record(i, v)
			}
		}()
		task()
		returned = true
	})
	wg.Wait()
	return goexit
}

//go:noinline
func explode() { panic(errBoom) }

var errBoom = errors.New("boom")

func TestFirst(t *testing.T) {
	var f panics.First
	if p := f.Load(); p != nil {
		t.Fatalf("zero First: Load() = %v; want nil", p)
	}
	if run(&f, 0, func() {}) || f.Load() != nil {
		t.Fatalf("a task that returned was recorded: %v", f.Load())
	}
	if !run(&f, 1, func() { runtime.Goexit() }) || f.Load() != nil {
		t.Fatalf("Goexit: recorded %v; want nothing, seen as Goexit", f.Load())
	}
	run(&f, 2, explode)
	run(&f, 3, func() { panic("second") })
	p := f.Load()
	switch {
	case p == nil:
		t.Fatalf("Load() = nil after a panic; want task 2's")
	case p.Task != 2 || p.Value != errBoom:
		t.Errorf("Load() = task %d, %v; want task 2, %v", p.Task, p.Value, errBoom)
	case !strings.Contains(string(p.Stack), "explode"):
		t.Errorf("stack lacks the panicking function explode:\n%s", p.Stack)
	case !errors.Is(p, errBoom):
		t.Errorf("errors.Is(p, errBoom) = false; want true")
	}
}

func TestError(t *testing.T) {
	for _, tc := range []struct {
		p    *panics.Error
		want string
	}{
		{&panics.Error{Task: 4, Value: "x", Stack: []byte("stack")}, "task 4 panicked: x\n\nstack"},
		{&panics.Error{Task: -1, Value: 7, Stack: []byte("stack")}, "task panicked: 7\n\nstack"},
	} {
		if got := tc.p.Error(); got != tc.want {
			t.Errorf("Error() = %q; want %q", got, tc.want)
		}
		if tc.p.Unwrap() != nil {
			t.Errorf("Unwrap() of a non-error value = %v; want nil", tc.p.Unwrap())
		}
	}
}

func ExampleFirst() {
	var first panics.First
	var wg sync.WaitGroup
	for i, task := range []func(){func() {}, func() { panic("boom") }} {
		wg.Go(func() {
			returned := false
			defer func() {
				if !returned {
					first.Record(i, recover())
				}
			}()
			task()
			returned = true
		})
	}
	wg.Wait()
	if p := first.Load(); p != nil {
		fmt.Printf("task %d panicked with %v\n", p.Task, p.Value) // the caller would panic(p)
	}
	// Output: task 1 panicked with boom
}
