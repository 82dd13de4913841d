package bench

import (
	"slices"
	"testing"

	"github.com/concbench/concbench/internal/suite"
	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/patterns/joinall/impls"
)

// BenchmarkJoinAll models join_all over n independent tasks: every task of
// one kind, tiny (~40 ns of CPU), cpu (~10 µs of CPU) or wait (a 1 ms sleep
// that burns no CPU), or a mix that looks like a real caller's (n=1000 only):
// mixed (tiny tasks with one 1 ms sleep in 10, in a fixed shuffled order),
// skewed (CPU work of heavy-tailed sizes, mean ~1.4 µs, largest ~0.8 ms) and
// fastslow (500 tiny tasks, then 500 sleeps). impl=serial runs the same tasks
// one after another: the lower bound for CPU work is its time divided by
// GOMAXPROCS (the cores, if fewer), and for skewed at least its largest
// task, 42% of the work at n=1000; for wait work the lower bound is one
// wait, its ns/task.
//
// Cells left out, because they take long and add nothing the others do not
// show: task=cpu at n=100000 (0.5 s per op for every impl; n=1000 already has
// the work dominate start-up), task=wait at n=100000 (n=1000 already shows the
// overlap; 100000 timers measure the timer heap, not the join), and
// impl=serial with waiting tasks at n=1000 (0.1 to 1 s per op; its per-task
// time is the n=10 cell's), impl=osthread at n=100000 and with the mixes (a
// thread per task: n=1000 of one kind already gives its per-task cost), and
// impl=wggo with the mixes (impl=waitgroup written with WaitGroup.Go). It
// leaves out the cost of building the task slice, which is set up outside
// the loop.
func BenchmarkJoinAll(b *testing.B) {
	oneCPU(b)
	for _, im := range impls.Impls {
		for _, n := range []int{10, 1000, 100000} {
			for _, kind := range work.Kinds {
				if !joinCell(im.Name, n, kind) {
					continue
				}
				b.Run(suite.Name(suite.Impl.Is(im.Name), suite.N.Is(n), suite.Task.Is(kind)), func(b *testing.B) {
					tasks := joinTasks(kind, n) // here, not for the cells -bench leaves out
					b.ReportAllocs()
					for b.Loop() {
						if _, err := im.Run(tasks); err != nil {
							b.Fatal(err)
						}
					}
					perTask(b, n)
				})
			}
		}
	}
}

// joinCell reports whether BenchmarkJoinAll runs impl with n tasks of kind.
func joinCell(impl string, n int, kind string) bool {
	waits := kind != suite.Tiny && kind != suite.CPU && kind != suite.Skewed
	switch {
	case slices.Contains(suite.Mixes, kind):
		return n == 1000 && impl != suite.OSThread && impl != "wggo" && !(impl == suite.Serial && waits)
	case n == 100000:
		return kind == suite.Tiny && impl != suite.OSThread
	}
	return !(impl == suite.Serial && waits && n > 10)
}

func joinTasks(kind string, n int) []func() (int, error) {
	tasks := make([]func() (int, error), n)
	for i := range tasks {
		switch {
		case kind == suite.Tiny,
			kind == suite.Mixed && !work.MixedWaits(i),
			kind == suite.FastSlow && !work.FastSlowWaits(i, n):
			tasks[i] = func() (int, error) { return work.Tiny(i), nil }
		case kind == suite.CPU:
			tasks[i] = func() (int, error) { return work.CPU(i), nil }
		case kind == suite.Skewed:
			tasks[i] = func() (int, error) { return work.Skewed(i), nil }
		case kind == suite.Wait, kind == suite.Mixed, kind == suite.FastSlow:
			tasks[i] = func() (int, error) { return work.Sleep(i), nil }
		default:
			panic("bench: unknown task kind " + kind)
		}
	}
	return tasks
}
