package failfast_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concbench/concbench/patterns/failfast"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	errFirst  = errors.New("first failure")
	errSecond = errors.New("second failure")
)

func TestMisuse(t *testing.T) {
	nop := func(context.Context) error { return nil }
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"nil context", func() { failfast.New(nil) }, "failfast: New with a nil context"}, //lint:ignore SA1012 misuse on purpose
		{"zero option", func() { failfast.New(context.Background(), failfast.AllErrors(), failfast.Option{}) }, "failfast: New with a zero Option, opts[1]"},
		{"limit 0", func() { failfast.Limit(0) }, "failfast: Limit(0): the limit must be at least 1"},
		{"zero Group", func() { new(failfast.Group).Go(nop) }, "failfast: Go on a Group not made by New"},
		{"zero Group Wait", func() { new(failfast.Group).Wait() }, "failfast: Wait on a Group not made by New"},
		{"nil Group", func() { (*failfast.Group)(nil).Go(nop) }, "failfast: Go on a Group not made by New"},
		{"nil Group Wait", func() { (*failfast.Group)(nil).Wait() }, "failfast: Wait on a Group not made by New"},
		{"nil task", func() {
			g, _ := failfast.New(context.Background())
			g.Go(nil)
		}, "failfast: Go with a nil task"},
		{"Go after Wait", func() {
			g, _ := failfast.New(context.Background())
			g.Wait()
			g.Go(nop)
		}, "failfast: Go after Wait returned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if got := fmt.Sprint(recover()); got != tc.want {
					t.Errorf("panic = %q; want %q", got, tc.want)
				}
			}()
			tc.f()
		})
	}
}

func TestParentCancelled(t *testing.T) {
	// Tasks submitted after the parent context is cancelled are not started;
	// Wait reports the parent's cause.
	for _, limit := range []int{0, 1} {
		t.Run(fmt.Sprint("limit=", limit), func(t *testing.T) {
			parentErr := errors.New("shutting down")
			parent, cancel := context.WithCancelCause(context.Background())
			opts := []failfast.Option{}
			if limit > 0 {
				opts = append(opts, failfast.Limit(limit))
			}
			g, _ := failfast.New(parent, opts...)
			var ran atomic.Int32
			g.Go(func(ctx context.Context) error { ran.Add(1); <-ctx.Done(); return nil })
			cancel(parentErr)
			for range 5 {
				g.Go(func(context.Context) error { ran.Add(1); return nil })
			}
			if err := g.Wait(); err != parentErr {
				t.Errorf("Wait() = %v; want %v", err, parentErr)
			}
			if r := ran.Load(); r > 1 {
				t.Errorf("%d tasks ran; want at most the one started before the cancel", r)
			}
		})
	}
}

func TestLimitedGoUnblocksOnFailure(t *testing.T) {
	// With a limit of 1, Go blocks behind a running task; when another
	// failure cancels the context, the blocked Go returns without starting.
	synctest.Test(t, func(t *testing.T) {
		g, ctx := failfast.New(context.Background(), failfast.Limit(1))
		release := make(chan struct{})
		g.Go(func(context.Context) error { <-release; return errFirst })
		returned := make(chan struct{})
		var ran atomic.Bool
		go func() {
			defer close(returned)
			g.Go(func(context.Context) error { ran.Store(true); return nil })
		}()
		synctest.Wait() // the second Go is blocked on the limit
		close(release)
		<-returned
		if err := g.Wait(); err != errFirst {
			t.Errorf("Wait() = %v; want %v", err, errFirst)
		}
		if ran.Load() {
			t.Errorf("the queued task ran after the failure; want it skipped")
		}
		if context.Cause(ctx) != errFirst {
			t.Errorf("context.Cause = %v; want %v", context.Cause(ctx), errFirst)
		}
	})
}

func TestAllErrorsListsCauseOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, _ := failfast.New(context.Background(), failfast.AllErrors())
		g.Go(func(context.Context) error { time.Sleep(time.Millisecond); return errFirst })
		for range 3 { // siblings that report the cause
			g.Go(func(ctx context.Context) error { <-ctx.Done(); return context.Cause(ctx) })
		}
		g.Go(func(context.Context) error { time.Sleep(2 * time.Millisecond); return errSecond })
		err := g.Wait()
		if got, want := fmt.Sprint(err), "first failure\nsecond failure"; got != want {
			t.Errorf("Wait() = %q; want %q", got, want)
		}
	})
}

// fieldErrs, errList and wrapped are validation errors of types == cannot
// compare.
type (
	fieldErrs map[string]string
	errList   []string
	wrapped   struct{ list []string }
)

func (e fieldErrs) Error() string { return fmt.Sprint(map[string]string(e)) }
func (e errList) Error() string   { return strings.Join(e, "; ") }
func (e wrapped) Error() string   { return strings.Join(e.list, "; ") }

// TestAllErrorsListsUncomparableCauseOnce checks that siblings that return
// context.Cause(ctx), where the first error is a map or a slice, do not
// list it again, while a second map or slice error with the same contents
// is listed: identity, not equal contents. A struct holding a slice cannot
// be told apart, and is listed each time, as AllErrors documents.
func TestAllErrorsListsUncomparableCauseOnce(t *testing.T) {
	for _, c := range []struct {
		name          string
		first, second error
		want          string
	}{
		{"map", fieldErrs{"name": "empty"}, fieldErrs{"name": "empty"}, "map[name:empty]\nmap[name:empty]"},
		{"slice", errList{"a", "b"}, errList{"a", "b"}, "a; b\na; b"},
		{"struct with a slice", wrapped{[]string{"a"}}, nil, "a\na\na\na"},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g, _ := failfast.New(context.Background(), failfast.AllErrors())
				g.Go(func(context.Context) error { time.Sleep(time.Millisecond); return c.first })
				for range 3 { // siblings that report the cause
					g.Go(func(ctx context.Context) error { <-ctx.Done(); return context.Cause(ctx) })
				}
				if c.second != nil {
					g.Go(func(context.Context) error { time.Sleep(2 * time.Millisecond); return c.second })
				}
				if got := fmt.Sprint(g.Wait()); got != c.want {
					t.Errorf("Wait() = %q; want %q", got, c.want)
				}
			})
		})
	}
	t.Run("shorter slice", func(t *testing.T) { // over the same elements: another error
		long := errList{"a", "b"}
		synctest.Test(t, func(t *testing.T) {
			g, _ := failfast.New(context.Background(), failfast.AllErrors())
			g.Go(func(context.Context) error { time.Sleep(time.Millisecond); return long })
			g.Go(func(context.Context) error { time.Sleep(2 * time.Millisecond); return long[:1] })
			if got, want := fmt.Sprint(g.Wait()), "a; b\na"; got != want {
				t.Errorf("Wait() = %q; want %q", got, want)
			}
		})
	})
}

func TestWaitCancelsContext(t *testing.T) {
	g, ctx := failfast.New(context.Background())
	g.Go(func(context.Context) error { return nil })
	for i := range 2 { // Wait may be called again
		if err := g.Wait(); err != nil {
			t.Errorf("Wait() #%d = %v; want nil", i+1, err)
		}
	}
	if ctx.Err() == nil || context.Cause(ctx) != context.Canceled {
		t.Errorf("after Wait: ctx.Err() = %v, cause %v; want context.Canceled", ctx.Err(), context.Cause(ctx))
	}
}

func TestPanicIsCause(t *testing.T) {
	g, _ := failfast.New(context.Background())
	var cause atomic.Value
	started := make(chan struct{})
	g.Go(func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		cause.Store(context.Cause(ctx))
		return nil
	})
	g.Go(func(context.Context) error { <-started; return panickingTask() })
	v := func() (v any) {
		defer func() { v = recover() }()
		return g.Wait()
	}()
	p, ok := v.(*failfast.PanicError)
	if !ok {
		t.Fatalf("Wait panicked with %T %v; want *failfast.PanicError", v, v)
	}
	if !errors.Is(p, errPanic) || !strings.Contains(string(p.Stack), "panickingTask") {
		t.Errorf("PanicError = %v; want errPanic with the task's stack", p)
	}
	if c := cause.Load(); c != p {
		t.Errorf("sibling saw context.Cause = %v; want the *PanicError", c)
	}
}

func TestGoexit(t *testing.T) {
	g, ctx := failfast.New(context.Background())
	g.Go(func(context.Context) error { runtime.Goexit(); return nil })
	g.Go(func(ctx context.Context) error { <-ctx.Done(); return nil })
	if err := g.Wait(); err != failfast.ErrGoexit {
		t.Errorf("Wait() = %v; want ErrGoexit", err)
	}
	if context.Cause(ctx) != failfast.ErrGoexit {
		t.Errorf("context.Cause = %v; want ErrGoexit", context.Cause(ctx))
	}
}

var errPanic = errors.New("boom from a task")

// panickingTask is named so that the stack a re-panic carries can be checked.
//
//go:noinline
func panickingTask() error { panic(errPanic) }
