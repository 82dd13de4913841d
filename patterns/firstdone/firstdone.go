// Package firstdone starts tasks together and handles whichever finishes
// first: Rust's tokio::select!, select_ok, JoinSet::join_next and
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
// parent context's cause. A nil task is not checked up front: it is a task
// that panics with a runtime error when it starts.
//
// The impls.Impls table (package patterns/firstdone/impls) sets the
// alternatives beside it; docs/firstdone.md has which to use, the
// measurements and the designs rejected, each figure with its run.
package firstdone

import (
	"context"
	"errors"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concbench/concbench/patterns/firstdone/internal/outcome"
	"github.com/concbench/concbench/patterns/internal/panics"
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
// With no tasks First returns [ErrNoTasks]; with a nil ctx, or more than
// 2^31-1 tasks, it panics before calling any. First does not look at ctx
// itself: when ctx is done, the tasks see it through theirs, and the first
// to return (probably with ctx's cause) wins.
//
// If a task panics, that counts as completing: the others are cancelled with
// the *[PanicError] as cause, and once all have returned First panics in the
// caller's goroutine with that *PanicError (value and the task's stack). A
// panic after another task had won is not dropped either: First panics with
// it. A task calling runtime.Goexit completes with [ErrGoexit] (or counts as
// panicked if a deferred call of it panics, except with nil under
// GODEBUG=panicnil=1: recover cannot tell that from no panic).
//
// Every task runs exactly once, in a goroutine of its own that ends with it
// (so runtime.LockOSThread without an unlock only ends that thread, and
// runtime.Goexit only that task): a task not yet started when the winner is
// known is still started, and sees a done context.
//
// All tasks share one context, and it is cancelled with [ErrLost] as soon as
// the winner returns: the winner's too, as errgroup's context is cancelled
// when Wait returns. A result that still needs the task's context after the
// task returned (an HTTP response whose body is read later) must be read
// inside the task; a context per task would make that work, at the cost of a
// context per task in every race.
//
// Cost: a goroutine start per task and one cancellation. From 64 tasks on,
// one goroutine hands the tasks off one at a time until one wins, then starts
// the rest as a binary tree (see start); docs/firstdone.md has the figures.
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
// AsCompleted panics if ctx is nil or there are more than 2^31-1 tasks.
//
// If a task panics, the tasks still running are cancelled at once with the
// *[PanicError] as cause, and once they have returned the range statement
// panics with it in the caller's goroutine (the first panic, if several
// tasks panic). Once a panic is recorded, the loop yields at most the one
// result it may already be handing to the body, and no other, not even one
// that completed before the panic but had not reached the loop yet. A
// panic is not dropped when the loop ended early: after break or return,
// the range statement panics with a task's panic once every task has
// returned, as [First] does for a loser's panic. Only a panic (or
// runtime.Goexit) in the loop body itself takes precedence: it goes on
// unwinding, and a task's panic is then dropped. A task calling
// runtime.Goexit yields [ErrGoexit].
//
// It costs what First does plus a channel send per task and a wake-up of the
// ranging goroutine per result. Its tasks start as First's do, except that
// the first completion ends the hand-off, so tasks that do not block run in
// parallel.
func AsCompleted[T any](ctx context.Context, tasks []func(context.Context) (T, error)) iter.Seq2[T, error] {
	if ctx == nil {
		panic("firstdone: AsCompleted with a nil context")
	}
	tooMany(tasks)
	return func(yield func(T, error) bool) {
		if len(tasks) == 0 {
			return
		}
		ctx, cancel := context.WithCancelCause(ctx)
		done := make(chan completion[T], len(tasks))
		s := &completer[T]{ctx: ctx, cancel: cancel, tasks: tasks, done: done}
		start(s, len(tasks))
		left := len(tasks)
		inBody := false // a panic or Goexit in the loop body leaves it true
		defer func() {  // on break, on a panic in the loop body or below, and at the end
			cancel(ErrStopped)
			for ; left > 0; left-- {
				<-done
			}
			// Every task's send on done synchronizes before the receive
			// above, so every panic is stored by now.
			if p := s.panics.Load(); p != nil && !inBody {
				panic(p)
			}
		}()
		for left > 0 {
			c := <-done
			left--
			if s.panics.Load() != nil {
				return // the deferred call panics once the others returned
			}
			inBody = true
			if !yield(c.v, c.err) {
				inBody = false
				return
			}
			inBody = false
		}
	}
}

// PanicError is the value First, FirstSuccess and AsCompleted panic with
// when a task panicked, and the cause of the others' cancellation. Its Task
// is the index of the task that panicked. It is the type every concbench
// pattern panics with.
type PanicError = panics.Error

// tooMany panics if there are more tasks than a sync.WaitGroup counts
// (2^31-1), before any is called: WaitGroup.Add would panic with its own
// message past that, or wrap without a word past 2^32.
func tooMany[T any](tasks []func(context.Context) (T, error)) {
	if int64(len(tasks)) >= 1<<31 {
		panic("firstdone: more than 2^31-1 tasks")
	}
}

// race runs First (skip false) and FirstSuccess (skip true).
func race[T any](ctx context.Context, tasks []func(context.Context) (T, error), skip bool) (T, error) {
	if ctx == nil {
		name := "First"
		if skip {
			name = "FirstSuccess"
		}
		panic("firstdone: " + name + " with a nil context")
	}
	tooMany(tasks)
	if len(tasks) == 0 {
		var zero T
		return zero, ErrNoTasks
	}
	ctx, cancel := context.WithCancelCause(ctx)
	r := &racer[T]{Outcome: outcome.New[T](len(tasks), skip), ctx: ctx, cancel: cancel, tasks: tasks}
	r.wg.Add(len(tasks))
	start(r, len(tasks))
	r.wg.Wait()
	cancel(nil) // everyone has returned; this only releases the context
	// Every task's Record synchronizes before its wg.Done, which
	// synchronizes before r.wg.Wait above returns.
	if p := r.panics.Load(); p != nil {
		panic(p)
	}
	return r.Result()
}

type racer[T any] struct {
	*outcome.Outcome[T]
	tasks  []func(context.Context) (T, error)
	ctx    context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup
	panics panics.First
}

// settled reports that the race is decided, or ctx is done.
func (r *racer[T]) settled() bool { return isDone(r.ctx) }

// isDone reports whether ctx is done, without blocking.
func isDone(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

func (r *racer[T]) run(i int) {
	end := panics.Exited // until task i returns or panics
	defer func() {
		if end == panics.Exited { // runtime.Goexit ended the goroutine
			if r.Add(i, *new(T), ErrGoexit) {
				r.cancel(ErrLost)
			}
		}
		r.wg.Done()
	}()
	var stack []byte
	r.call(i, &end, &stack)
	if p, first := r.panics.WentOn(i, &end, stack); first {
		r.cancel(p)
	}
}

// call runs task i and records its outcome; see [panics.Ending] for end
// and stack.
func (r *racer[T]) call(i int, end *panics.Ending, stack *[]byte) {
	defer func() {
		if *end == panics.Exited {
			if p, first := r.panics.Recovered(i, recover(), end, stack); first {
				r.cancel(p)
			}
		}
	}()
	v, err := r.tasks[i](r.ctx)
	*end = panics.Returned
	if r.Add(i, v, err) {
		r.cancel(ErrLost)
	}
}

// completion is one task's outcome as AsCompleted receives it.
type completion[T any] struct {
	v   T
	err error
}

// completer starts AsCompleted's tasks; each sends its completion on done.
type completer[T any] struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	tasks  []func(context.Context) (T, error)
	done   chan<- completion[T]

	completed atomic.Bool // a task has completed
	panics    panics.First
}

// settled reports that a task has completed or ctx is done: the tasks then
// do not block at once, or the caller has stopped.
func (s *completer[T]) settled() bool { return s.completed.Load() || isDone(s.ctx) }

// run runs task i and sends its completion.
func (s *completer[T]) run(i int) {
	var c completion[T]
	end := panics.Exited // until task i returns or panics
	defer func() {
		if end == panics.Exited { // runtime.Goexit ended the goroutine
			c.err = ErrGoexit
		}
		if !s.completed.Load() { // Load first: no write to a shared line
			s.completed.Store(true)
		}
		s.done <- c
	}()
	var stack []byte
	s.call(i, &c, &end, &stack)
	if p, first := s.panics.WentOn(i, &end, stack); first {
		s.cancel(p)
	}
}

// call runs task i into c and records a panic, cancelling the others at
// once, not when the consumer reaches this completion; see [panics.Ending]
// for end and stack.
func (s *completer[T]) call(i int, c *completion[T], end *panics.Ending, stack *[]byte) {
	defer func() {
		if *end == panics.Exited {
			if p, first := s.panics.Recovered(i, recover(), end, stack); first {
				s.cancel(p)
			}
		}
	}()
	c.v, c.err = s.tasks[i](s.ctx)
	*end = panics.Returned
}

// starter is what start needs of a racer or a completer.
type starter interface {
	run(i int)     // runs task i
	settled() bool // reports that the tasks not yet started need not wait in line
}

// start starts a goroutine for each of n tasks, s.run(i) running task i.
//   - Below 4 tasks the goroutines start each other in a binary tree (see
//     startTree): the caller starts one goroutine and parks, and task 0 runs
//     after two more go statements, at once on the caller's P.
//   - From 4 to handOffMin-1 tasks the caller starts them in a loop.
//   - From handOffMin on, a goroutine hands the tasks off one at a time (see
//     handOff) until s is settled or the tasks are slow to block, and starts
//     the rest as a tree.
//
// docs/firstdone.md has the measurements and the designs rejected.
func start[S starter](s S, n int) {
	switch {
	case n < 4:
		go startTree(s, 0, 0, n)
	case n < handOffMin:
		for i := range n {
			go s.run(i)
		}
	default:
		go handOff(s, n)
	}
}

const (
	// handOffMin is the fewest tasks, above 3, that start by hand-off.
	handOffMin = 64
	// handOffCheck is how many hand-offs pass between two clock reads.
	handOffCheck = 16
	// handOff stops handing off once the hand-offs so far took longer than
	// slowHandOff each, plus handOffGrace hand-offs' worth: the grace keeps
	// a hiccup early on (the other P's wake-ups) from ending the hand-off.
	// docs/firstdone.md has the hand-off times these come from.
	slowHandOff  = 2 * time.Microsecond
	handOffGrace = 32
)

// handOff starts tasks 0 to n-1 one at a time: the go statement makes task
// i's goroutine the next to run on this P and handOff parks until it has
// started; task i then runs at once and handOff runs again, on the same P,
// as soon as it blocks. With tasks that block at once (wait on their context
// or on I/O), the goroutines are started and parked at the rate of one P,
// without the other P's wake-ups and lock contention, so every task is
// waiting sooner than with the tree alone (docs/firstdone.md). The send on
// ack synchronizes before handOff's next go statement: task i has started
// before task i+1 is created.
//
// Waiting for each task to block is the wrong thing once a task has won, and
// for tasks that run a while before they block: they would run one after
// another. So handOff starts the rest of the tasks as a tree as soon as s is
// settled, or when the hand-offs took more than slowHandOff each (with a
// grace of handOffGrace).
func handOff[S starter](s S, n int) {
	ack := make(chan struct{})
	begin := time.Now()
	for i := range n {
		if s.settled() || i%handOffCheck == 0 && time.Since(begin) > time.Duration(i+handOffGrace)*slowHandOff {
			if treeHook != nil {
				treeHook(i)
			}
			startTree(s, i, 0, n-i)
			return
		}
		go func() {
			ack <- struct{}{}
			s.run(i)
		}()
		<-ack
	}
}

// treeHook, if set (by tests), is called with the first task handOff leaves
// to startTree.
var treeHook func(first int)

// startTree runs task base+i after starting the goroutines of its children
// in a binary tree over tasks base to base+n-1: tasks base+2i+1 and
// base+2i+2. The tree starts every task within about 2 log2(n) go
// statements of the first one.
func startTree[S starter](s S, base, i, n int) {
	if c := 2*i + 1; c < n {
		go startTree(s, base, c, n)
		if c++; c < n {
			go startTree(s, base, c, n)
		}
	}
	s.run(base + i)
}
