package firstdone

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

// fakeStarter counts the runs of each task; it is settled from the
// settleAt-th question on (handOff asks before each task, from one
// goroutine), and each run takes spin of CPU without blocking.
type fakeStarter struct {
	runs     []atomic.Int32
	asked    int32
	settleAt int32
	spin     time.Duration
	wg       sync.WaitGroup
}

func newFakeStarter(n int, settleAt int32, spin time.Duration) *fakeStarter {
	s := &fakeStarter{runs: make([]atomic.Int32, n), settleAt: settleAt, spin: spin}
	s.wg.Add(n)
	return s
}

func (s *fakeStarter) run(i int) {
	s.runs[i].Add(1)
	for begin := time.Now(); time.Since(begin) < s.spin; {
	}
	s.wg.Done()
}

func (s *fakeStarter) settled() bool {
	s.asked++
	return s.settleAt >= 0 && s.asked > s.settleAt
}

// handOff leaves the rest of the tasks to the tree once settled, or once its
// tasks turn out not to block, and every task runs exactly once either way.
func TestHandOffSwitch(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name     string
		n        int
		settleAt int32
		spin     time.Duration
		want     int // the first task left to the tree; -1 for none
	}{
		{"never settled", 100, -1, 0, -1},
		{"settled at once", 100, 1, 0, 1},
		{"settled midway", 1000, 500, 0, 500},
		// 20 µs of CPU per task, on one P: the first clock check finds
		// 16 tasks took at least 320 µs, above the (16+32)*2 µs allowed.
		{"slow to block", 1000, -1, 20 * time.Microsecond, handOffCheck},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := -1
			treeHook = func(i int) { first = i }
			defer func() { treeHook = nil }()
			var s *fakeStarter
			call := func() {
				s = newFakeStarter(tc.n, tc.settleAt, tc.spin)
				done := make(chan struct{})
				go func() { handOff(s, tc.n); close(done) }()
				s.wg.Wait()
				<-done // first is written before handOff returns
			}
			if tc.spin == 0 {
				// In a bubble the clock stands still while tasks run, so
				// only settled can end the hand-off, however slow the
				// machine.
				synctest.Test(t, func(*testing.T) { call() })
			} else {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
				call()
			}
			for i := range s.runs {
				if c := s.runs[i].Load(); c != 1 {
					t.Fatalf("task %d ran %d times; want 1", i, c)
				}
			}
			if first != tc.want {
				t.Errorf("handOff left tasks from %d on to the tree; want %d (-1: none)", first, tc.want)
			}
		})
	}
}
