// Package joinall runs tasks concurrently and waits for all of them, returning
// their results in submission order: Go's tokio::join! and futures::join_all.
//
// It is what a [sync.WaitGroup] plus a results slice does, but with one
// difference that the measurements call for: for more than a few tasks,
// [Run] does not start a goroutine per task. A goroutine per task costs
// about 200-700 ns to start and wake on the reference machine, ten times a
// tiny task's work or more; Run instead keeps a bounded set of workers
// pulling batches of indices, and still lets tasks that block overlap like
// goroutines do (see [Run] for how).
//
// The package also holds the other ways people write the pattern, in [Impls],
// so the contract tests and the benchmarks loop over one table.
package joinall

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
)

// Run calls every task, concurrently, and returns when all have returned.
//
// results[i] is what tasks[i] returned, whatever the others did; a failing
// task does not stop the others. The error is nil if no task failed, and
// otherwise the tasks' errors joined with [errors.Join] in submission order.
// With no tasks, Run returns an empty slice at once.
//
// If a task panics, the other tasks still run to completion, and then Run
// panics in the caller's goroutine with a *[PanicError] holding the first
// panic's value and the panicking task's stack. A task that calls
// runtime.Goexit ends the goroutine running it, as Goexit promises (that may
// be the caller's: Run runs tasks on the calling goroutine too); the task
// counts as failed with [ErrGoexit] and the others still run.
//
// How it runs tasks: with more than one processor and at most 8 tasks per
// processor, each task gets a goroutine of its own, which costs at most a few
// microseconds more than the workers below and lets every processor take a
// task the moment it is free. Otherwise the calling goroutine and up to
// GOMAXPROCS queued spare goroutines pull batches of task indices from a
// shared counter. A spare starts running only when a processor is free,
// which happens either because GOMAXPROCS allows another worker, or because
// a worker blocked inside a task; each spare that starts tops the queue up
// again. So CPU-bound tasks run on about GOMAXPROCS goroutines (plus spares
// that start at the end, find nothing and exit), and blocking tasks each get
// a goroutine of their own, started as the previous ones block. Batches
// begin at one task per claim (so a blocking task never holds back others
// behind it) and double while tasks keep returning, up to a 2×GOMAXPROCS
// share of what is left; a worker goes back to one task per claim when a
// spare started while its batch ran, the sign that a task blocked.
//
// Cost, from the reference run (results/reference): 10 tiny tasks took about
// 3 µs at GOMAXPROCS=2 (a goroutine each) and 0.9 µs at GOMAXPROCS=1; beyond
// that, per task about the work itself divided by GOMAXPROCS for CPU work,
// and about a goroutine's start and wake-up for blocking work.
func Run[T any](tasks []func() (T, error)) ([]T, error) {
	r := &run[T]{
		tasks:   tasks,
		results: make([]T, len(tasks)),
	}
	procs := int64(runtime.GOMAXPROCS(0))
	r.share, r.maxQueue = 2*procs, procs
	if len(tasks) == 0 {
		return r.results, nil
	}
	if procs > 1 && int64(len(tasks)) <= perTaskMax*procs {
		r.goEach()
	} else {
		r.work()
	}
	r.wg.Wait()
	if r.panicked != nil {
		panic(r.panicked)
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

// PanicError is the value [Run] panics with when a task panicked.
type PanicError struct {
	Task  int    // index of the task that panicked first
	Value any    // the value passed to panic
	Stack []byte // the panicking task's stack, as debug.Stack formats it
}

func (p *PanicError) Error() string {
	return fmt.Sprintf("joinall: task %d panicked: %v\n\n%s", p.Task, p.Value, p.Stack)
}

// Unwrap returns the panic value if it is an error, so errors.Is and errors.As
// see through to it.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// The start-up floor: on the reference machine (a 2-vCPU Firecracker VM), a
// goroutine made runnable while the other vCPU idles started running there
// after about 100 µs (BenchmarkSpareStart in this package, -cpu 2: p10
// 105 µs, p50 110 µs on 2026-11-25; about 70 µs in an earlier session),
// because the idle vCPU has to be woken by the host. 1000 tiny tasks are
// 20-45 µs of work, so the spare usually starts after the caller has run them
// all; Run then costs about what serial does, and the second core only helps
// from a few hundred microseconds of work up, or when it is still awake from
// the call before. No design that leaves no goroutine behind after returning
// can do better there.
//
// What Run costs beyond serial there is mostly page faults, not the workers.
// In 20000 back-to-back calls with 1000 tiny tasks at GOMAXPROCS=2, 23% took
// over 40 µs (the median took 21 µs), against 6.5% for serial. The slow calls
// stalled for 12-80 µs inside one batch, on writes to the results slice: the
// runtime's background scavenger had returned 15.5 MB to the OS over the 70
// GC cycles (serial went through 44), and each page written again faults,
// ~10 µs on this VM (with GOGC=off every call faulted its 2 fresh pages and
// took 41 µs). Nothing in Run's design decides that.
//
// Rejected designs, measured:
//   - Workers for any number of tasks (this package before goEach): with 10
//     tasks of 10 µs of CPU a call took 96 µs, as long as serial, against
//     76 µs now and 82 µs for a WaitGroup loop (30 interleaved rounds, -cpu
//     2): with a goroutine per task, the other processor, often still awake
//     from the call before, takes tasks at once, while a queued spare waited
//     for it. 10 tiny tasks now take 3.3 µs instead of 1.4 µs, still no more
//     than a WaitGroup loop's 3.5 µs.
//   - A goroutine per task (sync.WaitGroup): ~200 ns per task of start-up and
//     wake-up, which dominates tasks of tens of nanoseconds.
//   - A fixed pool of GOMAXPROCS workers: as fast for CPU work, but blocking
//     tasks then run GOMAXPROCS at a time, so 1000 waits of 1 ms take 500 ms
//     instead of about 2 ms.
//   - Timing each task to detect blocking: a clock read costs as much as a
//     tiny task, and a 1 ms wait is only known to block once it is over.
//   - One queued spare instead of GOMAXPROCS: the spares then start strictly
//     one after another, and 1000 waits of 1 ms took about 30% longer than
//     with a goroutine per task; with GOMAXPROCS queued, other processors can
//     take spares too. 4×GOMAXPROCS doubled the cost of 10 tiny tasks and did
//     not measurably help the waits.
//   - Switching to a goroutine-per-task loop once many spares have started
//     and claimed about one task each (the tasks block): 1000 waits of 1 ms
//     took 2.47 ms against 2.51 ms without it (p=1.0, 8 interleaved rounds),
//     still ~11% behind a WaitGroup loop (2.22 ms), so the start-up of the
//     waits was not where that gap was (the tail below was); 100000 tiny
//     tasks got 10% slower.
//   - Timing each batch (time.Now) to go back to one task per claim after
//     slow ones: it fixed the tail below, but a clock read costs ~0.5 µs on
//     the reference VM, +51% for 10 tiny tasks and +27% for 1000. A spare
//     that started during the batch is the same signal for one atomic load.
//     Without either, a worker woken from a 1 ms wait claimed 2, 4, ... of
//     the tasks not yet started and waited them out one after another: the
//     last of 1000 waits started 2.6 ms after the call instead of ~0.8 ms.
//   - Re-panicking with the bare value: the task's stack would be lost, and the
//     stack is what the reader of a crash needs.

type run[T any] struct {
	tasks   []func() (T, error)
	results []T
	share   int64 // claims are at most remaining/share tasks

	next     atomic.Int64 // first unclaimed task index
	queued   atomic.Int64 // spare workers queued that have not started
	started  atomic.Int64 // spare workers that have started
	maxQueue int64        // at most this many queued spares: GOMAXPROCS
	wg       sync.WaitGroup

	mu       sync.Mutex
	errs     []indexedErr
	panicked *PanicError
}

type indexedErr struct {
	i   int
	err error
}

// perTaskMax is the most tasks per processor that Run gives a goroutine each
// (with more than one processor).
const perTaskMax = 8

// goEach runs each task in a goroutine of its own.
func (r *run[T]) goEach() {
	n := int64(len(r.tasks))
	r.next.Store(n) // nothing to claim: a worker handing over after a Goexit (see abort) finds no work
	r.wg.Add(int(n))
	for i := range n {
		go func() {
			defer r.wg.Done()
			r.runBatch(i, i+1)
		}()
	}
}

// maxBatch caps a claim: large enough to make the shared counter's cost
// vanish for tiny tasks, small enough to keep the tail balanced.
const maxBatch = 1024

// work claims and runs batches until no task is left.
func (r *run[T]) work() {
	n := int64(len(r.tasks))
	batch := int64(1)
	for {
		r.queueSpare()
		size := min(batch, max(1, (n-r.next.Load())/r.share))
		end := r.next.Add(size)
		start := end - size
		if start >= n {
			return
		}
		end = min(end, n)
		spares := r.started.Load()
		for start < end {
			start = r.runBatch(start, end)
		}
		if r.started.Load() != spares {
			// A spare started while this batch ran: a processor came free,
			// most likely because a task blocked. Claim one task at a time
			// again, so no waiting task queues behind another.
			batch = 1
		} else {
			batch = min(2*batch, maxBatch)
		}
	}
}

// queueSpare tops up the queued spare workers to maxQueue, unless no task
// is left to claim.
func (r *run[T]) queueSpare() {
	for r.queued.Load() < r.maxQueue && r.next.Load() < int64(len(r.tasks)) {
		if q := r.queued.Load(); q >= r.maxQueue || !r.queued.CompareAndSwap(q, q+1) {
			continue
		}
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.queued.Add(-1)
			r.started.Add(1)
			r.work()
		}()
	}
}

// runBatch runs tasks[start:end] and returns end, or, if a task panicked, the
// index after it so the caller can go on with the rest of the batch.
func (r *run[T]) runBatch(start, end int64) (next int64) {
	i := start
	defer func() {
		if i != end {
			next = r.abort(i, end, recover())
		}
	}()
	for ; i < end; i++ {
		v, err := r.tasks[i]()
		r.results[i] = v
		if err != nil {
			r.fail(i, err)
		}
	}
	return end
}

// abort handles task i of the batch ending at end, which did not return:
// it panicked with v, or called runtime.Goexit (v is nil). It returns where
// the batch goes on.
func (r *run[T]) abort(i, end int64, v any) int64 {
	if v == nil { // runtime.Goexit: this goroutine is ending, hand the rest over.
		r.fail(i, ErrGoexit)
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for s := i + 1; s < end; {
				s = r.runBatch(s, end)
			}
			r.work()
		}()
		return end
	}
	r.mu.Lock()
	if r.panicked == nil {
		r.panicked = &PanicError{Task: int(i), Value: v, Stack: debug.Stack()}
	}
	r.mu.Unlock()
	return i + 1
}

func (r *run[T]) fail(i int64, err error) {
	r.mu.Lock()
	r.errs = append(r.errs, indexedErr{int(i), err})
	r.mu.Unlock()
}
