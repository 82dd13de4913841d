//go:build linux || darwin

package starve

import (
	"os/exec"
	"syscall"
)

// killGroup starts cmd in a process group of its own and makes cancelling
// it kill the whole group with SIGKILL: the hogs cannot be asked to stop,
// and nothing the child started may outlive it.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

// limitCPU makes the kernel kill this process once it has used seconds of
// CPU time.
func limitCPU(seconds int) error {
	var rl syscall.Rlimit
	rl.Cur, rl.Max = uint64(seconds), uint64(seconds)
	return syscall.Setrlimit(syscall.RLIMIT_CPU, &rl)
}
