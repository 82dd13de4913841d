// Package impls holds the ways people write the fail-fast pattern, next to
// the project's own [failfast.Group], behind one signature, so that the
// contract tests and the benchmarks loop over one table: [Impls].
//
// It is apart from package failfast so that a program that uses a
// failfast.Group does not import conc and errgroup. How the implementations
// differ, and what the benchmarks measured, is in docs/failfast.md.
package impls

import (
	"context"
	"sync"

	"github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"

	"github.com/concbench/concbench/patterns/alt"
	"github.com/concbench/concbench/patterns/failfast"
)

// Func is the signature every implementation in [Impls] shares: run tasks
// with a shared context that the first failure cancels, at most limit at once
// if limit > 0 and the implementation has a limit, and return the error.
type Func func(ctx context.Context, limit int, tasks []func(context.Context) error) error

// Impl is one way to write the fail-fast pattern.
type Impl struct {
	alt.Meta
	Run Func
	// AllErrors: Run returns every task's error joined, not only the first.
	AllErrors bool
}

// Impls lists the implementations the contract tests and benchmarks compare,
// the project's own first.
var Impls = []Impl{
	{Meta: alt.Meta{Name: "own", Panics: alt.Repanic}, Run: Own},
	{Meta: alt.Meta{Name: "ownall", Panics: alt.Repanic}, Run: OwnAll, AllErrors: true},
	{Meta: alt.Meta{Name: "errgroup", Panics: alt.Crash, Deviations: map[string]string{
		"skip-after-cancel": "SetLimit's Go starts every queued task after the failure; only the task can check ctx",
		"parent":            "tasks start under a parent context already cancelled, and Run returns nil: only a task can check ctx",
		"goexit":            "a task that calls runtime.Goexit fails nothing: the others are not cancelled, and Run waits for them (here, forever)",
	}}, Run: ErrGroup},
	{Meta: alt.Meta{Name: "concpool", Panics: alt.Repanic, Deviations: map[string]string{
		"cause":             "the context is made with WithCancel: context.Cause is context.Canceled, not the error",
		"skip-after-cancel": "queued tasks are handed to workers and run after the cancel",
		"parent":            "tasks start under a parent context already cancelled, and Run returns nil: only a task can check ctx",
		"goexit":            "a task that calls runtime.Goexit fails nothing: the others are not cancelled, and Run waits for them (here, forever)",
	}}, Run: ConcPool},
	{Meta: alt.Meta{Name: "concall", Panics: alt.Repanic, Deviations: map[string]string{
		"cause":             "the context is made with WithCancel: context.Cause is context.Canceled, not the error",
		"skip-after-cancel": "queued tasks are handed to workers and run after the cancel",
		"parent":            "tasks start under a parent context already cancelled, and Run returns nil: only a task can check ctx",
		"goexit":            "a task that calls runtime.Goexit fails nothing: the others are not cancelled, and Run waits for them (here, forever)",
	}}, Run: ConcAll, AllErrors: true},
	{Meta: alt.Meta{Name: "handrolled", Panics: alt.Crash, Deviations: map[string]string{
		"limit":  "no limit: every task gets a goroutine at once",
		"parent": "tasks start under a parent context already cancelled, and Run returns nil: only a task can check ctx",
		"goexit": "a task that calls runtime.Goexit fails nothing: the others are not cancelled, and Run waits for them (here, forever)",
	}}, Run: HandRolled},
}

// Own runs the tasks in a [failfast.Group], with [failfast.Limit] if limit > 0.
func Own(ctx context.Context, limit int, tasks []func(context.Context) error) error {
	return runGroup(ctx, limit, tasks)
}

// OwnAll runs the tasks in a [failfast.Group] with [failfast.AllErrors], and [failfast.Limit] if
// limit > 0.
func OwnAll(ctx context.Context, limit int, tasks []func(context.Context) error) error {
	return runGroup(ctx, limit, tasks, failfast.AllErrors())
}

func runGroup(ctx context.Context, limit int, tasks []func(context.Context) error, opts ...failfast.Option) error {
	if limit > 0 {
		opts = append(opts, failfast.Limit(limit))
	}
	g, _ := failfast.New(ctx, opts...)
	for _, t := range tasks {
		g.Go(t)
	}
	return g.Wait()
}

// ErrGroup uses x/sync's errgroup.WithContext, with SetLimit if limit > 0.
func ErrGroup(ctx context.Context, limit int, tasks []func(context.Context) error) error {
	g, ctx := errgroup.WithContext(ctx)
	if limit > 0 {
		g.SetLimit(limit)
	}
	for _, t := range tasks {
		g.Go(func() error { return t(ctx) })
	}
	return g.Wait()
}

// ConcPool uses conc's context pool that cancels on the first error and
// returns only that error, with WithMaxGoroutines if limit > 0.
func ConcPool(ctx context.Context, limit int, tasks []func(context.Context) error) error {
	return runConc(concPool(ctx, limit).WithFirstError(), tasks)
}

// ConcAll uses conc's context pool that cancels on the first error and
// returns every task's error joined.
func ConcAll(ctx context.Context, limit int, tasks []func(context.Context) error) error {
	return runConc(concPool(ctx, limit), tasks)
}

func concPool(ctx context.Context, limit int) *pool.ContextPool {
	p := pool.New().WithErrors()
	if limit > 0 {
		p = p.WithMaxGoroutines(limit)
	}
	return p.WithContext(ctx).WithCancelOnError()
}

func runConc(p *pool.ContextPool, tasks []func(context.Context) error) error {
	for _, t := range tasks {
		p.Go(t)
	}
	return p.Wait()
}

// HandRolled is the pattern written out with a sync.WaitGroup, a sync.Once
// and context.WithCancelCause: a goroutine per task, no limit (limit is
// ignored), no panic handling.
func HandRolled(ctx context.Context, _ int, tasks []func(context.Context) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, t := range tasks {
		wg.Go(func() {
			if err := t(ctx); err != nil {
				once.Do(func() {
					first = err
					cancel(err)
				})
			}
		})
	}
	wg.Wait()
	return first
}
