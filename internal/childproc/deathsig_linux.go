package childproc

import "syscall"

// deathSignal asks the kernel to kill the child when its parent thread
// ends (see [Start]).
func deathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
