//go:build linux

package starve

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// checkGone checks that process pid no longer exists. Watch reaps its
// child, so the child must be gone at once; a grandchild (orphan) may be
// left a zombie until init reaps it, and gets a few seconds to die.
func checkGone(t *testing.T, pid int, orphan bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		state, err := procState(pid)
		if err != nil || orphan && state == "Z" {
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

// procState returns the state letter of process pid from /proc, or an error
// if there is no such process.
func procState(pid int) (string, error) {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return "", err
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", err
	}
	// pid (comm) state ...: comm may hold spaces, so split after its ')'.
	_, rest, _ := strings.Cut(string(b), ") ")
	state, _, _ := strings.Cut(rest, " ")
	return state, nil
}
