package contract

import (
	"sync"
	"testing"
	"time"
)

// perTask runs every task in a goroutine of its own; serial runs them one
// after another, as an implementation that holds tasks back would.
func perTask(d *Deps) []error {
	errs := make([]error, d.N)
	var wg sync.WaitGroup
	for i := range d.N {
		wg.Go(func() { errs[i] = d.Task(i) })
	}
	wg.Wait()
	return errs
}

func serial(d *Deps) []error {
	errs := make([]error, d.N)
	for i := range d.N {
		errs[i] = d.Task(i)
	}
	return errs
}

// depsCase checks run against the dependency sets of at most maxN tasks.
func depsCase(maxN int) []Case[func(*Deps) []error] {
	return []Case[func(*Deps) []error]{{Name: "dependent", Check: func(t T, run func(*Deps) []error) {
		CheckDeps(t, "own", maxN, func(d *Deps) {
			for i, err := range run(d) {
				if err != nil {
					t.Errorf("%s: task %d: %v", d.Name, i, err)
					return
				}
			}
		})
	}}}
}

func TestCheckDeps(t *testing.T) {
	defer func(d time.Duration) { DepsDeadline = d }(DepsDeadline)
	DepsDeadline = 2 * time.Second // serial deadlocks on the first set that needs overlap
	Run(t, []Impl[func(*Deps) []error]{
		{Name: "per-task", Fn: perTask},
		{Name: "serial", Fn: serial, Deviations: map[string]string{"dependent": "runs one task at a time"}},
	}, depsCase(20))
}

func TestCheckDepsFull(t *testing.T) {
	// The full sets, up to 10000 tasks, with a goroutine per task.
	Run(t, []Impl[func(*Deps) []error]{{Name: "per-task", Fn: perTask}}, depsCase(0))
}

func TestDepSets(t *testing.T) {
	// Every set is one a goroutine per task completes; the sizes the
	// contract promises are there.
	sizes := map[int]bool{}
	for _, d := range DepSets(0) {
		sizes[d.N] = true
	}
	for _, n := range []int{2, 20, 10000, 2000} {
		if !sizes[n] {
			t.Errorf("no dependency set of %d tasks; want one", n)
		}
	}
	if got := len(DepSets(3)); got != 6 {
		t.Errorf("len(DepSets(3)) = %d; want 6 (n=2: 0 and 1 both ways; n=3: 0 and 1, 0 and 2, both ways)", got)
	}
}
