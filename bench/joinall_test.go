package bench

import (
	"testing"

	"github.com/concbench/concbench/internal/suite"

	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/patterns/joinall"
)

// BenchmarkJoinAll models join_all over n independent tasks of one kind:
// tiny (~20 ns of CPU), cpu (~10 µs of CPU) or wait (a 1 ms sleep that burns
// no CPU). impl=serial runs the same tasks one after another: the lower bound
// for CPU work is its time divided by GOMAXPROCS; for wait work the lower
// bound is one wait, its ns/task.
//
// Cells left out, because they take long and add nothing the others do not
// show: task=cpu at n=100000 (0.5 s per op for every impl; n=1000 already has
// the work dominate start-up), task=wait at n=100000 (n=1000 already shows the
// overlap; 100000 timers measure the timer heap, not the join), and
// impl=serial with task=wait at n=1000 (one second per op; its per-task time
// is the n=10 cell's), impl=osthread at n=100000 (a thread per task: seconds
// per op, and n=1000 already gives its per-task cost). It leaves out tasks of mixed kinds and the cost of
// building the task slice, which is set up outside the loop.
func BenchmarkJoinAll(b *testing.B) {
	for _, im := range joinall.Impls {
		for _, n := range []int{10, 1000, 100000} {
			for _, kind := range work.Kinds {
				if n == 100000 && (kind != suite.Tiny || im.Name == suite.OSThread) || im.Name == suite.Serial && kind == suite.Wait && n > 10 {
					continue
				}
				tasks := joinTasks(kind, n)
				b.Run(suite.Name(suite.Impl.Is(im.Name), suite.N.Is(n), suite.Task.Is(kind)), func(b *testing.B) {
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

func joinTasks(kind string, n int) []func() (int, error) {
	tasks := make([]func() (int, error), n)
	for i := range tasks {
		switch kind {
		case suite.Tiny:
			tasks[i] = func() (int, error) { return work.Tiny(i), nil }
		case suite.CPU:
			tasks[i] = func() (int, error) { return work.CPU(i), nil }
		case suite.Wait:
			tasks[i] = func() (int, error) { return work.Sleep(i), nil }
		default:
			panic("bench: unknown task kind " + kind)
		}
	}
	return tasks
}
