// Package failfast runs tasks that share a context, where the first failure
// cancels that context for the rest: Rust's try_join! and `?` on a Result. It
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
// the context's done channel and one more deferred call per task (the one
// that tells a task's runtime.Goexit from its panic(nil) under
// GODEBUG=panicnil=1).
//
// The impls.Impls table (package patterns/failfast/impls) sets the
// alternatives beside it; docs/failfast.md has how they differ, the
// measurements and the designs rejected, each figure with its run.
package failfast
