// Package impls holds the ways people write the join-all pattern, next to
// the project's own [joinall.Run], behind one signature, so that the contract
// tests and the benchmarks loop over one table: [Impls].
//
// It is apart from package joinall so that a program that calls joinall.Run
// does not import conc and errgroup.
package impls

import (
	"errors"
	"runtime"
	"sync"

	"github.com/sourcegraph/conc"
	"github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"

	"github.com/concbench/concbench/patterns/alt"
	"github.com/concbench/concbench/patterns/joinall"
)

// Func is the signature every implementation in [Impls] shares:
// [joinall.Run] for tasks returning int.
type Func func(tasks []func() (int, error)) ([]int, error)

// Impl is one way to write the join-all pattern.
type Impl struct {
	alt.Meta
	Run Func
}

// Impls lists the implementations the contract tests and benchmarks compare,
// the project's own first.
var Impls = []Impl{
	{Meta: alt.Meta{Name: "own", Panics: alt.Repanic}, Run: joinall.Run[int]},
	{Meta: alt.Meta{Name: "serial", Panics: alt.Caller, Deviations: map[string]string{
		"concurrent": "runs tasks one after another: the reference for CPU work",
		"dependent":  "a task that waits for a later task waits forever: nothing runs it",
		"goexit":     "runs tasks on the caller's goroutine: a task's runtime.Goexit ends the caller",
	}}, Run: Serial},
	{Meta: alt.Meta{Name: "waitgroup", Panics: alt.Crash, Deviations: map[string]string{"goexit": "a task that calls runtime.Goexit counts as returning its zero value and a nil error"}}, Run: WaitGroup},
	{Meta: alt.Meta{Name: "wggo", Panics: alt.Crash, Deviations: map[string]string{"goexit": "a task that calls runtime.Goexit counts as returning its zero value and a nil error"}}, Run: WaitGroupGo},
	{Meta: alt.Meta{Name: "fanin", Panics: alt.Crash, Deviations: map[string]string{
		"goexit": "a task that calls runtime.Goexit never sends its result: Run waits for it forever",
	}}, Run: FanIn},
	{Meta: alt.Meta{Name: "errgroup", Panics: alt.Crash, Deviations: map[string]string{
		"errors": "Wait returns only the first error; the others are dropped",
		"goexit": "a task that calls runtime.Goexit counts as returning its zero value and a nil error",
	}}, Run: ErrGroup},
	{Meta: alt.Meta{Name: "concwg", Panics: alt.Repanic, Deviations: map[string]string{"goexit": "a task that calls runtime.Goexit counts as returning its zero value and a nil error"}}, Run: ConcWaitGroup},
	{Meta: alt.Meta{Name: "osthread", Panics: alt.Crash, Deviations: map[string]string{"goexit": "a task that calls runtime.Goexit counts as returning its zero value and a nil error"}}, Run: OSThread},
	{Meta: alt.Meta{Name: "concpool", Panics: alt.Repanic, Deviations: map[string]string{
		"ordered": "ResultPool returns results in completion order, not submission order",
		"errors":  "results of failed tasks are dropped from the slice, and the errors are joined in completion order, not submission order",
		"goexit":  "a task that calls runtime.Goexit counts as returning a nil error, and its result is dropped from the slice",
	}}, Run: ConcPool},
}

// Serial calls the tasks one after another on the caller's goroutine: the
// lower bound for CPU work on one core. It keeps every clause of the contract
// except concurrency.
func Serial(tasks []func() (int, error)) ([]int, error) {
	results := make([]int, len(tasks))
	var errs []error
	for i, t := range tasks {
		v, err := t()
		results[i] = v
		if err != nil {
			errs = append(errs, err)
		}
	}
	return results, errors.Join(errs...)
}

// WaitGroup starts a goroutine per task and waits with sync.WaitGroup.
func WaitGroup(tasks []func() (int, error)) ([]int, error) {
	results := make([]int, len(tasks))
	errs := make([]error, len(tasks))
	var wg sync.WaitGroup
	wg.Add(len(tasks))
	for i, t := range tasks {
		go func() {
			defer wg.Done()
			results[i], errs[i] = t()
		}()
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// WaitGroupGo is [WaitGroup] written with sync.WaitGroup.Go (Go 1.25).
func WaitGroupGo(tasks []func() (int, error)) ([]int, error) {
	results := make([]int, len(tasks))
	errs := make([]error, len(tasks))
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Go(func() { results[i], errs[i] = t() })
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// OSThread is [WaitGroup] with an OS thread per task: each goroutine locks
// itself to its thread and exits still locked, so the runtime ends the thread
// instead of reusing it. It exists to measure the cost of a thread per task
// against a goroutine per task (the lesson's "do I still need threads?").
func OSThread(tasks []func() (int, error)) ([]int, error) {
	locked := make([]func() (int, error), len(tasks))
	for i, t := range tasks {
		locked[i] = func() (int, error) {
			runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
			return t()
		}
	}
	return WaitGroup(locked)
}

// FanIn starts a goroutine per task, each sending its result on one channel
// that the caller drains.
func FanIn(tasks []func() (int, error)) ([]int, error) {
	type result struct {
		i   int
		v   int
		err error
	}
	ch := make(chan result, len(tasks))
	for i, t := range tasks {
		go func() {
			v, err := t()
			ch <- result{i, v, err}
		}()
	}
	results := make([]int, len(tasks))
	errs := make([]error, len(tasks))
	for range tasks {
		r := <-ch
		results[r.i], errs[r.i] = r.v, r.err
	}
	return results, errors.Join(errs...)
}

// ErrGroup starts a goroutine per task with a zero errgroup.Group (no context)
// and returns what Wait returns: the first error only.
func ErrGroup(tasks []func() (int, error)) ([]int, error) {
	results := make([]int, len(tasks))
	var g errgroup.Group
	for i, t := range tasks {
		g.Go(func() error {
			v, err := t()
			results[i] = v
			return err
		})
	}
	return results, g.Wait()
}

// ConcWaitGroup uses conc.WaitGroup, which carries a task's panic to Wait.
func ConcWaitGroup(tasks []func() (int, error)) ([]int, error) {
	results := make([]int, len(tasks))
	errs := make([]error, len(tasks))
	var wg conc.WaitGroup
	for i, t := range tasks {
		wg.Go(func() { results[i], errs[i] = t() })
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// ConcPool uses conc's pool.NewWithResults with errors, the library's own
// shape for "run these and give me the results".
func ConcPool(tasks []func() (int, error)) ([]int, error) {
	p := pool.NewWithResults[int]().WithErrors()
	for _, t := range tasks {
		p.Go(t)
	}
	return p.Wait()
}
