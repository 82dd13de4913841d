package failfast_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concbench/concbench/patterns/failfast"
	"github.com/concbench/concbench/patterns/internal/contract"
)

func TestWaitWaitsForGoBlockedOnLimit(t *testing.T) {
	// A Go blocked on the limit while Wait runs (from a goroutine that is
	// not a task, with a task running): Wait must wait for that task too,
	// not return when the running task gives back its slot, nor crash with
	// sync.WaitGroup's "reused before previous Wait has returned". Found by
	// an adversarial test.
	for range 50 {
		synctest.Test(t, func(t *testing.T) {
			g, _ := failfast.New(context.Background(), failfast.Limit(1))
			release := make(chan struct{})
			g.Go(func(context.Context) error { <-release; return nil })
			var second atomic.Bool
			go g.Go(func(context.Context) error {
				time.Sleep(time.Millisecond)
				second.Store(true)
				return nil
			})
			synctest.Wait() // the second Go is blocked on the limit
			waited := make(chan error)
			go func() { waited <- g.Wait() }()
			synctest.Wait()
			close(release)
			if err := <-waited; err != nil || !second.Load() {
				t.Fatalf("Wait = %v, second task finished: %v; want nil, true", err, second.Load())
			}
		})
	}
}

func TestPanicsCancelBeforeSlotsFree(t *testing.T) {
	// Two tasks panic at once under Limit(2) while a third waits for a
	// slot: whichever panic is recorded second gives back its slot only
	// after the first has cancelled the context, so the third is never
	// called. The race is narrow (about 1 in 3000 before the fix), so this
	// tries many times; it cannot pass by luck once the order is kept.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	var called int
	for range 5000 {
		g, _ := failfast.New(context.Background(), failfast.Limit(2))
		start := make(chan struct{})
		for range 2 {
			g.Go(func(context.Context) error { <-start; panic("boom") })
		}
		go close(start)
		g.Go(func(context.Context) error { called++; return nil })
		func() {
			defer func() { _ = recover() }()
			g.Wait()
		}()
	}
	if called > 0 {
		t.Errorf("a task queued behind the limit was called %d times after two panics; want never", called)
	}
}

func TestGoexitThenDeferredPanic(t *testing.T) {
	// A task calls runtime.Goexit and its deferred call panics (a
	// t.FailNow whose cleanup panics): the task counts as panicked, not as
	// ErrGoexit, and Wait panics with that value.
	g, ctx := failfast.New(context.Background())
	g.Go(func(context.Context) error {
		defer func() { panic("cleanup") }()
		runtime.Goexit()
		return nil
	})
	v := func() (v any) {
		defer func() { v = recover() }()
		return g.Wait()
	}()
	var p *failfast.PanicError
	if !errors.As(asError(v), &p) || p.Value != "cleanup" {
		t.Fatalf("Wait panicked with %v; want a *PanicError of \"cleanup\"", v)
	}
	if cause := context.Cause(ctx); cause != error(p) {
		t.Errorf("context.Cause = %v; want the *PanicError", cause)
	}
}

// asError is v if it is an error, else nil.
func asError(v any) error {
	err, _ := v.(error)
	return err
}

func TestPanicNil(t *testing.T) {
	// Under GODEBUG=panicnil=1 recover returns nil for panic(nil), as for
	// runtime.Goexit: the task still counts as panicked, so Wait panics
	// with a *PanicError whose Value is nil, and a task that calls Goexit
	// still fails with ErrGoexit. In a child process, as the setting is the
	// whole program's.
	contract.InChild(t, []string{"GODEBUG=panicnil=1"}, panicNilChild)
}

// panicNilChild is TestPanicNil in the child: it returns "ok" or what went
// wrong.
func panicNilChild() string {
	g, _ := failfast.New(context.Background())
	g.Go(func(context.Context) error { panic(nil) })
	v := func() (v any) {
		defer func() { v = recover() }()
		return g.Wait()
	}()
	if p, ok := v.(*failfast.PanicError); !ok || p.Value != nil {
		return fmt.Sprintf("panic(nil): Wait gave %#v; want a panic with a *PanicError of Value nil", v)
	}
	g, _ = failfast.New(context.Background())
	g.Go(func(context.Context) error { runtime.Goexit(); return nil })
	if err := g.Wait(); !errors.Is(err, failfast.ErrGoexit) {
		return fmt.Sprintf("Goexit: Wait = %v; want ErrGoexit", err)
	}
	return "ok"
}

func TestGoFromTaskUnderLimit(t *testing.T) {
	// A task that calls Go under Limit(1) holds the only slot while its Go
	// waits for one: the Go blocks until the context is done, here by the
	// parent's cancel, and then returns without starting its task; Wait
	// returns the parent's cause. As x/sync's errgroup with SetLimit, minus
	// the way out through the context.
	synctest.Test(t, func(t *testing.T) {
		parent, cancel := context.WithCancelCause(context.Background())
		stop := errors.New("stop")
		g, _ := failfast.New(parent, failfast.Limit(1))
		var inner, returned atomic.Bool
		g.Go(func(context.Context) error {
			g.Go(func(context.Context) error { inner.Store(true); return nil })
			returned.Store(true)
			return nil
		})
		synctest.Wait() // the inner Go is blocked on the limit
		if returned.Load() {
			t.Fatalf("the inner Go returned with the only slot held; want it blocked")
		}
		cancel(stop)
		if err := g.Wait(); err != stop || inner.Load() {
			t.Errorf("Wait = %v, inner task ran: %v; want %v, false", err, inner.Load(), stop)
		}
	})
}
