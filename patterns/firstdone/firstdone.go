// Package firstdone starts tasks together and handles whichever finishes
// first: Go's tokio::select!, select_ok, JoinSet::join_next and
// FuturesUnordered.
//
// It is what a select over one channel per task does, or a buffered channel
// that every task sends its result on, plus the two things those leave to the
// reader: the tasks that lose are cancelled through their context, and no
// call returns (no loop over [AsCompleted] ends) before every task it started
// has returned. Nothing outlives the call, so nothing leaks.
//
//   - [First] returns the first task to complete, success or failure.
//   - [FirstSuccess] returns the first task to succeed, or every error.
//   - [AsCompleted] yields results in completion order, not start order.
//
// Tasks take a context and should return soon after it is done; a task that
// ignores it keeps the call waiting. Losers can tell why they were cancelled
// with [context.Cause]: [ErrLost] when another task won, [ErrStopped] when
// the caller stopped iterating, a *[PanicError] when a task panicked, or the
// parent context's cause.
//
// Which to use, from BenchmarkFirstDone (-cpu 2 on the 2-vCPU reference
// machine, shared and loaded while measured, so only differences benchstat
// calls significant count; the tables are in the pattern's report):
//   - First, for any number of tasks. With 1024 tasks and a winner that
//     returns at once it took about 1.1 ms a race, against 1.6 ms for conc,
//     2.6 ms for the buffered channel and 3.7 ms for reflect.Select;
//     errgroup (1.6 ms) and a bare goroutine per task (0.9 ms) were not
//     significantly different.
//   - conc's pool when the winner is an early task that blocks: its Go hands
//     each task to a goroutine before returning, so task 0 starts within
//     ~15 µs instead of after the whole spawn loop (~250 µs for 1024), and a
//     race whose winner waits 1 ms took ~17% less time than First.
//   - AsCompleted (and break) when the first result is wanted before the
//     losers have returned: it reached the loop body in well under a
//     microsecond at 2 and 16 tasks, where First's caller waits for the
//     cancellation too (1.4 µs and 5.6 µs).
//   - A select statement only to mix the tasks with other channels: over two
//     tasks it cost ~30% more than First. reflect.Select cost 2.5-3.5x First
//     from 16 tasks on when the winner returns at once.
//
// [Impls] holds the alternatives side by side.
package firstdone

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

var (
	// ErrNoTasks is what First and FirstSuccess return when given no tasks.
	ErrNoTasks = errors.New("firstdone: no tasks")
	// ErrLost is the cause of the losers' cancellation when another task won.
	ErrLost = errors.New("firstdone: another task won")
	// ErrStopped is the cause of the cancellation when the caller stopped
	// ranging over AsCompleted (break, return, or a panic in the loop body).
	ErrStopped = errors.New("firstdone: the caller stopped iterating")
	// ErrGoexit is the error of a task that called runtime.Goexit.
	ErrGoexit = errors.New("firstdone: task called runtime.Goexit")
)

// First runs every task in a goroutine of its own and returns the result of
// the first one to return, whether it succeeded or not: an error from the
// first task to finish is First's error (use [FirstSuccess] to skip
// failures). As soon as a task returns, the context of the others is
// cancelled with cause [ErrLost]; First returns once every task has returned.
//
// With no tasks First returns [ErrNoTasks]. First does not look at ctx
// itself: when ctx is done, the tasks see it through theirs, and the first to
// return (probably with ctx's cause) wins.
//
// If a task panics, that counts as completing: the others are cancelled with
// the *[PanicError] as cause, and once all have returned First panics in the
// caller's goroutine with that *PanicError (value and the task's stack). A
// panic after another task had won is not dropped either: First panics with
// it. A task calling runtime.Goexit completes with [ErrGoexit].
//
// Cost, from BenchmarkFirstDone: a goroutine start per task and one
// cancellation, about what a bare goroutine per task cancelled by hand costs
// (within noise at 1024 tasks). Every task is started before First waits, so
// with GOMAXPROCS=1 no task runs until all have been started.
func First[T any](ctx context.Context, tasks []func(context.Context) (T, error)) (T, error) {
	return race(ctx, tasks, false)
}

// FirstSuccess is [First] but skips failures: the first task to return a nil
// error wins, and the others are cancelled with cause [ErrLost]. If every
// task fails, FirstSuccess returns the zero T and every error, joined with
// [errors.Join] in submission order. With no tasks it returns [ErrNoTasks]
// (where futures' select_ok panics). Panics, Goexit and waiting are as for
// First.
func FirstSuccess[T any](ctx context.Context, tasks []func(context.Context) (T, error)) (T, error) {
	return race(ctx, tasks, true)
}

// AsCompleted returns a sequence of the tasks' results and errors in the
// order the tasks complete. Ranging over it starts every task in a goroutine
// of its own; ranging again starts them again. Each task's outcome is
// yielded exactly once, failures included.
//
// When the loop ends early (break, return, or a panic in its body), the
// tasks still running are cancelled with cause [ErrStopped], and the range
// statement ends only after they have all returned; their results are
// dropped. With no tasks the sequence is empty. A done ctx reaches the tasks
// through their context; their results, probably ctx's cause, are yielded.
//
// If a task panics, the tasks still running are cancelled with the
// *[PanicError] as cause, and once they have returned the range statement
// panics with it in the caller's goroutine; results that came before the
// panic were yielded, those after it are dropped. A task calling
// runtime.Goexit yields [ErrGoexit].
//
// It costs what First does plus a channel send per task and a wake-up of the
// ranging goroutine per result.
func AsCompleted[T any](ctx context.Context, tasks []func(context.Context) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if len(tasks) == 0 {
			return
		}
		ctx, cancel := context.WithCancelCause(ctx)
		done := make(chan completion[T], len(tasks))
		for i, t := range tasks {
			go complete(ctx, i, t, done)
		}
		left := len(tasks)
		defer func() { // on break, on a panic in the loop body or below, and at the end
			cancel(ErrStopped)
			for ; left > 0; left-- {
				<-done
			}
		}()
		for left > 0 {
			c := <-done
			left--
			if c.panicked != nil {
				cancel(c.panicked)
				panic(c.panicked) // after the deferred wait
			}
			if !yield(c.v, c.err) {
				return
			}
		}
	}
}

// PanicError is the value First, FirstSuccess and AsCompleted panic with
// when a task panicked, and the cause of the others' cancellation.
type PanicError struct {
	Task  int    // index of the task that panicked
	Value any    // the value passed to panic
	Stack []byte // the panicking task's stack, as debug.Stack formats it
}

func (p *PanicError) Error() string {
	return fmt.Sprintf("firstdone: task %d panicked: %v\n\n%s", p.Task, p.Value, p.Stack)
}

// Unwrap returns the panic value if it is an error, so errors.Is and errors.As
// see through to it.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// Rejected designs, measured or reasoned:
//   - The caller receiving the first result and then cancelling (the
//     buffered-channel shape, impl chan): the cancel waits for the caller to
//     be scheduled; here the winner cancels from its own goroutine.
//   - A channel per task and reflect.Select: every Select call locks and
//     queues on every remaining channel.
//   - Returning before the losers have returned: it would leave goroutines
//     running that the caller cannot wait for; tokio's select! drops the
//     losing futures, and waiting is Go's equivalent of that drop.
//   - Yielding ErrNoTasks from an empty AsCompleted: a loop over the
//     completions of no tasks has nothing to see, like a range over an empty
//     slice.
//   - Re-panicking with the bare value: the task's stack would be lost.
//   - Yielding to the tasks while starting them (runtime.Gosched after tasks
//     1, 3, 7, 15, ...): task 0 then started within ~3.5 µs instead of
//     ~290 µs at 1024 tasks, but a winner that returns at once leaves the
//     rest of the start loop inside the cancellation (cancel-ns at 16 tasks
//     went from ~5 µs to ~14 µs) and race times did not change
//     significantly. Not starting tasks once a winner is known (tokio's
//     select! drops unpolled branches) would be faster still, but every
//     task running once is simpler to rely on.

// race runs First (skip false) and FirstSuccess (skip true).
func race[T any](ctx context.Context, tasks []func(context.Context) (T, error), skip bool) (T, error) {
	if len(tasks) == 0 {
		var zero T
		return zero, ErrNoTasks
	}
	ctx, cancel := context.WithCancelCause(ctx)
	r := &racer[T]{outcome: newOutcome[T](len(tasks), skip), ctx: ctx, cancel: cancel}
	r.wg.Add(len(tasks))
	for i, t := range tasks {
		go r.run(i, t) // few arguments: the go statement allocates them
	}
	r.wg.Wait()
	cancel(nil) // everyone has returned; this only releases the context
	if r.panicked != nil {
		panic(r.panicked)
	}
	return r.result()
}

type racer[T any] struct {
	*outcome[T]
	ctx      context.Context
	cancel   context.CancelCauseFunc
	wg       sync.WaitGroup
	mu       sync.Mutex
	panicked *PanicError
}

func (r *racer[T]) run(i int, t func(context.Context) (T, error)) {
	returned := false
	defer func() {
		if !returned {
			if p := recovered(i, recover()); p != nil {
				r.mu.Lock()
				if r.panicked == nil {
					r.panicked = p
				}
				r.mu.Unlock()
				r.cancel(p)
			} else if r.add(i, *new(T), ErrGoexit) {
				r.cancel(ErrLost)
			}
		}
		r.wg.Done()
	}()
	v, err := t(r.ctx)
	returned = true
	if r.add(i, v, err) {
		r.cancel(ErrLost)
	}
}

// recovered turns what recover returned in task i's deferred call into a
// *PanicError, or nil if the task called runtime.Goexit.
func recovered(i int, v any) *PanicError {
	if v == nil {
		return nil // since Go 1.21 panic(nil) recovers a *runtime.PanicNilError
	}
	return &PanicError{Task: i, Value: v, Stack: debug.Stack()}
}

// outcome decides a race: the first task to complete wins, or with skip the
// first to succeed, whose failures it keeps by task index. It is safe for
// concurrent use by the tasks; the result is read after all have returned.
type outcome[T any] struct {
	skip bool
	won  atomic.Bool
	v    T
	err  error
	errs []error // with skip: errs[i] is task i's error
}

func newOutcome[T any](n int, skip bool) *outcome[T] {
	o := &outcome[T]{skip: skip}
	if skip {
		o.errs = make([]error, n)
	}
	return o
}

// add records task i's result and reports whether it won.
func (o *outcome[T]) add(i int, v T, err error) bool {
	if o.skip && err != nil {
		o.errs[i] = err
		return false
	}
	if o.won.Load() || !o.won.CompareAndSwap(false, true) { // Load first: no write to a shared line
		return false
	}
	o.v, o.err = v, err
	return true
}

// result is what the race returns once every task has returned.
func (o *outcome[T]) result() (T, error) {
	if !o.won.Load() {
		var zero T
		return zero, errors.Join(o.errs...)
	}
	return o.v, o.err
}

// completion is one task's outcome as AsCompleted receives it.
type completion[T any] struct {
	v        T
	err      error
	panicked *PanicError
}

func complete[T any](ctx context.Context, i int, t func(context.Context) (T, error), done chan<- completion[T]) {
	var c completion[T]
	returned := false
	defer func() {
		if !returned {
			if c.panicked = recovered(i, recover()); c.panicked == nil {
				c.err = ErrGoexit
			}
		}
		done <- c
	}()
	c.v, c.err = t(ctx)
	returned = true
}
