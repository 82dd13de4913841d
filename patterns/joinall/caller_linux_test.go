package joinall_test

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/concbench/concbench/patterns/joinall"
)

func TestRunNotOnCaller(t *testing.T) {
	// The caller locks its goroutine to its thread, so a task that ran on
	// the caller's goroutine would see the caller's thread id, and no other
	// goroutine can run on that thread. So a task that calls Goexit or
	// LockOSThread can never end or lock the caller.
	withProcs(t, func(t *testing.T) {
		for _, n := range []int{1, 8, 64, 1000} {
			done := make(chan struct{})
			go func() {
				defer close(done)
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				caller := syscall.Gettid()
				var onCaller atomic.Int32
				joinall.Run(tasksOf(n, func(i int) (int, error) {
					if syscall.Gettid() == caller {
						onCaller.Add(1)
					}
					return i, nil
				}))
				if c := onCaller.Load(); c != 0 {
					t.Errorf("n=%d: %d tasks ran on the caller's thread; want 0", n, c)
				}
			}()
			<-done
		}
	})
}
