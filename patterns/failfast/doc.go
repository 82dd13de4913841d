// Package failfast runs tasks that share a context, where the first failure
// cancels that context for the rest: Go's try_join! and `?` on a Result. It
// is golang.org/x/sync's errgroup.WithContext, with three differences that
// matter once tasks fail, panic or queue behind a limit:
//
//   - tasks that had not started when the context was cancelled are never
//     started, also those queued behind a [Limit] (errgroup's Go starts them
//     all after a failure, and only a task that checks its context can
//     stop early);
//   - a panic in a task is re-panicked in the caller of [Group.Wait], as a
//     *[PanicError] with the value and the task's stack, after every started
//     task has returned; the panic also cancels the context, with the
//     PanicError as cause (errgroup v0.22.0 lets the panic crash the process);
//   - [AllErrors] returns every error, joined, not only the first.
//
// It costs what errgroup costs: a context per group and a goroutine per
// started task. The unlimited paths are errgroup's code plus two reads of
// the context's done channel per task.
//
// # The implementations compared
//
// [Impls] holds the other ways to write the pattern behind one signature,
// [Func], so the contract tests and benchmarks loop over one table. How they
// differ; the contract tests check every difference from own, as a declared
// deviation that must fail (Impl.Deviations), as a crash in a child process,
// or by the mode the row promises (Impl.AllErrors, Impl.Panics):
//
//	impl        context.Cause    limit              queued tasks after   errors returned      a task panics
//	                                                 the failure
//	own         the error        Limit(n)           not started          first                Wait re-panics *PanicError
//	ownall      the error        Limit(n)           not started          all (errors.Join)    Wait re-panics *PanicError
//	errgroup    the error        SetLimit(n)        started              first                the process crashes
//	concpool    context.Canceled WithMaxGoroutines  started              first                Wait re-panics *panics.Recovered
//	concall     context.Canceled WithMaxGoroutines  started              all (joined)         Wait re-panics *panics.Recovered
//	handrolled  the error        none               (none are queued)    first                the process crashes
//
// conc v0.3.0's context pool is built with context.WithCancel, so the cause
// its tasks see is context.Canceled, and it has no WithFailFast; concpool is
// WithCancelOnError plus WithFirstError, concall is WithCancelOnError alone.
// concall's joined error also holds every sibling's own error (usually the
// context's), while ownall lists an error identical to the first only once.
//
// # Which to use
//
// Measured with BenchmarkFailFast at -cpu 2 on the shared 2-core development
// machine (medians of 12 interleaved runs; other benchmarks loaded the
// machine, so intervals are ±15-45%):
//
//   - Happy path, tiny tasks: own, ownall, errgroup and handrolled cost
//     550-750 ns per task, a bare sync.WaitGroup 545-670 ns; no difference
//     among them was significant. conc's pools cost 930-1010 ns per task,
//     significantly more (+47% to +78% on the WaitGroup).
//   - One failure, the other tasks waiting on the context: own, ownall,
//     errgroup and handrolled return 4-4.5 µs after the failure at n=16 and
//     0.4-0.53 ms at n=1024 (waking 1023 goroutines), with no significant
//     difference among them; concpool takes 1.5-2x as long, concall 2.5-3.5x.
//   - Limit GOMAXPROCS, 1024 CPU tasks of ~10 µs that ignore the context,
//     the 10th failing: own returns in about 0.28 ms, errgroup and conc in
//     11-13 ms (40x), because they start all 1014 queued tasks
//     (wasted-tasks); own started 0.002 tasks per call after the failure on
//     average (a task whose check raced the cancel). At n=16: 0.13 ms
//     against 0.2 ms, 6.4 wasted tasks per call for errgroup.
//
// So: own (or ownall when every failure must be reported) everywhere; it is
// errgroup's cost where errgroup is right and far cheaper with a limit.
// errgroup when a panic should crash the process at once rather than wait
// for the siblings. conc's pools only in code already built on conc, and not
// where the cause of the cancel matters.
//
// # Designs rejected
//
//   - A fixed set of limit workers pulling from a queue, instead of a
//     goroutine per task behind a semaphore: Go would have to queue tasks
//     without bound or block anyway, and the goroutine per task is what
//     keeps the unlimited path at errgroup's cost.
//   - Checking the context only in Go: a goroutine created just before a
//     failure would still run its task; checking again when it begins costs
//     one channel read.
//   - Cancelling the context after giving back the limit slot: a blocked Go
//     could take the slot and start a task before the cancel. The slot is
//     given back after the failure is recorded and the context cancelled.
//   - Joining every error in AllErrors mode, including copies of the first:
//     siblings that report context.Cause(ctx) would repeat it once each.
//   - Re-panicking with the bare value: the task's stack would be lost.
//     errgroup's reasons for not carrying panics at all (they delay the
//     crash, and a deadlock can hide them) are real; the cancel on panic
//     is what bounds the delay here, for tasks that watch their context.
package failfast
