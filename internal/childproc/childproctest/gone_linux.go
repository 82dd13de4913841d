package childproctest

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// State returns the state letter of process pid from /proc ("R", "S", "Z"
// for a zombie, ...), and false if there is no such process.
func State(pid int) (state string, ok bool) {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return "", false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", false
	}
	// pid (comm) state ...: comm may hold spaces, so split after its ')'.
	_, rest, _ := strings.Cut(string(b), ") ")
	state, _, _ = strings.Cut(rest, " ")
	return state, true
}

// WaitGone waits until process pid is gone or a zombie waiting to be
// reaped, for at most bound: a bound for a stuck test on a loaded machine,
// not a timing claim. If the process is still there then, WaitGone kills
// it, reports a test error and returns false.
func WaitGone(t testing.TB, pid int, bound time.Duration) bool {
	t.Helper()
	for deadline := time.Now().Add(bound); ; time.Sleep(10 * time.Millisecond) {
		state, ok := State(pid)
		if !ok || state == "Z" {
			return true
		}
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("process %d is still there (state %s)", pid, state)
			return false
		}
	}
}
