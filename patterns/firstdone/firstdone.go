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
// Which to use, from BenchmarkFirstDone in results/reference (-cpu 2 on the
// 2-vCPU reference machine, 6 samples a cell; only differences benchstat
// calls significant count, and the report has the tables):
//   - First, for any number of tasks. With 1024 tasks and a winner that
//     returns at once a race took 0.50 ms, against 0.96 ms for errgroup,
//     1.0 ms for conc, 1.9 ms for the buffered channel, 2.1 ms for
//     reflect.Select and 0.76 ms for a bare goroutine per task. With a winner
//     that waits 1 ms it took 1.97 ms, against 2.16 ms for conc (+9.7%),
//     2.7 ms for errgroup and a bare goroutine per task, 2.9 ms for
//     reflect.Select and 3.2 ms for the buffered channel: First's hand-off
//     parks the losers soonest, so the runtime's sleep until the winner's
//     timer (in whole milliseconds) starts soonest.
//   - conc's pool only where the code already has one: with quick tasks it
//     cost twice First's per race.
//   - AsCompleted (and break) when the first result is wanted before the
//     losers have returned; First's caller waits for the cancellation too.
//   - A select statement only to mix the tasks with other channels, and
//     reflect.Select only for channels that are not yours: every Select costs
//     per case.
//
// [Impls] holds the alternatives side by side.
package firstdone

import (
	"context"
	"errors"
	"iter"
	"sync"
	"sync/atomic"
	"time"

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
// Cost, from BenchmarkFirstDone: a goroutine start per task and one
// cancellation. From 64 tasks on, one goroutine hands the tasks off one at a
// time, each running at once on its P until it blocks, so task 0 runs 7-9 µs
// after the call at 1024 tasks (a loop of 1024 go statements keeps it
// waiting ~120 µs) and the tasks are all parked soonest; once a task has won,
// the rest start as a binary tree and return without parking. Against the
// binary tree alone (15 interleaved rounds, -cpu 2, quiet machine, 1024
// tasks), a race took 9% less with a winner that returns at once and 25%
// less with a winner that waits 1 ms, whose timer fired 0.47 ms sooner.
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
// If a task panics, the tasks still running are cancelled at once with the
// *[PanicError] as cause, and once they have returned the range statement
// panics with it in the caller's goroutine (the first panic, if several
// tasks panic). Results received before the panic was recorded were
// yielded; none is yielded after it. A panic is not dropped when the loop
// ended early: after break or return, the range statement panics with a
// task's panic once every task has returned, as [First] does for a loser's
// panic. Only a panic (or runtime.Goexit) in the loop body itself takes
// precedence: it goes on unwinding, and a task's panic is then dropped. A
// task calling runtime.Goexit yields [ErrGoexit].
//
// It costs what First does plus a channel send per task and a wake-up of the
// ranging goroutine per result. Its tasks start as First's do, except that
// the first completion ends the hand-off, so tasks that do not block run in
// parallel. With 1024 tasks and a winner that returns at once, the loop body
// had the first result ~0.4 µs after the winner returned (~340 µs when the
// caller started every task first).
func AsCompleted[T any](ctx context.Context, tasks []func(context.Context) (T, error)) iter.Seq2[T, error] {
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
//   - Starting the tasks in a loop in the caller, for every n (this
//     package until the tree): task 0 waited for the whole loop, a start-ns
//     of ~250 µs at 1024 tasks, and a 1 ms winner at 1024 tasks measured
//     once 21% slower than conc (p=0.022). The tree's numbers against it
//     (20 interleaved rounds, -cpu 2, load 1.3-3.4 on 2 cores): race time
//     -20% at 2 tasks and -15% at 1024 with a quick winner, no significant
//     change elsewhere; start-ns 258 -> 4.3 µs (quick winner) and
//     232 -> 14 µs (1 ms winner) at 1024; cancel-ns with a quick winner
//     -39% at 2 tasks, +22% at 1024 (518 -> 632 µs; floor 482 µs).
//   - The tree for every n: at 16 tasks with a quick winner the race time
//     was unchanged but cancel-ns went from 4.9 to 8.3 µs (13 tasks started
//     after the winner instead of 15 woken), so from 4 to 63 tasks, where
//     the loop is short anyway, the caller keeps the loop. Below 4 the tree
//     starts every loser before task 0 runs, as the loop does, and was
//     faster (-21% at 2 tasks).
//   - The tree alone from 64 tasks on (this package before handOff): both
//     processors start and park goroutines at once and contend for the
//     context's channel, and 1024 tasks were all parked only ~0.8 ms after
//     the call: a 1 ms winner's timer fired at 1.82 ms, because once every
//     processor is idle the runtime sleeps in whole milliseconds (epoll's
//     timeout). The race was 25% slower than now and 9.6% slower than conc
//     (p=0.026), which hands each task to its goroutine before starting the
//     next.
//   - Handing off every task, to the end: with tasks that do not block
//     (AsCompleted over 1024 tasks of 10 µs of CPU) they ran one after
//     another, +69% against the tree at -cpu 2.
//   - Checking the hand-off rate over each window of 16 without a grace:
//     the windows took 7.5 µs at the median but over 32 µs one time in ten
//     (the other processor's wake-ups), so the hand-off ended early in most
//     races and the 1 ms race was 27% slower than without the check.
//   - Handing task 0 to its goroutine and waiting until it starts (conc's
//     hand-off, for task 0 only), then the loop: start-ns 5.6 µs at 1024
//     tasks, but cancel-ns with a quick winner +55% at 1024 tasks (660 µs
//     against the loop's 425) and +73% at 2, race times not significantly
//     different (12 interleaved rounds).
//   - One runtime.Gosched after starting task 0, then the loop: start-ns
//     6.7 µs at 1024 tasks, cancel-ns with a quick winner +39% at 1024 and
//     +45% at 16 tasks. Yielding after tasks 1, 3, 7, 15, ... instead:
//     cancel-ns at 16 tasks went from ~5 µs to ~14 µs.
//   - Once a winner is known, running the tasks not yet started inline in
//     the goroutine that would have started them: fewer goroutines, but a
//     task that ignores its context would delay the start of the others,
//     and one calling runtime.Goexit would end the goroutine before the
//     rest ran. Not starting them at all (tokio's select! drops unpolled
//     branches) would be faster still, but every task running once is
//     simpler to rely on.

// race runs First (skip false) and FirstSuccess (skip true).
func race[T any](ctx context.Context, tasks []func(context.Context) (T, error), skip bool) (T, error) {
	if len(tasks) == 0 {
		var zero T
		return zero, ErrNoTasks
	}
	ctx, cancel := context.WithCancelCause(ctx)
	r := &racer[T]{outcome: newOutcome[T](len(tasks), skip), ctx: ctx, cancel: cancel, tasks: tasks}
	r.wg.Add(len(tasks))
	start(r, len(tasks))
	r.wg.Wait()
	cancel(nil) // everyone has returned; this only releases the context
	// Every task's Record synchronizes before its wg.Done, which
	// synchronizes before r.wg.Wait above returns.
	if p := r.panics.Load(); p != nil {
		panic(p)
	}
	return r.result()
}

type racer[T any] struct {
	*outcome[T]
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
	returned := false
	defer func() {
		if !returned {
			if v := recover(); v == nil { // runtime.Goexit
				if r.add(i, *new(T), ErrGoexit) {
					r.cancel(ErrLost)
				}
			} else if p, first := r.panics.Record(i, v); first {
				r.cancel(p)
			}
		}
		r.wg.Done()
	}()
	v, err := r.tasks[i](r.ctx)
	returned = true
	if r.add(i, v, err) {
		r.cancel(ErrLost)
	}
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
	returned := false
	defer func() {
		if !returned {
			if v := recover(); v == nil { // runtime.Goexit
				c.err = ErrGoexit
			} else if p, first := s.panics.Record(i, v); first {
				s.cancel(p) // now, not when the consumer reaches this completion
			}
		}
		if !s.completed.Load() { // Load first: no write to a shared line
			s.completed.Store(true)
		}
		s.done <- c
	}()
	c.v, c.err = s.tasks[i](s.ctx)
	returned = true
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
// The rejected designs above say why.
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
	// slowHandOff each, plus handOffGrace hand-offs' worth. Tasks that block
	// at once took 0.47 µs a hand-off (median over 16), 2.5 µs at the 90th
	// percentile, up to 250 µs for 16 (the other P's wake-ups); the grace
	// keeps such a hiccup early on from ending the hand-off.
	slowHandOff  = 2 * time.Microsecond
	handOffGrace = 32
)

// handOff starts tasks 0 to n-1 one at a time: the go statement makes task
// i's goroutine the next to run on this P and handOff parks until it has
// started; task i then runs at once and handOff runs again, on the same P,
// as soon as it blocks. With tasks that block at once (wait on their context
// or on I/O), the goroutines are started and parked at the rate of one P,
// without the other P's wake-ups and lock contention, which here halves the
// time until every task is waiting: ~0.37 ms for 1024 tasks against ~0.8 ms
// with the tree alone (a 1 ms winner's timer then fired 0.47 ms sooner, the
// runtime sleeping in whole milliseconds once every P is idle).
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
