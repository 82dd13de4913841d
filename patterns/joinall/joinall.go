// Package joinall runs tasks concurrently and waits for all of them, returning
// their results in submission order: Go's tokio::join! and futures::join_all.
//
// It is what a [sync.WaitGroup] plus a results slice does, but for more than
// a few tasks per processor [Run] does not start a goroutine per task: a
// goroutine costs a few hundred nanoseconds to start and wake, ten times a
// tiny task's work or more. Run instead lets a few workers take batches of
// tasks while tasks return, and starts another worker whenever one blocks,
// so tasks that block overlap as goroutines do, and a task may wait for any
// other task of the same call. docs/joinall.md has the measurements behind
// this design and the designs it replaced.
//
// The other ways people write the pattern, for the contract tests and the
// benchmarks, are in package joinall/impls, so that importing this package
// brings in no concurrency library.
package joinall

import (
	"cmp"
	"errors"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/concbench/concbench/patterns/internal/panics"
)

// Run calls every task, concurrently, and returns when all have returned.
//
// results[i] is what tasks[i] returned, whatever the others did; a failing
// task does not stop the others. The error is nil if no task failed, and
// otherwise the tasks' errors joined with [errors.Join] in submission order.
// With no tasks, Run returns an empty slice at once; with more than 2^31-1
// it panics before calling any.
//
// Any task may block until another task of the same call has run, in either
// order: Run never deadlocks where a goroutine per task would not.
//
// Tasks never run on the caller's goroutine. If a task panics, the other
// tasks still run to completion, and then Run panics in the caller's
// goroutine with a *[PanicError] holding the first panic's value and the
// panicking task's stack. A nil task is such a task: Run does not look at
// the tasks before it calls them, and calling it panics with a runtime
// error. A task that calls runtime.Goexit ends the worker goroutine running
// it, not the caller; it counts as failed with [ErrGoexit] (as panicked, if
// a deferred call of it panics, except with nil under GODEBUG=panicnil=1:
// recover cannot tell that from no panic), and the others still run. A
// deferred call that calls Goexit while its task panics ends that panic
// for good (recover no longer sees it): the task counts as failed with
// ErrGoexit. A task that calls runtime.LockOSThread without unlocking locks
// the worker, not the caller: later tasks run by that worker run on the
// locked thread, and the thread ends when the worker does, as with any
// goroutine that exits locked.
//
// With more than one processor and at most 8 tasks per processor, each task
// gets a goroutine of its own. Otherwise tasks run on workers, each of which
// claims batches of tasks while they return, and once none is left to claim
// takes half of what is left of another worker's batch; whenever a worker
// blocks, a queued spare worker starts and takes the tasks not yet started,
// including those of the blocked worker's batch.
//
// The caller parks until the last worker is done, whose wake-up puts it
// first in line on that processor: it does not wait for the time slices
// of other runnable goroutines.
//
// Cost beyond the tasks' own work, measured on a shared 2-vCPU VM (see
// docs/joinall.md): a goroutine start per call, as the caller only waits
// (10 tiny tasks took about 0.65 µs more at GOMAXPROCS=1 than when the
// caller ran them), and an uncontended atomic add per task, 3 to 4 ns: 8
// to 14% of a tiny task of 21 to 37 ns, on the two host CPUs measured.
func Run[T any](tasks []func() (T, error)) ([]T, error) {
	if int64(len(tasks)) >= 1<<31 {
		// Before the results are allocated: 2^31 of them may not fit, and
		// running out of memory is a fatal error, not a panic.
		panic("joinall: more than 2^31-1 tasks")
	}
	r := &run[T]{
		tasks:   tasks,
		results: make([]T, len(tasks)),
		n:       int64(len(tasks)),
	}
	if len(tasks) == 0 {
		return r.results, nil
	}
	procs := int64(runtime.GOMAXPROCS(0))
	if procs > 1 && r.n <= perTaskMax*procs {
		r.goEach()
	} else {
		r.share, r.maxQueue = 2*procs, uint64(procs)
		r.slots = make([]slot, min(2*procs, maxSlots))
		r.spares.Store(1) // the first worker, queued
		r.wg.Add(1)
		go r.worker(nil)
	}
	r.wg.Wait() // every worker's Done synchronizes before this returns
	if p := r.panics.Load(); p != nil {
		panic(p)
	}
	if len(r.errs) == 0 {
		return r.results, nil
	}
	slices.SortFunc(r.errs, func(a, b indexedErr) int { return cmp.Compare(a.i, b.i) })
	errs := make([]error, len(r.errs))
	for k, e := range r.errs {
		errs[k] = e.err
	}
	return r.results, errors.Join(errs...)
}

// ErrGoexit is the error of a task that called runtime.Goexit.
var ErrGoexit = errors.New("joinall: task called runtime.Goexit")

// PanicError is the value [Run] panics with when a task panicked: Task is
// the index of the task that panicked first, Value what it passed to panic,
// Stack its stack. It is the one panic type of every concbench pattern, so
// errors.As finds it whichever pattern ran the task; Unwrap returns Value if
// it is an error.
type PanicError = panics.Error

// How the workers keep the contract.
//
// Every task index is started exactly once: it is either claimed alone from
// the pool (next.Add) and started at once by the worker that claimed it, or
// claimed into a slot as part of a batch and then started through an atomic
// add on that slot's word (slot.take), by the slot's owner or by any other
// worker. A task claimed but not started is thus never held by a blocked
// goroutine: while the owner is blocked in a task, any worker can start the
// rest of its batch, or move half of it into its own slot (stealHalf).
//
// A spare is a goroutine that has been started with go but has not begun
// running; spares counts them (queued). Deadlock freedom rests on one invariant:
// while some task is not started, a spare is queued, or some worker is
// running and will look for that task before it blocks. A spare, once it
// runs, claims a task and then, having looked at the pool and then at every
// slot, queues spares again if any task is left (topUp); a worker that puts
// a batch into its slot, claimed from the pool or moved from another slot,
// calls topUp after storing it, which covers a batch stored after a spare
// looked at the slot. So when every worker is blocked, a spare is runnable,
// the scheduler gives it a processor, and it starts a task nobody else
// could.
type run[T any] struct {
	tasks   []func() (T, error)
	results []T
	n       int64
	share   int64 // batches are at most remaining/share tasks

	next     atomic.Int64  // first task index not yet claimed from the pool
	spares   atomic.Uint64 // started<<32 | queued: spares begun, spares not yet running
	maxQueue uint64        // at most this many queued spares: GOMAXPROCS
	slots    []slot        // batches anyone may take from
	wg       sync.WaitGroup

	mu     sync.Mutex   // guards errs; every unlock precedes a wg.Done, so Run reads errs after wg.Wait without it
	errs   []indexedErr // in the order tasks failed; Run sorts them by index
	panics panics.First
}

type indexedErr struct {
	i   int
	err error
}

const (
	// perTaskMax is the most tasks per processor that Run gives a
	// goroutine each (with more than one processor).
	perTaskMax = 8
	// maxBatch caps a claim: large enough to make the pool's counter cost
	// vanish for tiny tasks (8192 took 7% less than 1024 for 100000 tiny
	// tasks at GOMAXPROCS=2, and changed no other cell measured; see
	// docs/joinall.md), while a claim is also at most 1/share of what is
	// left and stealing half a batch balances the tail.
	maxBatch = 8192
	// maxSlots caps the slots; a worker without one claims one task at a
	// time.
	maxSlots = 64
)

// A slot holds a batch: tasks[pos:end], claimed, not started. Only the owner
// stores a new batch, and only once the slot is empty; every start goes
// through take, an atomic add on the slot's word, and stealHalf only lowers
// end with a compare-and-swap of that word, so the owner's store, every take
// and every steal are ordered, and each index in the batch is taken once.
type slot struct {
	word  atomic.Uint64 // pos<<32 | end
	owned atomic.Bool
	_     [64 - 9]byte // keep each slot on its own cache line
}

func (s *slot) store(start, end int64) { s.word.Store(uint64(start)<<32 | uint64(end)) }

// take starts the next task of the batch: it returns its index, or false if
// the batch is empty.
func (s *slot) take() (int64, bool) {
	w := s.word.Add(1 << 32)
	i := int64(w>>32) - 1
	return i, i < int64(uint32(w))
}

// left reports whether the batch has a task not yet taken.
func (s *slot) left() bool {
	w := s.word.Load()
	return w>>32 < w&(1<<32-1)
}

// goEach runs each task in a goroutine of its own.
func (r *run[T]) goEach() {
	r.wg.Add(int(r.n))
	for i := range r.n {
		go func() {
			w := workerState[T]{r: r}
			defer func() {
				if !w.done && w.nilAt > 0 {
					r.fail(i, ErrGoexit)
				}
				r.wg.Done()
			}()
			r.runTask(i, &w)
			w.settle()
			w.done = true
		}()
	}
}

// worker claims and runs tasks until none is left to start. It begins as a
// queued spare; own is nil, or the slot of a worker whose task called
// runtime.Goexit.
func (r *run[T]) worker(own *slot) {
	r.spares.Add(1<<32 - 1) // one more started, one fewer queued
	w := workerState[T]{r: r, own: own}
	defer w.exit()
	if own != nil {
		// The batch handed over may hold the task the others wait for,
		// and this worker was counted as a queued spare: queue a real one
		// before draining it, as every worker does before it runs a task.
		r.topUp()
	}
	batch := int64(1)
	for {
		if w.own != nil && w.own.left() {
			w.drain(w.own)
			continue
		}
		if batch > 1 && w.own == nil {
			w.acquire() // a batch of more than one task needs a slot others see
		}
		if i, size := r.claim(w.own, batch); size > 0 {
			spares := r.spares.Load() >> 32
			r.topUp()
			if size == 1 {
				r.runTask(i, &w)
				w.settle()
			} else {
				w.drain(w.own)
			}
			if r.spares.Load()>>32 != spares {
				// A spare began while this batch ran: a processor came
				// free, most likely because a task blocked. Claim one task
				// at a time again, so no waiting task queues behind another.
				batch = 1
			} else {
				batch = min(2*batch, maxBatch)
			}
			continue
		}
		s := r.withTasks()
		if s == nil {
			w.done = true
			return
		}
		if w.own == nil {
			w.acquire()
		}
		if w.own != nil && w.own.stealHalf(s) {
			r.topUp()
			continue // drains own
		}
		r.topUp()
		w.drain(s)
	}
}

// workerState is a worker's, or in goEach a task goroutine's, own state:
// its slot, which it hands over if a task ends its goroutine, and what a
// task that did not return left to settle. It lives on the goroutine's
// stack: a new worker gets own, not the state.
type workerState[T any] struct {
	r   *run[T]
	own *slot // nil, or one of r.slots that this worker owns
	// nilAt is 1 + the index of a task whose deferred call recovered nil,
	// 0 if none: the task called runtime.Goexit, or, under
	// GODEBUG=panicnil=1, panicked with nil, which recover cannot tell
	// apart. Only what follows can: after a panic the goroutine goes on
	// (settle), after Goexit it ends (exit). nilStack is that task's stack.
	nilAt    int64
	nilStack []byte
	done     bool // the goroutine ends by returning, not by Goexit
}

// acquire takes a free slot if there is one; a free slot is empty, as its
// last owner only let it go empty.
func (w *workerState[T]) acquire() {
	start := int(w.r.spares.Load() >> 32)
	for k := range w.r.slots {
		s := &w.r.slots[(start+k)%len(w.r.slots)]
		if !s.owned.Load() && s.owned.CompareAndSwap(false, true) {
			w.own = s
			return
		}
	}
}

// exit ends a worker. If a task ended the goroutine with runtime.Goexit,
// it fails that task with ErrGoexit (unless a deferred call of the task
// panicked, as Goexit goes on after that panic is recovered: the task then
// counts as panicked) and hands w's slot, with the tasks not yet started in
// it, to a new worker, which also takes this one's place in looking for
// tasks. Otherwise it lets the slot go, empty.
func (w *workerState[T]) exit() {
	r := w.r
	switch {
	case !w.done:
		if w.nilAt > 0 {
			r.fail(w.nilAt-1, ErrGoexit)
		}
		r.spares.Add(1)
		r.wg.Add(1)
		go r.worker(w.own)
	case w.own != nil:
		w.own.owned.Store(false)
	}
	r.wg.Done()
}

// settle runs when the goroutine goes on after a task did not return: if
// the task's deferred call recovered nil, the task panicked with nil
// (GODEBUG=panicnil=1), as one that called runtime.Goexit never gets here.
func (w *workerState[T]) settle() {
	if w.nilAt > 0 {
		w.r.panics.RecordNil(int(w.nilAt-1), w.nilStack)
		w.nilAt, w.nilStack = 0, nil
	}
}

// drain runs the tasks it takes from s until s is empty, again after a
// panic. If a task calls runtime.Goexit, it hands w's slot to a new worker
// before this goroutine ends.
func (w *workerState[T]) drain(s *slot) {
	for !w.r.drainOr(s, w) {
		w.settle()
	}
}

// runTask runs task i, which this goroutine has claimed alone.
func (r *run[T]) runTask(i int64, w *workerState[T]) {
	done := false
	defer func() {
		if !done {
			r.abort(i, recover(), w)
		}
	}()
	v, err := r.tasks[i]()
	r.results[i] = v
	if err != nil {
		r.fail(i, err)
	}
	done = true
}

// drainOr runs the tasks it takes from s until s is empty and returns true,
// or returns false after a task panicked.
func (r *run[T]) drainOr(s *slot, w *workerState[T]) (done bool) {
	i := int64(-1)
	defer func() {
		if i >= 0 {
			r.abort(i, recover(), w)
		}
	}()
	tasks, results := r.tasks, r.results
	for {
		var ok bool
		if i, ok = s.take(); !ok {
			i = -1
			return true
		}
		v, err := tasks[i]()
		results[i] = v
		if err != nil {
			r.fail(i, err)
		}
	}
}

// claim claims up to batch tasks from the pool: a batch, stored in own, or
// one task, returned as i for the caller to start at once, if own is nil or
// the share comes to one task; no slot write then. It returns how many, 0
// if the pool is empty.
func (r *run[T]) claim(own *slot, batch int64) (i, size int64) {
	next := r.next.Load()
	if next >= r.n {
		return 0, 0 // and leave the pool's cache line clean
	}
	size = 1
	if own != nil {
		size = min(batch, max(1, (r.n-next)/r.share))
	}
	end := r.next.Add(size)
	start := end - size
	if start >= r.n {
		return 0, 0
	}
	end = min(end, r.n)
	if end-start > 1 {
		own.store(start, end)
	}
	return start, end - start
}

// stealHalf moves the later half of the tasks left in s into own, which
// is empty, and reports whether it moved any; it moves none if s has one
// task left. The compare-and-swap fails if any take or store changed s
// since the load (a store's start lies beyond every index claimed before),
// so the tasks moved are exactly ones not yet taken. Between the swap and
// the store into own they are held by this running worker.
func (own *slot) stealHalf(s *slot) bool {
	for {
		w := s.word.Load()
		pos, end := w>>32, w&(1<<32-1)
		if pos+2 > end {
			return false
		}
		mid := end - (end-pos)/2
		if s.word.CompareAndSwap(w, pos<<32|mid) {
			own.store(int64(mid), int64(end))
			return true
		}
	}
}

// withTasks returns a slot with a task not yet taken, or nil if no task is
// left to start anywhere.
func (r *run[T]) withTasks() *slot {
	for k := range r.slots {
		if s := &r.slots[k]; s.left() {
			return s
		}
	}
	return nil
}

// topUp queues spares up to maxQueue while any task is left to start. It
// reads the pool before the slots: a batch leaves the pool before it is
// stored in a slot, and its owner calls topUp after the store.
func (r *run[T]) topUp() {
	for uint32(r.spares.Load()) < uint32(r.maxQueue) && (r.next.Load() < r.n || r.withTasks() != nil) {
		if s := r.spares.Load(); uint32(s) >= uint32(r.maxQueue) || !r.spares.CompareAndSwap(s, s+1) {
			continue
		}
		r.wg.Add(1)
		go r.worker(nil)
	}
}

// abort handles task i, which did not return, in its deferred call: it
// panicked with v, or, if v is nil, called runtime.Goexit or panicked with
// nil, which w.settle or w.exit tells apart once the goroutine goes on or
// ends.
func (r *run[T]) abort(i int64, v any, w *workerState[T]) {
	if v != nil {
		r.panics.Record(int(i), v) // keeps the first panic's value and stack
		return
	}
	w.nilAt = i + 1
	if r.panics.Load() == nil {
		w.nilStack = debug.Stack()
	}
}

func (r *run[T]) fail(i int64, err error) {
	r.mu.Lock()
	r.errs = append(r.errs, indexedErr{int(i), err})
	r.mu.Unlock()
}
