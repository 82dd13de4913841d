package contract

import (
	"sync"
	"testing"
	"testing/synctest"
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
		{Name: "serial", Fn: serial, Deviations: map[string]string{"dependent": "runs one task at a time"},
			Fails: map[string]string{"dependent": `deadlock`}},
	}, depsCase(20))
}

func TestCheckDepsFull(t *testing.T) {
	// The full sets, up to 10000 tasks, with a goroutine per task.
	Run(t, []Impl[func(*Deps) []error]{{Name: "per-task", Fn: perTask}}, depsCase(0))
}

func TestCheckDepsSizes(t *testing.T) {
	// The own implementations get every set; the alternatives every set
	// but under the race detector (AltMaxN), and never beyond their own
	// bound.
	for _, c := range []struct {
		impl       string
		maxN, want int
	}{
		{"own", 0, 10000},
		{"own", 1000, 1000},
		{"lib", 0, altLargest},
		{"lib", 20, 20},
	} {
		largest := 0
		CheckDeps(t, c.impl, c.maxN, func(d *Deps) {
			perTask(d)
			largest = max(largest, d.N)
		})
		if largest != c.want {
			t.Errorf("CheckDeps(%q, maxN %d): largest set %d tasks; want %d", c.impl, c.maxN, largest, c.want)
		}
	}
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
	// The random sets wait on earlier and on later indices, near (at most
	// 10 apart) and far (more than n/2).
	for _, n := range []int{1000, 10000} {
		d := randomDeps(n)
		var later, earlier, near, far bool
		for a, bs := range d.waitsFor {
			for _, b := range bs {
				later, earlier = later || b > a, earlier || b < a
				near, far = near || abs(b-a) <= 10, far || abs(b-a) > n/2
			}
		}
		if !later || !earlier || !near || !far {
			t.Errorf("%s: later %v, earlier %v, near %v, far %v; want all", d.Name, later, earlier, near, far)
		}
	}
	if got := len(DepSets(3)); got != 6 {
		t.Errorf("len(DepSets(3)) = %d; want 6 (n=2: 0 and 1 both ways; n=3: 0 and 1, 0 and 2, both ways)", got)
	}
}

// TestWatchdogStallNotSlowness checks that the watchdog tells a deadlock
// (no task starts or finishes for DepsDeadline) from a slow call that keeps
// making progress, however long the call takes in all.
func TestWatchdogStallNotSlowness(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Task 0 waits for the last task; a task starts every 0.6
		// deadlines, so the call takes 2.4 deadlines and never stalls.
		slow := &recorder{tb: t}
		d := NewDeps("slow", 4, [2]int{}, [2]int{0, 3})
		if !checkSet(slow, d, 0, func(d *Deps) {
			var wg sync.WaitGroup
			for i := range d.N {
				time.Sleep(DepsDeadline * 6 / 10)
				wg.Go(func() { d.Task(i) })
			}
			wg.Wait()
		}) || slow.failed() {
			t.Errorf("a slow call that keeps making progress was failed: %s", slow.summary())
		}

		// Every task finishes at once, then the call takes 2 deadlines to
		// return (draining results): no wait is left to deadlock.
		drain := &recorder{tb: t}
		d = NewDeps("drain", 4, [2]int{}, [2]int{0, 3})
		if !checkSet(drain, d, 0, func(d *Deps) {
			perTask(d)
			time.Sleep(2 * DepsDeadline)
		}) || drain.failed() {
			t.Errorf("a call whose tasks had all finished was failed: %s", drain.summary())
		}

		// The same set run serially stalls at task 0 for good.
		stuck := &recorder{tb: t}
		d = NewDeps("stuck", 4, [2]int{}, [2]int{0, 3})
		start := time.Now()
		if checkSet(stuck, d, 0, func(d *Deps) { serial(d) }) || !stuck.failed() {
			t.Errorf("a deadlocked call was not caught")
		}
		if took := time.Since(start); took > DepsDeadline+DepsDeadline/10 {
			t.Errorf("the deadlock was caught after %v; want about %v", took, DepsDeadline)
		}
	})
}

func abs(x int) int { return max(x, -x) }
