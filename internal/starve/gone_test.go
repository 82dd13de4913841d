//go:build linux

package starve

import (
	"syscall"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/childproc/childproctest"
)

// checkGone checks that process pid no longer exists. Watch reaps its
// child, so the child must be gone at once; a grandchild (orphan) may be
// left a zombie until init reaps it, and gets a few seconds to die.
func checkGone(t *testing.T, pid int, orphan bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		state, ok := childproctest.State(pid)
		if !ok || orphan && state == "Z" {
			return
		}
		if !orphan {
			t.Errorf("child process %d is still there (state %s) after Watch returned", pid, state)
			syscall.Kill(pid, syscall.SIGKILL)
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("process %d is still there (state %s) 5s after Watch returned", pid, state)
			syscall.Kill(pid, syscall.SIGKILL)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
