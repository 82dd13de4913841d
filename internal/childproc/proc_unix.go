//go:build unix

package childproc

import (
	"os/exec"
	"syscall"
)

// setup puts cmd in a process group of its own, makes cancelling it kill
// the group, and sets the parent-death signal where there is one.
func setup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	deathSignal(cmd.SysProcAttr)
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
