package bench

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/suite"
	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/patterns/alt"
	failfastimpls "github.com/concbench/concbench/patterns/failfast/impls"
)

// BenchmarkFailFast models the errgroup pattern in three cells:
//
//   - task=ok: the happy path, n tiny tasks (~40 ns of CPU) and no error; the
//     overhead per task (ns/task) against impl=waitgroup, a plain
//     sync.WaitGroup with no context and no error handling. task=mixed and
//     task=skewed (n=1024 only) are the happy path with the tasks of
//     internal/work's mixed kind (a 1 ms wait on the context in 10) and
//     skewed kind (CPU work of heavy-tailed sizes).
//   - task=fail: the last task submitted fails at once while the n-1 others
//     wait on the context; cancel-ns is the time from the failure to Wait
//     returning, the median over the sample's ops: how fast the cancel
//     reaches every sibling.
//   - task=cpufail: a limited group (limit = GOMAXPROCS) of n CPU tasks
//     (~10 µs each) that never look at the context; the 10th fails after its
//     work. wasted-tasks counts tasks started after the failure was recorded,
//     the mean over the sample's ops (a count, not a span: no single op can
//     move it further than n); sec/op shows what that waste costs.
//
// Cells left out: impl=waitgroup outside task=ok (it cannot cancel, so the
// waiting siblings of task=fail would never return), and impl=handrolled at
// task=cpufail (it has no limit). It leaves out tasks that return errors
// late, nested groups, and building the task slice (done outside the loop).
func BenchmarkFailFast(b *testing.B) {
	oneCPU(b)
	impls := append([]failfastimpls.Impl{{Meta: alt.Meta{Name: suite.WaitGroup}, Run: waitGroupBaseline}}, failfastimpls.Impls...)
	for _, im := range impls {
		_, unlimited := im.Deviations["limit"]
		for _, n := range []int{16, 1024} {
			b.Run(suite.Name(suite.Impl.Is(im.Name), suite.N.Is(n), suite.Task.Is(suite.OK)), func(b *testing.B) {
				benchOK(b, im.Run, n, suite.OK)
			})
			for _, kind := range []string{suite.Mixed, suite.Skewed} {
				if n == 1024 {
					b.Run(suite.Name(suite.Impl.Is(im.Name), suite.N.Is(n), suite.Task.Is(kind)), func(b *testing.B) {
						benchOK(b, im.Run, n, kind)
					})
				}
			}
			if im.Name == suite.WaitGroup {
				continue
			}
			b.Run(suite.Name(suite.Impl.Is(im.Name), suite.N.Is(n), suite.Task.Is(suite.Fail)), func(b *testing.B) {
				benchFail(b, im.Run, n)
			})
			if unlimited {
				continue
			}
			b.Run(suite.Name(suite.Impl.Is(im.Name), suite.N.Is(n), suite.Task.Is(suite.CPUFail)), func(b *testing.B) {
				benchCPUFail(b, im.Run, n)
			})
		}
	}
}

var errBench = errors.New("bench: task failed")

// benchOK runs n tasks of kind (suite.OK: tiny) that all succeed.
func benchOK(b *testing.B, run failfastimpls.Func, n int, kind string) {
	sink := make([]int, n) // each task's own slot keeps its work alive
	tasks := make([]func(context.Context) error, n)
	for i := range tasks {
		switch {
		case kind == suite.Skewed:
			tasks[i] = func(context.Context) error { sink[i] = work.Skewed(i); return nil }
		case kind == suite.Mixed && work.MixedWaits(i):
			tasks[i] = func(ctx context.Context) (err error) { sink[i], err = work.Wait(ctx, i); return err }
		default:
			tasks[i] = func(context.Context) error { sink[i] = work.Tiny(i); return nil }
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := run(ctx, 0, tasks); err != nil {
			b.Fatal(err)
		}
	}
	perTask(b, n)
}

func benchFail(b *testing.B, run failfastimpls.Func, n int) {
	var failedAt time.Time // written by the failing task, read after Wait
	tasks := make([]func(context.Context) error, n)
	for i := range tasks {
		tasks[i] = func(ctx context.Context) error {
			<-ctx.Done()
			return context.Cause(ctx)
		}
	}
	tasks[n-1] = func(context.Context) error {
		failedAt = time.Now()
		return errBench
	}
	ctx := context.Background()
	cancel := newSpans()
	b.ReportAllocs()
	for b.Loop() {
		if err := run(ctx, 0, tasks); !errors.Is(err, errBench) {
			b.Fatalf("err = %v; want %v", err, errBench)
		}
		cancel.add(int64(time.Since(failedAt)))
	}
	reportMedian(b, cancel, suite.CancelNs)
}

func benchCPUFail(b *testing.B, run failfastimpls.Func, n int) {
	const failing = 9 // the 10th task
	var wasted atomic.Int64
	sink := make([]int, n)
	tasks := make([]func(context.Context) error, n)
	for i := range tasks {
		tasks[i] = func(ctx context.Context) error {
			// Every implementation cancels the context when it records the
			// failure, so a task that starts with ctx done started after it.
			// The task itself ignores ctx: this check only measures.
			if ctx.Err() != nil {
				wasted.Add(1)
			}
			sink[i] = work.CPU(i)
			if i == failing {
				return errBench
			}
			return nil
		}
	}
	ctx := context.Background()
	limit := runtime.GOMAXPROCS(0)
	b.ReportAllocs()
	for b.Loop() {
		if err := run(ctx, limit, tasks); !errors.Is(err, errBench) {
			b.Fatalf("err = %v; want %v", err, errBench)
		}
	}
	b.ReportMetric(float64(wasted.Load())/float64(b.N), suite.WastedTasks)
}

// waitGroupBaseline is the floor of task=ok: a goroutine per task and a
// sync.WaitGroup, no context of its own, no error handling.
func waitGroupBaseline(ctx context.Context, _ int, tasks []func(context.Context) error) error {
	var wg sync.WaitGroup
	wg.Add(len(tasks))
	for _, t := range tasks {
		go func() {
			defer wg.Done()
			t(ctx)
		}()
	}
	wg.Wait()
	return nil
}
