package failfast

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/concbench/concbench/patterns/internal/panics"
)

// A Group runs tasks that share one context and fails fast: the first task
// to fail cancels that context for all the others. Make one with [New]; the
// zero Group is not usable, and a Group is for one batch of tasks.
type Group struct {
	ctx    context.Context
	done   <-chan struct{} // ctx.Done(), read without an interface call
	cancel context.CancelCauseFunc
	sem    chan struct{} // nil: no limit
	all    bool          // keep every error, not only the first

	wg      sync.WaitGroup
	skipped atomic.Bool // a task was not started because ctx was done
	waited  atomic.Bool // Wait has returned

	mu     sync.Mutex
	errs   []error // errs[0] is the first error; more only with AllErrors
	panics panics.First
}

// An Option configures a [Group] made by [New], and only there: it is not a
// function a caller could apply to a Group already in use, where a new
// limit would let a running task release a slot it never took.
type Option struct{ apply func(*Group) }

// Limit bounds the number of tasks that run at once to n: [Group.Go] blocks
// while n tasks run. Limit panics if n < 1.
func Limit(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("failfast: Limit(%d): the limit must be at least 1", n))
	}
	return Option{func(g *Group) { g.sem = make(chan struct{}, n) }}
}

// AllErrors makes [Group.Wait] return every task's error instead of only
// the first: the error itself if there is one, or all of them joined with
// [errors.Join] in the order the tasks returned them. The first error still
// cancels the context. An error identical to the first one, which is what
// a sibling returns when it reports context.Cause(ctx), is listed once:
// identical is == for errors it can compare, and for a map or a slice type
// (a validation error) the same map, or the same elements with the same
// length. Other errors == cannot compare (a struct holding a slice) are
// never identical: each is listed.
func AllErrors() Option {
	return Option{func(g *Group) { g.all = true }}
}

// New returns a Group and the context its tasks share, derived from ctx. The
// context is cancelled when a task fails (its cause, context.Cause, is then
// the task's error), when a task panics (the cause is the *[PanicError]), when
// ctx is cancelled, or when Wait returns, whichever comes first. New panics if
// ctx is nil or an option is the zero Option.
//
// Cost: what x/sync's errgroup.WithContext costs, a context per group and a
// goroutine per started task; docs/failfast.md has the measured numbers.
func New(ctx context.Context, opts ...Option) (*Group, context.Context) {
	if ctx == nil {
		panic("failfast: New with a nil context")
	}
	for i, o := range opts {
		if o.apply == nil {
			panic(fmt.Sprintf("failfast: New with a zero Option, opts[%d]", i))
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	g := &Group{ctx: ctx, done: ctx.Done(), cancel: cancel}
	for _, o := range opts {
		o.apply(g)
	}
	return g, ctx
}

// Go runs f(ctx) in a new goroutine, with the group's context, unless that
// context is done first: a task is never started after the group failed or
// its parent context was cancelled. Go then returns at once without calling
// f, and if the new goroutine finds the context done when it begins, it
// returns without calling f too; so even without a limit, a task submitted
// just before a failure may never run. With a [Limit], Go blocks until a
// running task returns or the context is done, whichever comes first.
//
// Precisely: f is not called if the cancel of the group's context
// synchronizes before the check its goroutine makes when it begins (a
// failing task cancels before it gives back its [Limit] slot, so a task
// that gets that slot is never called). A failure concurrent with that check
// (another task failing while this one starts, common with Limit >= 2) can
// leave f called with a context that is done already or at once: tasks
// must still watch ctx. A parent's cancel reaches the group's context
// before that cancel returns if the parent is a cancellable context of the
// context package (also beneath values), so a Go after it returned never
// calls f; but the parent's Done and Err change first, so a Go made by
// another goroutine that saw them may still call f, while that cancel runs.
// A parent of another type, with a Done channel of its own, is watched by
// a goroutine (context.WithCancelCause's rule), so a Go soon after such a
// parent's cancel may still call f. x/sync's errgroup
// promises nothing here; it starts every queued task.
//
// Each task runs in a goroutine of its own that ends with it, so a task may
// call runtime.LockOSThread without unlocking (the thread then ends with the
// goroutine) or runtime.Goexit (the task fails with [ErrGoexit], or counts
// as panicked if a deferred call of it panics, except with nil under
// GODEBUG=panicnil=1: recover cannot tell that from no panic).
//
// Go panics if f is nil, if the Group was not made by [New], or if Wait has
// returned. Calls to Go may come from several goroutines and from tasks,
// also while Wait waits, which then waits for their tasks too, and for a Go
// blocked on the Limit. As with sync.WaitGroup's Add, a call made while no
// task of the group runs and no other Go is blocked on the Limit (the
// first call, for one) must happen before Wait is called; a Go that
// breaks this rule races with Wait, which may then panic with
// sync.WaitGroup's "WaitGroup is reused before previous Wait has
// returned", or return while that Go starts its task (the race detector
// reports such a Go). A task's Go
// under a Limit waits for a slot while the task holds its own: once every
// slot is held by a task blocked so, they wait until the context is done
// (as with errgroup's SetLimit, where they wait for ever).
func (g *Group) Go(f func(ctx context.Context) error) {
	switch {
	case g == nil || g.cancel == nil:
		panic("failfast: Go on a Group not made by New")
	case f == nil:
		panic("failfast: Go with a nil task")
	case g.waited.Load():
		panic("failfast: Go after Wait returned")
	}
	// Counted before it may block on the limit: a Wait that runs meanwhile
	// waits for this task too.
	g.wg.Add(1)
	if g.sem != nil {
		select {
		case g.sem <- struct{}{}:
		case <-g.done:
			g.skipped.Store(true)
			g.wg.Done()
			return
		}
	}
	// A failing task cancels the context before it gives back its slot (see
	// run), so a Go that just got that slot sees the context done here.
	if g.stopped() {
		if g.sem != nil {
			<-g.sem
		}
		g.skipped.Store(true)
		g.wg.Done()
		return
	}
	go g.run(f)
}

// stopped reports whether the group's context is done.
func (g *Group) stopped() bool {
	select {
	case <-g.done:
		return true
	default:
		return false
	}
}

// run calls f, unless the context was cancelled while its goroutine waited to
// be scheduled, and records how f ended.
func (g *Group) run(f func(context.Context) error) {
	var end panics.Ending
	defer func() {
		if end == panics.Exited {
			g.fail(ErrGoexit)
		}
		if g.sem != nil {
			<-g.sem // after the failure is recorded and ctx cancelled
		}
		g.wg.Done()
	}()
	if g.stopped() {
		g.skipped.Store(true)
		return
	}
	end = panics.Exited // until f returns or panics
	var stack []byte
	g.call(f, &end, &stack)
	if end == panics.Exited { // panic(nil) under GODEBUG=panicnil=1: see panics.Ending
		g.abort(func() (*PanicError, bool) { return g.panics.WentOn(-1, &end, stack) })
	}
}

// call calls f and records its error or its panic; see [panics.Ending]
// for end and stack.
func (g *Group) call(f func(context.Context) error, end *panics.Ending, stack *[]byte) {
	defer func() {
		if *end == panics.Exited {
			v := recover()
			g.abort(func() (*PanicError, bool) { return g.panics.Recovered(-1, v, end, stack) })
		}
	}()
	err := f(g.ctx)
	*end = panics.Returned
	if err != nil {
		g.fail(err)
	}
}

// fail records err and cancels the context if it is the first error.
func (g *Group) fail(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case len(g.errs) == 0:
		g.errs = append(g.errs, err)
		g.cancel(err)
	case g.all && !same(err, g.errs[0]):
		g.errs = append(g.errs, err)
	}
}

// same reports whether a and b are identical errors (see [AllErrors]): ==
// where it can compare them; where it cannot (it panics, at run time only,
// so the panic is recovered here), [sameReference].
func same(a, b error) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = sameReference(a, b)
		}
	}()
	return a == b
}

// sameReference reports whether a and b, errors == cannot compare, are one
// map or one slice (the same elements, the same length): the value a
// sibling passes on when it returns context.Cause(ctx). Errors of other
// kinds (a struct holding a slice, also behind an interface field) are
// never the same.
func sameReference(a, b error) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	switch va.Kind() {
	case reflect.Map:
		return va.UnsafePointer() == vb.UnsafePointer()
	case reflect.Slice:
		return va.UnsafePointer() == vb.UnsafePointer() && va.Len() == vb.Len()
	}
	return false
}

// abort records a task's panic with record and cancels the context with it
// if it is the first panic. It holds mu as fail does, so a task that gives
// back its Limit slot after abort returns leaves the context cancelled,
// also when another task's panic was recorded first.
func (g *Group) abort(record func() (*PanicError, bool)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if p, first := record(); first {
		g.cancel(p)
	}
}

// Wait blocks until every started task has returned, then cancels the
// context and returns the first error (with [AllErrors], every error). If no
// task failed but some were not started because the parent context was
// cancelled, Wait returns that context's cause. If a task panicked, Wait
// panics with a *[PanicError] holding the first panic's value and stack,
// after all the other tasks have returned. Wait may be called more than once.
//
// Wait panics if the Group was not made by [New].
func (g *Group) Wait() error {
	if g == nil || g.cancel == nil {
		panic("failfast: Wait on a Group not made by New")
	}
	g.wg.Wait()
	g.waited.Store(true)
	cause := context.Cause(g.ctx) // before our own cancel below
	g.cancel(context.Canceled)
	g.mu.Lock()
	defer g.mu.Unlock()
	// Every task's Record synchronizes before its wg.Done, which
	// synchronizes before g.wg.Wait above returns.
	if p := g.panics.Load(); p != nil {
		panic(p)
	}
	switch {
	case len(g.errs) == 1:
		return g.errs[0]
	case len(g.errs) > 1:
		return errors.Join(g.errs...)
	case g.skipped.Load():
		return cause
	}
	return nil
}

// ErrGoexit is the error of a task that called runtime.Goexit (as t.FailNow
// does), which ends its goroutine without returning.
var ErrGoexit = errors.New("failfast: task called runtime.Goexit")

// PanicError is the value [Group.Wait] panics with when a task panicked, and
// the cause of the group's context from then on. Its Task is -1: a Group's
// tasks have no index. It is the type every concbench pattern panics with.
type PanicError = panics.Error
