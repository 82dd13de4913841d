package failfast

import (
	"context"
	"sync"

	"github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"
)

// Func is the signature every implementation in [Impls] shares: run tasks
// with a shared context that the first failure cancels, at most limit at once
// if limit > 0 and the implementation has a limit, and return the error.
type Func func(ctx context.Context, limit int, tasks []func(context.Context) error) error

// PanicMode says what an implementation does when a task panics.
type PanicMode string

const (
	// Repanic: the other tasks finish, then the caller of Wait panics.
	Repanic PanicMode = "repanic"
	// Crash: the panic ends the process, as any unrecovered panic in a
	// goroutine does; the caller cannot recover it.
	Crash PanicMode = "crash"
)

// Impl is one way to write the fail-fast pattern.
type Impl struct {
	Name string
	Run  Func
	// AllErrors: Run returns every task's error joined, not only the first.
	AllErrors bool
	Panics    PanicMode
	// Deviations maps a clause of the contract (a contract test case name)
	// to how this implementation departs from it. The contract tests check
	// that each one really does.
	Deviations map[string]string
	// Use says when this implementation is the right choice.
	Use string
}

// Impls lists the implementations the contract tests and benchmarks compare,
// the project's own first.
var Impls = []Impl{
	{Name: "own", Run: Own, Panics: Repanic,
		Use: "the default: errgroup's cost without a limit (no significant difference measured); with a limit, nothing queued starts after a failure"},
	{Name: "ownall", Run: OwnAll, AllErrors: true, Panics: Repanic,
		Use: "when every failure must be reported (validating many inputs); measured at own's cost"},
	{Name: "errgroup", Run: ErrGroup, Panics: Crash,
		Deviations: map[string]string{
			"skip-after-cancel": "SetLimit's Go starts every queued task after the failure; only the task can check ctx",
		},
		Use: "unlimited groups where a panic should crash the process at once; with SetLimit it runs all queued work after a failure"},
	{Name: "concpool", Run: ConcPool, Panics: Repanic,
		Deviations: map[string]string{
			"cause":             "the context is made with WithCancel: context.Cause is context.Canceled, not the error",
			"skip-after-cancel": "queued tasks are handed to workers and run after the cancel",
		},
		Use: "code already built on conc; dearer per task than errgroup, a slower cancel, and the failure is not the context's cause"},
	{Name: "concall", Run: ConcAll, AllErrors: true, Panics: Repanic,
		Deviations: map[string]string{
			"cause":             "the context is made with WithCancel: context.Cause is context.Canceled, not the error",
			"skip-after-cancel": "queued tasks are handed to workers and run after the cancel",
		},
		Use: "as concpool, when every error is wanted"},
	{Name: "handrolled", Run: HandRolled, Panics: Crash,
		Deviations: map[string]string{"limit": "no limit: every task gets a goroutine at once"},
		Use:        "teaching: the pattern in twenty lines; no faster than errgroup, and no limit"},
}

// Own runs the tasks in a [Group], with [Limit] if limit > 0.
func Own(ctx context.Context, limit int, tasks []func(context.Context) error) error {
	return runGroup(ctx, limit, tasks)
}

// OwnAll runs the tasks in a [Group] with [AllErrors], and [Limit] if
// limit > 0.
func OwnAll(ctx context.Context, limit int, tasks []func(context.Context) error) error {
	return runGroup(ctx, limit, tasks, AllErrors())
}

func runGroup(ctx context.Context, limit int, tasks []func(context.Context) error, opts ...Option) error {
	if limit > 0 {
		opts = append(opts, Limit(limit))
	}
	g, _ := New(ctx, opts...)
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
